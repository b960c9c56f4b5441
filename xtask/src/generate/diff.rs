//! What `cargo xtask generate` prints about a change: a unified diff of a stale file, and the
//! breaking/additive summary of the generated surface since a commit (`--since REV`, default
//! `HEAD`).

use std::path::Path;

/// Lines of diff shown without `--verbose`.
const DIFF_PREVIEW_LINES: usize = 200;

/// Prints a unified diff of the checked-in `path` (`-`) against the fresh output (`+`).
pub(super) fn print_diff(path: &str, current: &str, fresh: &str, verbose: bool) {
    let diff = similar::TextDiff::from_lines(current, fresh);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("{path} (checked in)"),
            &format!("{path} (generated)"),
        )
        .to_string();
    let total = text.lines().count();
    if verbose || total <= DIFF_PREVIEW_LINES {
        print!("{text}");
    } else {
        for line in text.lines().take(DIFF_PREVIEW_LINES) {
            println!("{line}");
        }
        println!(
            "… {} more diff lines; rerun with -v for all",
            total - DIFF_PREVIEW_LINES
        );
    }
}

/// `path` as committed at `rev`: `Ok(None)` when `rev` is a commit without that file, an error
/// when git cannot run or `rev` names no commit.
pub(super) fn committed(root: &Path, rev: &str, path: &str) -> Result<Option<String>, String> {
    let verify = crate::git::output(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )?;
    if !verify.status.success() {
        return Err(format!("`{rev}` is not a commit git knows here"));
    }
    Ok(crate::git::show(root, rev, path)?.map(|text| text.replace("\r\n", "\n")))
}

/// Prints what changed in the generated surface, each change marked breaking or additive.
pub(super) fn print_summary(baseline: &str, fresh: &str, label: &str) {
    let (Ok(old), Ok(new)) = (
        copilot_surface::client_surface::parse(baseline),
        copilot_surface::client_surface::parse(fresh),
    ) else {
        println!("surface summary: {label} does not parse; nothing to compare");
        return;
    };
    let changes = copilot_surface::changes::changes(&old, &new);
    if changes.is_empty() {
        println!("surface: no change since {label}");
        return;
    }
    let breaking = changes.iter().filter(|c| c.breaking).count();
    println!(
        "surface changes since {label}: {} ({breaking} breaking, {} additive)",
        changes.len(),
        changes.len() - breaking
    );
    for change in &changes {
        println!("  {change}");
    }
}

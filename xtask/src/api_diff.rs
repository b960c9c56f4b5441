//! `cargo xtask api-diff [--base REV]`: what a change does to `copilot-ergonomic`'s public API,
//! for reviewers and for the pull-request workflow's job summary.
//!
//! Lists the API (`copilot_surface::crate_api`) of the working tree's
//! `crates/copilot-ergonomic/src` and of the same directory at `REV` (default `HEAD`; its files
//! come from `git ls-tree` and `git show`, held in memory), and prints each change as
//! `breaking  ...` or `additive  ...` (breaking first), or `no change to copilot-ergonomic's
//! public API`. Exit 0 whatever changed: the listing decides nothing, the reviewer does. Exit 2,
//! with the reason on stderr, if git fails (an unknown revision, no repository) or a file does
//! not parse. A revision without the directory lists as an empty API (everything is added).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use copilot_surface::crate_api::{changes, list_public_api, list_public_api_of};

/// The crate's sources, relative to the workspace root.
const SRC: &str = "crates/copilot-ergonomic/src";
/// The crate's name in paths.
const CRATE: &str = "copilot_ergonomic";

/// Runs the task with its command-line arguments.
pub(crate) fn run(args: &[String]) -> ExitCode {
    let outcome = base_of(args).and_then(|base| against(&crate::spec::workspace_root(), &base));
    match outcome {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("api-diff: {message}");
            ExitCode::from(2)
        }
    }
}

/// The revision `--base REV` (or `--base=REV`) names; `HEAD` without one.
fn base_of(args: &[String]) -> Result<String, String> {
    let usage = "usage: cargo xtask api-diff [--base REV]";
    let mut base = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "--base" => args.next().cloned(),
            other => match other.strip_prefix("--base=") {
                Some(v) => Some(v.to_string()),
                None => return Err(format!("unexpected argument `{other}`\n{usage}")),
            },
        };
        match value {
            Some(v) if !v.is_empty() => base = Some(v),
            _ => return Err(format!("--base needs a revision\n{usage}")),
        }
    }
    Ok(base.unwrap_or_else(|| "HEAD".to_string()))
}

/// The report for the working tree under `root` against `base`.
fn against(root: &Path, base: &str) -> Result<String, String> {
    let files = files_at(root, base)?;
    let old = if files.is_empty() {
        String::new()
    } else {
        list_public_api_of(&files, CRATE).map_err(|e| format!("{SRC} at {base}: {e}"))?
    };
    let new = list_public_api(&root.join(SRC), CRATE)
        .map_err(|e| format!("{SRC} in the working tree: {e}"))?;
    Ok(report(&old, &new))
}

/// The report for two source directories (`src/` of the old and of the new crate).
#[cfg(test)]
fn between(old: &Path, new: &Path) -> Result<String, String> {
    let old = list_public_api(old, CRATE)?;
    let new = list_public_api(new, CRATE)?;
    Ok(report(&old, &new))
}

/// One line per change, or the line that says there is none.
fn report(old: &str, new: &str) -> String {
    let found = changes(old, new);
    if found.is_empty() {
        return "no change to copilot-ergonomic's public API\n".to_string();
    }
    found.iter().map(|c| format!("{c}\n")).collect()
}

/// Runs git in `dir`; its stdout, or its stderr as the error.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            stderr.trim()
        ))
    }
}

/// The `.rs` files of [`SRC`] at `rev`, by path relative to it.
fn files_at(root: &Path, rev: &str) -> Result<BTreeMap<PathBuf, String>, String> {
    let top = git(root, &["rev-parse", "--show-toplevel"])?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
    let prefix = git(root, &["rev-parse", "--show-prefix"])?;
    let dir = format!("{}{SRC}", String::from_utf8_lossy(&prefix).trim());
    let commit = format!("{rev}^{{commit}}");
    git(&top, &["rev-parse", "--verify", "--quiet", &commit])
        .map_err(|_| format!("`{rev}` is not a revision of this repository"))?;
    let listed = git(
        &top,
        &["ls-tree", "-r", "-z", "--name-only", rev, "--", &dir],
    )?;
    let mut files = BTreeMap::new();
    for path in listed.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        let path = String::from_utf8_lossy(path).into_owned();
        let Some(relative) = path.strip_prefix(&format!("{dir}/")) else {
            continue;
        };
        if !relative.ends_with(".rs") {
            continue;
        }
        let text = git(&top, &["show", &format!("{rev}:{path}")])?;
        let text = String::from_utf8(text).map_err(|_| format!("{path} at {rev}: not UTF-8"))?;
        files.insert(PathBuf::from(relative), text);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `src/` with `files`, in a directory of its own under the system's temp dir.
    struct Src(PathBuf);

    impl Src {
        fn new(name: &str, files: &[(&str, &str)]) -> Src {
            let dir =
                std::env::temp_dir().join(format!("xtask-api-diff-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            for (path, text) in files {
                let path = dir.join(path);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, text).unwrap();
            }
            Src(dir)
        }
    }

    impl Drop for Src {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn two_directories_give_one_line_per_change() {
        let lib = "mod a;\npub use a::{Kind, Thing};";
        let old = Src::new(
            "old",
            &[
                ("lib.rs", lib),
                (
                    "a.rs",
                    "pub enum Kind { A }\n#[derive(Clone)] pub struct Thing;",
                ),
            ],
        );
        let new = Src::new(
            "new",
            &[
                ("lib.rs", lib),
                (
                    "a.rs",
                    "pub enum Kind { A, B }\npub struct Thing;\npub fn extra() {}",
                ),
            ],
        );
        let report = between(&old.0, &new.0).unwrap();
        assert_eq!(
            report,
            "breaking  variant `B` added to `copilot_ergonomic::Kind`, which is not #[non_exhaustive]: users' exhaustive `match`es stop compiling\n\
             breaking  `copilot_ergonomic::Thing` no longer implements `Clone` (`impl Clone for Thing` removed)\n",
            "{report}"
        );
        assert_eq!(
            between(&old.0, &old.0).unwrap(),
            "no change to copilot-ergonomic's public API\n"
        );
        let err = between(&old.0, &old.0.join("missing")).unwrap_err();
        assert!(err.contains("lib.rs"), "{err}");
    }

    #[test]
    fn the_base_defaults_to_head() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(base_of(&[]).unwrap(), "HEAD");
        assert_eq!(
            base_of(&args(&["--base", "origin/main"])).unwrap(),
            "origin/main"
        );
        assert_eq!(base_of(&args(&["--base=v0.1.0"])).unwrap(), "v0.1.0");
        assert!(
            base_of(&args(&["--base"]))
                .unwrap_err()
                .contains("needs a revision")
        );
        assert!(
            base_of(&args(&["--bse", "x"]))
                .unwrap_err()
                .contains("unexpected argument")
        );
    }
}

//! Running git for the tasks that compare with a revision (`api-diff`, `generate --since`):
//! one command's stdout, and one file as committed.

use std::path::Path;
use std::process::{Command, Output};

/// Runs git in `dir`: its output whatever its status, or an error when git cannot run.
pub(crate) fn output(dir: &Path, args: &[&str]) -> Result<Output, String> {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))
}

/// Runs git in `dir`; its stdout, or its stderr as the error.
pub(crate) fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = output(dir, args)?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(failure(args, &output))
    }
}

/// The error for a git command that ran and failed: the command and its stderr.
pub(crate) fn failure(args: &[&str], output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    format!("`git {}` failed: {}", args.join(" "), stderr.trim())
}

/// `path` (relative to the repository's top, or `./`-relative to `dir`) as committed at `rev`
/// (`git show REV:PATH` in `dir`): `Ok(None)` when git does not show it (no such file or
/// revision), an error when git cannot run or the file is not UTF-8.
pub(crate) fn show(dir: &Path, rev: &str, path: &str) -> Result<Option<String>, String> {
    let output = output(dir, &["show", &format!("{rev}:{path}")])?;
    if !output.status.success() {
        return Ok(None);
    }
    String::from_utf8(output.stdout)
        .map(Some)
        .map_err(|_| format!("{path} at {rev}: not UTF-8"))
}

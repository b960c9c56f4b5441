//! Where cargo put the binaries it built: runs a cargo build command with
//! `--message-format=json` and reads the `executable` of each `compiler-artifact` message, so
//! `CARGO_TARGET_DIR` and `--target-dir` are honoured without guessing paths.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// One executable cargo built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Executable {
    /// The target's name (`robustness`, `copilot-bench`, …).
    pub name: String,
    /// The target's source file relative to the workspace root when it is inside it
    /// (`crates/copilot-fake/tests/robustness.rs`), else as cargo gave it.
    pub source: String,
    /// The directory of the package's `Cargo.toml` (cargo runs tests from there).
    pub package_dir: PathBuf,
    /// The built file.
    pub path: PathBuf,
    /// Whether it was built as a test harness (`cargo test`).
    pub is_test: bool,
}

/// Runs `cargo ARGS --message-format=json` in `root` and returns the executables it reports.
/// Cargo's own diagnostics go to stderr, which is shown on failure.
pub(crate) fn build(cargo: &str, root: &Path, args: &[&str]) -> Result<Vec<Executable>, String> {
    let output = Command::new(cargo)
        .args(args)
        .arg("--message-format=json")
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let rendered: String = stdout
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter_map(|m| {
                m.pointer("/message/rendered")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .collect();
        return Err(format!(
            "cargo {} failed ({}):\n{}{stderr}",
            args.join(" "),
            output.status,
            rendered
        ));
    }
    Ok(parse(&stdout, root))
}

/// The executables in cargo's JSON messages, one message a line; other lines are skipped.
pub(crate) fn parse(messages: &str, root: &Path) -> Vec<Executable> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter_map(|m| {
            let path = PathBuf::from(m["executable"].as_str()?);
            let name = m.pointer("/target/name")?.as_str()?.to_string();
            let src = m.pointer("/target/src_path")?.as_str()?;
            let source = Path::new(src)
                .strip_prefix(root)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| src.to_string());
            let package_dir = Path::new(m["manifest_path"].as_str()?)
                .parent()?
                .to_path_buf();
            let is_test = m.pointer("/profile/test").and_then(Value::as_bool) == Some(true);
            Some(Executable {
                name,
                source,
                package_dir,
                path,
                is_test,
            })
        })
        .collect()
}

/// Builds `copilot-bench` in release mode and returns its path (wherever cargo put it, so
/// `CARGO_TARGET_DIR` is honoured): the binary behind `cargo xtask bench` and `soak`.
pub(crate) fn release_bench(cargo: &str, root: &Path) -> Result<PathBuf, String> {
    let built = build(
        cargo,
        root,
        &["build", "--release", "--quiet", "-p", "copilot-bench"],
    )?;
    built
        .into_iter()
        .find(|e| e.name == "copilot-bench" && !e.is_test)
        .map(|e| e.path)
        .ok_or_else(|| "cargo built no copilot-bench executable".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_executables_and_skips_everything_else() {
        let messages = r#"{"reason":"compiler-artifact","manifest_path":"/w/crates/f/Cargo.toml","target":{"name":"robustness","src_path":"/w/crates/f/tests/robustness.rs"},"profile":{"test":true},"executable":"/t/debug/deps/robustness-1"}
{"reason":"compiler-artifact","manifest_path":"/w/crates/f/Cargo.toml","target":{"name":"f","src_path":"/w/crates/f/src/lib.rs"},"profile":{"test":false},"executable":null}
{"reason":"build-finished","success":true}
not json
{"reason":"compiler-artifact","manifest_path":"/w/crates/b/Cargo.toml","target":{"name":"b","src_path":"/elsewhere/main.rs"},"profile":{"test":false},"executable":"/t/release/b"}"#;
        let found = parse(messages, Path::new("/w"));
        assert_eq!(
            found.len(),
            2,
            "a library (executable null) or a non-artifact line was taken as an executable: {found:?}"
        );
        assert_eq!(found[0].name, "robustness");
        assert_eq!(found[0].source, "crates/f/tests/robustness.rs");
        assert_eq!(found[0].package_dir, Path::new("/w/crates/f"));
        assert_eq!(found[0].path, Path::new("/t/debug/deps/robustness-1"));
        assert!(found[0].is_test);
        assert_eq!(
            found[1].source, "/elsewhere/main.rs",
            "a source outside the root must be kept as cargo gave it"
        );
        assert!(!found[1].is_test);
    }
}

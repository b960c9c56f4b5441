//! `cargo xtask generate --check` as a process: the checked-in files come out of the spec and
//! Cargo.lock alone (no `rustfmt` runs, whatever is installed), and the surface summary is printed
//! in `--check` mode too, against `--since REV`.

mod common;

use std::path::Path;

use common::{Run, temp_dir};

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
}

/// Runs the binary in the workspace with `RUSTFMT` naming a trap that records each call and fails,
/// and the trap's directory first on `PATH`.
fn generate_with_trapped_rustfmt(args: &[&str]) -> (Run, bool) {
    let dir = temp_dir("copilot-generate-no-rustfmt");
    let marker = dir.join("rustfmt-ran");
    let trap = dir.join(if cfg!(windows) {
        "rustfmt.cmd"
    } else {
        "rustfmt"
    });
    let script = if cfg!(windows) {
        format!("@echo ran> \"{}\"\r\n@exit /b 1\r\n", marker.display())
    } else {
        format!("#!/bin/sh\necho ran > '{}'\nexit 1\n", marker.display())
    };
    std::fs::write(&trap, script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&trap, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = std::env::join_paths(std::iter::once(dir.clone()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(workspace())
        .arg("generate")
        .args(args)
        .env("PATH", path)
        .env("RUSTFMT", &trap)
        .output()
        .unwrap();
    let ran = marker.exists();
    std::fs::remove_dir_all(&dir).unwrap();
    let run = Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    };
    (run, ran)
}

#[test]
fn the_checked_in_files_come_out_without_rustfmt() {
    let (run, ran) = generate_with_trapped_rustfmt(&["--check"]);
    assert_eq!(
        run.code, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert!(!ran, "generate ran the rustfmt on PATH or in RUSTFMT");
    for path in [
        "crates/copilot-api/src/generated.rs",
        "crates/copilot-api/src/catalogue.rs",
    ] {
        assert!(
            run.stdout.contains(&format!("{path} is up to date")),
            "{}",
            run.stdout
        );
    }
    // The summary comes in --check mode too (against HEAD, or the file itself without git).
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("surface: no change since")
                || l.starts_with("surface changes since")),
        "{}",
        run.stdout
    );
}

#[test]
fn since_needs_a_revision_git_knows() {
    let run = common::xtask(
        workspace(),
        ["generate", "--check", "--since", "no-such-rev-1f0c"],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr.contains("--since no-such-rev-1f0c"),
        "{}",
        run.stderr
    );
    let run = common::xtask(workspace(), ["generate", "--check", "--since"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("--since needs a git revision"),
        "{}",
        run.stderr
    );
}

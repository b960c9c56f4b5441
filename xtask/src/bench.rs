//! `cargo xtask bench [--quick]`: every benchmark of BENCHMARKS.md, one line per figure:
//! `name: value unit (ratio X vs baseline)`, each value a median over several runs.
//!
//! The in-process figures (call overhead, paging, ask latency) come from the `copilot-bench`
//! binary, built in release mode; this task adds regeneration time (vs `cargo xtask help`, the
//! cost of starting any task) and the footprint of the `ask` example (a clean release build in
//! `target/bench-footprint`, vs graph-rs-sdk 3.0.1's one-call program as measured on a 2-core
//! machine: 8 min 53 s, 197 crates, 5.0 MB). `--quick` runs fewer rounds and reuses the
//! footprint build when there is one (then only the binary size is reported).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::artifacts;
use crate::spec::workspace_root;

/// graph-rs-sdk 3.0.1's one-call program: clean release build seconds, crates, bytes.
const GRAPH_RS_SDK: (f64, f64, f64) = (533.0, 197.0, 5.0e6);
const GRAPH_RS_SDK_NAME: &str = "graph-rs-sdk 3.0.1 one-call program";

pub fn run(args: &[String]) -> Result<(), String> {
    let quick = match args {
        [] => false,
        [flag] if flag == "--quick" => true,
        other => {
            return Err(format!(
                "bench: unexpected arguments {other:?}; usage: cargo xtask bench [--quick]"
            ));
        }
    };
    let root = workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());

    eprintln!("bench: building copilot-bench (release)");
    // Where cargo put it (honours CARGO_TARGET_DIR), not a guessed target/release path.
    let binary = artifacts::release_bench(&cargo, &root)?;
    let mut bench = Command::new(&binary);
    if quick {
        bench.arg("--quick");
    }
    let status = bench
        .status()
        .map_err(|e| format!("cannot run copilot-bench: {e}"))?;
    if !status.success() {
        return Err(format!("copilot-bench failed ({status})"));
    }

    regeneration(&cargo, &root, if quick { 3 } else { 5 })?;
    footprint(&cargo, &root, quick)
}

fn run_quietly(command: &mut Command) -> Result<(), String> {
    let output = command
        .output()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn line(name: &str, value: f64, unit: &str, baseline: f64, baseline_name: &str) {
    let precision = if value < 10.0 { 2 } else { 1 };
    println!(
        "{name}: {value:.precision$} {unit} (ratio {:.3} vs {baseline_name} at {baseline:.precision$} {unit})",
        value / baseline
    );
}

/// Median wall time of `cargo xtask generate --check` vs `cargo xtask help`, warm.
fn regeneration(cargo: &str, root: &Path, runs: usize) -> Result<(), String> {
    eprintln!("bench: regeneration ({runs} runs)");
    let time = |args: &[&str]| -> Result<f64, String> {
        let started = Instant::now();
        run_quietly(
            Command::new(cargo)
                .args(args)
                .current_dir(root)
                .stdout(Stdio::null()),
        )?;
        Ok(started.elapsed().as_secs_f64())
    };
    time(&["xtask", "generate", "--check"])?;
    let (mut check, mut help) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        check.push(time(&["xtask", "generate", "--check"])?);
        help.push(time(&["xtask", "help"])?);
    }
    line(
        "regeneration",
        median(check),
        "s",
        median(help),
        "cargo xtask help",
    );
    Ok(())
}

/// Release build of the `ask` example with default features, stripped.
fn footprint(cargo: &str, root: &Path, quick: bool) -> Result<(), String> {
    let dir = root.join("target/bench-footprint");
    let clean = !quick || !dir.exists();
    if clean {
        let _ = std::fs::remove_dir_all(&dir);
    }
    eprintln!(
        "bench: footprint ({} release build of the ask example)",
        if clean { "clean" } else { "warm" }
    );
    let started = Instant::now();
    let output = Command::new(cargo)
        .args([
            "build",
            "--release",
            "-p",
            "copilot-ergonomic",
            "--example",
            "ask",
            "--target-dir",
        ])
        .arg(&dir)
        .env("CARGO_PROFILE_RELEASE_STRIP", "symbols")
        .env("CARGO_TERM_COLOR", "never")
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        return Err(format!(
            "the footprint build failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let compiled = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|l| l.trim_start().starts_with("Compiling "))
        .count();
    let binary = dir.join("release/examples/ask");
    let bytes = std::fs::metadata(&binary)
        .map_err(|e| format!("{}: {e}", binary.display()))?
        .len() as f64;
    let (base_seconds, base_crates, base_bytes) = GRAPH_RS_SDK;
    if clean {
        line(
            "footprint-build",
            seconds,
            "s",
            base_seconds,
            GRAPH_RS_SDK_NAME,
        );
        line(
            "footprint-crates",
            compiled as f64,
            "crates",
            base_crates,
            GRAPH_RS_SDK_NAME,
        );
    }
    line(
        "footprint-size",
        bytes / 1e6,
        "MB",
        base_bytes / 1e6,
        GRAPH_RS_SDK_NAME,
    );
    Ok(())
}

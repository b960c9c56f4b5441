//! `cargo xtask bench [--quick] [--with-peers]`: every benchmark of BENCHMARKS.md, one line per
//! figure: `name: value unit (ratio X vs baseline)`, each value a median over several runs.
//!
//! The in-process figures (call overhead, paging, ask latency, TLS handshakes) come from the
//! `copilot-bench` binary, built in release mode; this task adds regeneration time (vs
//! `cargo xtask help`, the cost of starting any task) and the footprint: clean release builds,
//! in the same run, of three one-call programs in `bench/footprint/` (raw reqwest, the floor;
//! ours through copilot-ergonomic; ours through copilot-api), each in its own target directory
//! under the workspace's (`$CARGO_TARGET_DIR` or `target`)`/bench-footprint/`, plus the
//! ergonomic and raw programs again with the `ring` TLS provider. `--quick` runs fewer rounds
//! and reuses the footprint builds that exist (then only sizes are reported, and the line says
//! so). `--with-peers` adds graph-rs-sdk's published figures as a quoted reference.
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::artifacts;
use crate::spec::workspace_root;

/// graph-rs-sdk 3.0.1's one-call program as measured on a 2-core machine on another day
/// (issue #17): not built here, since it is not in the registry cache and takes ~9 minutes.
const GRAPH_RS_SDK_REFERENCE: &str = "graph-rs-sdk 3.0.1 one-call program, measured elsewhere \
     on a 2-core machine: 533 s clean release build, 197 crates, 5.0 MB stripped";

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let (mut quick, mut peers) = (false, false);
    for arg in args {
        match arg.as_str() {
            "--quick" => quick = true,
            "--with-peers" => peers = true,
            other => {
                return Err(format!(
                    "bench: unexpected argument {other:?}; usage: cargo xtask bench [--quick] [--with-peers]"
                ));
            }
        }
    }
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
    footprint(&cargo, &root, quick)?;
    if peers {
        println!("footprint-peer: {GRAPH_RS_SDK_REFERENCE} (quoted reference, not a ratio)");
    }
    Ok(())
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

/// One footprint program: `bench/footprint/DIR`, with its default features (aws-lc-rs) or with
/// `--no-default-features --features ring`.
struct Program {
    /// The name in the output and of its target directory.
    name: &'static str,
    dir: &'static str,
    ring: bool,
}

/// The floor first: every other program is compared with the floor of the same TLS provider.
const PROGRAMS: [Program; 5] = [
    Program {
        name: "raw",
        dir: "raw",
        ring: false,
    },
    Program {
        name: "ergonomic",
        dir: "ergonomic",
        ring: false,
    },
    Program {
        name: "api",
        dir: "api",
        ring: false,
    },
    Program {
        name: "raw-ring",
        dir: "raw",
        ring: true,
    },
    Program {
        name: "ergonomic-ring",
        dir: "ergonomic",
        ring: true,
    },
];

/// What one build gave: wall and CPU seconds and crates compiled (None when reused), stripped
/// bytes.
struct Built {
    seconds: Option<f64>,
    cpu_seconds: Option<f64>,
    crates: Option<usize>,
    bytes: f64,
}

/// The workspace's target directory as cargo sees it (`CARGO_TARGET_DIR`, config, or `target`).
fn target_dir(cargo: &str, root: &Path) -> Result<PathBuf, String> {
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo metadata failed ({})", output.status));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo metadata printed no JSON: {e}"))?;
    metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| "cargo metadata gave no target_directory".into())
}

/// CPU seconds (user + system) used so far by this process's waited-for children and their
/// descendants (`cutime` + `cstime` of `/proc/self/stat`): a build's CPU time, which other
/// work on a shared machine disturbs less than its wall time. None off Linux.
fn children_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let fields: Vec<&str> = stat.get(stat.rfind(')')? + 2..)?.split(' ').collect();
    // cutime and cstime are fields 16 and 17 of proc(5), 14 and 15 after the name and state.
    let ticks: f64 = fields.get(13)?.parse::<f64>().ok()? + fields.get(14)?.parse::<f64>().ok()?;
    // USER_HZ, 100 on every Linux configuration that matters.
    Some(ticks / 100.0)
}

/// The crates a build compiled: distinct packages in its `compiler-artifact` messages (a
/// package's build script and library count once, like cargo's `Compiling` lines).
fn compiled_crates(messages: &str) -> usize {
    let mut packages: Vec<String> = messages
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["fresh"] != true)
        .filter_map(|m| m["package_id"].as_str().map(str::to_string))
        .collect();
    packages.sort_unstable();
    packages.dedup();
    packages.len()
}

/// Builds one program in release mode (`strip = true` in its manifest) in `dir`, clean unless
/// `reuse` and the directory exists.
fn build_program(
    cargo: &str,
    root: &Path,
    program: &Program,
    dir: &Path,
    reuse: bool,
) -> Result<Built, String> {
    let source = root.join("bench/footprint").join(program.dir);
    // The workspace's versions, so that the programs differ only in what they depend on.
    std::fs::copy(root.join("Cargo.lock"), source.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock to {}: {e}", source.display()))?;
    let clean = !reuse || !dir.exists();
    if clean {
        let _ = std::fs::remove_dir_all(dir);
    }
    eprintln!(
        "bench: footprint: {} release build of {}",
        if clean { "clean" } else { "reused" },
        program.name
    );
    let attempt = |offline: bool| {
        let mut command = Command::new(cargo);
        command
            .args([
                "build",
                "--release",
                "--message-format=json",
                "--target-dir",
            ])
            .arg(dir)
            .current_dir(&source)
            .env_remove("CARGO_TARGET_DIR")
            .env("CARGO_TERM_COLOR", "never")
            .stdin(Stdio::null());
        if offline {
            command.arg("--offline");
        }
        if program.ring {
            command.args(["--no-default-features", "--features", "ring"]);
        }
        let (started, cpu_before) = (Instant::now(), children_cpu_seconds());
        let output = command
            .output()
            .map_err(|e| format!("cannot run cargo build: {e}"))?;
        let cpu = cpu_before.zip(children_cpu_seconds()).map(|(a, b)| b - a);
        Ok::<_, String>((output, started.elapsed().as_secs_f64(), cpu))
    };
    let (mut output, mut seconds, mut cpu) = attempt(true)?;
    if !output.status.success() {
        // Something is missing from the registry cache: fetch it (the clean build is redone).
        eprintln!("bench: footprint: offline build failed, building online");
        let _ = std::fs::remove_dir_all(dir);
        (output, seconds, cpu) = attempt(false)?;
    }
    let messages = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "the footprint build of {} failed:\n{}",
            program.name,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let binary = artifacts::parse(&messages, root)
        .into_iter()
        .find(|e| !e.is_test)
        .ok_or_else(|| format!("the build of {} made no executable", program.name))?;
    let bytes = std::fs::metadata(&binary.path)
        .map_err(|e| format!("{}: {e}", binary.path.display()))?
        .len() as f64;
    Ok(Built {
        seconds: clean.then_some(seconds),
        cpu_seconds: cpu.filter(|_| clean),
        crates: clean.then(|| compiled_crates(&messages)),
        bytes,
    })
}

/// Clean release builds of the one-call programs, one after the other (never two at once),
/// each compared with the raw program of the same TLS provider.
fn footprint(cargo: &str, root: &Path, quick: bool) -> Result<(), String> {
    let base = target_dir(cargo, root)?.join("bench-footprint");
    let mut built = Vec::new();
    for program in &PROGRAMS {
        built.push(build_program(
            cargo,
            root,
            program,
            &base.join(program.name),
            quick,
        )?);
    }
    for (program, figures) in PROGRAMS.iter().zip(&built) {
        let floor_name = if program.ring { "raw-ring" } else { "raw" };
        let floor_index = PROGRAMS.iter().position(|p| p.name == floor_name);
        let floor = &built[floor_index.unwrap_or(0)];
        let baseline = format!("{floor_name} (reqwest + tokio + serde_json)");
        let prefix = format!("footprint-{}", program.name);
        match (figures.seconds, floor.seconds) {
            (Some(seconds), Some(floor_seconds)) => line(
                &format!("{prefix}-build"),
                seconds,
                "s",
                floor_seconds,
                &baseline,
            ),
            _ => println!("{prefix}-build: not measured (--quick reused an earlier build)"),
        }
        if let (Some(cpu), Some(floor_cpu)) = (figures.cpu_seconds, floor.cpu_seconds) {
            line(
                &format!("{prefix}-build-cpu"),
                cpu,
                "CPU s",
                floor_cpu,
                &baseline,
            );
        }
        if let (Some(crates), Some(floor_crates)) = (figures.crates, floor.crates) {
            line(
                &format!("{prefix}-crates"),
                crates as f64,
                "crates",
                floor_crates as f64,
                &baseline,
            );
        }
        line(
            &format!("{prefix}-size"),
            figures.bytes / 1e6,
            "MB stripped",
            floor.bytes / 1e6,
            &baseline,
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_compiled_package_once() {
        let messages = r#"{"reason":"compiler-artifact","package_id":"a 1.0","fresh":false}
{"reason":"compiler-artifact","package_id":"a 1.0","fresh":false}
{"reason":"compiler-artifact","package_id":"b 1.0","fresh":true}
{"reason":"compiler-artifact","package_id":"c 1.0","fresh":false}
{"reason":"build-script-executed","package_id":"d 1.0"}
{"reason":"build-finished","success":true}"#;
        assert_eq!(
            compiled_crates(messages),
            2,
            "a build script and library of one package count once; fresh units are not compiled"
        );
    }
}

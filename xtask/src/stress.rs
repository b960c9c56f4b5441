//! `cargo xtask stress [--runs N] [--filter SUBSTR]`: runs every test binary of the workspace
//! N times (default 20) while one busy-loop thread per core loads the machine, and prints, per
//! binary, runs, failures and the median wall time. A failing run's output (its tail) is
//! printed as it happens; the task fails if any run failed.
//!
//! Binaries come from `cargo test --workspace --no-run --message-format=json`, so
//! `CARGO_TARGET_DIR` is honoured. Each run starts in its package's directory, as `cargo test`
//! does, with `INSTA_UPDATE=no` so failing snapshot tests leave no files behind.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::artifacts::{self, Executable};
use crate::spec::workspace_root;

const USAGE: &str = "usage: cargo xtask stress [--runs N] [--filter SUBSTR]";

/// A run that takes longer than this is killed and counted as a failure (a hang).
const RUN_TIMEOUT: Duration = Duration::from_secs(300);

/// How many lines of a failing run's output are printed.
const TAIL_LINES: usize = 60;

struct Options {
    runs: usize,
    filter: Option<String>,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        runs: 20,
        filter: None,
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("stress: {flag} needs a value; {USAGE}"))
        };
        match flag.as_str() {
            "--runs" => {
                let v = value()?;
                options.runs = v
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("stress: --runs `{v}` is not a positive number"))?;
            }
            "--filter" => options.filter = Some(value()?.clone()),
            other => return Err(format!("stress: unexpected argument `{other}`; {USAGE}")),
        }
    }
    Ok(options)
}

/// One binary's results.
struct Row {
    label: String,
    runs: usize,
    failures: usize,
    wall: Vec<Duration>,
}

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let options = options(args)?;
    let root = workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("stress: building the workspace's test binaries");
    let mut binaries: Vec<Executable> =
        artifacts::build(&cargo, &root, &["test", "--workspace", "--no-run"])?
            .into_iter()
            .filter(|e| e.is_test)
            .filter(|e| {
                options
                    .filter
                    .as_deref()
                    .is_none_or(|f| e.source.contains(f) || e.name.contains(f))
            })
            .collect();
    binaries.sort_by(|a, b| a.source.cmp(&b.source));
    binaries.dedup_by(|a, b| a.path == b.path);
    if binaries.is_empty() {
        return Err("stress: no test binary matches".into());
    }

    let load = Load::start();
    eprintln!(
        "stress: {} binaries × {} runs under load ({} busy threads)",
        binaries.len(),
        options.runs,
        load.threads.len()
    );
    let mut rows = Vec::new();
    for binary in &binaries {
        rows.push(stress_one(binary, options.runs));
    }
    drop(load);

    print!("{}", table(&rows));
    let failed: usize = rows.iter().map(|r| r.failures).sum();
    if failed > 0 {
        Err(format!("stress: {failed} failing runs"))
    } else {
        Ok(())
    }
}

fn stress_one(binary: &Executable, runs: usize) -> Row {
    let mut row = Row {
        label: binary.source.clone(),
        runs,
        failures: 0,
        wall: Vec::new(),
    };
    for n in 1..=runs {
        let started = Instant::now();
        let result = run_once(binary);
        row.wall.push(started.elapsed());
        if let Err(output) = result {
            row.failures += 1;
            eprintln!(
                "stress: {} failed on run {n}/{runs}; the last lines of its output:\n{}",
                row.label,
                tail(&output, TAIL_LINES)
            );
        }
    }
    eprintln!(
        "stress: {}: {} of {} runs failed",
        row.label, row.failures, row.runs
    );
    row
}

/// Runs the binary once; `Err` carries its output (stdout, then stderr) when it failed.
fn run_once(binary: &Executable) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("xtask-stress-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let out_path = dir.join("stdout");
    let err_path = dir.join("stderr");
    let files = (
        std::fs::File::create(&out_path),
        std::fs::File::create(&err_path),
    );
    let (Ok(out), Ok(err)) = files else {
        return Err(format!("cannot create output files in {}", dir.display()));
    };
    let mut child = Command::new(&binary.path)
        .current_dir(&binary.package_dir)
        .env("CARGO_MANIFEST_DIR", &binary.package_dir)
        .env("INSTA_UPDATE", "no")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", binary.path.display()))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if started.elapsed() > RUN_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                break Err(format!(
                    "killed after {} s (a hang?)",
                    RUN_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => break Err(format!("cannot wait for the run: {e}")),
        }
    };
    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    match status {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!(
            "{}{}\n(exit: {status})",
            read(&out_path),
            read(&err_path)
        )),
        Err(why) => Err(format!("{}{}\n({why})", read(&out_path), read(&err_path))),
    }
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

fn median(values: &[Duration]) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

/// The results as a Markdown table (the shape RELIABILITY.md shows).
fn table(rows: &[Row]) -> String {
    let mut out =
        String::from("| binary | runs | failures | median wall time |\n|---|---|---|---|\n");
    for row in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {:.2} s |\n",
            row.label,
            row.runs,
            row.failures,
            median(&row.wall).as_secs_f64()
        ));
    }
    out
}

/// One busy-looping thread per core, stopped and joined on drop.
struct Load {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Load {
    fn start() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let stop = Arc::new(AtomicBool::new(false));
        let threads = (0..cores)
            .map(|_| {
                let stop = Arc::clone(&stop);
                std::thread::spawn(move || {
                    let mut x = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        x = std::hint::black_box(
                            x.wrapping_mul(6364136223846793005).wrapping_add(1),
                        );
                    }
                })
            })
            .collect();
        Self { stop, threads }
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_default_to_twenty_runs_and_reject_nonsense() {
        let o = options(&[]).unwrap();
        assert_eq!((o.runs, o.filter), (20, None));
        let o = options(&[
            "--filter".into(),
            "fake".into(),
            "--runs".into(),
            "3".into(),
        ])
        .unwrap();
        assert_eq!((o.runs, o.filter.as_deref()), (3, Some("fake")));
        for bad in [
            &["--runs", "0"][..],
            &["--runs", "x"],
            &["--runs"],
            &["--what"],
        ] {
            let args: Vec<String> = bad.iter().map(|s| s.to_string()).collect();
            assert!(options(&args).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn median_and_tail_pick_the_middle_and_the_end() {
        let ms = Duration::from_millis;
        assert_eq!(median(&[ms(30), ms(10), ms(20)]), ms(20));
        assert_eq!(median(&[ms(40), ms(10), ms(20), ms(30)]), ms(25));
        assert_eq!(tail("a\nb\nc\nd", 2), "c\nd");
        assert_eq!(tail("a", 5), "a");
    }

    #[test]
    fn table_has_one_row_per_binary() {
        let rows = [Row {
            label: "crates/x/tests/y.rs".into(),
            runs: 2,
            failures: 1,
            wall: vec![Duration::from_millis(100), Duration::from_millis(300)],
        }];
        assert_eq!(
            table(&rows),
            "| binary | runs | failures | median wall time |\n|---|---|---|---|\n\
             | crates/x/tests/y.rs | 2 | 1 | 0.20 s |\n"
        );
    }
}

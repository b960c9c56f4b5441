//! `copilot-bench [--quick] [--profile ours|raw]`: the in-process measurements of
//! `cargo xtask bench`; `copilot-bench soak [--minutes N]`: the fault soak of `cargo xtask soak`.
//!
//! The measurements run each against a
//! hand-written reqwest + serde_json baseline run in the same process, against the same
//! `copilot-fake` server (on its own runtime thread), alternating so that drift hits both.
//!
//! Prints one line per figure: `name: value unit (ratio X vs baseline)`. Progress goes to stderr.

mod many;
mod measure;
mod polling;
mod tls;

use std::process::ExitCode;
use std::time::Duration;

use copilot_ergonomic::Copilot;
use copilot_fake::{FakeConfig, FakeServer};

/// The bearer token the bench's fake accepts.
pub const TOKEN: &str = "bench-token";

/// How much work each figure does.
pub struct Plan {
    /// Rounds of each figure (its median is reported).
    pub runs: usize,
    /// Calls per round of the call-overhead loop.
    pub calls: usize,
    /// Sessions the paging figure lists.
    pub sessions: usize,
    /// Page size of the paging figure.
    pub page: i32,
    /// How long after creation the ask figure's evaluation completes.
    pub ask_after: Duration,
    /// Questions of the ask figure.
    pub asks: usize,
    /// Run only one side of the call-overhead loop (for `perf record`).
    pub profile: Option<String>,
    /// Fewer rounds and smaller runs.
    pub quick: bool,
}

impl Plan {
    fn new(quick: bool) -> Self {
        if quick {
            Plan {
                runs: 3,
                calls: 1_000,
                sessions: 100_000,
                page: 100,
                ask_after: Duration::from_secs(2),
                asks: 3,
                profile: None,
                quick,
            }
        } else {
            Plan {
                runs: 7,
                calls: 3_000,
                sessions: 100_000,
                page: 100,
                ask_after: Duration::from_secs(5),
                asks: 5,
                profile: None,
                quick,
            }
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("soak") {
        return soak(&args[2..]);
    }
    let quick = args.iter().any(|a| a == "--quick");
    let mut plan = Plan::new(quick);
    // `--profile ours|raw`: only that side's call loop, long enough for a profiler to sample.
    plan.profile = args
        .iter()
        .position(|a| a == "--profile")
        .and_then(|i| args.get(i + 1))
        .cloned();
    match run(&plan) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("copilot-bench: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The fake on a runtime and thread of its own, and a current-thread runtime for the measured
/// client; bind all three so that they drop client runtime, server, server runtime.
fn serve(
    config: FakeConfig,
) -> Result<(tokio::runtime::Runtime, FakeServer, tokio::runtime::Runtime), String> {
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let server = server_runtime
        .block_on(FakeServer::start_with(config.token(TOKEN)))
        .map_err(|e| format!("cannot start copilot-fake: {e}"))?;
    let client_runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    Ok((server_runtime, server, client_runtime))
}

/// A client of `fake` with the bench's token.
fn client(fake: &FakeServer) -> Result<Copilot, String> {
    Copilot::builder()
        .base_url(fake.base_url())
        .bearer_token(TOKEN)
        .build()
        .map_err(|e| e.to_string())
}

fn run(plan: &Plan) -> Result<(), String> {
    let created = plan.ask_after / 5;
    let (server_runtime, server, client_runtime) = serve(
        FakeConfig::new()
            .max_page_size(1_000)
            .phases(created, plan.ask_after - created)
            .default_answer("Nothing unusual happened overnight."),
    )?;
    client_runtime.block_on(async {
        let copilot = client(&server)?;
        let raw = reqwest::Client::new();
        let bench = measure::Bench {
            plan,
            server: &server,
            copilot: &copilot,
            raw: &raw,
        };
        if let Some(side) = &plan.profile {
            return bench.profile(side).await;
        }
        bench.call_overhead().await?;
        bench.paging().await?;
        bench.ask_latency().await?;
        polling::table();
        many::throttled(server_runtime.handle(), plan.quick).await?;
        many::memory(server_runtime.handle(), plan.quick).await?;
        tls::handshakes(server_runtime.handle(), plan.quick).await
    })
}

/// `copilot-bench soak [--minutes N] [--conversations N] [--seed N]`: prints the soak's figures,
/// and exits 1 naming every guarantee it broke.
fn soak(args: &[String]) -> ExitCode {
    let value = |flag: &str, default: u64| -> Result<u64, String> {
        match args.iter().position(|a| a == flag) {
            None => Ok(default),
            Some(i) => args
                .get(i + 1)
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{flag} needs a number")),
        }
    };
    let parsed = (|| {
        Ok::<_, String>((
            value("--minutes", 10)?,
            value("--conversations", 64)?,
            value("--seed", 7)?,
        ))
    })();
    let (minutes, conversations, seed) = match parsed {
        Ok(v) => v,
        Err(e) => {
            eprintln!("copilot-bench soak: {e}");
            return ExitCode::from(2);
        }
    };
    let plan = copilot_bench::soak::SoakPlan {
        conversations: conversations as usize,
        questions_per_conversation: 5,
        duration: Duration::from_secs(minutes * 60),
        sample_every: Duration::from_secs(10),
    };
    match run_soak(&plan, seed) {
        Ok((report, faults)) => {
            for line in report.lines() {
                println!("{line}");
            }
            println!("faults injected: {faults}");
            for error in &report.errors {
                eprintln!("seen: {error}");
            }
            // Warm-up: the first fifth of the samples (at least one).
            let problems = report.problems((report.rss.len() / 5).max(1));
            for problem in &problems {
                println!("FAILED: {problem}");
            }
            if problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(message) => {
            eprintln!("copilot-bench soak: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run_soak(
    plan: &copilot_bench::soak::SoakPlan,
    seed: u64,
) -> Result<(copilot_bench::soak::SoakReport, String), String> {
    let (_server_runtime, server, client_runtime) = serve(copilot_bench::soak::fake_config(seed))?;
    let report = client_runtime.block_on(async {
        let copilot = client(&server)?;
        Ok::<_, String>(copilot_bench::soak::run(&copilot, plan).await)
    })?;
    let faults: Vec<String> = server
        .injected_faults()
        .into_iter()
        .map(|(kind, n)| format!("{kind} {n}"))
        .collect();
    Ok((report, faults.join(", ")))
}

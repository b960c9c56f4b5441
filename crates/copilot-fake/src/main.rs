//! `copilot-fake` binary: serves the fake Security Copilot API until killed.
//!
//! ```text
//! cargo run -p msgraph-security-copilot-fake -- --listen 127.0.0.1:8080 [--token T]… [--page-size N]
//!     [--created-for-ms MS] [--running-for-ms MS] [--seed N] [--fault SPEC]…
//!     [--random-fault PER_MILLE:KIND[:ARG]]… [--rate-limit N] [--capacity N] [--config FILE]
//! ```
//! Prints exactly one line, `listening on http://ADDR/beta`, once it accepts connections.
//!
//! Flags compose in any order: the `--config` file is read first, then every other flag is
//! applied on top of it (a flag wins over the file; repeatable flags such as `--token` and
//! `--fault` add to the file's lists, the file's fault rules being consulted first).
//! `--random-fault` entries add to the file's `randomFaults`; the draw is seeded by `--seed` (or
//! the file's `seed`) when given, else at random.

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use copilot_fake::{FakeConfig, FakeServer, Fault, FaultRule};

const USAGE: &str = "usage: copilot-fake [--listen ADDR] [--token TOKEN]... [--page-size N] \
[--max-page-size N] [--created-for-ms MS] [--running-for-ms MS] [--seed N] [--answer TEXT] \
[--fault OPERATION:CALLS:KIND[:ARG]]... [--random-fault PER_MILLE:KIND[:ARG]]... [--rate-limit REQUESTS_PER_SECOND_PER_TOKEN] \
[--capacity EVALUATIONS] [--config FILE.json]";

fn parse(args: &[String]) -> Result<(SocketAddr, FakeConfig), String> {
    let mut listen: SocketAddr = "127.0.0.1:8080".parse().map_err(|e| format!("{e}"))?;
    let mut file = None;
    let mut flags: Vec<(&str, &str)> = Vec::new();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.to_string());
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--config" => file = Some(value.as_str()),
            "--listen" => {
                listen = value.parse().map_err(|_| {
                    format!("--listen: `{value}` is not an address like 127.0.0.1:8080")
                })?;
            }
            _ => flags.push((flag.as_str(), value.as_str())),
        }
    }
    let mut config = match file {
        Some(path) => load(path)?,
        None => FakeConfig::new(),
    };
    for (flag, value) in flags {
        config = apply(config, flag, value)?;
    }
    Ok((listen, config))
}

fn load(path: &str) -> Result<FakeConfig, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("--config {path}: {e}"))?;
    let json = serde_json::from_str(&text).map_err(|e| format!("--config {path}: {e}"))?;
    FakeConfig::from_json(&json).map_err(|e| format!("--config {path}: {e}"))
}

fn apply(config: FakeConfig, flag: &str, value: &str) -> Result<FakeConfig, String> {
    let number = || {
        value
            .parse::<u64>()
            .map_err(|_| format!("{flag}: `{value}` is not a number"))
    };
    Ok(match flag {
        "--token" => config.token(value),
        "--page-size" => config.page_size(number()? as usize),
        "--max-page-size" => config.max_page_size(number()? as usize),
        "--created-for-ms" => config.created_for(Duration::from_millis(number()?)),
        "--running-for-ms" => config.running_for(Duration::from_millis(number()?)),
        "--seed" => config.deterministic(number()?),
        "--answer" => config.default_answer(value),
        "--fault" => config.fault(FaultRule::parse(value)?),
        "--random-fault" => {
            let (per_mille, fault) = value
                .split_once(':')
                .ok_or_else(|| format!("{flag}: `{value}` is not PER_MILLE:KIND[:ARG]"))?;
            let per_mille = per_mille
                .parse::<u32>()
                .ok()
                .filter(|p| *p <= 1000)
                .ok_or_else(|| format!("{flag}: `{per_mille}` is not a per-mille (0 to 1000)"))?;
            config.random_fault(per_mille, Fault::parse(fault)?)
        }
        "--rate-limit" => config.rate_limit(
            u32::try_from(number()?).map_err(|_| format!("{flag}: `{value}` is too large"))?,
        ),
        "--capacity" => config.capacity(number()?),
        other => return Err(format!("unknown flag `{other}`\n{USAGE}")),
    })
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (listen, config) = match parse(&args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let server = match FakeServer::bind(listen, config).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("copilot-fake: cannot listen on {listen}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on {}", server.base_url());
    let _ = std::io::stdout().flush();
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}

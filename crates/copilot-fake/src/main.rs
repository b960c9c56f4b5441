//! `copilot-fake` binary: serves the fake Security Copilot API until killed.
//!
//! ```text
//! cargo run -p copilot-fake -- --listen 127.0.0.1:8080 [--token T]… [--page-size N]
//!     [--created-for-ms MS] [--running-for-ms MS] [--seed N] [--fault SPEC]… [--config FILE]
//! ```
//! Prints exactly one line, `listening on http://ADDR/beta`, once it accepts connections.

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use copilot_fake::{FakeConfig, FakeServer, FaultRule};

const USAGE: &str = "usage: copilot-fake [--listen ADDR] [--token TOKEN]... [--page-size N] \
[--max-page-size N] [--created-for-ms MS] [--running-for-ms MS] [--seed N] [--answer TEXT] \
[--fault OPERATION:CALLS:KIND[:ARG]]... [--config FILE.json]";

fn parse(args: &[String]) -> Result<(SocketAddr, FakeConfig), String> {
    let mut listen: SocketAddr = "127.0.0.1:8080".parse().map_err(|e| format!("{e}"))?;
    let mut config = FakeConfig::new();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.to_string());
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("{flag}: `{value}` is not a number"))
        };
        config = match flag.as_str() {
            "--listen" => {
                listen = value.parse().map_err(|_| {
                    format!("--listen: `{value}` is not an address like 127.0.0.1:8080")
                })?;
                config
            }
            "--token" => config.token(value),
            "--page-size" => config.page_size(number()? as usize),
            "--max-page-size" => config.max_page_size(number()? as usize),
            "--created-for-ms" => {
                let running = Duration::from_millis(250);
                config.phases(Duration::from_millis(number()?), running)
            }
            "--running-for-ms" => {
                config.phases(Duration::from_millis(50), Duration::from_millis(number()?))
            }
            "--seed" => config.deterministic(number()?),
            "--answer" => config.default_answer(value),
            "--fault" => config.fault(FaultRule::parse(value)?),
            "--config" => {
                let text =
                    std::fs::read_to_string(value).map_err(|e| format!("--config {value}: {e}"))?;
                let json =
                    serde_json::from_str(&text).map_err(|e| format!("--config {value}: {e}"))?;
                FakeConfig::from_json(&json).map_err(|e| format!("--config {value}: {e}"))?
            }
            other => return Err(format!("unknown flag `{other}`\n{USAGE}")),
        };
    }
    Ok((listen, config))
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

//! Ask the same question about many incidents at once and print the results as they finish.
//!
//! ```sh
//! cargo run -p msgraph-security-copilot --example ask_many -- 50      # 50 incidents, embedded fake
//! COPILOT_TOKEN=eyJ… cargo run -p msgraph-security-copilot --example ask_many -- 5   # real Graph
//! ```
//! Each question gets its own session; at most 16 run at once; a throttled response holds the
//! whole client, and running out of capacity stops the run (the rest is reported, not dropped).

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;

use futures::StreamExt as _;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let (copilot, _fake) = match common::connect().await {
        Ok(connected) => connected,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let incidents = (0..count).map(|i| 4700 + i);
    let mut run = copilot
        .workspace(common::workspace_id())
        .ask_many(incidents.map(|i| format!("Summarise incident {i}")))
        .concurrency(16);
    while let Some(asked) = run.next().await {
        match &asked.result {
            Ok(answer) => println!(
                "#{:<4} {:?}: {}",
                asked.index,
                answer.outcome(),
                answer
                    .content()
                    .unwrap_or_default()
                    .lines()
                    .next()
                    .unwrap_or_default()
            ),
            Err(e) => println!("#{:<4} error: {e}", asked.index),
        }
    }
    let p = run.progress();
    eprintln!("{} succeeded, {} failed", p.succeeded, p.failed);
    if p.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

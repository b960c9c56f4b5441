//! Ask Security Copilot a question and print the answer.
//!
//! ```sh
//! cargo run -p msgraph-security-copilot --example ask -- "who am I"
//! COPILOT_TOKEN=eyJ… cargo run -p msgraph-security-copilot --example ask -- "who am I"   # real Graph
//! ```
//! Without `COPILOT_TOKEN` it asks an embedded copilot-fake. `COPILOT_BASE_URL` and
//! `COPILOT_WORKSPACE` override the Graph beta URL and the `default` workspace.

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;

use copilot_ergonomic::Outcome;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let question = if args.is_empty() {
        "who am I".to_string()
    } else {
        args.join(" ")
    };
    let (copilot, _fake) = match common::connect().await {
        Ok(connected) => connected,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match copilot
        .workspace(common::workspace_id())
        .ask(&question)
        .await
    {
        Ok(answer) if *answer.outcome() == Outcome::Success => {
            println!("{}", answer.content().unwrap_or_default().trim_end());
            ExitCode::SUCCESS
        }
        Ok(answer) => {
            eprintln!("Security Copilot did not answer: {:?}", answer.outcome());
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

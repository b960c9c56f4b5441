//! `cargo xtask soak [--minutes N] [--conversations N] [--seed N]`: the fault soak of
//! RELIABILITY.md, built in release mode and run for N minutes (default 10): 64 concurrent
//! conversations against a `copilot-fake` injecting random 429s, 503s, 504s, dropped
//! connections (before and after the fake stored the entity) and latency spikes. It fails
//! when a question is lost, a prompt or evaluation was created twice, or memory grew.

use std::process::Command;

use crate::artifacts;
use crate::spec::workspace_root;

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut forwarded: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--minutes" | "--conversations" | "--seed" => {
                let value = it
                    .next()
                    .filter(|v| v.parse::<u64>().is_ok())
                    .ok_or_else(|| format!("soak: {flag} needs a number"))?;
                forwarded.extend([flag.clone(), value.clone()]);
            }
            other => {
                return Err(format!(
                    "soak: unexpected argument `{other}`; usage: cargo xtask soak [--minutes N] [--conversations N] [--seed N]"
                ));
            }
        }
    }
    let root = workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("soak: building copilot-bench (release)");
    let binary = artifacts::release_bench(&cargo, &root)?;
    let status = Command::new(&binary)
        .arg("soak")
        .args(&forwarded)
        .status()
        .map_err(|e| format!("cannot run copilot-bench: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the soak failed ({status}); see the lines above"))
    }
}

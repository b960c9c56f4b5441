//! The binary prints exactly one `listening on …/beta` line, then serves.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn the_binary_announces_its_address_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_copilot-fake"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--token",
            "t",
            "--page-size",
            "5",
            "--fault",
            "getSession:1:503",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{line:?}"))
        .to_string();
    assert!(
        base.starts_with("http://127.0.0.1:") && base.ends_with("/beta"),
        "{base}"
    );
    let r = reqwest::Client::new()
        .get(format!("{base}/security/securityCopilot/workspaces"))
        .bearer_auth("t")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let unauthorized = reqwest::Client::new()
        .get(format!("{base}/security/securityCopilot/workspaces"))
        .bearer_auth("other")
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorized.status(), 401);
    child.kill().unwrap();
    let _ = child.wait();
}

#[test]
fn bad_flags_are_refused_with_usage() {
    let out = Command::new(env!("CARGO_BIN_EXE_copilot-fake"))
        .args(["--fault", "x:1:boom"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown kind"));
}

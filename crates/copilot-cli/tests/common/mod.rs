//! Shared by the CLI tests: start a copilot-fake on loopback, run the real `seccopilot` binary
//! against it with a clean environment, and collect its exit code and output.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};

use std::time::Duration;

use chrono::{DateTime, Utc};
use copilot_fake::{Clock, FakeConfig, FakeServer, Script};
use tokio::io::AsyncWriteExt as _;
use tokio::process::Command;

/// What a run of the binary left.
#[derive(Debug)]
pub(crate) struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout as one JSON value.
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:#?}"))
    }

    /// stdout as NDJSON lines.
    pub(crate) fn lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }
}

/// A started fake server.
pub(crate) async fn fake(config: FakeConfig) -> FakeServer {
    FakeServer::start_with(config).await.expect("bind loopback")
}

/// The binary with an empty environment: no credentials, no PATH, no terminal.
pub(crate) fn bare() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_seccopilot"));
    cmd.env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

/// The binary pointed at `fake` with a token.
pub(crate) fn seccopilot(fake: &FakeServer) -> Command {
    let mut cmd = bare();
    cmd.env("COPILOT_BASE_URL", fake.base_url())
        .env("COPILOT_TOKEN", "test-token");
    cmd
}

/// Runs `cmd` with `args` to the end.
pub(crate) async fn run(mut cmd: Command, args: &[&str]) -> Run {
    let output = cmd.args(args).output().await.expect("run seccopilot");
    finish(output)
}

/// Runs `cmd` with `args`, writing `input` to its stdin.
pub(crate) async fn run_with_stdin(mut cmd: Command, args: &[&str], input: &str) -> Run {
    let mut child = cmd
        .args(args)
        .stdin(Stdio::piped())
        .spawn()
        .expect("spawn seccopilot");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(input.as_bytes())
        .await
        .expect("write stdin");
    drop(stdin);
    finish(child.wait_with_output().await.expect("wait"))
}

pub(crate) fn finish(output: std::process::Output) -> Run {
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
    }
}

/// A fresh file under the test's temporary directory with `contents`.
pub(crate) fn file(name: &str, contents: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "cli-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write temp file");
    path
}

/// An empty directory, for a PATH with nothing on it.
pub(crate) fn empty_dir() -> PathBuf {
    let path = file("placeholder", "");
    let dir = path.parent().expect("parent").join("empty");
    std::fs::create_dir_all(&dir).expect("empty dir");
    dir
}

/// The scripted answer to "who am I" (Markdown, as the service sends it).
pub(crate) const WHO: &str =
    "You are **Test User**.\n\n| Role | Value |\n|---|---|\n| Reader | yes |\n";

/// The fake the CLI tests ask: quick phases and three scripted questions.
pub(crate) fn config() -> FakeConfig {
    FakeConfig::new()
        .phases(Duration::from_millis(10), Duration::from_millis(40))
        .script("who am I", Script::answer(WHO))
        .script("say no", Script::outcome("rejected"))
        .script("too much", Script::outcome("capacityExceeded"))
}

/// A clock that stands still, so evaluations finish only when a test moves it.
pub(crate) fn frozen() -> Clock {
    let start: DateTime<Utc> = "2025-10-22T20:00:00Z".parse().unwrap();
    Clock::manual(start)
}

/// Long enough for any scripted evaluation to finish.
pub(crate) fn an_hour() -> Duration {
    Duration::from_secs(3600)
}

/// The `seccopilot resume REF` line's reference.
pub(crate) fn resume_ref(stderr: &str) -> String {
    stderr
        .lines()
        .find_map(|l| l.split("seccopilot resume ").nth(1))
        .unwrap_or_else(|| panic!("no resume command in stderr: {stderr}"))
        .trim()
        .to_string()
}

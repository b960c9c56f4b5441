//! The binary prints exactly one `listening on …/beta` line, then serves; its flags and its
//! `--config` file compose in any order.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

const WS: &str = "/security/securityCopilot/workspaces/default";

/// A running `copilot-fake` binary, killed on drop.
struct Fake {
    child: Child,
    base: String,
}

impl Fake {
    fn spawn(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_copilot-fake"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the copilot-fake binary");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("piped stdout");
        let _ = BufReader::new(stdout).read_line(&mut line);
        let Some(base) = line
            .trim()
            .strip_prefix("listening on ")
            .map(str::to_string)
        else {
            let _ = child.kill();
            let out = child.wait_with_output().ok();
            let stderr = out
                .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
                .unwrap_or_default();
            panic!(
                "copilot-fake {args:?} printed {line:?} instead of its address; stderr: {stderr}"
            );
        };
        Self { child, base }
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut request = reqwest::Client::new()
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let r = request.send().await.expect("the binary answers");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.unwrap_or_default();
        (
            status,
            headers,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Creates a session, a prompt and an evaluation; returns the evaluation's path.
    async fn evaluation(&self, token: &str) -> String {
        let (_, _, s) = self
            .send(
                "POST",
                &format!("{WS}/sessions"),
                token,
                Some(json!({"displayName": "s"})),
            )
            .await;
        let session = format!("{WS}/sessions/{}", s["id"].as_str().expect("a session id"));
        let (_, _, p) = self
            .send(
                "POST",
                &format!("{session}/prompts"),
                token,
                Some(json!({"type": "prompt", "content": "q"})),
            )
            .await;
        let prompt = format!(
            "{session}/prompts/{}",
            p["id"].as_str().expect("a prompt id")
        );
        let (_, _, e) = self
            .send(
                "POST",
                &format!("{prompt}/evaluations"),
                token,
                Some(json!({})),
            )
            .await;
        format!(
            "{prompt}/evaluations/{}",
            e["id"].as_str().expect("an evaluation id")
        )
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A config file in the temp directory, removed on drop.
struct ConfigFile(std::path::PathBuf);

impl ConfigFile {
    fn new(name: &str, config: &Value) -> Self {
        let path =
            std::env::temp_dir().join(format!("copilot-fake-{}-{name}.json", std::process::id()));
        std::fs::write(&path, config.to_string()).expect("write the config file");
        Self(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temp path")
    }
}

impl Drop for ConfigFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[tokio::test]
async fn the_binary_announces_its_address_and_serves() {
    let fake = Fake::spawn(&[
        "--token",
        "t",
        "--page-size",
        "5",
        "--fault",
        "getSession:1:503",
    ]);
    assert!(
        fake.base.starts_with("http://127.0.0.1:") && fake.base.ends_with("/beta"),
        "{}",
        fake.base
    );
    let (status, _, _) = fake
        .send("GET", "/security/securityCopilot/workspaces", "t", None)
        .await;
    assert_eq!(status, 200);
    let (status, _, _) = fake
        .send("GET", "/security/securityCopilot/workspaces", "other", None)
        .await;
    assert_eq!(status, 401, "--token t must refuse other tokens");
}

#[tokio::test]
async fn flags_apply_on_top_of_the_config_file_whatever_their_order() {
    let file = ConfigFile::new(
        "compose",
        &json!({"tokens": ["from-file"], "pageSize": 3, "createdForMs": 600_000}),
    );
    // --page-size before --config must still win over the file's pageSize; --running-for-ms
    // must keep the file's createdForMs (it used to reset it to 50 ms). --seed gives a clock
    // that moves 10 ms per read, so "still created" does not depend on wall time.
    let fake = Fake::spawn(&[
        "--page-size",
        "1",
        "--seed",
        "1",
        "--config",
        file.path(),
        "--running-for-ms",
        "0",
        "--token",
        "from-flag",
    ]);
    for token in ["from-file", "from-flag"] {
        let (status, _, _) = fake
            .send("GET", "/security/securityCopilot/workspaces", token, None)
            .await;
        assert_eq!(status, 200, "the token {token} is refused");
    }
    for n in 0..2 {
        fake.send(
            "POST",
            &format!("{WS}/sessions"),
            "from-file",
            Some(json!({"displayName": format!("s{n}")})),
        )
        .await;
    }
    let (_, _, page) = fake
        .send("GET", &format!("{WS}/sessions"), "from-file", None)
        .await;
    assert_eq!(
        page["value"].as_array().map(Vec::len),
        Some(1),
        "--page-size 1 given before --config lost to the file's pageSize 3: {page}"
    );
    let evaluation = fake.evaluation("from-flag").await;
    let mut last = Value::Null;
    // Twenty reads move the stepping clock well past 50 ms, far short of 10 minutes.
    for _ in 0..20 {
        last = fake.send("GET", &evaluation, "from-flag", None).await.2;
    }
    assert_eq!(
        last["state"], "created",
        "--running-for-ms reset the file's createdForMs: {last}"
    );
}

#[tokio::test]
async fn rate_limit_and_capacity_flags() {
    // With --seed the clock moves 10 ms per read, so two requests in a row are well within
    // one second however slow the machine is.
    let fake = Fake::spawn(&["--seed", "1", "--rate-limit", "1"]);
    let path = "/security/securityCopilot/workspaces";
    let (first, _, _) = fake.send("GET", path, "a", None).await;
    assert_eq!(first, 200);
    let (status, headers, body) = fake.send("GET", path, "a", None).await;
    assert_eq!(
        status, 429,
        "--rate-limit 1 let a second request through: {body}"
    );
    assert_eq!(body["error"]["code"], "TooManyRequests");
    assert_eq!(
        headers.get("retry-after").and_then(|v| v.to_str().ok()),
        Some("1")
    );

    let fake = Fake::spawn(&[
        "--seed",
        "1",
        "--capacity",
        "0",
        "--created-for-ms",
        "0",
        "--running-for-ms",
        "0",
    ]);
    let evaluation = fake.evaluation("b").await;
    let (_, _, e) = fake.send("GET", &evaluation, "b", None).await;
    assert_eq!(
        e["result"]["type"], "capacityExceeded",
        "--capacity 0 let an evaluation succeed: {e}"
    );
}

#[tokio::test]
async fn random_fault_flags_are_seeded_by_seed() {
    // The same draw as tests/random_faults.rs's seed 7: 20 × 503 and 11 × 504 in 200 requests.
    let fake = Fake::spawn(&[
        "--random-fault",
        "100:503",
        "--seed",
        "7",
        "--random-fault",
        "50:504",
    ]);
    let mut counts = std::collections::BTreeMap::new();
    for _ in 0..200 {
        let (status, _, _) = fake
            .send("GET", "/security/securityCopilot/workspaces", "t", None)
            .await;
        *counts.entry(status).or_insert(0) += 1;
    }
    assert_eq!(
        counts,
        [(200, 169), (503, 20), (504, 11)].into_iter().collect(),
        "--random-fault with --seed 7 drew other faults than FakeConfig::random_faults(7, …)"
    );
}

#[test]
fn bad_flags_are_refused_with_usage() {
    for (args, expected) in [
        (&["--fault", "x:1:boom"][..], "unknown kind"),
        (&["--rate-limit", "many"], "not a number"),
        (&["--frobnicate", "1"], "unknown flag"),
        (&["--random-fault", "1001:503"], "per-mille"),
        (&["--random-fault", "10"], "PER_MILLE:KIND"),
        (&["--random-fault", "10:boom"], "unknown kind"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_copilot-fake"))
            .args(args)
            .output()
            .expect("run the binary");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

//! Helpers for the ergonomic client's tests: a fake-backed client with fast retries and polls,
//! and `copilot_fake::ScriptedServer` for responses the stateful fake never produces.

#![allow(dead_code)]

use std::time::Duration;

use copilot_ergonomic::{Copilot, CopilotBuilder, RetryPolicy, WaitOptions};
use copilot_fake::{FakeConfig, FakeServer, RecordedRequest};

pub(crate) const TOKEN: &str = "test-token-0123456789";

/// Retries without real waiting (unless the server asks for it) and quick polls.
pub(crate) fn fast(builder: CopilotBuilder) -> CopilotBuilder {
    builder
        .retry(RetryPolicy::default().with_base_delay(Duration::from_millis(5)))
        .wait_options(
            WaitOptions::default()
                .with_intervals(Duration::from_millis(5), Duration::from_millis(20)),
        )
}

/// A fast client for `base_url` with the test token.
pub(crate) fn client(base_url: &str) -> Copilot {
    fast(Copilot::builder().base_url(base_url).bearer_token(TOKEN))
        .build()
        .unwrap()
}

/// The error of listing the default workspace's sessions (the test expects one).
pub(crate) async fn sessions_error(copilot: &Copilot) -> copilot_ergonomic::Error {
    use futures::TryStreamExt as _;
    copilot
        .workspace("default")
        .sessions()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err()
}

pub(crate) async fn fake(config: FakeConfig) -> (FakeServer, Copilot) {
    let server = FakeServer::start_with(config.token(TOKEN)).await.unwrap();
    let copilot = fast(
        Copilot::builder()
            .base_url(server.base_url())
            .bearer_token(TOKEN),
    )
    .build()
    .unwrap();
    (server, copilot)
}

/// Requests as readable text for snapshots: ids, ports and secrets redacted.
pub(crate) fn render(requests: &[RecordedRequest]) -> String {
    let mut out = String::new();
    for r in requests {
        out.push_str(&format!("{} {}\n", r.method, redact_ids(&r.target)));
        for (name, value) in &r.headers {
            let value = match name.as_str() {
                "authorization" => {
                    assert_eq!(value, &format!("Bearer {TOKEN}"));
                    "Bearer [token]".to_string()
                }
                "client-request-id" => {
                    assert_eq!(value.len(), 36, "{value}");
                    "[guid]".to_string()
                }
                "host" => "127.0.0.1:[port]".to_string(),
                "user-agent" => value.replace(env!("CARGO_PKG_VERSION"), "[version]"),
                _ => value.clone(),
            };
            out.push_str(&format!("  {name}: {value}\n"));
        }
        if !r.body.is_empty() {
            out.push_str(&format!("  body: {}\n", r.body));
        }
    }
    out
}

/// Replaces GUID-shaped path segments with `{id}`.
pub(crate) fn redact_ids(target: &str) -> String {
    target
        .split('/')
        .map(|s| {
            if s.len() == 36 && s.chars().filter(|c| *c == '-').count() == 4 {
                "{id}"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

pub(crate) use copilot_fake::{Reply, ScriptedServer};

/// A scripted loopback server on `host` with `replies` queued.
pub(crate) async fn scripted(host: &str, replies: Vec<Reply>) -> ScriptedServer {
    let server = ScriptedServer::start(host).await.unwrap();
    for reply in replies {
        server.push(reply);
    }
    server
}

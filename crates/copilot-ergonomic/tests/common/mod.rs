//! Helpers for the ergonomic client's tests: a fake-backed client with fast retries and polls,
//! and a scripted loopback server for responses the fake cannot produce.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use copilot_ergonomic::{Copilot, CopilotBuilder, RetryPolicy, WaitOptions};
use copilot_fake::{FakeConfig, FakeServer, RecordedRequest};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub const TOKEN: &str = "test-token-0123456789";

/// Retries without real waiting (unless the server asks for it) and quick polls.
pub fn fast(builder: CopilotBuilder) -> CopilotBuilder {
    builder
        .retry(RetryPolicy::default().with_base_delay(Duration::from_millis(5)))
        .wait_options(
            WaitOptions::default()
                .with_intervals(Duration::from_millis(5), Duration::from_millis(20)),
        )
}

/// A fast client for `base_url` with the test token.
pub fn client(base_url: &str) -> Copilot {
    fast(Copilot::builder().base_url(base_url).bearer_token(TOKEN))
        .build()
        .unwrap()
}

/// The error of listing the default workspace's sessions (the test expects one).
pub async fn sessions_error(copilot: &Copilot) -> copilot_ergonomic::Error {
    use futures::TryStreamExt as _;
    copilot
        .workspace("default")
        .sessions()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err()
}

pub async fn fake(config: FakeConfig) -> (FakeServer, Copilot) {
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
pub fn render(requests: &[RecordedRequest]) -> String {
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
pub fn redact_ids(target: &str) -> String {
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

/// A loopback server answering each request with the next scripted response.
pub struct Scripted {
    pub base_url: String,
    pub port: u16,
    pub requests: Arc<Mutex<Vec<String>>>,
    queue: Arc<Mutex<VecDeque<Reply>>>,
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: body.to_string(),
        }
    }
}

impl Scripted {
    pub async fn start(host: &str, replies: Vec<Reply>) -> Self {
        let listener = TcpListener::bind((host, 0)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&requests);
        let queue = Arc::new(Mutex::new(VecDeque::from(replies)));
        let replies = Arc::clone(&queue);
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let raw = read_request(&mut socket).await;
                sink.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&raw).into_owned());
                let reply = replies.lock().unwrap().pop_front().unwrap_or(Reply {
                    status: 500,
                    headers: vec![],
                    body: "script exhausted".into(),
                });
                let mut head = format!(
                    "HTTP/1.1 {} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                    reply.status,
                    reply.body.len()
                );
                for (n, v) in &reply.headers {
                    head.push_str(&format!("{n}: {v}\r\n"));
                }
                head.push_str("\r\n");
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(reply.body.as_bytes()).await;
            }
        });
        Self {
            base_url: format!("http://{host}:{port}/beta"),
            port,
            requests,
            queue,
        }
    }

    /// Adds a reply after the ones already scripted.
    pub fn push(&self, reply: Reply) {
        self.queue.lock().unwrap().push_back(reply);
    }

    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Vec<u8> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let Ok(n) = socket.read(&mut buf).await else {
            return raw;
        };
        if n == 0 {
            return raw;
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .map_or(0, |v| v.trim().parse().unwrap_or(0));
            if raw.len() >= end + 4 + length {
                return raw;
            }
        }
    }
}

//! [`ScriptedServer`]: a loopback server that records each request byte for byte and answers
//! with canned replies, for what the stateful fake deliberately never does (a 204 to a PATCH, a
//! redirect, a nextLink to another host) and for capturing exactly what a client sends.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The most bytes of one request the server reads.
const MAX_REQUEST_BYTES: usize = 1024 * 1024;

/// A canned HTTP response of a [`ScriptedServer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Extra headers (`content-length` and `connection: close` are always sent).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

impl Reply {
    /// A reply with a body and no extra headers.
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// A JSON reply (`content-type: application/json`).
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Self::new(status, body.to_string()).with_header("content-type", "application/json")
    }

    /// The same reply with one more header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// What a [`ScriptedServer`] answers next, and what it received.
#[derive(Debug, Default)]
struct Canned {
    queue: VecDeque<Reply>,
    otherwise: Option<Reply>,
    requests: Vec<String>,
}

/// Records every request as raw text and answers with the next queued [`Reply`], or the
/// `otherwise` reply once the queue is empty (500 `script exhausted` without one). Stops when
/// dropped.
#[derive(Debug)]
pub struct ScriptedServer {
    base_url: String,
    port: u16,
    script: Arc<Mutex<Canned>>,
    task: tokio::task::JoinHandle<()>,
}

impl ScriptedServer {
    /// Starts on an ephemeral port of `host` (a loopback address such as `127.0.0.1`, or
    /// `127.0.0.2` to play "another host").
    pub async fn start(host: &str) -> std::io::Result<Self> {
        let listener = TcpListener::bind((host, 0)).await?;
        let port = listener.local_addr()?.port();
        let script = Arc::new(Mutex::new(Canned::default()));
        let shared = Arc::clone(&script);
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                serve(socket, &shared).await;
            }
        });
        Ok(Self {
            base_url: format!("http://{host}:{port}/beta"),
            port,
            script,
            task,
        })
    }

    /// `http://HOST:PORT/beta`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Queues a reply after those already queued.
    pub fn push(&self, reply: Reply) {
        self.lock().queue.push_back(reply);
    }

    /// The reply for every request once the queue is empty.
    pub fn otherwise(&self, reply: Reply) {
        self.lock().otherwise = Some(reply);
    }

    /// Every request received so far, as raw text (request line, headers, body; `\r\n` kept).
    pub fn requests(&self) -> Vec<String> {
        self.lock().requests.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Canned> {
        self.script.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut socket: TcpStream, script: &Mutex<Canned>) {
    let raw = read_request(&mut socket).await;
    let reply = {
        let mut script = script.lock().unwrap_or_else(|p| p.into_inner());
        script
            .requests
            .push(String::from_utf8_lossy(&raw).into_owned());
        let next = script
            .queue
            .pop_front()
            .or_else(|| script.otherwise.clone());
        next.unwrap_or_else(|| Reply::new(500, "script exhausted"))
    };
    let mut head = format!(
        "HTTP/1.1 {} Scripted\r\ncontent-length: {}\r\nconnection: close\r\n",
        reply.status,
        reply.body.len()
    );
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = socket.write_all(head.as_bytes()).await;
    let _ = socket.write_all(reply.body.as_bytes()).await;
}

/// Reads one request: the head, then `content-length` bytes of body.
async fn read_request(socket: &mut TcpStream) -> Vec<u8> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    while raw.len() < MAX_REQUEST_BYTES {
        let Ok(n) = socket.read(&mut buf).await else {
            break;
        };
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if raw.len() >= end + 4 + length {
                break;
            }
        }
    }
    raw
}

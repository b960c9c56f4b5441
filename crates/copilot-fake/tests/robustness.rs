//! Malformed and hostile requests: the server answers or closes, never panics, and keeps serving.

use std::sync::{Mutex, Once};
use std::time::Duration;

use copilot_fake::{FakeConfig, FakeServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Panics seen on server threads (tokio workers), with their messages.
static SERVER_PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());
static HOOK: Once = Once::new();

/// Installs, once, a panic hook that records panics on tokio worker threads (where the server's
/// tasks run) and then forwards every panic to the previous hook, so the test's own assertion
/// failures still print their messages.
fn count_server_panics() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let thread = std::thread::current();
            if thread.name() == Some("tokio-runtime-worker") {
                let mut panics = SERVER_PANICS.lock().unwrap_or_else(|p| p.into_inner());
                panics.push(info.to_string());
            }
            previous(info);
        }));
    });
}

fn server_panics() -> Vec<String> {
    SERVER_PANICS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
}

/// A deterministic xorshift sequence for generated inputs.
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// Sends `bytes`, half-closes the connection (as some clients do), and reads until the server
/// closes or 2 s pass.
async fn raw(addr: std::net::SocketAddr, bytes: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr)
        .await
        .expect("connect to the fake on loopback");
    let _ = stream.write_all(bytes).await;
    let _ = stream.shutdown().await;
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(2), stream.read_to_end(&mut out)).await;
    out
}

fn request(method: &str, target: &str, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "{method} {target} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer t\r\n{headers}content-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_requests_never_panic_the_server() {
    count_server_panics();
    let server = FakeServer::start_with(FakeConfig::new().max_body_bytes(4096))
        .await
        .unwrap();
    let addr = server.addr();
    let ws = "/beta/security/securityCopilot/workspaces/default";
    let json = "content-type: application/json\r\n";
    let mut cases: Vec<Vec<u8>> = vec![
        b"\x00\x01\x02garbage\r\n\r\n".to_vec(),
        b"GET / HTTP/9.9\r\n\r\n".to_vec(),
        request("GET", &format!("{ws}/sessions/%FF%FE"), "", ""),
        request("GET", &format!("{ws}/sessions/%"), "", ""),
        request("GET", &format!("{ws}/sessions?$filter=(((((("), "", ""),
        request(
            "GET",
            &format!("{ws}/sessions?$filter=contains(,,)"),
            "",
            "",
        ),
        request(
            "GET",
            &format!("{ws}/sessions?$top=99999999999999999999999"),
            "",
            "",
        ),
        request(
            "GET",
            &format!("{ws}/sessions?$skip=18446744073709551615"),
            "",
            "",
        ),
        request(
            "GET",
            &format!("{ws}/sessions?$skiptoken=C1FFFFFFFFFFFFFFFF"),
            "",
            "",
        ),
        request("GET", &format!("{ws}/sessions?%24top=%ZZ"), "", ""),
        request("GET", &format!("{ws}/../../../etc/passwd"), "", ""),
        request(
            "POST",
            &format!("{ws}/sessions"),
            json,
            "{\"displayName\": \"\\ud800\"}",
        ),
        request("POST", &format!("{ws}/sessions"), json, &"[".repeat(3000)),
        request("POST", &format!("{ws}/sessions"), json, &"x".repeat(10_000)),
        request(
            "POST",
            &format!("{ws}/sessions"),
            "content-type: application/json; charset=\u{1F600}\r\n",
            "{}",
        ),
        request("PATCH", &format!("{ws}/sessions/x"), json, "null"),
        request("BREW", &format!("{ws}/sessions"), "", ""),
        request(
            "GET",
            &format!("{ws}/sessions"),
            "authorization: Bearer \r\n",
            "",
        ),
        request(
            "GET",
            &format!("{ws}/sessions"),
            &format!("x-long: {}\r\n", "a".repeat(100_000)),
            "",
        ),
        format!("POST {ws}/sessions HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{{")
            .into_bytes(),
        format!(
            "POST {ws}/sessions HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nZZ\r\n"
        )
        .into_bytes(),
    ];
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..200 {
        let len = (xorshift(&mut state) % 300) as usize;
        let mut bytes: Vec<u8> = (0..len)
            .map(|_| (xorshift(&mut state) & 0xff) as u8)
            .collect();
        if xorshift(&mut state).is_multiple_of(2) {
            let mut prefix = request("POST", &format!("{ws}/sessions"), json, "");
            prefix.truncate(prefix.len() - 4);
            prefix.extend_from_slice(b"\r\n\r\n");
            prefix.extend(bytes);
            bytes = prefix;
        }
        cases.push(bytes);
    }
    for case in &cases {
        raw(addr, case).await;
    }
    let ok = raw(addr, &request("GET", &format!("{ws}/sessions"), "", "")).await;
    let text = String::from_utf8_lossy(&ok);
    assert!(
        text.starts_with("HTTP/1.1 200"),
        "after {} hostile requests, a plain GET got {} bytes instead of a 200: {text:?}",
        cases.len(),
        ok.len()
    );
    let panics = server_panics();
    assert!(panics.is_empty(), "the server panicked: {panics:#?}");
}

/// A client that shuts down its write side right after the request still gets the answer
/// (hyper's default closes such connections unanswered when it sees the EOF first; repeating
/// the request makes that race show).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_closed_requests_are_answered() {
    let server = FakeServer::start().await.unwrap();
    let ws = "/beta/security/securityCopilot/workspaces/default";
    for attempt in 1..=100 {
        let reply = raw(
            server.addr(),
            &request("GET", &format!("{ws}/sessions"), "", ""),
        )
        .await;
        let text = String::from_utf8_lossy(&reply);
        assert!(
            text.starts_with("HTTP/1.1 200"),
            "attempt {attempt}: a half-closed GET got {} bytes instead of a 200: {text:?}",
            reply.len()
        );
    }
}

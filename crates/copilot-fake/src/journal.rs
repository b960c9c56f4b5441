//! What the server saw: every request as received (the last [`JOURNAL_CAPACITY`]), and the
//! connection counters.

use std::collections::VecDeque;
use std::sync::Mutex;

use crate::exchange::Incoming;

/// Connection counters (see `FakeServer::connections`).
#[derive(Debug, Default)]
pub(crate) struct Connections {
    pub accepted: std::sync::atomic::AtomicUsize,
    pub open: std::sync::atomic::AtomicUsize,
    pub peak: std::sync::atomic::AtomicUsize,
}

/// How many connections the server has seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionStats {
    /// Connections accepted since the start.
    pub accepted: usize,
    /// Connections open now.
    pub open: usize,
    /// The most connections that were open at the same time.
    pub peak: usize,
}

/// How many requests the journal keeps (the oldest are dropped).
const JOURNAL_CAPACITY: usize = 10_000;

/// A request as the server received it (see `FakeServer::requests`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The HTTP method.
    pub method: String,
    /// Path and query exactly as sent, e.g. `/beta/security/...?$top=5`.
    pub target: String,
    /// Headers in the order received, names lower-case.
    pub headers: Vec<(String, String)>,
    /// The body (lossy UTF-8).
    pub body: String,
}

impl RecordedRequest {
    /// The first header called `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Appends `req` to `journal`, dropping the oldest request when it is full.
pub(crate) fn record(journal: &Mutex<VecDeque<RecordedRequest>>, req: &Incoming<'_>) {
    let target = match req.query {
        Some(q) => format!("{}?{q}", req.path),
        None => req.path.to_string(),
    };
    let headers = req
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = req
        .body
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    let mut journal = journal.lock().unwrap_or_else(|p| p.into_inner());
    if journal.len() == JOURNAL_CAPACITY {
        journal.pop_front();
    }
    journal.push_back(RecordedRequest {
        method: req.method.to_string(),
        target,
        headers,
        body,
    });
}

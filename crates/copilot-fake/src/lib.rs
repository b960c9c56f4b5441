//! `copilot_fake` (package `msgraph-security-copilot-fake`): an in-memory fake of the Microsoft Graph
//! beta **Security Copilot** API.
//!
//! It serves the twelve documented operations under `/beta/security/securityCopilot/...` on a
//! loopback port, with Graph's JSON shapes (checked against `openapi/copilot.yaml` in tests),
//! paging, OData query options, Graph-style errors, evaluations that move from `created` through
//! `running` to `completed`, injectable faults, and a journal of the requests it received. Use it to test code that talks to Security
//! Copilot without a tenant.
//!
//! ```no_run
//! # async fn demo() {
//! use copilot_fake::{FakeConfig, FakeServer, Script};
//!
//! let server = FakeServer::start_with(
//!     FakeConfig::new().script("who am I", Script::answer("You are a test user.\n")),
//! )
//! .await
//! .expect("bind a loopback port");
//! println!("{}", server.base_url()); // http://127.0.0.1:PORT/beta
//! # }
//! ```

mod bodies;
mod challenge;
mod clock;
mod config;
mod exchange;
mod faults;
mod filter;
mod graph_error;
mod handler;
mod ids;
mod journal;
mod odata;
mod operations;
mod routing;
mod scripted;
mod server;
mod store;
mod throttle;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;

pub use clock::Clock;
pub use config::{FakeConfig, Phases, PluginEntry, Script};
pub use faults::{Fault, FaultRule};
pub use journal::{ConnectionStats, RecordedRequest};
pub use routing::{ROUTES, ServedRoute};
pub use scripted::{Reply, ScriptedServer};

/// A running fake server. Dropping it stops the server.
pub struct FakeServer {
    addr: SocketAddr,
    state: Arc<handler::State>,
    shutdown: watch::Sender<bool>,
}

impl FakeServer {
    /// Starts a server with the default configuration on an ephemeral loopback port.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(FakeConfig::new()).await
    }

    /// Starts a server with `config` on an ephemeral loopback port.
    pub async fn start_with(config: FakeConfig) -> std::io::Result<Self> {
        Self::bind(
            "127.0.0.1:0".parse().expect("a valid address literal"),
            config,
        )
        .await
    }

    /// Starts a server on `addr`.
    pub async fn bind(addr: SocketAddr, config: FakeConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(handler::State::new(config));
        let (shutdown, receiver) = watch::channel(false);
        tokio::spawn(server::serve(listener, Arc::clone(&state), receiver));
        Ok(Self {
            addr,
            state,
            shutdown,
        })
    }

    /// The base URL clients use, e.g. `http://127.0.0.1:41234/beta`.
    pub fn base_url(&self) -> String {
        format!("http://{}/beta", self.addr)
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server's clock (advance it in tests that use [`Clock::manual`]).
    pub fn clock(&self) -> &Clock {
        &self.state.clock
    }

    /// The requests received so far (the last 10,000), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        let journal = self.state.journal.lock().unwrap_or_else(|p| p.into_inner());
        journal.iter().cloned().collect()
    }

    /// How many connections were accepted, are open now, and were open at most at once.
    pub fn connections(&self) -> ConnectionStats {
        let counters = &self.state.connections;
        ConnectionStats {
            accepted: counters.accepted.load(std::sync::atomic::Ordering::Relaxed),
            open: counters.open.load(std::sync::atomic::Ordering::Relaxed),
            peak: counters.peak.load(std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Everything the server stores, for tests that check what their code created:
    /// `{"workspaces": [{"id", "displayName", …, "sessions": [{…, "prompts": [{…,
    /// "evaluations": [{…}]}]}]}]}`, each entity with the members the API shows for it (an
    /// evaluation as of the server's clock now). Sessions come newest first, as listed;
    /// prompts and evaluations in creation order.
    pub fn dump(&self) -> serde_json::Value {
        let now = self.state.clock.now();
        let store = self.state.store.lock().unwrap_or_else(|p| p.into_inner());
        store::dump(&store, now)
    }

    /// How many faults were injected so far, by kind (`429`, `503`, `drop`, `drop-after`,
    /// `latency`, `truncate`, `html`, `content-type`, `claims`): explicit rules and random ones;
    /// `rate-limit` counts the 429s of [`FakeConfig::rate_limit`].
    pub fn injected_faults(&self) -> std::collections::BTreeMap<String, u64> {
        self.state
            .injected
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Returns the requests received so far and forgets them.
    pub fn take_requests(&self) -> Vec<RecordedRequest> {
        let mut journal = self.state.journal.lock().unwrap_or_else(|p| p.into_inner());
        journal.drain(..).collect()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

//! One request in, one response out: the server's shared [`State`], and the life of a request
//! through it (ids, journal, throttling, routing, faults, auth, then the operation). Routing is
//! in `routing.rs`, the operations in `operations.rs`, bodies in `bodies.rs`, errors in
//! `graph_error.rs`, the journal in `journal.rs`. Every failure is a Graph-style error; nothing
//! here panics.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use bytes::Bytes;
use hyper::StatusCode;
use hyper::header::HeaderMap;

use crate::challenge;
use crate::clock::Clock;
use crate::config::FakeConfig;
use crate::exchange::{Answer, Handled, Incoming, JSON_CONTENT_TYPE, RequestIds, insert};
use crate::faults::Fault;
use crate::graph_error::{self, GraphError};
use crate::ids::Ids;
use crate::journal::{self, Connections, RecordedRequest};
use crate::routing;
use crate::store::Store;
use crate::throttle::Throttle;

/// The server's shared state.
pub(crate) struct State {
    pub config: FakeConfig,
    pub clock: Clock,
    pub ids: Ids,
    pub store: Mutex<Store>,
    pub calls: Mutex<HashMap<&'static str, u64>>,
    pub journal: Mutex<VecDeque<RecordedRequest>>,
    pub connections: Connections,
    /// Per-token throttling, when `FakeConfig::rate_limit` is set.
    pub throttle: Option<Throttle>,
    /// Evaluations created so far (for `FakeConfig::capacity`).
    pub evaluations_created: std::sync::atomic::AtomicU64,
    /// The seed of `FakeConfig::random_faults`' draw.
    random_seed: u64,
    /// Requests that no fault rule matched so far: the number of the next random draw.
    random_draws: std::sync::atomic::AtomicU64,
    /// Faults injected so far, by kind (`FakeServer::injected_faults`).
    pub injected: Mutex<std::collections::BTreeMap<String, u64>>,
}

impl State {
    pub(crate) fn new(config: FakeConfig) -> Self {
        let ids = match config.seed {
            Some(seed) => Ids::seeded(seed),
            None => Ids::random(),
        };
        Self {
            clock: config.resolved_clock(),
            store: Mutex::new(Store::new(&config.workspaces)),
            calls: Mutex::new(HashMap::new()),
            journal: Mutex::new(VecDeque::new()),
            connections: Connections::default(),
            throttle: config.rate_limit.map(Throttle::new),
            evaluations_created: std::sync::atomic::AtomicU64::new(0),
            random_seed: config
                .random_faults
                .seed
                .or(config.seed)
                .unwrap_or_else(random_seed),
            random_draws: std::sync::atomic::AtomicU64::new(0),
            injected: Mutex::new(std::collections::BTreeMap::new()),
            ids,
            config,
        }
    }

    /// Handles one request (latency faults sleep here).
    pub(crate) async fn handle(&self, req: Incoming<'_>) -> Handled {
        journal::record(&self.journal, &req);
        let request_id = self.ids.next();
        let client_request_id = req
            .headers
            .get("client-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let mut headers = HeaderMap::new();
        insert(&mut headers, "request-id", &request_id);
        if let Some(id) = &client_request_id {
            insert(&mut headers, "client-request-id", id);
        }
        insert(
            &mut headers,
            "x-ms-ags-diagnostic",
            r#"{"ServerInfo":{"DataCenter":"Loopback","Slice":"E","Ring":"0","ScaleUnit":"000","RoleInstance":"copilot-fake"}}"#,
        );
        let ids = RequestIds {
            request_id,
            client_request_id,
        };

        if let Some(throttle) = &self.throttle
            && let Err(seconds) = throttle.admit(&self.clock, bearer_token(req.headers))
        {
            insert(&mut headers, "retry-after", &seconds.to_string());
            *self
                .injected
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .entry("rate-limit".to_string())
                .or_insert(0) += 1;
            return Handled::Respond(self.error(
                &ids,
                headers,
                GraphError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "TooManyRequests",
                    "Too many requests for this token; retry after the time given by Retry-After.",
                ),
            ));
        }

        let routed = match routing::route(req.method, req.path) {
            Ok(routed) => routed,
            Err(e) => return Handled::Respond(self.error(&ids, headers, e)),
        };
        let fault = self.fault_for(routed.operation_id);
        match &fault {
            Some(Fault::Status {
                status,
                retry_after,
            }) => {
                let status =
                    StatusCode::from_u16(*status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
                if let Some(value) = retry_after {
                    insert(&mut headers, "retry-after", value);
                }
                let (code, message) = match status.as_u16() {
                    429 => (
                        "TooManyRequests",
                        "Too many requests; retry after the time given by Retry-After.",
                    ),
                    503 => (
                        "ServiceUnavailable",
                        "The service is temporarily unavailable.",
                    ),
                    504 => ("GatewayTimeout", "The gateway timed out."),
                    _ => ("InjectedFault", "A fault injected by copilot-fake."),
                };
                return Handled::Respond(self.error(
                    &ids,
                    headers,
                    GraphError::new(status, code, message),
                ));
            }
            Some(Fault::Latency(delay)) => tokio::time::sleep(*delay).await,
            Some(Fault::DropConnection) => return Handled::Drop,
            Some(Fault::ClaimsChallenge { claims }) => {
                return Handled::Respond(self.error(
                    &ids,
                    headers,
                    GraphError::claims_challenge(claims),
                ));
            }
            Some(Fault::HtmlPage { status }) => {
                insert(&mut headers, "content-type", "text/html; charset=utf-8");
                let body = format!(
                    "<!DOCTYPE html><html><head><title>{status} Error</title></head><body><h1>Bad Gateway</h1><p>The upstream server did not answer.</p></body></html>"
                );
                let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_GATEWAY);
                return Handled::Respond(Answer {
                    status,
                    headers,
                    body: Bytes::from(body),
                });
            }
            _ => {}
        }

        let reply = match self.authorize(req.headers) {
            Err(e) => self.error(&ids, headers, e),
            Ok(()) => match self.dispatch(&routed, &req) {
                Ok((status, body)) => {
                    insert(&mut headers, "content-type", JSON_CONTENT_TYPE);
                    Answer {
                        status,
                        headers,
                        body: Bytes::from(body.to_string()),
                    }
                }
                Err(e) => self.error(&ids, headers, e),
            },
        };
        Handled::Respond(match fault {
            Some(Fault::DropAfterStore) => return Handled::Drop,
            Some(Fault::TruncatedBody) => Answer {
                body: reply.body.slice(..reply.body.len() / 2),
                ..reply
            },
            Some(Fault::WrongContentType) => {
                let mut reply = reply;
                insert(
                    &mut reply.headers,
                    "content-type",
                    "text/plain; charset=utf-8",
                );
                reply
            }
            _ => reply,
        })
    }

    /// The fault for this call of `operation`, counting the call.
    fn fault_for(&self, operation: &'static str) -> Option<Fault> {
        let call = {
            let mut calls = self.calls.lock().unwrap_or_else(|p| p.into_inner());
            let n = calls.entry(operation).or_insert(0);
            *n += 1;
            *n
        };
        let fault = if let Some(rule) = self
            .config
            .faults
            .iter()
            .find(|rule| rule.applies(operation, call))
        {
            Some(rule.fault.clone())
        } else if self.config.random_faults.faults.is_empty() {
            None
        } else {
            let n = self
                .random_draws
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            self.config.random_faults.draw(self.random_seed, n).cloned()
        };
        if let Some(fault) = &fault {
            let mut injected = self.injected.lock().unwrap_or_else(|p| p.into_inner());
            *injected.entry(fault.kind()).or_insert(0) += 1;
        }
        fault
    }

    /// Whether the request's bearer token is accepted (and not one that must answer a claims
    /// challenge).
    fn authorize(&self, headers: &HeaderMap) -> Result<(), GraphError> {
        let unauthorized = |message: &str| {
            GraphError::new(
                StatusCode::UNAUTHORIZED,
                "InvalidAuthenticationToken",
                message,
            )
        };
        let value = headers
            .get(hyper::header::AUTHORIZATION)
            .ok_or_else(|| unauthorized("Access token is empty."))?;
        let text = value
            .to_str()
            .map_err(|_| unauthorized("Access token validation failure."))?;
        let token = text
            .strip_prefix("Bearer ")
            .or_else(|| text.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| unauthorized("Access token is empty."))?;
        match &self.config.tokens {
            Some(tokens) if !tokens.iter().any(|t| t == token) => Err(unauthorized(
                "Access token validation failure. Invalid audience.",
            )),
            _ if self.config.claims_required.iter().any(|t| t == token) => {
                Err(GraphError::claims_challenge(challenge::DEFAULT_CLAIMS))
            }
            _ => Ok(()),
        }
    }

    /// Graph's error response for `e`.
    fn error(&self, ids: &RequestIds, headers: HeaderMap, e: GraphError) -> Answer {
        graph_error::render(e, ids, headers, self.clock.now())
    }
}

/// A seed for random faults when the configuration gives none.
fn random_seed() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}

/// The bearer token of a request (empty when there is none), the key of its throttling bucket.
fn bearer_token(headers: &HeaderMap) -> &str {
    headers
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|t| {
            t.strip_prefix("Bearer ")
                .or_else(|| t.strip_prefix("bearer "))
        })
        .map(str::trim)
        .unwrap_or_default()
}

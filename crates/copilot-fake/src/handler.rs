//! One request in, one response out: routing, auth, faults, query options, bodies, and the
//! twelve documented operations. Every failure is a Graph-style error; nothing here panics.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use bytes::Bytes;
use hyper::header::{HeaderMap, HeaderValue};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};

use crate::challenge;
use crate::clock::Clock;
use crate::config::{FakeConfig, Script};
use crate::faults::Fault;
use crate::ids::Ids;
use crate::odata::{self, Accepts, EntityKind, FilterOp, Paging};
use crate::store::{self, Evaluation, Prompt, Session, Store};
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

/// How many requests [`State::journal`] keeps (the oldest are dropped).
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

/// What the connection layer should do with a handled request.
pub(crate) enum Outcome {
    Respond(Reply),
    /// Close the connection without a response.
    Drop,
}

/// A complete response.
pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// The parts of a request the handler reads.
pub(crate) struct Incoming<'a> {
    pub method: &'a Method,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    /// `None` when the body was larger than allowed.
    pub body: Option<&'a [u8]>,
    /// `scheme://host:port`, for absolute links.
    pub origin: String,
}

const BASE_PATH: &str = "/beta";
const ROOT: &str = "/beta/security/securityCopilot/workspaces";
const JSON_CONTENT_TYPE: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

const WORKSPACE: EntityKind = EntityKind {
    properties: &["id", "displayName"],
    filterable: &[],
};
const PLUGIN: EntityKind = EntityKind {
    properties: &[
        "name",
        "displayName",
        "description",
        "category",
        "catalogScope",
        "previewState",
        "isEnabled",
        "authorization",
        "settings",
        "supportedAuthTypes",
    ],
    filterable: &[
        ("displayName", &[FilterOp::Eq]),
        ("isEnabled", &[FilterOp::Eq]),
        ("name", &[FilterOp::Eq, FilterOp::Contains]),
    ],
};
const SESSION: EntityKind = EntityKind {
    properties: &[
        "id",
        "createdDateTime",
        "lastModifiedDateTime",
        "displayName",
    ],
    filterable: &[],
};
const PROMPT: EntityKind = EntityKind {
    properties: &[
        "id",
        "type",
        "createdDateTime",
        "lastModifiedDateTime",
        "skillName",
        "content",
        "inputs",
        "skillInputDescriptors",
    ],
    filterable: &[],
};
const EVALUATION: EntityKind = EntityKind {
    properties: &[
        "id",
        "createdDateTime",
        "runStartDateTime",
        "completedDateTime",
        "lastModifiedDateTime",
        "state",
        "executionCount",
        "isCancelled",
        "result",
    ],
    filterable: &[],
};

/// A documented operation, resolved from method and path.
#[derive(Debug)]
enum Route {
    ListWorkspaces,
    ListPlugins {
        ws: String,
    },
    ListSessions {
        ws: String,
    },
    CreateSession {
        ws: String,
    },
    GetSession {
        ws: String,
        session: String,
    },
    UpdateSession {
        ws: String,
        session: String,
    },
    ListPrompts {
        ws: String,
        session: String,
    },
    CreatePrompt {
        ws: String,
        session: String,
    },
    GetPrompt {
        ws: String,
        session: String,
        prompt: String,
    },
    ListEvaluations {
        ws: String,
        session: String,
        prompt: String,
    },
    CreateEvaluation {
        ws: String,
        session: String,
        prompt: String,
    },
    GetEvaluation {
        ws: String,
        session: String,
        prompt: String,
        evaluation: String,
    },
}

impl Route {
    fn operation_id(&self) -> &'static str {
        match self {
            Route::ListWorkspaces => "listWorkspaces",
            Route::ListPlugins { .. } => "listPlugins",
            Route::ListSessions { .. } => "listSessions",
            Route::CreateSession { .. } => "createSession",
            Route::GetSession { .. } => "getSession",
            Route::UpdateSession { .. } => "updateSession",
            Route::ListPrompts { .. } => "listPrompts",
            Route::CreatePrompt { .. } => "createPrompt",
            Route::GetPrompt { .. } => "getPrompt",
            Route::ListEvaluations { .. } => "listEvaluations",
            Route::CreateEvaluation { .. } => "createEvaluation",
            Route::GetEvaluation { .. } => "getEvaluation",
        }
    }
}

/// A Graph error, rendered by [`State::error`].
struct GraphError {
    status: StatusCode,
    code: &'static str,
    message: String,
    allow: Option<&'static str>,
    /// A `WWW-Authenticate` value other than the plain Bearer challenge.
    challenge: Option<String>,
}

impl GraphError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            allow: None,
            challenge: None,
        }
    }

    /// A 401 claims challenge asking for `claims` (JSON text).
    fn claims_challenge(claims: &str) -> Self {
        let mut e = Self::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "The access token does not satisfy the claims this resource requires; acquire a \
             new token with the claims in the WWW-Authenticate header.",
        );
        e.challenge = Some(challenge::insufficient_claims(claims));
        e
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    fn not_found(what: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("The {what} '{id}' was not found."),
        )
    }
}

/// Splits the path below the workspaces root into percent-decoded segments.
fn segments(path: &str) -> Option<Vec<String>> {
    let rest = path.strip_prefix(ROOT)?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() {
        return Some(Vec::new());
    }
    rest.split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .ok()
                .map(|c| c.into_owned())
        })
        .collect()
}

fn route(method: &Method, path: &str) -> Result<Route, GraphError> {
    let not_found = || {
        GraphError::new(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            format!("Resource not found for the segment path '{path}'."),
        )
    };
    let segs = segments(path).ok_or_else(not_found)?;
    // `$count`, `$ref`, `$value`, …: Graph's generated surface has them, the service (and the
    // fake) answer them as an unknown segment.
    if let Some(segment) = segs.iter().find(|s| s.starts_with('$')) {
        return Err(GraphError::bad_request(format!(
            "Resource not found for the segment '{segment}'."
        )));
    }
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    let (allowed, route): (&'static str, Option<Route>) = match (s.as_slice(), method.as_str()) {
        ([], "GET") => ("GET", Some(Route::ListWorkspaces)),
        ([], _) => ("GET", None),
        ([ws, "plugins"], "GET") => ("GET", Some(Route::ListPlugins { ws: ws.to_string() })),
        ([_, "plugins"], _) => ("GET", None),
        ([ws, "sessions"], "GET") => (
            "GET, POST",
            Some(Route::ListSessions { ws: ws.to_string() }),
        ),
        ([ws, "sessions"], "POST") => (
            "GET, POST",
            Some(Route::CreateSession { ws: ws.to_string() }),
        ),
        ([_, "sessions"], _) => ("GET, POST", None),
        ([ws, "sessions", id], m) => {
            let (ws, session) = (ws.to_string(), id.to_string());
            match m {
                "GET" => ("GET, PATCH", Some(Route::GetSession { ws, session })),
                "PATCH" => ("GET, PATCH", Some(Route::UpdateSession { ws, session })),
                _ => ("GET, PATCH", None),
            }
        }
        ([ws, "sessions", id, "prompts"], m) => {
            let (ws, session) = (ws.to_string(), id.to_string());
            match m {
                "GET" => ("GET, POST", Some(Route::ListPrompts { ws, session })),
                "POST" => ("GET, POST", Some(Route::CreatePrompt { ws, session })),
                _ => ("GET, POST", None),
            }
        }
        ([ws, "sessions", sid, "prompts", pid], m) => match m {
            "GET" => (
                "GET",
                Some(Route::GetPrompt {
                    ws: ws.to_string(),
                    session: sid.to_string(),
                    prompt: pid.to_string(),
                }),
            ),
            _ => ("GET", None),
        },
        ([ws, "sessions", sid, "prompts", pid, "evaluations"], m) => {
            let (ws, session, prompt) = (ws.to_string(), sid.to_string(), pid.to_string());
            match m {
                "GET" => (
                    "GET, POST",
                    Some(Route::ListEvaluations {
                        ws,
                        session,
                        prompt,
                    }),
                ),
                "POST" => (
                    "GET, POST",
                    Some(Route::CreateEvaluation {
                        ws,
                        session,
                        prompt,
                    }),
                ),
                _ => ("GET, POST", None),
            }
        }
        ([ws, "sessions", sid, "prompts", pid, "evaluations", eid], m) => match m {
            "GET" => (
                "GET",
                Some(Route::GetEvaluation {
                    ws: ws.to_string(),
                    session: sid.to_string(),
                    prompt: pid.to_string(),
                    evaluation: eid.to_string(),
                }),
            ),
            _ => ("GET", None),
        },
        _ => return Err(not_found()),
    };
    route.ok_or_else(|| {
        let mut e = GraphError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            format!("The HTTP method '{method}' is not allowed for the resource '{path}'."),
        );
        e.allow = Some(allowed);
        e
    })
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
    pub(crate) async fn handle(&self, req: Incoming<'_>) -> Outcome {
        self.record(&req);
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
        let ctx = Ctx {
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
            return Outcome::Respond(self.error(
                &ctx,
                headers,
                GraphError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "TooManyRequests",
                    "Too many requests for this token; retry after the time given by Retry-After.",
                ),
            ));
        }

        let route = match route(req.method, req.path) {
            Ok(route) => route,
            Err(e) => return Outcome::Respond(self.error(&ctx, headers, e)),
        };
        let fault = self.fault_for(route.operation_id());
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
                return Outcome::Respond(self.error(
                    &ctx,
                    headers,
                    GraphError::new(status, code, message),
                ));
            }
            Some(Fault::Latency(delay)) => tokio::time::sleep(*delay).await,
            Some(Fault::DropConnection) => return Outcome::Drop,
            Some(Fault::ClaimsChallenge { claims }) => {
                return Outcome::Respond(self.error(
                    &ctx,
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
                return Outcome::Respond(Reply {
                    status,
                    headers,
                    body: Bytes::from(body),
                });
            }
            _ => {}
        }

        let reply = match self.authorize(req.headers) {
            Err(e) => self.error(&ctx, headers, e),
            Ok(()) => match self.dispatch(&route, &req) {
                Ok((status, body)) => {
                    insert(&mut headers, "content-type", JSON_CONTENT_TYPE);
                    Reply {
                        status,
                        headers,
                        body: Bytes::from(body.to_string()),
                    }
                }
                Err(e) => self.error(&ctx, headers, e),
            },
        };
        Outcome::Respond(match fault {
            Some(Fault::DropAfterStore) => return Outcome::Drop,
            Some(Fault::TruncatedBody) => Reply {
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

    fn record(&self, req: &Incoming<'_>) {
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
        let mut journal = self.journal.lock().unwrap_or_else(|p| p.into_inner());
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

    /// `script`, or a `capacityExceeded` outcome once `FakeConfig::capacity` evaluations exist.
    fn within_capacity(&self, script: Script) -> Script {
        let n = self
            .evaluations_created
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            + 1;
        match self.config.capacity {
            Some(capacity) if n > capacity => Script {
                answer: Some(format!(
                    "The workspace has used its capacity ({capacity} evaluations); this prompt \
                     was not evaluated. Add capacity or try again later.\n"
                )),
                outcome: "capacityExceeded".into(),
                ..script
            },
            _ => script,
        }
    }

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

    fn error(&self, ctx: &Ctx, mut headers: HeaderMap, e: GraphError) -> Reply {
        let now = self.clock.now();
        let body = json!({
            "error": {
                "code": e.code,
                "message": e.message,
                "innerError": {
                    "date": now.format("%Y-%m-%dT%H:%M:%S").to_string(),
                    "request-id": ctx.request_id,
                    "client-request-id": ctx.client_request_id.clone().unwrap_or_else(|| ctx.request_id.clone()),
                },
            }
        });
        insert(&mut headers, "content-type", JSON_CONTENT_TYPE);
        match &e.challenge {
            Some(value) => insert(&mut headers, "www-authenticate", value),
            None if e.status == StatusCode::UNAUTHORIZED => {
                insert(&mut headers, "www-authenticate", &challenge::bearer());
            }
            None => {}
        }
        if let Some(allow) = e.allow {
            insert(&mut headers, "allow", allow);
        }
        Reply {
            status: e.status,
            headers,
            body: Bytes::from(body.to_string()),
        }
    }

    fn dispatch(
        &self,
        route: &Route,
        req: &Incoming<'_>,
    ) -> Result<(StatusCode, Value), GraphError> {
        let base = format!("{}{BASE_PATH}", req.origin);
        let metadata = format!("{base}/$metadata#security/securityCopilot/workspaces");
        let collection_url = format!("{}{}", req.origin, req.path.trim_end_matches('/'));
        let paging = Paging {
            page_size: self.config.page_size,
            max_page_size: self.config.max_page_size,
        };
        let query =
            |accepts, kind| odata::parse(req.query, accepts, kind).map_err(GraphError::bad_request);
        let mut store = self.store.lock().unwrap_or_else(|p| p.into_inner());
        let ok = |body| Ok((StatusCode::OK, body));
        let created = |body| Ok((StatusCode::CREATED, body));
        match route {
            Route::ListWorkspaces => {
                let q = query(Accepts::List, &WORKSPACE)?;
                ok(odata::page(
                    store.workspaces().iter(),
                    store::workspace_json,
                    &q,
                    &paging,
                    &collection_url,
                    &metadata,
                ))
            }
            Route::ListPlugins { ws } => {
                let q = query(Accepts::List, &PLUGIN)?;
                workspace(&store, ws)?;
                let context = format!("{metadata}('{ws}')/plugins");
                ok(odata::page(
                    self.config.plugins.iter(),
                    store::plugin_json,
                    &q,
                    &paging,
                    &collection_url,
                    &context,
                ))
            }
            Route::ListSessions { ws } => {
                let q = query(Accepts::List, &SESSION)?;
                let w = workspace(&store, ws)?;
                let context = format!("{metadata}('{ws}')/sessions");
                ok(odata::page(
                    w.sessions_newest_first(),
                    store::session_json,
                    &q,
                    &paging,
                    &collection_url,
                    &context,
                ))
            }
            Route::CreateSession { ws } => {
                query(Accepts::Nothing, &SESSION)?;
                let body = request_body(req, "session", &["@odata.type", "displayName"])?;
                let name = required_string(&body, "displayName")?;
                let now = self.clock.now();
                let id = self.ids.next();
                let w = workspace_mut(&mut store, ws)?;
                if let Some(keep) = self.config.max_sessions {
                    w.forget_oldest_sessions(keep.saturating_sub(1));
                }
                let s = w.add_session(Session {
                    id,
                    display_name: Some(name),
                    created: now,
                    modified: now,
                    prompts: Vec::new(),
                });
                let mut out = store::session_json(s);
                annotate(&mut out, format!("{metadata}('{ws}')/sessions/$entity"));
                created(out)
            }
            Route::GetSession { ws, session } => {
                let q = query(Accepts::Entity, &SESSION)?;
                let s = find_session(&store, ws, session)?;
                let mut out = odata::select_entity(store::session_json(s), &q);
                annotate(&mut out, format!("{metadata}('{ws}')/sessions/$entity"));
                ok(out)
            }
            Route::UpdateSession { ws, session } => {
                query(Accepts::Nothing, &SESSION)?;
                let body = request_body(req, "session", &["@odata.type", "displayName"])?;
                let name = match body.get("displayName") {
                    None => None,
                    Some(Value::String(s)) => Some(Some(s.clone())),
                    Some(Value::Null) => Some(None),
                    Some(_) => {
                        return Err(GraphError::bad_request(
                            "'displayName' must be a string or null.",
                        ));
                    }
                };
                let now = self.clock.now();
                let s = find_session_mut(&mut store, ws, session)?;
                if let Some(name) = name {
                    s.display_name = name;
                    s.modified = now;
                }
                let mut out = store::session_json(s);
                annotate(&mut out, format!("{metadata}('{ws}')/sessions/$entity"));
                ok(out)
            }
            Route::ListPrompts { ws, session } => {
                let q = query(Accepts::List, &PROMPT)?;
                let s = find_session(&store, ws, session)?;
                let context = format!("{metadata}('{ws}')/sessions('{session}')/prompts");
                ok(odata::page(
                    s.prompts.iter(),
                    store::prompt_json,
                    &q,
                    &paging,
                    &collection_url,
                    &context,
                ))
            }
            Route::CreatePrompt { ws, session } => {
                query(Accepts::Nothing, &PROMPT)?;
                let body = request_body(req, "prompt", &["@odata.type", "type", "content"])?;
                let kind = match body.get("type") {
                    Some(Value::String(t)) if t == "prompt" => t.clone(),
                    Some(Value::String(t)) if PROMPT_TYPES.contains(&t.as_str()) => {
                        return Err(GraphError::bad_request(format!(
                            "Prompt type '{t}' is not supported; only 'prompt' is."
                        )));
                    }
                    Some(Value::String(t)) => {
                        return Err(GraphError::bad_request(format!(
                            "The value '{t}' is not a valid member of the enum promptType."
                        )));
                    }
                    Some(_) => return Err(GraphError::bad_request("'type' must be a string.")),
                    None => {
                        return Err(GraphError::bad_request("The property 'type' is required."));
                    }
                };
                let content = required_string(&body, "content")?;
                let now = self.clock.now();
                let id = self.ids.next();
                let s = find_session_mut(&mut store, ws, session)?;
                s.prompts.push(Prompt {
                    id,
                    kind,
                    content: Some(content),
                    created: now,
                    modified: now,
                    evaluations: Vec::new(),
                });
                let p = s
                    .prompts
                    .last()
                    .ok_or_else(|| GraphError::bad_request("no prompt"))?;
                let mut out = store::prompt_json(p);
                annotate(
                    &mut out,
                    format!("{metadata}('{ws}')/sessions('{session}')/prompts/$entity"),
                );
                created(out)
            }
            Route::GetPrompt {
                ws,
                session,
                prompt,
            } => {
                let q = query(Accepts::Entity, &PROMPT)?;
                let p = find_prompt(&store, ws, session, prompt)?;
                let mut out = odata::select_entity(store::prompt_json(p), &q);
                annotate(
                    &mut out,
                    format!("{metadata}('{ws}')/sessions('{session}')/prompts/$entity"),
                );
                ok(out)
            }
            Route::ListEvaluations {
                ws,
                session,
                prompt,
            } => {
                let q = query(Accepts::List, &EVALUATION)?;
                let p = find_prompt(&store, ws, session, prompt)?;
                let now = self.clock.now();
                let context = format!(
                    "{metadata}('{ws}')/sessions('{session}')/prompts('{prompt}')/evaluations"
                );
                ok(odata::page(
                    p.evaluations.iter(),
                    |e| store::evaluation_json(e, now),
                    &q,
                    &paging,
                    &collection_url,
                    &context,
                ))
            }
            Route::CreateEvaluation {
                ws,
                session,
                prompt,
            } => {
                query(Accepts::Nothing, &EVALUATION)?;
                request_body(req, "evaluation", &["@odata.type"])?;
                let now = self.clock.now();
                let id = self.ids.next();
                let s = find_session_mut(&mut store, ws, session)?;
                let p = s
                    .prompt_mut(prompt)
                    .ok_or_else(|| GraphError::not_found("prompt", prompt))?;
                let script = self.config.script_for(p.content.as_deref());
                let phases = script.phases.unwrap_or(self.config.phases);
                let script = self.within_capacity(script);
                p.evaluations.push(Evaluation {
                    id,
                    created: now,
                    script,
                    phases,
                });
                // Creating an evaluation touches its prompt, as the docs' examples show.
                p.modified = now + chrono::TimeDelta::milliseconds(10);
                let e = p
                    .evaluations
                    .last()
                    .ok_or_else(|| GraphError::bad_request("no evaluation"))?;
                let mut out = store::evaluation_json(e, now);
                annotate(
                    &mut out,
                    format!(
                        "{metadata}('{ws}')/sessions('{session}')/prompts('{prompt}')/evaluations/$entity"
                    ),
                );
                created(out)
            }
            Route::GetEvaluation {
                ws,
                session,
                prompt,
                evaluation,
            } => {
                let q = query(Accepts::Entity, &EVALUATION)?;
                let e = find_prompt(&store, ws, session, prompt)?
                    .evaluation(evaluation)
                    .ok_or_else(|| GraphError::not_found("evaluation", evaluation))?;
                let mut out = odata::select_entity(store::evaluation_json(e, self.clock.now()), &q);
                annotate(
                    &mut out,
                    format!(
                        "{metadata}('{ws}')/sessions('{session}')/prompts('{prompt}')/evaluations/$entity"
                    ),
                );
                ok(out)
            }
        }
    }
}

const PROMPT_TYPES: [&str; 6] = [
    "unknown",
    "context",
    "prompt",
    "skill",
    "feedback",
    "unknownFutureValue",
];

/// A seed for random faults when the configuration gives none.
fn random_seed() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}

struct Ctx {
    request_id: String,
    client_request_id: Option<String>,
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

fn insert(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(name, v);
    }
}

fn annotate(entity: &mut Value, context: String) {
    if let Value::Object(map) = entity {
        let mut with_context = serde_json::Map::new();
        with_context.insert("@odata.context".into(), Value::String(context));
        with_context.append(map);
        *map = with_context;
    }
}

fn workspace<'s>(store: &'s Store, ws: &str) -> Result<&'s store::Workspace, GraphError> {
    store
        .workspace(ws)
        .ok_or_else(|| GraphError::not_found("workspace", ws))
}

fn workspace_mut<'s>(
    store: &'s mut Store,
    ws: &str,
) -> Result<&'s mut store::Workspace, GraphError> {
    store
        .workspace_mut(ws)
        .ok_or_else(|| GraphError::not_found("workspace", ws))
}

fn find_session<'s>(store: &'s Store, ws: &str, session: &str) -> Result<&'s Session, GraphError> {
    workspace(store, ws)?
        .session(session)
        .ok_or_else(|| GraphError::not_found("session", session))
}

fn find_prompt<'s>(
    store: &'s Store,
    ws: &str,
    session: &str,
    prompt: &str,
) -> Result<&'s Prompt, GraphError> {
    find_session(store, ws, session)?
        .prompt(prompt)
        .ok_or_else(|| GraphError::not_found("prompt", prompt))
}

fn find_session_mut<'s>(
    store: &'s mut Store,
    ws: &str,
    session: &str,
) -> Result<&'s mut Session, GraphError> {
    workspace_mut(store, ws)?
        .session_mut(session)
        .ok_or_else(|| GraphError::not_found("session", session))
}

/// A POST/PATCH body: JSON object, matching `@odata.type`, only the members the request type has.
fn request_body(req: &Incoming<'_>, kind: &str, members: &[&str]) -> Result<Value, GraphError> {
    let body = json_body(req)?;
    check_odata_type(&body, kind)?;
    allowed_members(&body, members)?;
    Ok(body)
}

/// A member that must be present and a string.
fn required_string(body: &Value, name: &str) -> Result<String, GraphError> {
    match body.get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(GraphError::bad_request(format!(
            "'{name}' must be a string."
        ))),
        None => Err(GraphError::bad_request(format!(
            "The property '{name}' is required."
        ))),
    }
}

fn json_body(req: &Incoming<'_>) -> Result<Value, GraphError> {
    let Some(bytes) = req.body else {
        return Err(GraphError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
            "The request body is larger than the server accepts.",
        ));
    };
    let content_type = req
        .headers
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        return Err(GraphError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            "The request body must be application/json.",
        ));
    }
    let body: Value = serde_json::from_slice(bytes).map_err(|e| {
        GraphError::bad_request(format!("The request body is not valid JSON: {e}."))
    })?;
    if !body.is_object() {
        return Err(GraphError::bad_request(
            "The request body must be a JSON object.",
        ));
    }
    Ok(body)
}

fn check_odata_type(body: &Value, kind: &str) -> Result<(), GraphError> {
    match body.get("@odata.type") {
        None => Ok(()),
        Some(Value::String(t))
            if t == &format!("#microsoft.graph.security.securityCopilot.{kind}") =>
        {
            Ok(())
        }
        Some(other) => Err(GraphError::bad_request(format!(
            "The @odata.type {other} does not match a {kind}."
        ))),
    }
}

fn allowed_members(body: &Value, allowed: &[&str]) -> Result<(), GraphError> {
    if let Some(object) = body.as_object() {
        for name in object.keys() {
            if !allowed.contains(&name.as_str()) {
                return Err(GraphError::bad_request(format!(
                    "The property '{name}' does not exist or cannot be set in this request."
                )));
            }
        }
    }
    Ok(())
}

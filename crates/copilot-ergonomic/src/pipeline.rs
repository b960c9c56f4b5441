//! The one path every request takes, generated operation or `@odata.nextLink` alike:
//! host check → `client-request-id`, `User-Agent`, `Prefer`, token → send → one resend with a
//! refreshed token after a 401 (claims challenges included) → retry (429/503/504,
//! `Retry-After`) → tracing span with method, URL template, status and resend count → the call's
//! [`RequestIds`] recorded.
//!
//! It plugs under the generated client as a [`copilot_api::Transport`]. A task-local call
//! context carries what progenitor's error type cannot: the typed failure (e.g. the token
//! provider's error) and the status and headers of the last response.

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use copilot_api::{OperationInfo, PrepareFuture, TransportFuture};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Request, Response, ResponseBuilderExt as _, StatusCode, Url};
use serde::de::DeserializeOwned;
use tracing::Instrument as _;

use crate::auth::Credentials;
use crate::challenge::claims_challenge;
use crate::error::{ApiError, Error, excerpt};
use crate::request_ids::RequestIds;
use crate::retry::{RetryPolicy, parse_retry_after};
use crate::throttle::Throttle;

tokio::task_local! {
    static CALL: Arc<CallContext>;
}

/// What one logical call (one operation, all its retries) shares.
#[derive(Debug)]
pub(crate) struct CallContext {
    pub client_request_id: String,
    failure: Mutex<Option<Error>>,
    last: Mutex<Option<Last>>,
}

/// What a call keeps of its final response.
#[derive(Debug)]
enum Last {
    Success(StatusCode, Option<HeaderValue>),
    Failure(StatusCode, HeaderMap),
}

impl CallContext {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            client_request_id: new_guid(),
            failure: Mutex::new(None),
            last: Mutex::new(None),
        })
    }

    /// The context of the running call, or a fresh one (raw `api()` calls have none): then its
    /// `client-request-id` is the one `request` already carries, so span and header agree.
    fn current(request: &Request) -> Arc<Self> {
        CALL.try_with(Arc::clone).unwrap_or_else(|_| {
            let ctx = Self::new();
            match header(request.headers(), CLIENT_REQUEST_ID.as_str()) {
                Some(id) => Arc::new(Self {
                    client_request_id: id,
                    failure: Mutex::new(None),
                    last: Mutex::new(None),
                }),
                None => ctx,
            }
        })
    }

    fn fail(&self, error: Error) {
        *self.failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(error);
    }

    pub fn take_failure(&self) -> Option<Error> {
        self.failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    /// Keeps what error mapping may need of the final response: all headers of an error, only
    /// `request-id` of a success (whose body may still fail to decode).
    fn record(&self, status: StatusCode, headers: &HeaderMap) {
        let last = if status.is_success() {
            Last::Success(status, headers.get(&REQUEST_ID).cloned())
        } else {
            Last::Failure(status, headers.clone())
        };
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some(last);
    }

    /// Status and headers of the final response (of a success: only its `request-id`).
    pub fn last_response(&self) -> Option<(StatusCode, HeaderMap)> {
        match self
            .last
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()?
        {
            Last::Failure(status, headers) => Some((*status, headers.clone())),
            Last::Success(status, id) => {
                let mut headers = HeaderMap::new();
                if let Some(id) = id {
                    headers.insert(REQUEST_ID.clone(), id.clone());
                }
                Some((*status, headers))
            }
        }
    }

    /// Runs `future` as part of this call.
    pub async fn scope<F: Future>(self: &Arc<Self>, future: F) -> F::Output {
        CALL.scope(Arc::clone(self), future).await
    }
}

/// The request pipeline; shared by every handle of a [`crate::Copilot`].
pub(crate) struct Pipeline {
    pub http: reqwest::Client,
    pub base: Url,
    pub auth: Credentials,
    pub retry: RetryPolicy,
    pub user_agent: HeaderValue,
    /// Requests on the wire at once (send and body read); bounds the connections opened.
    pub in_flight: Arc<tokio::sync::Semaphore>,
    /// Holds every request while the service has asked the client to wait.
    pub throttle: Throttle,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("base", &self.base.as_str())
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

static CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");
static REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
static PREFER: HeaderName = HeaderName::from_static("prefer");

impl Pipeline {
    /// Adds `client-request-id`, `User-Agent` and `Authorization` (only for the Graph origin).
    async fn prepare_request(&self, request: &mut Request, ctx: &CallContext) -> Result<(), Error> {
        if !same_origin(request.url(), &self.base) {
            let mut url = request.url().clone();
            url.set_query(None);
            return Err(Error::ForeignHost {
                url: url.to_string(),
            });
        }
        let headers = request.headers_mut();
        if !headers.contains_key(&CLIENT_REQUEST_ID)
            && let Ok(v) = HeaderValue::from_str(&ctx.client_request_id)
        {
            headers.insert(CLIENT_REQUEST_ID.clone(), v);
        }
        if !headers.contains_key(reqwest::header::USER_AGENT) {
            headers.insert(reqwest::header::USER_AGENT, self.user_agent.clone());
        }
        let authorization = self.auth.header().await.map_err(Error::Auth)?;
        request
            .headers_mut()
            .insert(reqwest::header::AUTHORIZATION, authorization);
        Ok(())
    }

    /// After a 401: asks the provider once for a better token (`claims` from a challenge) and
    /// returns the `Authorization` value to resend with, or `None` when resending is pointless
    /// (no better token, the provider failed, or it returned the token just refused).
    async fn reauthorize(
        &self,
        sent: Option<&HeaderValue>,
        claims: Option<&str>,
    ) -> Option<HeaderValue> {
        let value = match self.auth.refreshed(claims).await? {
            Ok(value) => value,
            Err(e) => {
                tracing::warn!(error = %e, "the token provider could not refresh the token after a 401");
                return None;
            }
        };
        (claims.is_some() || sent.is_none_or(|sent| sent.as_bytes() != value.as_bytes()))
            .then_some(value)
    }

    /// Sends one prepared request, retrying as the policy allows; returns the final response.
    async fn execute_request(
        &self,
        request: Request,
        operation: &str,
        ctx: &CallContext,
    ) -> reqwest::Result<Response> {
        let span = tracing::info_span!(
            "copilot.request",
            otel.name = operation,
            http.request.method = %request.method(),
            url.template = %url_template(request.url()),
            client_request_id = %ctx.client_request_id,
            http.response.status_code = tracing::field::Empty,
            http.request.resend_count = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        async move {
            let method = request.method().clone();
            let started = Instant::now();
            let mut waited = Duration::ZERO;
            let mut retry = 0u32;
            let mut reauthorized = false;
            let mut current = request;
            loop {
                let spare = current.try_clone();
                let sent = current.headers().get(reqwest::header::AUTHORIZATION).cloned();
                let outcome = self.send(current).await;
                retry += 1;
                if let (Ok(response), Some(next), false) = (&outcome, &spare, reauthorized)
                    && response.status() == StatusCode::UNAUTHORIZED
                {
                    reauthorized = true;
                    let claims = claims_challenge(response.headers());
                    if let Some(value) = self.reauthorize(sent.as_ref(), claims.as_deref()).await
                        && let Some(mut next) = next.try_clone()
                    {
                        tracing::info!(claims_challenge = claims.is_some(), "resending once with a refreshed token after 401");
                        next.headers_mut().insert(reqwest::header::AUTHORIZATION, value);
                        current = next;
                        continue;
                    }
                }
                let delay = match &outcome {
                    Ok(response) => {
                        let retry_after = response
                            .headers()
                            .get(reqwest::header::RETRY_AFTER)
                            .and_then(|v| v.to_str().ok())
                            .and_then(|v| parse_retry_after(v, SystemTime::now()));
                        if let (429 | 503, Some(wait)) = (response.status().as_u16(), retry_after) {
                            self.throttle.hold(Instant::now(), wait);
                        }
                        self.retry.delay_after_status(&method, response.status(), retry_after, retry, waited, jitter())
                    }
                    Err(e) => self.retry.delay_after_transport(&method, e.is_connect(), retry, waited, jitter()),
                };
                let (Some(delay), Some(mut next)) = (delay, spare) else {
                    let span = tracing::Span::current();
                    span.record("http.request.resend_count", retry - 1);
                    if let Ok(response) = &outcome {
                        span.record("http.response.status_code", response.status().as_u16());
                        if let Some(id) = response.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()) {
                            span.record("request_id", id);
                        }
                        ctx.record(response.status(), response.headers());
                        RequestIds::record_with(|| RequestIds {
                            operation: operation_id(operation),
                            status: response.status().as_u16(),
                            request_id: header(response.headers(), REQUEST_ID.as_str()),
                            client_request_id: ctx.client_request_id.clone(),
                        });
                    }
                    tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "request finished");
                    return outcome;
                };
                match &outcome {
                    Ok(r) => tracing::warn!(status = r.status().as_u16(), delay_ms = delay.as_millis() as u64, retry, "retrying"),
                    Err(e) => tracing::warn!(error = %e, delay_ms = delay.as_millis() as u64, retry, "retrying after a transport error"),
                }
                drop(outcome);
                if let Ok(v) = HeaderValue::from_str(&retry.to_string()) {
                    next.headers_mut().insert("retry-attempt", v);
                }
                tokio::time::sleep(delay).await;
                waited += delay;
                current = next;
            }
        }
        .instrument(span)
        .await
    }

    /// Sends one attempt and reads its whole body while holding an in-flight permit, so that no
    /// more than `in_flight` connections are ever busy (a response whose body is still unread
    /// keeps its connection).
    async fn send(&self, request: Request) -> reqwest::Result<Response> {
        if let Some(held) = self.throttle.delay(Instant::now(), jitter) {
            tracing::debug!(
                held_ms = held.as_millis() as u64,
                "held by the client-wide throttle"
            );
            tokio::time::sleep(held).await;
        }
        let Ok(_permit) = self.in_flight.acquire().await else {
            // The semaphore is never closed; sending without a permit is the safe fallback.
            return self.http.execute(request).await;
        };
        let mut response = self.http.execute(request).await?;
        // Rebuilt without copying headers or re-parsing the URL.
        let (status, version) = (response.status(), response.version());
        let headers = std::mem::take(response.headers_mut());
        let head = http::Response::builder()
            .status(status)
            .version(version)
            .url(response.url().clone())
            .body(());
        let body = response.bytes().await?;
        let mut buffered = match head {
            Ok(head) => head.map(|()| body),
            // Not reachable (status and version come from a response); kept panic-free.
            Err(_) => {
                let mut plain = http::Response::new(body);
                *plain.status_mut() = status;
                *plain.version_mut() = version;
                plain
            }
        };
        *buffered.headers_mut() = headers;
        Ok(Response::from(buffered))
    }

    /// GETs an absolute URL (an `@odata.nextLink`) through the same pipeline and decodes it.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        url: &str,
        operation: &str,
    ) -> Result<T, Error> {
        let url = Url::parse(url).map_err(|e| {
            Error::InvalidArgument(format!("the nextLink is not an absolute URL: {e}"))
        })?;
        let ctx = CallContext::new();
        let mut request = Request::new(reqwest::Method::GET, url);
        request.headers_mut().insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        // Open enums, as the generated client's hooks ask for every operation.
        request.headers_mut().insert(
            PREFER.clone(),
            HeaderValue::from_static("include-unknown-enum-members"),
        );
        self.prepare_request(&mut request, &ctx).await?;
        let response = self
            .execute_request(request, operation, &ctx)
            .await
            .map_err(|e| transport_error(e, &ctx))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error(e, &ctx))?;
        if !status.is_success() {
            return Err(api_error(status, &headers, &body, &ctx));
        }
        serde_json::from_slice(&body).map_err(|source| Error::Decode {
            status: status.as_u16(),
            body_excerpt: excerpt(&body),
            request_id: header(&headers, "request-id"),
            source,
        })
    }
}

impl copilot_api::Transport for Pipeline {
    fn prepare<'a>(
        &'a self,
        request: &'a mut Request,
        _operation: &'a OperationInfo,
    ) -> PrepareFuture<'a> {
        Box::pin(async move {
            let ctx = CallContext::current(request);
            match self.prepare_request(request, &ctx).await {
                Ok(()) => Ok(()),
                Err(error) => {
                    let message = error.to_string();
                    ctx.fail(error);
                    Err(message)
                }
            }
        })
    }

    fn execute<'a>(
        &'a self,
        request: Request,
        operation: &'a OperationInfo,
    ) -> TransportFuture<'a> {
        Box::pin(async move {
            let ctx = CallContext::current(&request);
            self.execute_request(request, operation.operation_id, &ctx)
                .await
        })
    }
}

/// `/beta/security/securityCopilot/workspaces/{id}/sessions/{id}`: ids replaced, no query.
fn url_template(url: &Url) -> String {
    let mut out = String::new();
    let mut id_follows = false;
    for segment in url.path().split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        if id_follows {
            out.push_str("{id}");
            id_follows = false;
        } else {
            out.push_str(segment);
            id_follows = matches!(
                segment,
                "workspaces" | "sessions" | "prompts" | "evaluations"
            );
        }
    }
    out
}

/// The spec's operationId (`getSession`) for progenitor's method name (`get_session`).
pub(crate) fn operation_id(method: &str) -> String {
    let mut out = String::with_capacity(method.len());
    let mut upper = false;
    for c in method.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether two URLs share scheme, host and port: the only place a token may go.
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// A Graph error from a status, headers and body (a Graph error body or anything else).
pub(crate) fn api_error(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    ctx: &CallContext,
) -> Error {
    api_error_parsed(
        status,
        headers,
        serde_json::from_slice(body).ok(),
        body,
        ctx,
    )
}

/// Like [`api_error`], for a body progenitor already decoded (`body` is used only without one).
pub(crate) fn api_error_parsed(
    status: StatusCode,
    headers: &HeaderMap,
    parsed: Option<copilot_api::types::ODataError>,
    body: &[u8],
    ctx: &CallContext,
) -> Error {
    let retry_after =
        header(headers, "retry-after").and_then(|v| parse_retry_after(&v, SystemTime::now()));
    let (code, message, target, inner) = match parsed {
        Some(e) => (
            Some(e.error.code),
            e.error.message,
            e.error.target,
            e.error.inner_error,
        ),
        None if body.is_empty() => (
            None,
            status.canonical_reason().unwrap_or("error").to_string(),
            None,
            None,
        ),
        None => (None, excerpt(body), None, None),
    };
    let inner = inner.unwrap_or_default();
    Error::Api(Box::new(ApiError {
        status: status.as_u16(),
        code,
        message,
        target,
        request_id: inner.request_id.or_else(|| header(headers, "request-id")),
        claims: (status == StatusCode::UNAUTHORIZED)
            .then(|| claims_challenge(headers))
            .flatten(),
        client_request_id: inner
            .client_request_id
            .or_else(|| header(headers, "client-request-id"))
            .or_else(|| Some(ctx.client_request_id.clone())),
        date: inner.date,
        retry_after,
    }))
}

pub(crate) fn transport_error(e: reqwest::Error, ctx: &CallContext) -> Error {
    if e.is_timeout() {
        return Error::Timeout {
            message: "the request took longer than the configured timeout".into(),
            client_request_id: Some(ctx.client_request_id.clone()),
        };
    }
    let message = if e.is_connect() {
        "could not connect to the server".to_string()
    } else if e.is_body() || e.is_decode() {
        "the response body could not be read completely".to_string()
    } else {
        "the request failed before a response arrived".to_string()
    };
    Error::Transport {
        message,
        client_request_id: Some(ctx.client_request_id.clone()),
        source: Box::new(e),
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// A SplitMix64 state per thread, seeded once from the OS-seeded `RandomState`.
    static RANDOM: std::cell::Cell<u64> = std::cell::Cell::new(
        RandomState::new().hash_one(COUNTER.fetch_add(1, Ordering::Relaxed)),
    );
}

/// A random number (SplitMix64): unique ids and jitter need spread, not secrecy.
fn random_u64() -> u64 {
    RANDOM.with(|state| {
        let next = state.get().wrapping_add(0x9e37_79b9_7f4a_7c15);
        state.set(next);
        let mut z = next;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    })
}

/// A number in [0, 1) for backoff jitter.
pub(crate) fn jitter() -> f64 {
    (random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A random version-4 GUID for `client-request-id`.
pub(crate) fn new_guid() -> String {
    guid(random_u64(), random_u64())
}

/// The version-4 GUID made of these random bits.
fn guid(hi: u64, lo: u64) -> String {
    let hi = (hi & 0xffff_ffff_ffff_0fff) | 0x4000;
    let lo = (lo & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    // 8-4-4-4-12 lower-case hex digits, written by hand (`format!` costs more than the rest
    // of the id).
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bits = (u128::from(hi) << 64) | u128::from(lo);
    let mut out = String::with_capacity(36);
    for i in 0..32 {
        if matches!(i, 8 | 12 | 16 | 20) {
            out.push('-');
        }
        let nibble = (bits >> (124 - 4 * i)) & 0xf;
        out.push(char::from(HEX[nibble as usize]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_hide_ids_and_queries() {
        let url = Url::parse("https://graph.microsoft.com/beta/security/securityCopilot/workspaces/default/sessions/abc/prompts?$top=1").unwrap();
        assert_eq!(
            url_template(&url),
            "/beta/security/securityCopilot/workspaces/{id}/sessions/{id}/prompts"
        );
    }

    #[test]
    fn guids_are_fresh_and_well_formed() {
        let (a, b) = (new_guid(), new_guid());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert_eq!(
            &a[19..20].chars().next().map(|c| "89ab".contains(c)),
            &Some(true)
        );
        let j = jitter();
        assert!((0.0..1.0).contains(&j));
        // The hand-written hex agrees with `format!`.
        let (hi, lo) = (0x0123_4567_89ab_cdef_u64, 0xfedc_ba98_7654_3210_u64);
        let h = (hi & 0xffff_ffff_ffff_0fff) | 0x4000;
        let l = (lo & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
        let expected = format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            h >> 32,
            (h >> 16) & 0xffff,
            h & 0xffff,
            l >> 48,
            l & 0xffff_ffff_ffff
        );
        assert_eq!(guid(hi, lo), expected);
    }
}

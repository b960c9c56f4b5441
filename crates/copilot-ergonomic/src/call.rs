//! One logical call (one operation with all its retries, or one nextLink page): its context
//! (the `client-request-id` it sends, the typed failure the pipeline recorded, what it kept of
//! the final response), running a generated operation as one call ([`run`]), and mapping every
//! way a call fails to [`Error`] ([`map_error`], [`api_error`], [`transport_error`]).
//!
//! The pipeline (`pipeline.rs`) only moves requests: it reads and fills the running call's
//! context through [`CallContext::current`], a task-local, because progenitor's error type
//! carries nothing but strings.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use copilot_api::ResponseValue;
use copilot_api::types::ODataError;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Request, StatusCode};

use crate::challenge::claims_challenge;
use crate::error::{ApiError, Error, excerpt};
use crate::random::new_guid;
use crate::retry::parse_retry_after;

/// The header a call's id travels in.
pub(crate) static CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");
/// The header the service's id for a request comes back in.
pub(crate) static REQUEST_ID: HeaderName = HeaderName::from_static("request-id");

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
    pub(crate) fn new() -> Arc<Self> {
        Self::with_id(new_guid())
    }

    fn with_id(client_request_id: String) -> Arc<Self> {
        Arc::new(Self {
            client_request_id,
            failure: Mutex::new(None),
            last: Mutex::new(None),
        })
    }

    /// The context of the running call, or a fresh one (raw `api()` calls have none): then its
    /// `client-request-id` is the one `request` already carries, so span and header agree.
    pub(crate) fn current(request: &Request) -> Arc<Self> {
        CALL.try_with(Arc::clone).unwrap_or_else(|_| {
            match header(request.headers(), CLIENT_REQUEST_ID.as_str()) {
                Some(id) => Self::with_id(id),
                None => Self::new(),
            }
        })
    }

    pub(crate) fn fail(&self, error: Error) {
        *self.failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(error);
    }

    pub(crate) fn take_failure(&self) -> Option<Error> {
        self.failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    /// Keeps what error mapping may need of the final response: all headers of an error, only
    /// `request-id` of a success (whose body may still fail to decode).
    pub(crate) fn record(&self, status: StatusCode, headers: &HeaderMap) {
        let last = if status.is_success() {
            Last::Success(status, headers.get(&REQUEST_ID).cloned())
        } else {
            Last::Failure(status, headers.clone())
        };
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some(last);
    }

    /// Status and headers of the final response (of a success: only its `request-id`).
    pub(crate) fn last_response(&self) -> Option<(StatusCode, HeaderMap)> {
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
    pub(crate) async fn scope<F: Future>(self: &Arc<Self>, future: F) -> F::Output {
        CALL.scope(Arc::clone(self), future).await
    }
}

/// Runs a generated operation as one call of the pipeline and maps its outcome.
pub(crate) async fn run<T>(
    future: impl Future<Output = Result<ResponseValue<T>, copilot_api::Error<ODataError>>>,
) -> Result<T, Error> {
    let ctx = CallContext::new();
    let result = ctx.scope(future).await;
    match result {
        Ok(value) => Ok(value.into_inner()),
        Err(e) => Err(map_error(e, &ctx).await),
    }
}

/// Turns progenitor's error into ours; a failure recorded by the pipeline wins.
pub(crate) async fn map_error(e: copilot_api::Error<ODataError>, ctx: &CallContext) -> Error {
    use copilot_api::Error as E;
    if let Some(failure) = ctx.take_failure() {
        return failure;
    }
    match e {
        E::ErrorResponse(value) => {
            let (status, headers) = (value.status(), value.headers().clone());
            api_error_parsed(status, &headers, Some(value.into_inner()), &[], ctx)
        }
        E::InvalidResponsePayload(body, source) => match ctx.last_response() {
            Some((status, headers)) if !status.is_success() => {
                api_error(status, &headers, &body, ctx)
            }
            last => Error::Decode {
                status: last.as_ref().map_or(200, |(s, _)| s.as_u16()),
                body_excerpt: excerpt(&body),
                request_id: last
                    .as_ref()
                    .and_then(|(_, h)| h.get("request-id"))
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string),
                source,
            },
        },
        E::UnexpectedResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.bytes().await.unwrap_or_default();
            if status.is_success() {
                Error::Protocol(format!(
                    "unexpected success status {status} with body: {}",
                    excerpt(&body)
                ))
            } else {
                api_error(status, &headers, &body, ctx)
            }
        }
        E::CommunicationError(e) | E::ResponseBodyError(e) => transport_error(e, ctx),
        E::InvalidRequest(message) => Error::InvalidArgument(message),
        E::Custom(message) => Error::Protocol(message),
        other => Error::Protocol(other.to_string()),
    }
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

/// A transport failure (timeout, refused connection, unreadable body) as [`Error`], carrying the
/// call's `client-request-id`.
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

/// A header as text, if it is there and readable.
pub(crate) fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

//! Graph's error responses: [`GraphError`] (status, code, message, and the `Allow` or
//! `WWW-Authenticate` header some carry) and its body, `{"error": {code, message, innerError:
//! {date, request-id, client-request-id}}}`.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use hyper::StatusCode;
use hyper::header::HeaderMap;
use serde_json::json;

use crate::challenge;
use crate::exchange::{Answer, JSON_CONTENT_TYPE, RequestIds, insert};

/// A Graph error: status, `code` and `message`, and the headers some errors carry.
#[derive(Debug)]
pub(crate) struct GraphError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// The `Allow` header of a 405.
    pub allow: Option<String>,
    /// A `WWW-Authenticate` value other than the plain Bearer challenge.
    pub challenge: Option<String>,
}

impl GraphError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            allow: None,
            challenge: None,
        }
    }

    /// A 401 claims challenge asking for `claims` (JSON text).
    pub(crate) fn claims_challenge(claims: &str) -> Self {
        let mut e = Self::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "The access token does not satisfy the claims this resource requires; acquire a \
             new token with the claims in the WWW-Authenticate header.",
        );
        e.challenge = Some(challenge::insufficient_claims(claims));
        e
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    pub(crate) fn not_found(what: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("The {what} '{id}' was not found."),
        )
    }
}

/// The response for `e`, as of `now`, with the request's ids and the `headers` gathered so far.
pub(crate) fn render(
    e: GraphError,
    ids: &RequestIds,
    mut headers: HeaderMap,
    now: DateTime<Utc>,
) -> Answer {
    let body = json!({
        "error": {
            "code": e.code,
            "message": e.message,
            "innerError": {
                "date": now.format("%Y-%m-%dT%H:%M:%S").to_string(),
                "request-id": ids.request_id,
                "client-request-id": ids.client_request_id.clone().unwrap_or_else(|| ids.request_id.clone()),
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
    if let Some(allow) = &e.allow {
        insert(&mut headers, "allow", allow);
    }
    Answer {
        status: e.status,
        headers,
        body: Bytes::from(body.to_string()),
    }
}

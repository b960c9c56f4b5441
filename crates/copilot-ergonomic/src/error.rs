//! The one error type of the crate, with Graph's error body parsed and a one-line `Display`.

use std::fmt;
use std::time::Duration;

/// Any failure of a Security Copilot call.
///
/// `Display` reads like `HTTP 404 NotFound: The session 'x' was not found. (request-id …,
/// client-request-id …)`. Tokens never appear in it, nor in `Debug`.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Graph answered with an error status (4xx/5xx), after any retries.
    Api(Box<ApiError>),
    /// A success response whose body is not what the API documents.
    Decode {
        /// HTTP status of the response.
        status: u16,
        /// The start of the body, for diagnosis.
        body_excerpt: String,
        /// The `request-id` response header.
        request_id: Option<String>,
        /// What did not match.
        source: serde_json::Error,
    },
    /// The request did not complete: connection refused or reset, TLS, body read failure.
    Transport {
        /// What happened, with the underlying error as its source.
        message: String,
        /// The `client-request-id` the call carried.
        client_request_id: Option<String>,
        /// The underlying error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The request or the whole call took longer than allowed.
    Timeout {
        /// What timed out.
        message: String,
    },
    /// The token provider failed.
    Auth(Box<dyn std::error::Error + Send + Sync>),
    /// A link or redirect pointed to another host: refused, so the token never left.
    ForeignHost {
        /// The URL that was refused (without its query).
        url: String,
    },
    /// An argument cannot be sent, e.g. an id of `..`.
    InvalidArgument(String),
    /// The client configuration is unusable (bad base URL, http to a remote host, …).
    Config(String),
    /// The service broke the protocol (an undocumented success status, a nextLink loop, …).
    Protocol(String),
    /// `wait()` reached its deadline before the evaluation finished.
    WaitTimedOut {
        /// How long it waited.
        waited: Duration,
        /// The last state seen.
        last_state: String,
    },
}

/// A Graph error response, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// `error.code` (e.g. `NotFound`, `TooManyRequests`), when the body was a Graph error.
    pub code: Option<String>,
    /// `error.message`, or an excerpt of a body that was not a Graph error.
    pub message: String,
    /// `error.target`.
    pub target: Option<String>,
    /// `error.innerError.request-id`, or the `request-id` header.
    pub request_id: Option<String>,
    /// `error.innerError.client-request-id`, or the one the call sent.
    pub client_request_id: Option<String>,
    /// `error.innerError.date` as Graph sent it.
    pub date: Option<String>,
    /// `Retry-After`, parsed.
    pub retry_after: Option<Duration>,
}

impl Error {
    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Graph's `error.code`, e.g. `NotFound`.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.code.as_deref(),
            _ => None,
        }
    }

    /// The `request-id` to quote to Microsoft support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The `client-request-id` the failed call sent.
    pub fn client_request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.client_request_id.as_deref(),
            Error::Transport {
                client_request_id, ..
            } => client_request_id.as_deref(),
            _ => None,
        }
    }

    /// The parsed Graph error, for API errors.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Whether Graph throttled the call (429), after the retries the policy allowed.
    pub fn is_throttled(&self) -> bool {
        self.status() == Some(429)
    }

    /// Whether trying again later may succeed (throttling, 503/504, timeouts, transport).
    pub fn is_retryable(&self) -> bool {
        matches!(self.status(), Some(408 | 429 | 502 | 503 | 504))
            || matches!(self, Error::Transport { .. } | Error::Timeout { .. })
    }

    /// The `Retry-After` the server sent with the final response.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(|e| e.retry_after)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => {
                write!(f, "HTTP {}", e.status)?;
                if let Some(code) = &e.code {
                    write!(f, " {code}")?;
                }
                write!(f, ": {}", e.message)?;
                let ids: Vec<String> = [
                    e.request_id.as_ref().map(|id| format!("request-id {id}")),
                    e.client_request_id
                        .as_ref()
                        .map(|id| format!("client-request-id {id}")),
                ]
                .into_iter()
                .flatten()
                .collect();
                if !ids.is_empty() {
                    write!(f, " ({})", ids.join(", "))?;
                }
                Ok(())
            }
            Error::Decode {
                status,
                body_excerpt,
                source,
                ..
            } => write!(
                f,
                "HTTP {status}: the response body does not match the API ({source}); body starts: {body_excerpt}"
            ),
            Error::Transport { message, .. } => write!(f, "transport error: {message}"),
            Error::Timeout { message } => write!(f, "timed out: {message}"),
            Error::Auth(e) => write!(f, "could not get an access token: {e}"),
            Error::ForeignHost { url } => write!(
                f,
                "refused to send the access token to {url}: it is not the configured Graph host"
            ),
            Error::InvalidArgument(m) => write!(f, "invalid argument: {m}"),
            Error::Config(m) => write!(f, "invalid configuration: {m}"),
            Error::Protocol(m) => write!(f, "unexpected response: {m}"),
            Error::WaitTimedOut { waited, last_state } => write!(
                f,
                "the evaluation was still `{last_state}` after waiting {waited:.1?}"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { source, .. } => Some(source),
            Error::Transport { source, .. } => Some(source.as_ref()),
            Error::Auth(source) => Some(source.as_ref()),
            _ => None,
        }
    }
}

/// The first `max` characters of a body, on one line.
pub(crate) fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 300;
    let text = String::from_utf8_lossy(body);
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX)
        .collect();
    if text.chars().count() > MAX {
        format!("{one_line}…")
    } else {
        one_line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_reads_like_a_log_line() {
        let e = Error::Api(Box::new(ApiError {
            status: 404,
            code: Some("NotFound".into()),
            message: "The session 'x' was not found.".into(),
            target: None,
            request_id: Some("r-1".into()),
            client_request_id: Some("c-1".into()),
            date: None,
            retry_after: None,
        }));
        assert_eq!(
            e.to_string(),
            "HTTP 404 NotFound: The session 'x' was not found. (request-id r-1, client-request-id c-1)"
        );
        assert_eq!(
            (e.status(), e.code(), e.request_id()),
            (Some(404), Some("NotFound"), Some("r-1"))
        );
        assert!(!e.is_retryable());
    }

    #[test]
    fn excerpts_are_short_single_lines() {
        let long = format!("<html>\n{}</html>", "x".repeat(1000));
        let e = excerpt(long.as_bytes());
        assert!(e.starts_with("<html> x"));
        assert_eq!(e.chars().count(), 301);
    }
}

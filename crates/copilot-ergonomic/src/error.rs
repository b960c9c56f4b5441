//! The one error type of the crate, with Graph's error body parsed and a one-line `Display`.

use std::fmt;
use std::time::Duration;

use copilot_api::InvalidToken;

use crate::reference::EvaluationRef;

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
        /// The `client-request-id` the call carried.
        client_request_id: Option<String>,
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
    /// `wait()` reached its deadline before the evaluation finished. The evaluation may still
    /// finish (and be billed) on the service: resume with
    /// [`Copilot::evaluation`](crate::Copilot::evaluation)`(reference).wait()`.
    WaitTimedOut {
        /// How long it waited.
        waited: Duration,
        /// The last state seen (`created`, `running`, …), or `unknown` if no poll succeeded.
        last_state: String,
        /// The evaluation waited for.
        reference: Box<EvaluationRef>,
    },
    /// Waiting for an existing evaluation ended with an error that polling again cannot cure
    /// (401, 403, 404, another 4xx, a failing token provider). The accessors (`status()`,
    /// `code()`, …) read through to `source`.
    WaitFailed {
        /// The evaluation waited for.
        reference: Box<EvaluationRef>,
        /// Why the wait ended.
        source: Box<Error>,
    },
    /// [`AskMany`](crate::AskMany) did not ask this question: its capacity breaker stopped the
    /// run (capacity exceeded, or throttling that persisted).
    NotAsked {
        /// Why the run stopped, naming the question that tripped it.
        reason: String,
    },
    /// [`Answer::json`](crate::Answer::json): the answer holds no JSON value.
    AnswerNotJson {
        /// What was wrong (no JSON, several fenced blocks, or the parse error).
        message: String,
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
    /// The decoded claims JSON of a 401's claims challenge (Continuous Access Evaluation).
    pub claims: Option<String>,
}

impl Error {
    /// The error itself, or for [`Error::WaitFailed`] the error that ended the wait.
    fn cause(&self) -> &Error {
        match self {
            Error::WaitFailed { source, .. } => source.cause(),
            other => other,
        }
    }

    /// The evaluation this error leaves behind: set once an evaluation exists (a wait that
    /// timed out or failed, an `ask()` after its evaluation was created), so it can be resumed
    /// with [`Copilot::evaluation`](crate::Copilot::evaluation).
    pub fn evaluation_ref(&self) -> Option<&EvaluationRef> {
        match self {
            Error::WaitTimedOut { reference, .. } | Error::WaitFailed { reference, .. } => {
                Some(reference)
            }
            _ => None,
        }
    }

    /// The decoded claims JSON when the service refused the token with a claims challenge
    /// (`WWW-Authenticate: Bearer error="insufficient_claims", claims="…"`) and the token
    /// provider could not satisfy it (see [`TokenProvider::refresh`](crate::TokenProvider::refresh)).
    pub fn claims_challenge(&self) -> Option<&str> {
        self.api().and_then(|e| e.claims.as_deref())
    }

    /// The reason a token could not be sent, when this is an [`Error::Auth`] for a token that
    /// holds a byte no HTTP header may carry.
    pub fn invalid_token(&self) -> Option<&InvalidToken> {
        match self.cause() {
            Error::Auth(e) => e.downcast_ref(),
            _ => None,
        }
    }

    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<u16> {
        match self.cause() {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Graph's `error.code`, e.g. `NotFound`.
    pub fn code(&self) -> Option<&str> {
        match self.cause() {
            Error::Api(e) => e.code.as_deref(),
            _ => None,
        }
    }

    /// The `request-id` to quote to Microsoft support.
    pub fn request_id(&self) -> Option<&str> {
        match self.cause() {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The `client-request-id` the failed call sent.
    pub fn client_request_id(&self) -> Option<&str> {
        match self.cause() {
            Error::Api(e) => e.client_request_id.as_deref(),
            Error::Transport {
                client_request_id, ..
            }
            | Error::Timeout {
                client_request_id, ..
            } => client_request_id.as_deref(),
            _ => None,
        }
    }

    /// The parsed Graph error, for API errors.
    pub fn api(&self) -> Option<&ApiError> {
        match self.cause() {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Whether Graph throttled the call (429), after the retries the policy allowed.
    pub fn is_throttled(&self) -> bool {
        self.status() == Some(429)
    }

    /// Whether trying again later may succeed: exactly what the [`RetryPolicy`](crate::RetryPolicy)
    /// retries for a GET (429, 503, 504, a timeout, a transport failure), so an error that is
    /// retryable here already had its retries. A create (POST) that failed this way may still
    /// have been stored: ask with [`SessionClient::ask`](crate::SessionClient::ask), which reads
    /// back before creating again, rather than resending it.
    pub fn is_retryable(&self) -> bool {
        self.status().is_some_and(crate::retry::retried_status)
            || matches!(
                self.cause(),
                Error::Transport { .. } | Error::Timeout { .. }
            )
    }

    /// Whether a create that failed this way may still have been stored by the service: the
    /// request left but no clear answer came back (a dropped connection, a timeout, a 5xx the
    /// retry policy does not retry, an unreadable success body).
    pub(crate) fn outcome_unknown(&self) -> bool {
        match self {
            Error::Transport { source, .. } => !source
                .downcast_ref::<reqwest::Error>()
                .is_some_and(reqwest::Error::is_connect),
            Error::Timeout { .. } | Error::Decode { .. } => true,
            Error::Api(e) => e.status >= 500,
            _ => false,
        }
    }

    /// Whether polling again cannot change this error (it ends a wait early).
    pub(crate) fn ends_wait(&self) -> bool {
        match self.cause() {
            Error::Api(e) => (400..500).contains(&e.status) && !matches!(e.status, 408 | 429),
            Error::Auth(_)
            | Error::ForeignHost { .. }
            | Error::InvalidArgument(_)
            | Error::Config(_) => true,
            _ => false,
        }
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
                if e.claims.is_some() {
                    write!(
                        f,
                        "; a claims challenge: the token lacks claims the service requires (sign in again, or give a TokenProvider whose refresh() passes the claims to the token request; azure-identity cannot pass claims yet)"
                    )?;
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
            Error::Timeout {
                message,
                client_request_id,
            } => {
                write!(f, "timed out: {message}")?;
                match client_request_id {
                    Some(id) => write!(f, " (client-request-id {id})"),
                    None => Ok(()),
                }
            }
            Error::Auth(e) => write!(f, "could not get an access token: {e}"),
            Error::ForeignHost { url } => write!(
                f,
                "refused to send the access token to {url}: it is not the configured Graph host"
            ),
            Error::InvalidArgument(m) => write!(f, "invalid argument: {m}"),
            Error::Config(m) => write!(f, "invalid configuration: {m}"),
            Error::Protocol(m) => write!(f, "unexpected response: {m}"),
            Error::WaitTimedOut {
                waited,
                last_state,
                reference,
            } => write!(
                f,
                "the evaluation was still `{last_state}` after waiting {waited:.1?} (evaluation {reference}; it may still finish on the service: wait for it again to get the answer)"
            ),
            Error::WaitFailed { reference, source } => {
                write!(f, "{source} (while waiting for evaluation {reference})")
            }
            Error::AnswerNotJson { message } => write!(f, "the answer is not JSON: {message}"),
            Error::NotAsked { reason } => write!(f, "not asked: the run stopped: {reason}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { source, .. } => Some(source),
            Error::Transport { source, .. } => Some(source.as_ref()),
            Error::Auth(source) => Some(source.as_ref()),
            Error::WaitFailed { source, .. } => Some(source.as_ref()),
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
            claims: None,
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

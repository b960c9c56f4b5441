//! The transport: the one path every request takes, generated operation or `@odata.nextLink`
//! alike: host check → `client-request-id`, `User-Agent`, `Prefer`, token → send → one resend
//! with a refreshed token after a 401 (claims challenges included) → retry (429/503/504,
//! `Retry-After`) → tracing span named by the operation's operationId, with method, the
//! catalogue's URL template, status and resend count → the call's [`RequestIds`] recorded.
//!
//! It plugs under the generated client as a [`copilot_api::Transport`]. What a call is, and how
//! its failures become [`Error`], lives in `call.rs`; this file fills the running call's
//! context and maps nothing itself.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use copilot_api::catalogue::{self, OperationEntry};
use copilot_api::{OperationInfo, PrepareFuture, TransportFuture};
use reqwest::header::HeaderValue;
use reqwest::{Request, Response, ResponseBuilderExt as _, StatusCode, Url};
use serde::de::DeserializeOwned;
use tracing::Instrument as _;

use crate::auth::Credentials;
use crate::call::{CLIENT_REQUEST_ID, CallContext, REQUEST_ID, api_error, header, transport_error};
use crate::challenge::claims_challenge;
use crate::error::{Error, excerpt};
use crate::random::jitter;
use crate::request_ids::RequestIds;
use crate::retry::{RetryPolicy, parse_retry_after};
use crate::throttle::Throttle;

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
    /// `operation` is a generated method (`get_session`) or an operationId (`listSessions`).
    async fn execute_request(
        &self,
        request: Request,
        operation: &str,
        ctx: &CallContext,
    ) -> reqwest::Result<Response> {
        let entry = operation_entry(operation);
        let name = entry.map_or(operation, |op| op.operation_id);
        let span = tracing::info_span!(
            "copilot.request",
            otel.name = name,
            http.request.method = %request.method(),
            url.template = %url_template(&self.base, entry),
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
                        let request_id = response.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok());
                        if let Some(id) = request_id {
                            span.record("request_id", id);
                        }
                        ctx.record(response.status(), response.headers());
                        RequestIds::record_with(|| RequestIds {
                            operation: name.to_string(),
                            status: response.status().as_u16(),
                            request_id: request_id.map(str::to_string),
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
    pub(crate) async fn get_json<T: DeserializeOwned>(
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
        copilot_api::prefer_unknown_enum_members(request.headers_mut());
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

/// Whether two URLs share scheme, host and port: the only place a token may go.
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// The catalogue's entry for a generated method (`get_session`, as progenitor names the
/// operation) or an operationId (`listSessions`, as nextLink pages name theirs).
fn operation_entry(operation: &str) -> Option<&'static OperationEntry> {
    catalogue::by_method_name(operation).or_else(|| catalogue::by_operation_id(operation))
}

/// The URL template of the span: the base URL's path and the operation's path template, e.g.
/// `/beta/security/securityCopilot/workspaces/{workspaceId}/sessions/{sessionId}` (ids and the
/// query never reach a trace).
fn url_template(base: &Url, entry: Option<&OperationEntry>) -> String {
    match entry {
        Some(op) => format!("{}{}", base.path().trim_end_matches('/'), op.path),
        None => format!(
            "{}/{{unknown operation}}",
            base.path().trim_end_matches('/')
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_come_from_the_catalogue() {
        let base = Url::parse("https://graph.microsoft.com/beta").unwrap();
        let by_method = operation_entry("list_prompts");
        assert_eq!(by_method.map(|op| op.operation_id), Some("listPrompts"));
        assert_eq!(
            url_template(&base, by_method),
            "/beta/security/securityCopilot/workspaces/{workspaceId}/sessions/{sessionId}/prompts"
        );
        assert_eq!(operation_entry("listPrompts"), by_method);
        assert_eq!(url_template(&base, None), "/beta/{unknown operation}");
    }
}

//! The request path every generated operation takes: `impl ClientHooks<Hooks> for Client`.
//!
//! Two fixes apply to every request before it leaves:
//! - OData query names go out with a literal `$` (`$top=5`), not `%24top`: progenitor encodes the
//!   `$`, and Graph is documented not to decode it in names (Microsoft's own SDKs undo it too);
//! - progenitor's `api-version` header is removed: Graph does not define it, the version is in
//!   the URL (`/beta`);
//! - `Prefer: include-unknown-enum-members` is added: every enum here is open, so members Graph
//!   added after `unknownFutureValue` are welcome as themselves instead of the sentinel.
//!
//! Then the client's [`Transport`], if one was installed, prepares the request (auth) and
//! executes it (retries, tracing): this is how `copilot-ergonomic` puts its pipeline under the
//! generated operations. Without one, the plain `reqwest::Client` executes it.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};

use crate::Client;

/// The future [`Transport::execute`] returns.
pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a>>;

/// The future [`Transport::prepare`] returns; an `Err` aborts the call with
/// `Error::Custom(message)`.
pub type PrepareFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Prepares and executes the requests of a [`Client`]: the seam for auth, retries, tracing or
/// test doubles. `operation.operation_id` is the snake_case operation name (`get_session`).
pub trait Transport: Send + Sync + 'static {
    /// Adds what every request needs (e.g. `Authorization`), once per call, before `execute`.
    fn prepare<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation: &'a OperationInfo,
    ) -> PrepareFuture<'a> {
        let _ = (request, operation);
        Box::pin(async { Ok(()) })
    }

    /// Sends `request` (already carrying path, query, body and content headers) and returns the
    /// response, whatever its status.
    fn execute<'a>(
        &'a self,
        request: reqwest::Request,
        operation: &'a OperationInfo,
    ) -> TransportFuture<'a>;
}

/// The per-client state the generated code carries (progenitor's "inner type").
#[derive(Clone, Default)]
pub struct Hooks {
    transport: Option<Arc<dyn Transport>>,
}

impl Hooks {
    /// Hooks that send every request through `transport`.
    pub fn with_transport(transport: Arc<dyn Transport>) -> Self {
        Self {
            transport: Some(transport),
        }
    }
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks")
            .field("transport", &self.transport.as_ref().map(|_| "custom"))
            .finish()
    }
}

impl ClientHooks<Hooks> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        request.headers_mut().remove(&API_VERSION);
        prefer_unknown_enum_members(request.headers_mut());
        literal_dollar_names(request.url_mut());
        if let Some(transport) = &self.inner().transport {
            transport
                .prepare(request, info)
                .await
                .map_err(Error::Custom)?;
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        match &self.inner().transport {
            Some(transport) => transport.execute(request, info).await,
            None => self.client().execute(request).await,
        }
    }
}

/// progenitor's header, removed from every request.
static API_VERSION: reqwest::header::HeaderName =
    reqwest::header::HeaderName::from_static("api-version");

/// Adds `Prefer: include-unknown-enum-members` unless a `Prefer` header is already there: Graph
/// then sends enum members added after `unknownFutureValue`, which the open enums keep. Every
/// generated operation's request gets it; requests built by hand (a nextLink) call this.
pub fn prefer_unknown_enum_members(headers: &mut reqwest::header::HeaderMap) {
    headers
        .entry(reqwest::header::HeaderName::from_static("prefer"))
        .or_insert(reqwest::header::HeaderValue::from_static(
            "include-unknown-enum-members",
        ));
}

/// Rewrites `%24name=` to `$name=` in query parameter *names*; values keep their encoding.
fn literal_dollar_names(url: &mut reqwest::Url) {
    let Some(query) = url.query() else { return };
    if !query.contains("%24") {
        return;
    }
    let rewritten: Vec<String> = query
        .split('&')
        .map(|pair| match pair.strip_prefix("%24") {
            Some(rest) => format!("${rest}"),
            None => pair.to_string(),
        })
        .collect();
    url.set_query(Some(&rewritten.join("&")));
}

#[cfg(test)]
mod tests {
    use super::literal_dollar_names;

    #[test]
    fn only_names_lose_their_percent_encoding() {
        let mut url = reqwest::Url::parse(
            "https://example.test/x?%24filter=name+eq+%27a%24b%27&%24top=5&plain=%24",
        )
        .unwrap();
        literal_dollar_names(&mut url);
        assert_eq!(
            url.query(),
            Some("$filter=name+eq+%27a%24b%27&$top=5&plain=%24")
        );
    }
}

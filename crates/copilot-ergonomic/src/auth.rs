//! Where access tokens come from: a static token, an async provider asked before every request
//! (so long jobs survive token expiry), or an Azure credential (feature `azure-identity`); and
//! what a provider is asked when the service rejects a token (a plain 401 or a claims challenge).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use reqwest::header::HeaderValue;

/// The boxed error a provider may return.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The future a [`TokenProvider`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<AccessToken, BoxError>> + Send + 'a>>;

/// An access token; its `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// Wraps a bearer token (the part after `Bearer `).
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The secret itself.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

/// Supplies the bearer token; asked before every request (cache inside if fetching is costly).
pub trait TokenProvider: Send + Sync + 'static {
    /// The token to send now.
    fn token(&self) -> TokenFuture<'_>;

    /// Asked once when the service rejected the token that was sent (HTTP 401): return a fresh
    /// token (bypassing any cache) and the request is sent once more with it, or `None` when no
    /// better token can be had (then the 401 is the caller's [`crate::Error`]).
    ///
    /// `claims` is the decoded claims JSON of a Continuous Access Evaluation challenge
    /// (`WWW-Authenticate: Bearer error="insufficient_claims", claims="…"`): pass it to the token
    /// request (MSAL's `claims` parameter). The default asks [`TokenProvider::token`] again for a
    /// plain 401 and returns `None` for a claims challenge, which it cannot satisfy.
    fn refresh<'a>(&'a self, claims: Option<&'a str>) -> Option<TokenFuture<'a>> {
        match claims {
            None => Some(self.token()),
            Some(_) => None,
        }
    }
}

/// Where a client's `Authorization` header comes from.
pub(crate) enum Credentials {
    /// The same token for every request: its header is built once.
    Static(HeaderValue),
    /// A provider asked before every request; the header of its last token is reused while the
    /// token stays the same.
    Provider {
        provider: Arc<dyn TokenProvider>,
        last: Mutex<Option<(AccessToken, HeaderValue)>>,
    },
}

impl Credentials {
    /// Credentials for a static bearer token; `Err` when it cannot be a header value.
    pub(crate) fn fixed(token: &AccessToken) -> Result<Self, BoxError> {
        Ok(Self::Static(authorization(token)?))
    }

    /// Credentials asked of `provider`.
    pub(crate) fn provider(provider: Arc<dyn TokenProvider>) -> Self {
        Self::Provider {
            provider,
            last: Mutex::new(None),
        }
    }

    /// The `Authorization` value to send now.
    pub(crate) async fn header(&self) -> Result<HeaderValue, BoxError> {
        match self {
            Self::Static(header) => Ok(header.clone()),
            Self::Provider { provider, last } => {
                let token = provider.token().await?;
                Self::remember(last, token)
            }
        }
    }

    /// After a 401: the value of a refreshed token, if the provider can give one.
    pub(crate) async fn refreshed(
        &self,
        claims: Option<&str>,
    ) -> Option<Result<HeaderValue, BoxError>> {
        match self {
            Self::Static(_) => None,
            Self::Provider { provider, last } => {
                let token = match provider.refresh(claims)?.await {
                    Ok(token) => token,
                    Err(e) => return Some(Err(e)),
                };
                Some(Self::remember(last, token))
            }
        }
    }

    fn remember(
        last: &Mutex<Option<(AccessToken, HeaderValue)>>,
        token: AccessToken,
    ) -> Result<HeaderValue, BoxError> {
        let mut last = last.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((cached, header)) = last.as_ref()
            && *cached == token
        {
            return Ok(header.clone());
        }
        let header = authorization(&token)?;
        *last = Some((token, header.clone()));
        Ok(header)
    }
}

/// `Bearer <token>`, marked sensitive (never logged, never in `Debug`).
fn authorization(token: &AccessToken) -> Result<HeaderValue, BoxError> {
    Ok(copilot_api::bearer_value(token.secret())?)
}

/// A provider from an async closure, see [`crate::CopilotBuilder::token_fn`].
pub(crate) struct FnProvider<F>(pub F);

impl<F, Fut> TokenProvider for FnProvider<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<String, BoxError>> + Send + 'static,
{
    fn token(&self) -> TokenFuture<'_> {
        let fut = (self.0)();
        Box::pin(async move { fut.await.map(AccessToken) })
    }
}

/// The scope Graph tokens are requested for.
pub const GRAPH_SCOPE: &str = "https://graph.microsoft.com/.default";

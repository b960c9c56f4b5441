//! Where access tokens come from: a static token, an async provider asked before every request
//! (so long jobs survive token expiry), or an Azure credential (feature `azure-identity`); and
//! what a provider is asked when the service rejects a token (a plain 401 or a claims challenge).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

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

/// The same token for every request.
#[derive(Clone)]
pub(crate) struct StaticToken(pub AccessToken);

impl TokenProvider for StaticToken {
    fn token(&self) -> TokenFuture<'_> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }

    /// A static token cannot be refreshed.
    fn refresh<'a>(&'a self, _claims: Option<&'a str>) -> Option<TokenFuture<'a>> {
        None
    }
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

pub(crate) type SharedProvider = Arc<dyn TokenProvider>;

//! Tokens from an Azure credential (feature `azure-identity`): any
//! `azure_core::credentials::TokenCredential`, e.g. `azure_identity::DeveloperToolsCredential`
//! or `ManagedIdentityCredential`. The credential caches and refreshes its tokens itself.

use std::sync::Arc;

use azure_core::credentials::TokenCredential;

use crate::auth::{AccessToken, BoxError, GRAPH_SCOPE, TokenFuture, TokenProvider};

/// Asks an Azure credential for a Graph token (`https://graph.microsoft.com/.default`).
pub(crate) struct AzureTokenProvider {
    credential: Arc<dyn TokenCredential>,
}

impl AzureTokenProvider {
    pub(crate) fn new(credential: Arc<dyn TokenCredential>) -> Self {
        Self { credential }
    }
}

impl TokenProvider for AzureTokenProvider {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            let token = self
                .credential
                .get_token(&[GRAPH_SCOPE], None)
                .await
                .map_err(|e| Box::new(e) as BoxError)?;
            Ok(AccessToken::new(token.token.secret()))
        })
    }

    /// azure_core's token options carry no claims yet, so a claims challenge reaches the caller
    /// as an error ([`crate::Error::claims_challenge`]); a plain 401 asks the credential again.
    fn refresh<'a>(&'a self, claims: Option<&'a str>) -> Option<TokenFuture<'a>> {
        match claims {
            None => Some(self.token()),
            Some(_) => None,
        }
    }
}

//! Hand-written constructors: the Graph beta client, bearer headers, request bodies.

use std::sync::Arc;

use crate::types::{PromptCreate, PromptType, SessionCreate, SessionUpdate};
use crate::{Client, Hooks, Transport};

/// The base URL of Microsoft Graph beta; operation paths are appended to it.
pub const GRAPH_BETA_BASE_URL: &str = "https://graph.microsoft.com/beta";

impl Client {
    /// A client for Microsoft Graph beta over a caller's `reqwest::Client` (which carries auth,
    /// for example through [`bearer_headers`] as default headers).
    pub fn graph_beta_with_client(http: reqwest::Client) -> Self {
        Self::new_with_client(GRAPH_BETA_BASE_URL, http, Hooks::default())
    }

    /// A client for `base_url` (e.g. `http://127.0.0.1:8080/beta` for a fake server) whose
    /// requests all go through `transport`.
    pub fn with_transport(
        base_url: &str,
        http: reqwest::Client,
        transport: Arc<dyn Transport>,
    ) -> Self {
        Self::new_with_client(base_url, http, Hooks::with_transport(transport))
    }
}

/// Default headers carrying `Authorization: Bearer <token>`, marked sensitive so that reqwest
/// never prints them.
pub fn bearer_headers(token: &str) -> Result<reqwest::header::HeaderMap, InvalidToken> {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, bearer_value(token)?);
    Ok(headers)
}

/// The value `Bearer <token>` of an `Authorization` header, marked sensitive (reqwest never
/// prints it); refused when the token holds a byte that is not visible ASCII.
pub fn bearer_value(token: &str) -> Result<reqwest::header::HeaderValue, InvalidToken> {
    if let Some(position) = token.bytes().position(|b| !b.is_ascii_graphic()) {
        return Err(InvalidToken { position });
    }
    let mut value = reqwest::header::HeaderValue::try_from(format!("Bearer {token}"))
        // Unreachable after the check above (visible ASCII always makes a header value).
        .map_err(|_| InvalidToken { position: 0 })?;
    value.set_sensitive(true);
    Ok(value)
}

/// A token that cannot be sent: it holds a byte that is not visible ASCII (often the trailing
/// newline of a token read from a file or a pipe, a space, or a character pasted from a
/// document). Bearer tokens (RFC 6750) are visible ASCII only; HTTP would carry some of those
/// bytes, and the service would answer an unexplained 401. It never holds the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidToken {
    /// The offset of the first byte that is not visible ASCII, counted in the token.
    pub position: usize,
}

impl std::fmt::Display for InvalidToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the token cannot be sent in an Authorization header: byte {} is not visible ASCII \
             (a trailing newline, a space or a stray character from where it was copied?)",
            self.position
        )
    }
}

impl std::error::Error for InvalidToken {}

const SESSION_ODATA_TYPE: &str = "#microsoft.graph.security.securityCopilot.session";
const PROMPT_ODATA_TYPE: &str = "#microsoft.graph.security.securityCopilot.prompt";

impl SessionCreate {
    /// The body that creates a session named `display_name`.
    pub fn new(display_name: impl Into<String>) -> Self {
        Self {
            odata_type: SESSION_ODATA_TYPE.to_string(),
            display_name: display_name.into(),
        }
    }
}

impl SessionUpdate {
    /// The body that renames a session.
    pub fn rename(display_name: impl Into<String>) -> Self {
        Self {
            display_name: Some(display_name.into()),
            ..Self::default()
        }
    }
}

impl PromptCreate {
    /// The body of a prompt of type `prompt` (the only type the service supports) with `content`.
    pub fn new(content: impl Into<String>) -> Self {
        Self {
            odata_type: PROMPT_ODATA_TYPE.to_string(),
            content: content.into(),
            type_: PromptType::Prompt,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The constructors send the `@odata.type` the spec declares as the default.
    #[test]
    fn constructors_use_the_spec_defaults() {
        let from_spec: SessionCreate =
            serde_json::from_value(serde_json::json!({"displayName": "x"})).unwrap();
        assert_eq!(SessionCreate::new("x"), from_spec);
        let from_spec: PromptCreate =
            serde_json::from_value(serde_json::json!({"type": "prompt", "content": "q"})).unwrap();
        assert_eq!(PromptCreate::new("q"), from_spec);
        let rename = SessionUpdate::rename("y");
        assert_eq!(rename.odata_type, SESSION_ODATA_TYPE);
    }

    /// Only visible ASCII is sent; the error says where the first other byte is, never what.
    #[test]
    fn tokens_are_visible_ascii_or_refused_with_the_offset() {
        let headers = bearer_headers("eyJ0.a-b_c~d+e/f=").expect("a JWT-like token");
        let value = &headers[reqwest::header::AUTHORIZATION];
        assert!(value.is_sensitive(), "the header must be marked sensitive");
        assert_eq!(value.to_str().ok(), Some("Bearer eyJ0.a-b_c~d+e/f="));
        for (token, position) in [
            ("zqx\n", 3),
            ("zq x", 2),
            ("\tzqx", 0),
            ("zöq", 1),
            ("z\u{7f}q", 1),
        ] {
            let err = bearer_headers(token).expect_err(token);
            assert_eq!(err.position, position, "{token:?}");
            assert!(
                !err.to_string().contains("zq"),
                "the message shows the token: {err}"
            );
        }
    }
}

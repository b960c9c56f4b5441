//! Tokens the service rejects: a claims challenge is answered once with a token carrying the
//! claims, a plain 401 once with a fresh token; a second refusal is the caller's typed error.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use copilot_ergonomic::{AccessToken, Copilot, Error, TokenFuture, TokenProvider};
use copilot_fake::FakeConfig;
use serde_json::json;

const CLAIMS: &str = r#"{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}"#;
const CLAIMS_B64: &str =
    "eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwidmFsdWUiOiIxNzAwMDAwMDAwIn19fQ==";

fn challenge() -> Reply {
    Reply::json(
        401,
        &json!({"error": {"code": "InvalidAuthenticationToken", "message": "Continuous access evaluation resulted in challenge"}}),
    )
    .with_header(
        "www-authenticate",
        format!(
            "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\", error=\"insufficient_claims\", claims=\"{CLAIMS_B64}\""
        ),
    )
}

fn sessions() -> Reply {
    Reply::json(200, &json!({"value": []}))
}

/// A provider that hands out `token-N` and records what it was asked.
#[derive(Default, Clone)]
struct Recording {
    asked: Arc<Mutex<Vec<String>>>,
}

impl Recording {
    fn log(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}

impl TokenProvider for Recording {
    fn token(&self) -> TokenFuture<'_> {
        self.asked.lock().unwrap().push("token".into());
        Box::pin(async { Ok(AccessToken::new("token-1")) })
    }

    fn refresh<'a>(&'a self, claims: Option<&'a str>) -> Option<TokenFuture<'a>> {
        self.asked
            .lock()
            .unwrap()
            .push(format!("refresh {}", claims.unwrap_or("-")));
        Some(Box::pin(async { Ok(AccessToken::new("token-2")) }))
    }
}

fn authorizations(requests: &[String]) -> Vec<String> {
    requests
        .iter()
        .map(|r| {
            r.lines()
                .find_map(|l| l.strip_prefix("authorization: "))
                .unwrap_or("<none>")
                .to_string()
        })
        .collect()
}

fn with_provider(base_url: &str, provider: Recording) -> Copilot {
    fast(
        Copilot::builder()
            .base_url(base_url)
            .token_provider(provider),
    )
    .build()
    .unwrap()
}

#[tokio::test]
async fn a_claims_challenge_is_answered_once_with_the_claims() {
    let server = scripted("127.0.0.1", vec![challenge(), sessions()]).await;
    let provider = Recording::default();
    let copilot = with_provider(server.base_url(), provider.clone());
    let sessions: Vec<_> =
        futures::TryStreamExt::try_collect(copilot.workspace("default").sessions())
            .await
            .unwrap();
    assert!(sessions.is_empty());
    assert_eq!(
        provider.log(),
        ["token".to_string(), format!("refresh {CLAIMS}")]
    );
    assert_eq!(
        authorizations(&server.requests()),
        ["Bearer token-1", "Bearer token-2"],
        "exactly one resend, with the refreshed token"
    );
}

#[tokio::test]
async fn a_second_challenge_is_a_typed_error_with_the_decoded_claims() {
    let server = scripted("127.0.0.1", vec![challenge(), challenge(), sessions()]).await;
    let provider = Recording::default();
    let copilot = with_provider(server.base_url(), provider.clone());
    let err = sessions_error(&copilot).await;
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.claims_challenge(), Some(CLAIMS));
    assert!(err.to_string().contains("claims challenge"), "{err}");
    assert_eq!(server.requests().len(), 2, "one resend only");
}

#[tokio::test]
async fn a_provider_that_cannot_take_claims_gets_the_error_without_a_resend() {
    let server = scripted("127.0.0.1", vec![challenge(), sessions()]).await;
    let copilot = client(server.base_url()); // a static bearer token
    let err = sessions_error(&copilot).await;
    assert_eq!(err.claims_challenge(), Some(CLAIMS));
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    assert_eq!(
        server.requests().len(),
        1,
        "resending the same token is pointless"
    );
}

#[tokio::test]
async fn a_plain_401_asks_the_provider_once_for_a_fresh_token() {
    // The fake accepts only TOKEN; the provider's cache first hands out an expired one.
    let server = copilot_fake::FakeServer::start_with(FakeConfig::new().token(TOKEN))
        .await
        .unwrap();
    let calls = Arc::new(Mutex::new(0u32));
    let counter = Arc::clone(&calls);
    let copilot = fast(
        Copilot::builder()
            .base_url(server.base_url())
            .token_fn(move || {
                let n = {
                    let mut calls = counter.lock().unwrap();
                    *calls += 1;
                    *calls
                };
                async move {
                    Ok(if n == 1 {
                        "expired".to_string()
                    } else {
                        TOKEN.to_string()
                    })
                }
            }),
    )
    .build()
    .unwrap();
    copilot
        .workspace("default")
        .session("nope")
        .get()
        .await
        .unwrap_err(); // 404, after the resend
    let requests = server.requests();
    let sent: Vec<&str> = requests
        .iter()
        .map(|r| r.header("authorization").unwrap_or_default())
        .collect();
    assert_eq!(sent, ["Bearer expired", &format!("Bearer {TOKEN}")]);
    assert_eq!(*calls.lock().unwrap(), 2);
}

#[tokio::test]
async fn a_401_that_a_fresh_token_does_not_cure_is_the_graph_error() {
    let server = copilot_fake::FakeServer::start_with(FakeConfig::new().token(TOKEN))
        .await
        .unwrap();
    let copilot = fast(
        Copilot::builder()
            .base_url(server.base_url())
            .token_fn(|| async { Ok("always-wrong".to_string()) }),
    )
    .build()
    .unwrap();
    let err = sessions_error(&copilot).await;
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.claims_challenge(), None);
    // The fresh token equals the refused one: no resend.
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn every_request_prefers_unknown_enum_members() {
    let (server, copilot) = fake(FakeConfig::new()).await;
    let ws = copilot.workspace("default");
    ws.create_session("s").await.unwrap();
    ws.create_session("t").await.unwrap();
    // Two pages: the nextLink request goes through the same pipeline.
    let listed: Vec<_> = futures::TryStreamExt::try_collect(ws.sessions().top(1))
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    for r in &requests {
        assert_eq!(
            r.header("prefer"),
            Some("include-unknown-enum-members"),
            "{} {}",
            r.method,
            r.target
        );
    }
}

#[tokio::test]
async fn the_fakes_claims_challenge_reaches_the_provider_and_is_cured_by_one_resend() {
    let config = FakeConfig::new().fault(
        copilot_fake::FaultRule::new(copilot_fake::Fault::claims_challenge(CLAIMS))
            .on("listSessions")
            .calls(1..=1),
    );
    let server = copilot_fake::FakeServer::start_with(config).await.unwrap();
    let provider = Recording::default();
    let copilot = with_provider(&server.base_url(), provider.clone());
    let listed: Vec<_> =
        futures::TryStreamExt::try_collect(copilot.workspace("default").sessions())
            .await
            .unwrap();
    assert!(listed.is_empty());
    assert_eq!(
        provider.log(),
        ["token".to_string(), format!("refresh {CLAIMS}")]
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_token_no_header_can_carry_is_a_nameable_error_that_never_shows_the_token() {
    let secret = "eyJ0eXAiOi.secret-part";
    let Err(err) = Copilot::builder()
        .bearer_token(format!("{secret}\n"))
        .build()
    else {
        panic!("a token ending in a newline must not build a client");
    };
    let invalid = err
        .invalid_token()
        .unwrap_or_else(|| panic!("expected an InvalidToken inside Error::Auth, got {err:?}"));
    assert_eq!(invalid.position, secret.len(), "the newline's offset");
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains("secret-part"), "the token leaked: {shown}");
    }
    assert!(err.to_string().contains("Authorization header"), "{err}");

    // From a provider: the request fails before anything is sent.
    let (server, _) = fake(FakeConfig::new()).await;
    let copilot = fast(
        Copilot::builder()
            .base_url(server.base_url())
            .token_fn(|| async { Ok("tok\u{7f}en".to_string()) }),
    )
    .build()
    .unwrap();
    let err = sessions_error(&copilot).await;
    assert_eq!(
        err.invalid_token().map(|i| i.position),
        Some(3),
        "expected InvalidToken at byte 3, got {err:?}"
    );
    assert!(server.requests().is_empty(), "nothing may be sent");
}

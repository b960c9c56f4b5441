//! The token goes only to the configured origin, never in clear to a remote host, never into
//! Debug/Display/errors/logs; hostile ids cannot change the request path.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use copilot_ergonomic::{BoxError, Copilot, Error};
use copilot_fake::FakeConfig;
use futures::TryStreamExt;
use serde_json::json;

#[tokio::test]
async fn hostile_ids_stay_inside_their_path_segment() {
    let (server, copilot) = fake(FakeConfig::new()).await;
    let ws = copilot.workspace("default");
    for id in ["a/b", "?x=1", "#frag", "%2F", "ünï cödé", "...", "a;b=c"] {
        server.take_requests();
        let err = ws.session(id).get().await.unwrap_err();
        assert_eq!(err.status(), Some(404), "{id}: {err}");
        let message = &err.api().unwrap().message;
        assert!(
            message.contains(&format!("'{id}'")),
            "the server saw the id whole: {id} → {message}"
        );
        let target = &server.requests()[0].target;
        assert!(
            target.starts_with("/beta/security/securityCopilot/workspaces/default/sessions/"),
            "{target}"
        );
        assert!(!target.contains('?') && !target.contains('#'), "{target}");
    }
    for id in ["..", ".", "", "%2e%2e", "a\\b"] {
        server.take_requests();
        let err = ws.session(id).get().await.unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(_)), "{id:?}: {err:?}");
        assert!(server.requests().is_empty(), "{id:?} was sent");
    }
    let err = copilot
        .workspace("..")
        .create_session("x")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)));
}

#[test]
fn plain_http_to_a_remote_host_is_refused_at_build() {
    let err = Copilot::builder()
        .base_url("http://graph.microsoft.com/beta")
        .bearer_token(TOKEN)
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(err.to_string().contains("https"), "{err}");
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_with_the_token() {
    let foreign = scripted("127.0.0.2", vec![Reply::json(200, &json!({"value": []}))]).await;
    let location = format!("{}/security/securityCopilot/workspaces", foreign.base_url());
    let home = scripted(
        "127.0.0.1",
        vec![Reply::new(302, "").with_header("location", location)],
    )
    .await;
    let copilot = client(home.base_url());
    let err = copilot
        .workspaces()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(302), "{err:?}");
    assert!(
        foreign.requests().is_empty(),
        "the redirect was followed to another host"
    );
}

#[tokio::test]
async fn the_token_provider_is_asked_for_every_request_and_its_failure_is_typed() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let server = copilot_fake::FakeServer::start_with(FakeConfig::new().token("t1").token("t2"))
        .await
        .unwrap();
    let copilot = fast(Copilot::builder().base_url(server.base_url()))
        .token_fn(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                match n {
                    0 => Ok("t1".to_string()),
                    1 => Ok("t2".to_string()),
                    _ => Err::<String, BoxError>("the token endpoint is down".into()),
                }
            }
        })
        .build()
        .unwrap();
    let ws = copilot.workspace("default");
    ws.create_session("a").await.unwrap();
    ws.create_session("b").await.unwrap();
    let sent: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap().to_string())
        .collect();
    assert_eq!(sent, ["Bearer t1", "Bearer t2"]);
    let err = ws.create_session("c").await.unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err:?}");
    assert!(
        err.to_string().contains("the token endpoint is down"),
        "{err}"
    );
    assert_eq!(
        server.requests().len(),
        2,
        "nothing is sent without a token"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

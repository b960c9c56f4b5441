//! Graph-style errors with the right statuses, request ids on every response.

mod common;

use common::*;
use copilot_fake::{FakeConfig, FakeServer};
use serde_json::json;

#[tokio::test]
async fn bad_bodies_are_400() {
    let server = FakeServer::start().await.unwrap();
    let (session, _, _) = session_prompt_evaluation(&server, "q").await;
    let cases = [
        (format!("{WS}/sessions"), json!({})),
        (format!("{WS}/sessions"), json!({"displayName": 5})),
        (
            format!("{WS}/sessions"),
            json!({"displayName": "x", "id": "chosen-by-client"}),
        ),
        (
            format!("{WS}/sessions"),
            json!({"@odata.type": "#microsoft.graph.user", "displayName": "x"}),
        ),
        (
            format!("{session}/prompts"),
            json!({"type": "brandNewType", "content": "x"}),
        ),
        (
            format!("{session}/prompts"),
            json!({"type": "unknownFutureValue", "content": "x"}),
        ),
        (
            format!("{session}/prompts"),
            json!({"type": "skill", "content": "x"}),
        ),
        (format!("{session}/prompts"), json!({"content": "x"})),
        (format!("{session}/prompts"), json!({"type": "prompt"})),
        (format!("{session}/prompts"), json!([1, 2])),
    ];
    for (path, body) in cases {
        let r = send(&server, "POST", &path, Some(body.clone())).await;
        assert_eq!(r.status, 400, "{body}: {}", r.text);
        assert_eq!(r.error_code(), "BadRequest");
    }
    // Not JSON at all.
    let r = reqwest::Client::new()
        .post(format!("{}{WS}/sessions", server.base_url()))
        .bearer_auth(TOKEN)
        .header("content-type", "application/json")
        .body("{\"displayName\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Nothing was created by any of them.
    let list = conforms(
        "listSessions",
        &send(&server, "GET", &format!("{WS}/sessions"), None).await,
    );
    assert_eq!(list["value"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn wrong_media_type_is_415_and_oversized_bodies_are_413() {
    let server = FakeServer::start_with(FakeConfig::new().max_body_bytes(64))
        .await
        .unwrap();
    let url = format!("{}{WS}/sessions", server.base_url());
    let r = reqwest::Client::new()
        .post(&url)
        .bearer_auth(TOKEN)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let big = json!({"displayName": "x".repeat(100)});
    let r = send(&server, "POST", &format!("{WS}/sessions"), Some(big)).await;
    assert_eq!(r.status, 413);
    assert_eq!(r.error_code(), "RequestEntityTooLarge");
}

#[tokio::test]
async fn missing_or_unknown_tokens_are_401() {
    let server = FakeServer::start_with(FakeConfig::new().token("good"))
        .await
        .unwrap();
    let path = format!("{WS}/sessions");
    let r = send_as(&server, "GET", &path, None, None).await;
    assert_eq!(
        (r.status, r.error_code().as_str()),
        (401, "InvalidAuthenticationToken")
    );
    let r = send_as(&server, "GET", &path, None, Some("bad")).await;
    assert_eq!(r.status, 401);
    let r = send_as(&server, "GET", &path, None, Some("good")).await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn unknown_ids_are_404_and_undocumented_methods_405() {
    let server = FakeServer::start().await.unwrap();
    let (session, prompt, evaluation) = session_prompt_evaluation(&server, "q").await;
    for path in [
        "/security/securityCopilot/workspaces/nope/sessions".to_string(),
        format!("{WS}/sessions/00000000-0000-0000-0000-000000000000"),
        format!("{session}/prompts/nope"),
        format!("{prompt}/evaluations/nope"),
        format!("{evaluation}/extra"),
        "/security/other".to_string(),
    ] {
        let r = send(&server, "GET", &path, None).await;
        assert_eq!(r.status, 404, "{path}");
        r.error_code();
    }
    for (method, path, allow) in [
        ("DELETE", session.clone(), "GET, PATCH"),
        ("PUT", format!("{WS}/sessions"), "GET, POST"),
        ("PATCH", prompt.clone(), "GET"),
        ("DELETE", evaluation.clone(), "GET"),
        ("POST", format!("{WS}/plugins"), "GET"),
    ] {
        let r = send(&server, method, &path, Some(json!({}))).await;
        assert_eq!(r.status, 405, "{method} {path}");
        assert_eq!(r.error_code(), "MethodNotAllowed");
        assert_eq!(r.header("allow"), Some(allow));
    }
}

#[tokio::test]
async fn ids_with_reserved_characters_are_matched_decoded() {
    let server = FakeServer::start().await.unwrap();
    let r = send(
        &server,
        "GET",
        &format!("{WS}/sessions/a%2Fb%3Fc%23d"),
        None,
    )
    .await;
    assert_eq!(r.status, 404);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("'a/b?c#d'")
    );
}

#[tokio::test]
async fn request_ids_are_fresh_and_client_request_ids_echoed() {
    let server = FakeServer::start().await.unwrap();
    let url = format!("{}{WS}/sessions", server.base_url());
    let r1 = reqwest::Client::new()
        .get(&url)
        .bearer_auth(TOKEN)
        .header("client-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(r1.headers()["client-request-id"], "abc-123");
    let r2 = reqwest::Client::new()
        .get(&url)
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_ne!(r1.headers()["request-id"], r2.headers()["request-id"]);
    let r = reqwest::Client::new()
        .get(format!("{url}/missing"))
        .bearer_auth(TOKEN)
        .header("client-request-id", "xyz")
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["innerError"]["client-request-id"], "xyz");
}

#[tokio::test]
async fn every_401_carries_graphs_bearer_challenge() {
    let server = FakeServer::start_with(FakeConfig::new().token(TOKEN))
        .await
        .unwrap();
    let expected = r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000""#;
    for (token, why) in [(None, "no token"), (Some("wrong"), "a token not accepted")] {
        let r = send_as(&server, "GET", &format!("{WS}/sessions"), None, token).await;
        assert_eq!(r.status, 401, "{why}: {}", r.text);
        assert_eq!(r.error_code(), "InvalidAuthenticationToken", "{why}");
        assert_eq!(
            r.header("www-authenticate"),
            Some(expected),
            "{why}: the 401 lacks Graph's challenge"
        );
    }
    let ok = send(&server, "GET", &format!("{WS}/sessions"), None).await;
    assert_eq!(
        ok.header("www-authenticate"),
        None,
        "a 200 must not carry a challenge"
    );
}

#[tokio::test]
async fn dollar_count_and_other_dollar_segments_are_unknown_segments() {
    let server = FakeServer::start().await.unwrap();
    let (session, prompt, _) = session_prompt_evaluation(&server, "q").await;
    let cases = [
        (
            "/security/securityCopilot/workspaces/$count".to_string(),
            "$count",
        ),
        (format!("{WS}/sessions/$count"), "$count"),
        (format!("{WS}/plugins/$count"), "$count"),
        (format!("{session}/prompts/$count"), "$count"),
        (format!("{prompt}/evaluations/$count"), "$count"),
        (format!("{WS}/sessions/%24count"), "$count"),
        (format!("{session}/$ref"), "$ref"),
    ];
    for (path, segment) in cases {
        let r = send(&server, "GET", &path, None).await;
        assert_eq!(r.status, 400, "GET {path}: {}", r.text);
        assert_eq!(r.error_code(), "BadRequest", "GET {path}");
        assert_eq!(
            r.json()["error"]["message"],
            format!("Resource not found for the segment '{segment}'."),
            "GET {path}"
        );
    }
}

//! Each fault kind, per operation and call number.

mod common;

use std::time::{Duration, Instant};

use common::*;
use copilot_fake::{FakeConfig, FakeServer, Fault, FaultRule};
use serde_json::json;

async fn server_with(rule: FaultRule) -> FakeServer {
    FakeServer::start_with(FakeConfig::new().fault(rule))
        .await
        .unwrap()
}

#[tokio::test]
async fn throttling_with_retry_after_in_seconds_then_success() {
    let server = server_with(
        FaultRule::new(Fault::status_retry_after(429, "2"))
            .on("createSession")
            .calls(1..=2),
    )
    .await;
    let path = format!("{WS}/sessions");
    for _ in 0..2 {
        let r = send(&server, "POST", &path, Some(json!({"displayName": "x"}))).await;
        assert_eq!(r.status, 429);
        assert_eq!(r.header("retry-after"), Some("2"));
        assert_eq!(r.error_code(), "TooManyRequests");
    }
    // The throttled calls were not processed; the third is.
    assert_eq!(
        send(&server, "GET", &path, None).await.json()["value"],
        json!([])
    );
    conforms(
        "createSession",
        &send(&server, "POST", &path, Some(json!({"displayName": "x"}))).await,
    );
    assert_eq!(
        send(&server, "GET", &path, None).await.json()["value"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn throttling_with_an_http_date_and_service_errors() {
    let date = "Wed, 21 Oct 2026 07:28:00 GMT";
    let config = FakeConfig::new()
        .fault(
            FaultRule::new(Fault::status_retry_after(429, date))
                .on("listSessions")
                .calls(1..=1),
        )
        .fault(
            FaultRule::new(Fault::status(503))
                .on("listSessions")
                .calls(2..=2),
        )
        .fault(
            FaultRule::new(Fault::status(504))
                .on("listSessions")
                .calls(3..=3),
        );
    let server = FakeServer::start_with(config).await.unwrap();
    let path = format!("{WS}/sessions");
    let r = send(&server, "GET", &path, None).await;
    assert_eq!((r.status, r.header("retry-after")), (429, Some(date)));
    let r = send(&server, "GET", &path, None).await;
    assert_eq!(
        (r.status, r.error_code().as_str()),
        (503, "ServiceUnavailable")
    );
    let r = send(&server, "GET", &path, None).await;
    assert_eq!((r.status, r.error_code().as_str()), (504, "GatewayTimeout"));
    assert_eq!(send(&server, "GET", &path, None).await.status, 200);
}

#[tokio::test]
async fn latency_delays_the_answer() {
    let server = server_with(
        FaultRule::new(Fault::Latency(Duration::from_millis(300))).on("listWorkspaces"),
    )
    .await;
    let started = Instant::now();
    conforms(
        "listWorkspaces",
        &send(&server, "GET", "/security/securityCopilot/workspaces", None).await,
    );
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn a_dropped_connection_gets_no_response_and_processes_nothing() {
    let server = server_with(
        FaultRule::new(Fault::DropConnection)
            .on("createSession")
            .calls(1..=1),
    )
    .await;
    let err = reqwest::Client::new()
        .post(format!("{}{WS}/sessions", server.base_url()))
        .bearer_auth(TOKEN)
        .json(&json!({"displayName": "x"}))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_request() || err.is_connect(), "{err:?}");
    assert_eq!(
        send(&server, "GET", &format!("{WS}/sessions"), None)
            .await
            .json()["value"],
        json!([])
    );
}

#[tokio::test]
async fn truncated_html_and_mislabelled_bodies() {
    let config = FakeConfig::new()
        .fault(FaultRule::parse("getSession:1:truncate").unwrap())
        .fault(FaultRule::parse("getSession:2:html:502").unwrap())
        .fault(FaultRule::parse("getSession:3:content-type").unwrap());
    let server = FakeServer::start_with(config).await.unwrap();
    let (session, _, _) = session_prompt_evaluation(&server, "q").await;
    let r = send(&server, "GET", &session, None).await;
    assert_eq!(r.status, 200);
    assert!(
        serde_json::from_str::<serde_json::Value>(&r.text).is_err(),
        "truncated: {}",
        r.text
    );
    let r = send(&server, "GET", &session, None).await;
    assert_eq!(r.status, 502);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.text.starts_with("<!DOCTYPE html>"));
    let r = send(&server, "GET", &session, None).await;
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    conforms("getSession", &r);
    conforms("getSession", &send(&server, "GET", &session, None).await);
}

const GRAPH_CHALLENGE: &str = r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000""#;

#[tokio::test]
async fn a_claims_challenge_is_a_401_with_the_claims_in_base64_and_processes_nothing() {
    let server = server_with(FaultRule::parse("createSession:1:claims").unwrap()).await;
    let path = format!("{WS}/sessions");
    let r = send(&server, "POST", &path, Some(json!({"displayName": "x"}))).await;
    assert_eq!(r.status, 401, "{}", r.text);
    assert_eq!(r.error_code(), "InvalidAuthenticationToken");
    // The claims are {"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}, encoded
    // here by coreutils' base64, not by the fake's encoder.
    assert_eq!(
        r.header("www-authenticate"),
        Some(
            r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwidmFsdWUiOiIxNzAwMDAwMDAwIn19fQ==""#
        ),
        "the claims challenge is not in Graph's shape"
    );
    assert_eq!(
        send(&server, "GET", &path, None).await.json()["value"],
        json!([]),
        "a challenged create must not be stored"
    );
    conforms(
        "createSession",
        &send(&server, "POST", &path, Some(json!({"displayName": "x"}))).await,
    );
}

#[tokio::test]
async fn a_claims_challenge_carries_the_rules_own_claims() {
    let claims = r#"{"access_token":{"acrs":{"essential":true,"value":"c1"}}}"#;
    let server =
        server_with(FaultRule::new(Fault::claims_challenge(claims)).on("getSession")).await;
    let (session, _, _) = session_prompt_evaluation(&server, "q").await;
    let r = send(&server, "GET", &session, None).await;
    assert_eq!(r.status, 401);
    let header = r.header("www-authenticate").unwrap_or_default();
    // base64 of the claims above (coreutils).
    assert!(
        header.ends_with(
            r#"claims="eyJhY2Nlc3NfdG9rZW4iOnsiYWNycyI6eyJlc3NlbnRpYWwiOnRydWUsInZhbHVlIjoiYzEifX19""#
        ),
        "the rule's claims are not the ones challenged for: {header}"
    );
}

#[tokio::test]
async fn an_injected_401_carries_graphs_bearer_challenge() {
    let server = server_with(FaultRule::parse("listWorkspaces:1:401").unwrap()).await;
    let r = send(&server, "GET", "/security/securityCopilot/workspaces", None).await;
    assert_eq!(r.status, 401);
    assert_eq!(
        r.header("www-authenticate"),
        Some(GRAPH_CHALLENGE),
        "a 401 without Graph's WWW-Authenticate"
    );
}

/// Sends a POST whose answer the fault swallows; returns the client's error.
async fn post_unanswered(server: &FakeServer, path: &str, body: serde_json::Value) -> String {
    let result = reqwest::Client::new()
        .post(format!("{}{path}", server.base_url()))
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
        .await;
    match result {
        Ok(r) => panic!("drop-after answered with {}", r.status()),
        Err(e) => {
            assert!(e.is_request() || e.is_connect(), "{e:?}");
            format!("{e:?}")
        }
    }
}

#[tokio::test]
async fn drop_after_store_keeps_the_prompt_and_the_evaluation_but_sends_nothing() {
    let config = FakeConfig::new()
        .fault(FaultRule::parse("createPrompt:2:drop-after").unwrap())
        .fault(FaultRule::parse("createEvaluation:2:drop-after").unwrap());
    let server = FakeServer::start_with(config).await.unwrap();
    let (session, prompt, _) = session_prompt_evaluation(&server, "q").await;

    post_unanswered(
        &server,
        &format!("{session}/prompts"),
        json!({"type": "prompt", "content": "stored anyway"}),
    )
    .await;
    let prompts = conforms(
        "listPrompts",
        &send(&server, "GET", &format!("{session}/prompts"), None).await,
    );
    let contents: Vec<&str> = prompts["value"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["content"].as_str())
        .collect();
    assert_eq!(
        contents,
        ["q", "stored anyway"],
        "the unanswered createPrompt was not stored exactly once"
    );

    post_unanswered(&server, &format!("{prompt}/evaluations"), json!({})).await;
    let evaluations = conforms(
        "listEvaluations",
        &send(&server, "GET", &format!("{prompt}/evaluations"), None).await,
    );
    assert_eq!(
        evaluations["value"].as_array().unwrap().len(),
        2,
        "the unanswered createEvaluation was not stored: {evaluations}"
    );
}

#[tokio::test]
async fn the_rate_limit_throttles_each_token_on_the_servers_clock() {
    let clock =
        copilot_fake::Clock::manual(chrono::DateTime::from_timestamp(1_761_163_200, 0).unwrap());
    let server = FakeServer::start_with(FakeConfig::new().rate_limit(2).clock(clock.clone()))
        .await
        .unwrap();
    let path = format!("{WS}/sessions");
    for n in 1..=2 {
        let r = send(&server, "GET", &path, None).await;
        assert_eq!(
            r.status, 200,
            "request {n} of 2 allowed per second: {}",
            r.text
        );
    }
    let r = send(&server, "POST", &path, Some(json!({"displayName": "x"}))).await;
    assert_eq!(r.status, 429, "the third request in a second: {}", r.text);
    assert_eq!(r.error_code(), "TooManyRequests");
    assert_eq!(r.header("retry-after"), Some("1"));
    let other = send_as(&server, "GET", &path, None, Some("another-token")).await;
    assert_eq!(other.status, 200, "another token has its own allowance");

    clock.advance(Duration::from_millis(500));
    let r = send(&server, "GET", &path, None).await;
    assert_eq!(
        r.status, 200,
        "half a second frees a slot at 2/s: {}",
        r.text
    );
    assert_eq!(
        r.json()["value"],
        json!([]),
        "the throttled create was processed"
    );
}

#[tokio::test]
async fn past_its_capacity_the_fake_completes_evaluations_with_capacity_exceeded() {
    let config = FakeConfig::new()
        .phases(Duration::ZERO, Duration::ZERO)
        .capacity(1);
    let server = FakeServer::start_with(config).await.unwrap();
    let (_, prompt, first) = session_prompt_evaluation(&server, "q").await;
    let first = conforms("getEvaluation", &send(&server, "GET", &first, None).await);
    assert_eq!(first["result"]["type"], "success", "{first}");
    let second = conforms(
        "createEvaluation",
        &send(
            &server,
            "POST",
            &format!("{prompt}/evaluations"),
            Some(json!({})),
        )
        .await,
    );
    let path = format!("{prompt}/evaluations/{}", second["id"].as_str().unwrap());
    let second = conforms("getEvaluation", &send(&server, "GET", &path, None).await);
    assert_eq!(second["state"], "completed", "{second}");
    assert_eq!(
        second["result"]["type"], "capacityExceeded",
        "the evaluation past the capacity of 1: {second}"
    );
    assert!(
        second["result"]["content"]
            .as_str()
            .is_some_and(|c| c.contains("capacity")),
        "no explanation in the content: {second}"
    );
}

#[tokio::test]
async fn a_token_that_needs_claims_is_challenged_until_the_client_gets_a_new_one() {
    let server = FakeServer::start_with(FakeConfig::new().require_claims("stale"))
        .await
        .unwrap();
    let path = format!("{WS}/sessions");
    let r = send_as(
        &server,
        "POST",
        &path,
        Some(json!({"displayName": "x"})),
        Some("stale"),
    )
    .await;
    assert_eq!(r.status, 401, "the stale token was accepted: {}", r.text);
    assert_eq!(r.error_code(), "InvalidAuthenticationToken");
    let header = r.header("www-authenticate").unwrap_or_default();
    assert!(
        header.contains(r#"error="insufficient_claims""#) && header.contains("claims=\"eyJ"),
        "not a claims challenge: {header}"
    );
    let r = send_as(
        &server,
        "POST",
        &path,
        Some(json!({"displayName": "x"})),
        Some("fresh"),
    )
    .await;
    assert_eq!(r.status, 201, "a new token must pass: {}", r.text);
    let list = send(&server, "GET", &path, None).await.json();
    assert_eq!(
        list["value"].as_array().map(Vec::len),
        Some(1),
        "the challenged create was processed: {list}"
    );
}

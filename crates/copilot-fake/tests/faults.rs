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

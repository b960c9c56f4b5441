//! Throttling and faults: what is retried, what is not, and the typed error when it stops.

mod common;

use std::time::{Duration, Instant};

use common::*;
use copilot_ergonomic::{Copilot, Error, RetryPolicy};
use copilot_fake::{FakeConfig, Fault, FaultRule};
use futures::TryStreamExt;

fn on(op: &str, calls: std::ops::RangeInclusive<u64>, fault: Fault) -> FaultRule {
    FaultRule::new(fault).on(op).calls(calls)
}

async fn count_sessions(copilot: &Copilot) -> usize {
    copilot
        .workspace("default")
        .sessions()
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn throttled_reads_are_retried_honouring_every_retry_after_form() {
    for retry_after in ["0", "0.05", "Wed, 21 Oct 2015 07:28:00 GMT"] {
        let config = FakeConfig::new().fault(on(
            "listSessions",
            1..=2,
            Fault::status_retry_after(429, retry_after),
        ));
        let (server, copilot) = fake(config).await;
        assert_eq!(count_sessions(&copilot).await, 0, "{retry_after}");
        let requests = server.requests();
        assert_eq!(requests.len(), 3, "two 429s then success ({retry_after})");
        assert_eq!(requests[2].header("retry-attempt"), Some("2"));
        let ids: Vec<_> = requests
            .iter()
            .map(|r| r.header("client-request-id"))
            .collect();
        assert!(
            ids.windows(2).all(|w| w[0] == w[1]),
            "one logical call keeps its client-request-id"
        );
    }
}

#[tokio::test]
async fn retry_after_is_waited_for() {
    let config = FakeConfig::new().fault(on(
        "getSession",
        1..=1,
        Fault::status_retry_after(503, "0.3"),
    ));
    let (_server, copilot) = fake(config).await;
    let session = copilot
        .workspace("default")
        .create_session("x")
        .await
        .unwrap();
    let started = Instant::now();
    copilot
        .workspace("default")
        .session(session.id.unwrap())
        .get()
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(290),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn service_errors_on_reads_are_retried_with_backoff() {
    let config = FakeConfig::new()
        .fault(on("listSessions", 1..=1, Fault::status(503)))
        .fault(on("listSessions", 2..=2, Fault::status(504)))
        .fault(on("listSessions", 3..=3, Fault::DropConnection));
    let (server, copilot) = fake(config).await;
    assert_eq!(count_sessions(&copilot).await, 0);
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn creates_are_retried_only_when_the_server_did_not_process_them() {
    // 429 and 503 + Retry-After: not processed, so retried; exactly one session results.
    let config = FakeConfig::new()
        .fault(on(
            "createSession",
            1..=1,
            Fault::status_retry_after(429, "0"),
        ))
        .fault(on(
            "createSession",
            2..=2,
            Fault::status_retry_after(503, "0"),
        ));
    let (_server, copilot) = fake(config).await;
    copilot
        .workspace("default")
        .create_session("once")
        .await
        .unwrap();
    assert_eq!(count_sessions(&copilot).await, 1);

    // 503 without Retry-After, 504, a dropped connection: unknown whether processed, not retried.
    for fault in [
        Fault::status(503),
        Fault::status(504),
        Fault::DropConnection,
    ] {
        let (server, copilot) =
            fake(FakeConfig::new().fault(on("createPrompt", 1..=1, fault.clone()))).await;
        let session = copilot
            .workspace("default")
            .create_session("s")
            .await
            .unwrap();
        let err = copilot
            .workspace("default")
            .session(session.id.unwrap())
            .create_prompt("q")
            .await
            .unwrap_err();
        let posts = server
            .requests()
            .iter()
            .filter(|r| r.method == "POST" && r.target.ends_with("/prompts"))
            .count();
        assert_eq!(posts, 1, "{fault:?} must not be resent");
        assert!(err.is_retryable(), "{fault:?}: {err}");
    }
}

#[tokio::test]
async fn when_retries_run_out_the_error_is_typed_and_complete() {
    let config = FakeConfig::new()
        .fault(FaultRule::new(Fault::status_retry_after(429, "0")).on("listSessions"));
    let (server, copilot) = fake(config).await;
    let err = sessions_error(&copilot).await;
    assert_eq!(server.requests().len(), 4, "1 + 3 retries");
    assert!(err.is_throttled());
    assert_eq!(err.code(), Some("TooManyRequests"));
    assert_eq!(err.retry_after(), Some(Duration::ZERO));
    assert!(err.request_id().is_some());
    assert!(
        err.to_string().starts_with("HTTP 429 TooManyRequests: "),
        "{err}"
    );

    let (server, _) =
        fake(FakeConfig::new().fault(FaultRule::new(Fault::status(503)).on("listSessions"))).await;
    let copilot_no_retry = fast(
        Copilot::builder()
            .base_url(server.base_url())
            .bearer_token(TOKEN),
    )
    .retry(RetryPolicy::none())
    .build()
    .unwrap();
    let err = sessions_error(&copilot_no_retry).await;
    assert_eq!((err.status(), server.requests().len()), (Some(503), 1));
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_not_waited_for() {
    let config = FakeConfig::new().fault(on(
        "listSessions",
        1..=1,
        Fault::status_retry_after(429, "3600"),
    ));
    let (server, copilot) = fake(config).await;
    let started = Instant::now();
    let err = sessions_error(&copilot).await;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        (err.status(), err.retry_after()),
        (Some(429), Some(Duration::from_secs(3600)))
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn broken_bodies_become_typed_errors_with_excerpts() {
    let (_server, copilot) =
        fake(FakeConfig::new().fault(on("listSessions", 1..=1, Fault::TruncatedBody))).await;
    match sessions_error(&copilot).await {
        Error::Decode {
            status,
            body_excerpt,
            ..
        } => {
            assert_eq!(status, 200);
            assert!(
                body_excerpt.starts_with("{\"@odata.context\""),
                "{body_excerpt}"
            );
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    let config =
        FakeConfig::new().fault(FaultRule::new(Fault::HtmlPage { status: 502 }).on("listSessions"));
    let (server, copilot) = fake(config).await;
    let err = sessions_error(&copilot).await;
    assert_eq!((err.status(), err.code()), (Some(502), None));
    assert!(err.to_string().contains("<!DOCTYPE html>"), "{err}");
    assert_eq!(server.requests().len(), 1, "502 is not retried");
    // JSON labelled text/plain still decodes: the content is what counts.
    let (_server, copilot) =
        fake(FakeConfig::new().fault(on("listSessions", 1..=1, Fault::WrongContentType))).await;
    assert_eq!(count_sessions(&copilot).await, 0);
}

#[tokio::test]
async fn a_slow_response_past_the_timeout_is_a_timeout_error() {
    let config = FakeConfig::new().fault(on(
        "listSessions",
        1..=5,
        Fault::Latency(Duration::from_secs(2)),
    ));
    let server = copilot_fake::FakeServer::start_with(config).await.unwrap();
    let copilot = Copilot::builder()
        .base_url(server.base_url())
        .bearer_token(TOKEN)
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = sessions_error(&copilot).await;
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn graph_errors_keep_code_message_and_ids() {
    let (_server, copilot) = fake(FakeConfig::new()).await;
    let err = copilot
        .workspace("default")
        .session("8e95c36e-c9bd-4e14-8317-3cd4332e1e3b")
        .get()
        .await
        .unwrap_err();
    let api = err.api().unwrap();
    assert_eq!((api.status, api.code.as_deref()), (404, Some("NotFound")));
    assert!(api.date.is_some() && api.request_id.is_some() && api.client_request_id.is_some());
    assert_eq!(
        err.to_string(),
        format!(
            "HTTP 404 NotFound: The session '8e95c36e-c9bd-4e14-8317-3cd4332e1e3b' was not found. (request-id {}, client-request-id {})",
            api.request_id.as_deref().unwrap(),
            api.client_request_id.as_deref().unwrap()
        )
    );
    let bad = copilot
        .workspace("nope")
        .create_session("x")
        .await
        .unwrap_err();
    assert_eq!(bad.status(), Some(404));
}

//! The fault matrix: every fault the issue lists, against a read (`getSession`) or a create
//! (`createSession`), with the outcome and the number of requests that reached the server.
//! The whole table is one snapshot (`matrix__faults.snap`, copied into RELIABILITY.md), so a
//! change of behaviour in any row shows up in review. Body-shape rows use a scripted server.

mod common;

use std::time::Duration;

use common::*;
use copilot_ergonomic::{Copilot, Error, RetryPolicy};
use copilot_fake::{FakeConfig, FakeServer, Fault, FaultRule, Reply, ScriptedServer};
use serde_json::json;

#[derive(Clone, Copy, Debug)]
enum Call {
    Read,
    Create,
}

fn outcome<T>(result: &Result<T, Error>) -> String {
    match result {
        Ok(_) => "Ok".into(),
        Err(Error::Api(api)) => format!(
            "Error::Api status {} code {}",
            api.status,
            api.code.as_deref().unwrap_or("-")
        ),
        Err(Error::Decode { status, .. }) => format!("Error::Decode (HTTP {status})"),
        Err(Error::Timeout { .. }) => "Error::Timeout".into(),
        Err(Error::Transport { .. }) => "Error::Transport".into(),
        Err(other) => format!("{other:?}"),
    }
}

/// Runs `call` against a fake with `fault` on the call's operation; returns the row.
async fn row(name: &str, call: Call, fault: FaultRule, timeout: Option<Duration>) -> String {
    let server = FakeServer::start_with(FakeConfig::new().token(TOKEN).fault(fault))
        .await
        .unwrap();
    let mut builder = fast(
        Copilot::builder()
            .base_url(server.base_url())
            .bearer_token(TOKEN),
    );
    if let Some(timeout) = timeout {
        builder = builder
            .timeout(timeout)
            .retry(RetryPolicy::default().with_base_delay(Duration::from_millis(5)));
    }
    let copilot = builder.build().unwrap();
    let workspace = copilot.workspace("default");
    let (result, operation) = match call {
        Call::Read => {
            // The session is created through the fault-free operation first.
            let id = workspace
                .create_session("matrix")
                .await
                .unwrap()
                .id
                .unwrap();
            server.take_requests();
            (outcome(&workspace.session(id).get().await), "getSession")
        }
        Call::Create => (
            outcome(&workspace.create_session("matrix").await),
            "createSession",
        ),
    };
    let sent = server.requests().len();
    // A timed-out create may still be processed later, so only settled rows count storage.
    let created = if matches!(call, Call::Create) && timeout.is_none() {
        // What the service holds afterwards: a create must never be duplicated.
        let listed: Vec<_> = futures::TryStreamExt::try_collect::<Vec<_>>(
            Copilot::builder()
                .base_url(server.base_url())
                .bearer_token(TOKEN)
                .build()
                .unwrap()
                .workspace("default")
                .sessions(),
        )
        .await
        .unwrap_or_default();
        format!(", {} stored", listed.len())
    } else {
        String::new()
    };
    format!("| {name} | {operation} | {result} | {sent} sent{created} |")
}

fn on(operation: &str, calls: std::ops::RangeInclusive<u64>, fault: Fault) -> FaultRule {
    FaultRule::new(fault).on(operation).calls(calls)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults() {
    let read = |calls, fault| on("getSession", calls, fault);
    let create = |calls, fault| on("createSession", calls, fault);
    let past = "Wed, 21 Oct 2015 07:28:00 GMT";
    let slow = Fault::Latency(Duration::from_millis(800));
    let short = Some(Duration::from_millis(150));
    let rows = vec![
        row(
            "429, Retry-After: 0 (seconds)",
            Call::Read,
            read(1..=1, Fault::status_retry_after(429, "0")),
            None,
        )
        .await,
        row(
            "429, Retry-After: 0.05 (decimal)",
            Call::Read,
            read(1..=1, Fault::status_retry_after(429, "0.05")),
            None,
        )
        .await,
        row(
            "429, Retry-After: HTTP-date",
            Call::Read,
            read(1..=1, Fault::status_retry_after(429, past)),
            None,
        )
        .await,
        row(
            "429, no Retry-After",
            Call::Read,
            read(1..=1, Fault::status(429)),
            None,
        )
        .await,
        row(
            "429 on every attempt",
            Call::Read,
            read(1..=99, Fault::status(429)),
            None,
        )
        .await,
        row("503", Call::Read, read(1..=1, Fault::status(503)), None).await,
        row("504", Call::Read, read(1..=1, Fault::status(504)), None).await,
        row(
            "connection reset",
            Call::Read,
            read(1..=1, Fault::DropConnection),
            None,
        )
        .await,
        row(
            "slow response past the timeout",
            Call::Read,
            read(1..=99, slow.clone()),
            short,
        )
        .await,
        row(
            "truncated JSON",
            Call::Read,
            read(1..=1, Fault::TruncatedBody),
            None,
        )
        .await,
        row(
            "HTML error page (502)",
            Call::Read,
            read(1..=1, Fault::HtmlPage { status: 502 }),
            None,
        )
        .await,
        row(
            "wrong content type",
            Call::Read,
            read(1..=1, Fault::WrongContentType),
            None,
        )
        .await,
        row(
            "401 with a Graph error",
            Call::Read,
            read(1..=1, Fault::status(401)),
            None,
        )
        .await,
        row(
            "403 with a Graph error",
            Call::Read,
            read(1..=1, Fault::status(403)),
            None,
        )
        .await,
        row(
            "404 with a Graph error",
            Call::Read,
            read(1..=1, Fault::status(404)),
            None,
        )
        .await,
        row(
            "429, Retry-After: 0",
            Call::Create,
            create(1..=1, Fault::status_retry_after(429, "0")),
            None,
        )
        .await,
        row(
            "503, Retry-After: 0",
            Call::Create,
            create(1..=1, Fault::status_retry_after(503, "0")),
            None,
        )
        .await,
        row(
            "503, no Retry-After",
            Call::Create,
            create(1..=1, Fault::status(503)),
            None,
        )
        .await,
        row("504", Call::Create, create(1..=1, Fault::status(504)), None).await,
        row(
            "connection reset",
            Call::Create,
            create(1..=1, Fault::DropConnection),
            None,
        )
        .await,
        row(
            "slow response past the timeout",
            Call::Create,
            create(1..=1, slow),
            short,
        )
        .await,
        row(
            "truncated JSON",
            Call::Create,
            create(1..=1, Fault::TruncatedBody),
            None,
        )
        .await,
    ];
    let table = format!(
        "| fault | operation | outcome | requests |\n|---|---|---|---|\n{}\n",
        rows.join("\n")
    );
    insta::assert_snapshot!("faults", table);
}

/// Answers every request with `body` (status 200) and reads one evaluation.
async fn evaluation_from(
    body: serde_json::Value,
) -> Result<copilot_ergonomic::types::Evaluation, Error> {
    let server = ScriptedServer::start("127.0.0.1").await.unwrap();
    server.otherwise(Reply::json(200, &body));
    client(server.base_url())
        .workspace("default")
        .session("s")
        .prompt("p")
        .evaluation("e")
        .get()
        .await
}

#[tokio::test]
async fn response_shapes() {
    let full = json!({
        "id": "e", "createdDateTime": "2025-11-03T09:15:40Z", "runStartDateTime": "0001-01-01T00:00:00Z",
        "completedDateTime": "0001-01-01T00:00:00Z", "lastModifiedDateTime": "2025-11-03T09:15:40Z",
        "state": "created", "executionCount": 0, "isCancelled": false, "result": null
    });
    let with = |key: &str, value: serde_json::Value| {
        let mut body = full.clone();
        body[key] = value;
        body
    };
    let unknown_enum = evaluation_from(with("state", json!("hibernating")))
        .await
        .unwrap();
    assert_eq!(
        unknown_enum.state,
        Some(copilot_ergonomic::types::EvaluationState::Other(
            "hibernating".into()
        ))
    );
    let mut completed = with(
        "result",
        json!({"content": "x", "type": "quotaExhausted", "previewState": "beta"}),
    );
    completed["state"] = json!("completed");
    let unknown_result = evaluation_from(completed).await.unwrap();
    assert_eq!(
        copilot_ergonomic::Outcome::of(&unknown_result),
        Some(copilot_ergonomic::Outcome::Other("quotaExhausted".into()))
    );
    let extra = evaluation_from(with("brandNewField", json!({"nested": [1, 2]})))
        .await
        .unwrap();
    assert_eq!(extra.id.as_deref(), Some("e"));
    let nulls = evaluation_from(with("result", json!(null))).await.unwrap();
    assert_eq!(nulls.result, None, "null where the spec allows it");
    let wrong_type = evaluation_from(with("executionCount", json!("many")))
        .await
        .unwrap_err();
    assert!(
        matches!(wrong_type, Error::Decode { status: 200, .. }),
        "{wrong_type:?}"
    );
    let not_an_object = evaluation_from(json!([1, 2, 3])).await.unwrap_err();
    assert!(
        matches!(not_an_object, Error::Decode { .. }),
        "{not_an_object:?}"
    );
}

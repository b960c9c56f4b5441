//! Conversations that last: follow-ups from an answer, resuming from a saved reference, waits
//! that outlive faults, at most one prompt and one evaluation per question, request ids.

mod common;

use std::time::Duration;

use chrono::{TimeZone as _, Utc};
use common::*;
use copilot_ergonomic::{Answer, Error, EvaluationRef, RequestIds, WaitOptions};
use copilot_fake::{Clock, FakeConfig, FakeServer, Fault, FaultRule, Script};
use futures::TryStreamExt as _;

/// Requests whose method is `method` and whose path (without query) ends with `suffix`.
fn count(server: &FakeServer, method: &str, suffix: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.method == method)
        .filter(|r| r.target.split('?').next().unwrap_or("").ends_with(suffix))
        .count()
}

/// `getEvaluation` requests received.
fn polls(server: &FakeServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.target.contains("/evaluations/"))
        .count()
}

/// Prompts and evaluations the fake stored in `answer`'s session, read back through the API.
async fn stored(answer: &Answer) -> (usize, usize) {
    let session = answer.session();
    let prompts: Vec<_> = session.prompts().try_collect().await.unwrap();
    let mut evaluations = 0;
    for prompt in &prompts {
        let prompt = session.prompt_of(prompt).unwrap();
        let listed: Vec<_> = prompt.evaluations().try_collect().await.unwrap();
        evaluations += listed.len();
    }
    (prompts.len(), evaluations)
}

fn quick() -> FakeConfig {
    FakeConfig::new().phases(Duration::ZERO, Duration::from_millis(5))
}

#[tokio::test]
async fn ten_follow_ups_stay_in_one_session() {
    let (server, copilot) = fake(quick().default_answer("noted\n")).await;
    let ws = copilot.workspace("default");
    let first = ws.ask("who am I").await.unwrap();
    let mut last = first.clone();
    for i in 1..10 {
        let next = last.session().ask(format!("follow-up {i}")).await.unwrap();
        assert_eq!(
            next.session_id(),
            first.session_id(),
            "follow-up {i} left the session"
        );
        assert_ne!(next.prompt_id(), last.prompt_id());
        last = next;
    }
    assert_eq!(count(&server, "POST", "/sessions"), 1, "sessions created");
    assert_eq!(count(&server, "POST", "/prompts"), 10, "prompts created");
    assert_eq!(
        count(&server, "POST", "/evaluations"),
        10,
        "evaluations created"
    );
    assert_eq!(stored(&last).await, (10, 10));
    // The reference names the same evaluation as the accessors, and survives serde.
    let r = last.reference().clone();
    assert_eq!(
        (
            r.workspace.as_str(),
            r.session.as_str(),
            r.prompt.as_str(),
            r.evaluation.as_str()
        ),
        (
            "default",
            last.session_id(),
            last.prompt_id(),
            last.evaluation_id()
        )
    );
    let saved = serde_json::to_string(&r).unwrap();
    assert_eq!(serde_json::from_str::<EvaluationRef>(&saved).unwrap(), r);
}

#[tokio::test]
async fn a_timed_out_ask_is_resumed_from_its_reference() {
    // The fake's clock stands still: the evaluation stays `created` until the test moves it.
    let clock = Clock::manual(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
    let config = FakeConfig::new()
        .clock(clock)
        .phases(Duration::from_secs(10), Duration::from_secs(10))
        .script("a slow question", Script::answer("done at last\n"));
    let (server, _) = fake(config).await;
    let copilot = fast(copilot_ergonomic::Copilot::builder())
        .base_url(server.base_url())
        .bearer_token(TOKEN)
        .wait_options(
            WaitOptions::default()
                .with_deadline(Duration::from_millis(60))
                .with_intervals(Duration::from_millis(5), Duration::from_millis(20)),
        )
        .build()
        .unwrap();
    let err = copilot
        .workspace("default")
        .ask("a slow question")
        .await
        .unwrap_err();
    let saved = match &err {
        Error::WaitTimedOut {
            last_state,
            reference,
            ..
        } => {
            assert_eq!(last_state, "created");
            assert_eq!(err.evaluation_ref(), Some(reference.as_ref()));
            reference.as_ref().clone()
        }
        other => panic!("expected WaitTimedOut, got {other:?}"),
    };
    assert!(err.to_string().contains(&saved.to_string()), "{err}");
    server.clock().advance(Duration::from_secs(30));
    // A new client (as after a restart) resumes from the text form of the reference.
    let resumed: EvaluationRef = saved.to_string().parse().unwrap();
    let answer = client(&server.base_url())
        .evaluation(&resumed)
        .wait()
        .await
        .unwrap();
    assert_eq!(answer.content(), Some("done at last\n"));
    assert_eq!(answer.reference(), &saved);
    assert_eq!(
        count(&server, "POST", "/evaluations"),
        1,
        "resuming created nothing"
    );
}

#[tokio::test]
async fn a_wait_outlives_a_burst_of_429s_and_503s() {
    // Each poll is tried four times (three retries); eight failing calls sink two whole polls.
    let config = quick()
        .fault(
            FaultRule::new(Fault::status_retry_after(429, "0"))
                .on("getEvaluation")
                .calls(1..=4),
        )
        .fault(
            FaultRule::new(Fault::status(503))
                .on("getEvaluation")
                .calls(5..=8),
        );
    let (server, copilot) = fake(config).await;
    let answer = copilot.workspace("default").ask("who am I").await.unwrap();
    assert!(answer.is_success(), "{:?}", answer.outcome());
    let polls = polls(&server);
    assert!(polls >= 9, "the wait ended after {polls} poll requests");
}

#[tokio::test]
async fn an_error_polling_cannot_cure_ends_the_wait_with_the_reference() {
    let config = FakeConfig::new()
        .phases(Duration::from_secs(60), Duration::from_secs(60))
        .fault(FaultRule::new(Fault::status(403)).on("getEvaluation"));
    let (server, copilot) = fake(config).await;
    let err = copilot
        .workspace("default")
        .ask("who am I")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::WaitFailed { .. }), "{err:?}");
    assert_eq!(err.status(), Some(403), "accessors read through: {err}");
    let r = err.evaluation_ref().expect("a reference");
    assert_eq!(r.workspace, "default");
    assert_eq!(polls(&server), 1, "403 is not retried");
}

/// Asks once with `fault` on the first call of `operation` (a create the fake stores before it
/// fails) and checks that the create was sent once and one prompt and one evaluation exist.
async fn asked_once_despite(operation: &str, fault: Fault, collection: &str) {
    let config = quick().fault(FaultRule::new(fault.clone()).on(operation).calls(1..=1));
    let (server, copilot) = fake(config).await;
    let answer = copilot.workspace("default").ask("who am I").await.unwrap();
    assert!(
        answer.is_success(),
        "{fault:?} on {operation}: {:?}",
        answer.outcome()
    );
    assert_eq!(
        count(&server, "POST", collection),
        1,
        "{operation} was sent again after {fault:?}"
    );
    assert_eq!(stored(&answer).await, (1, 1), "{fault:?} on {operation}");
}

#[tokio::test]
async fn an_unreadable_create_response_is_not_asked_again() {
    // The fake stores the entity, then sends half its body: the outcome is unknown.
    asked_once_despite("createPrompt", Fault::TruncatedBody, "/prompts").await;
    asked_once_despite("createEvaluation", Fault::TruncatedBody, "/evaluations").await;
}

#[tokio::test]
async fn an_entity_stored_before_the_connection_dropped_is_found_not_created_again() {
    // The fake stores the entity, then closes the connection without a response.
    asked_once_despite("createPrompt", Fault::DropAfterStore, "/prompts").await;
    asked_once_despite("createEvaluation", Fault::DropAfterStore, "/evaluations").await;
}

#[tokio::test]
async fn a_create_that_was_not_stored_is_sent_again_once() {
    // The connection drops before the fake handles the request: nothing is stored.
    let config = quick()
        .fault(
            FaultRule::new(Fault::DropConnection)
                .on("createPrompt")
                .calls(1..=1),
        )
        .fault(
            FaultRule::new(Fault::DropConnection)
                .on("createEvaluation")
                .calls(1..=1),
        );
    let (server, copilot) = fake(config).await;
    let answer = copilot.workspace("default").ask("who am I").await.unwrap();
    assert!(answer.is_success());
    assert_eq!(count(&server, "POST", "/prompts"), 2);
    assert_eq!(count(&server, "POST", "/evaluations"), 2);
    assert_eq!(
        stored(&answer).await,
        (1, 1),
        "one prompt, one evaluation stored"
    );
}

#[tokio::test]
async fn the_same_question_asked_twice_on_purpose_is_two_prompts() {
    let (_server, copilot) = fake(quick()).await;
    let first = copilot.workspace("default").ask("who am I").await.unwrap();
    let again = first.session().ask("who am I").await.unwrap();
    assert_ne!(first.prompt_id(), again.prompt_id());
    assert_eq!(stored(&again).await, (2, 2));
}

#[tokio::test]
async fn answers_carry_the_request_ids_of_every_call() {
    let (server, copilot) = fake(quick()).await;
    let answer = copilot.workspace("default").ask("who am I").await.unwrap();
    let ids = answer.request_ids();
    let operations: Vec<&str> = ids.iter().map(|i| i.operation.as_str()).collect();
    assert_eq!(
        &operations[..3],
        ["createSession", "createPrompt", "createEvaluation"]
    );
    assert!(
        operations[3..].iter().all(|op| *op == "getEvaluation"),
        "{operations:?}"
    );
    let sent: Vec<String> = server
        .requests()
        .iter()
        .filter_map(|r| r.header("client-request-id").map(str::to_string))
        .collect();
    assert_eq!(
        ids.iter()
            .map(|i| i.client_request_id.clone())
            .collect::<Vec<_>>(),
        sent,
        "the ids are the ones sent, in order"
    );
    assert!(
        ids.iter().all(|i| i.request_id.is_some() && i.status < 300),
        "{ids:?}"
    );

    // Any other call: capture its ids without changing its result type.
    let (session, captured) = RequestIds::capture(answer.session().get()).await;
    assert_eq!(session.unwrap().id.as_deref(), Some(answer.session_id()));
    assert_eq!(captured.len(), 1);
    assert_eq!(captured[0].operation, "getSession");
    // Nested captures both see the call.
    let ((_, inner), outer) =
        RequestIds::capture(RequestIds::capture(answer.session().get())).await;
    assert_eq!((inner.len(), outer.len()), (1, 1));
}

#[tokio::test]
async fn handles_come_from_entities_and_refuse_missing_ids() {
    let (_server, copilot) = fake(quick()).await;
    let ws = copilot.workspace("default");
    let created = ws.create_session("triage 4711").await.unwrap();
    let session = ws.session_of(&created).unwrap();
    assert_eq!(Some(session.id()), created.id.as_deref());
    let mut nameless = created.clone();
    nameless.id = None;
    assert!(matches!(ws.session_of(&nameless), Err(Error::Protocol(_))));
}

#[tokio::test]
async fn json_answers_come_bare_or_fenced() {
    let config = quick()
        .script(
            "bare",
            Script::answer("{\"user\": \"lorenz\", \"groups\": 2}\n"),
        )
        .script(
            "fenced",
            Script::answer("Here it is:\n\n```json\n[\"a\", \"b\"]\n```\n"),
        )
        .script("prose", Script::answer("You are Lorenz.\n"));
    let (_server, copilot) = fake(config).await;
    let ws = copilot.workspace("default");
    let bare: serde_json::Value = ws.ask("bare").await.unwrap().json().unwrap();
    assert_eq!(bare["groups"], 2);
    let fenced: Vec<String> = ws.ask("fenced").await.unwrap().json().unwrap();
    assert_eq!(fenced, ["a", "b"]);
    let err = ws
        .ask("prose")
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .unwrap_err();
    assert!(matches!(err, Error::AnswerNotJson { .. }), "{err:?}");
}

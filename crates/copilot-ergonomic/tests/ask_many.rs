//! Many questions at once: lazy input, per-question failures, one shared session, the
//! client-wide throttle, the capacity breaker in both modes, and a 1,000-question run.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::*;
use copilot_ergonomic::{Asked, Error, OnCapacity, Outcome};
use copilot_fake::{FakeConfig, FakeServer, Fault, FaultRule, Script};
use futures::StreamExt as _;

fn instant() -> FakeConfig {
    FakeConfig::new().phases(Duration::ZERO, Duration::ZERO)
}

fn posts(server: &FakeServer, suffix: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.target.ends_with(suffix))
        .count()
}

/// Every result, sorted by input position.
async fn all(run: impl futures::Stream<Item = Asked>) -> Vec<Asked> {
    let mut results: Vec<Asked> = run.collect().await;
    results.sort_by_key(|a| a.index);
    results
}

#[tokio::test]
async fn input_is_read_lazily() {
    let (_server, copilot) = fake(instant()).await;
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&pulled);
    // An endless input: only what can start is ever read.
    let questions = (0..).map(move |i| {
        counter.fetch_add(1, Ordering::SeqCst);
        format!("question {i}")
    });
    let mut run = copilot
        .workspace("default")
        .ask_many(questions)
        .concurrency(4);
    let mut seen = 0;
    while let Some(asked) = run.next().await {
        assert!(asked.result.is_ok(), "{:?}", asked.result);
        seen += 1;
        if seen == 10 {
            break;
        }
    }
    let read = pulled.load(Ordering::SeqCst);
    assert!(
        (10..=14).contains(&read),
        "{read} questions read for 10 results at concurrency 4"
    );
    assert_eq!(run.progress().succeeded, 10);
}

#[tokio::test]
async fn one_failing_question_never_fails_the_others() {
    // The third prompt created is refused (400 is neither retried nor ambiguous).
    let config = instant().fault(
        FaultRule::new(Fault::status(400))
            .on("createPrompt")
            .calls(3..=3),
    );
    let (_server, copilot) = fake(config).await;
    let questions: Vec<String> = (0..8).map(|i| format!("q{i}")).collect();
    let run = copilot
        .workspace("default")
        .ask_many(questions.clone())
        .concurrency(3);
    let results = all(run).await;
    assert_eq!(
        results.iter().map(|a| a.index).collect::<Vec<_>>(),
        (0..8).collect::<Vec<_>>()
    );
    for a in &results {
        assert_eq!(a.question, questions[a.index]);
    }
    let failed: Vec<&Asked> = results.iter().filter(|a| a.result.is_err()).collect();
    assert_eq!(failed.len(), 1, "exactly the refused question fails");
    assert_eq!(failed[0].result.as_ref().unwrap_err().status(), Some(400));
}

#[tokio::test]
async fn a_shared_session_holds_every_question() {
    let (server, copilot) = fake(instant()).await;
    let ws = copilot.workspace("default");
    let session = ws
        .session_of(&ws.create_session("bulk").await.unwrap())
        .unwrap();
    let run = ws
        .ask_many(["a", "b", "c", "d", "e"])
        .in_session(session.clone())
        .concurrency(2);
    let results = all(run).await;
    for a in &results {
        assert_eq!(a.result.as_ref().unwrap().session_id(), session.id());
    }
    assert_eq!(posts(&server, "/sessions"), 1);
    assert_eq!(posts(&server, "/prompts"), 5);
}

#[tokio::test]
async fn a_throttled_response_holds_every_request_of_the_client() {
    let config = instant().fault(
        FaultRule::new(Fault::status_retry_after(429, "3"))
            .on("getSession")
            .calls(1..=1),
    );
    let (server, copilot) = fake(config).await;
    let ws = copilot.workspace("default");
    let session = ws
        .session_of(&ws.create_session("s").await.unwrap())
        .unwrap();
    server.take_requests();
    let first = tokio::spawn({
        let session = session.clone();
        async move { session.get().await }
    });
    // Wait (bounded) until the 429 has reached the client.
    for _ in 0..1000 {
        if copilot.throttled_for().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    assert!(
        copilot.throttled_for().is_some(),
        "the 429 never held the client"
    );
    let others: Vec<_> = (0..5)
        .map(|_| {
            let session = session.clone();
            tokio::spawn(async move { session.get().await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        server.requests().len(),
        1,
        "requests were sent while the service had asked the client to wait 3 s"
    );
    first.await.unwrap().unwrap();
    for other in others {
        other.await.unwrap().unwrap();
    }
    assert_eq!(
        server.requests().len(),
        7,
        "the throttled request's retry and the five held ones"
    );
    assert!(copilot.throttled_for().is_none());
}

fn breaker_config() -> FakeConfig {
    instant().script("q3", Script::outcome("capacityExceeded"))
}

fn questions() -> Vec<String> {
    (0..10).map(|i| format!("q{i}")).collect()
}

#[tokio::test]
async fn the_breaker_stops_the_run_and_reports_what_it_did_not_ask() {
    let (server, copilot) = fake(breaker_config()).await;
    let run = copilot
        .workspace("default")
        .ask_many(questions())
        .concurrency(1);
    let results = all(run).await;
    assert_eq!(results.len(), 10, "no question is dropped");
    for a in &results[..3] {
        assert!(a.result.as_ref().unwrap().is_success(), "{}", a.index);
    }
    assert_eq!(
        results[3].result.as_ref().unwrap().outcome(),
        &Outcome::CapacityExceeded
    );
    for a in &results[4..] {
        match &a.result {
            Err(Error::NotAsked { reason }) => assert!(reason.contains("capacity"), "{reason}"),
            other => panic!("question {} should not be asked: {other:?}", a.index),
        }
    }
    assert_eq!(
        posts(&server, "/prompts"),
        4,
        "nothing is asked after the breaker trips"
    );
}

#[tokio::test]
async fn the_breaker_can_wait_and_continue() {
    let (server, copilot) = fake(breaker_config()).await;
    let mut run = copilot
        .workspace("default")
        .ask_many(questions())
        .concurrency(1)
        .on_capacity(OnCapacity::WaitAndContinue(Duration::from_millis(20)));
    let mut results = Vec::new();
    while let Some(a) = run.next().await {
        results.push(a);
    }
    assert_eq!(results.len(), 10);
    assert!(results.iter().all(|a| a.result.is_ok()));
    assert_eq!(posts(&server, "/prompts"), 10);
    let p = run.progress();
    assert_eq!((p.queued, p.running, p.succeeded, p.failed), (0, 0, 9, 1));
}

#[tokio::test]
async fn throttling_that_persists_trips_the_breaker() {
    // The second session create is throttled on every attempt (the first and three retries).
    let config = instant().fault(
        FaultRule::new(Fault::status_retry_after(429, "0"))
            .on("createSession")
            .calls(2..=5),
    );
    let (_server, copilot) = fake(config).await;
    let results = all(copilot
        .workspace("default")
        .ask_many(questions())
        .concurrency(1))
    .await;
    assert!(results[0].result.is_ok());
    assert_eq!(results[1].result.as_ref().unwrap_err().status(), Some(429));
    for a in &results[2..] {
        assert!(
            matches!(a.result, Err(Error::NotAsked { .. })),
            "{}: {:?}",
            a.index,
            a.result
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_questions_are_each_asked_exactly_once() {
    let (server, copilot) = fake(instant()).await;
    let questions = (0..1000).map(|i| format!("Summarise incident {i}"));
    let mut run = copilot
        .workspace("default")
        .ask_many(questions)
        .concurrency(32);
    let mut seen = vec![false; 1000];
    while let Some(asked) = run.next().await {
        assert!(asked.result.is_ok(), "{}: {:?}", asked.index, asked.result);
        assert!(
            !seen[asked.index],
            "question {} reported twice",
            asked.index
        );
        seen[asked.index] = true;
    }
    assert!(seen.iter().all(|s| *s));
    assert_eq!(run.progress().succeeded, 1000);
    assert_eq!(posts(&server, "/prompts"), 1000, "duplicate prompts");
    assert_eq!(
        posts(&server, "/evaluations"),
        1000,
        "duplicate evaluations"
    );
}

#[tokio::test]
async fn a_run_borrowing_its_input_is_a_send_unpin_stream() {
    fn stream<S: futures::Stream<Item = Asked> + Unpin + Send>(s: S) -> S {
        s
    }
    let (_server, copilot) = fake(instant()).await;
    let ws = copilot.workspace("default");
    let incidents = [4711, 4712];
    let questions = incidents.iter().map(|i| format!("Summarise incident {i}"));
    let run = stream(ws.ask_many(questions).concurrency(16));
    let results = all(run).await;
    assert_eq!(results[1].question, "Summarise incident 4712");
}

#[tokio::test]
async fn a_dropped_run_leaves_references_that_resume_without_asking_again() {
    // The fake's clock stands still, so no evaluation finishes while the run is alive.
    let clock = copilot_fake::Clock::manual(chrono::DateTime::UNIX_EPOCH);
    let mut config = FakeConfig::new()
        .clock(clock)
        .phases(Duration::from_secs(10), Duration::from_secs(10));
    let questions = ["q0", "q1", "q2"];
    for q in questions {
        config = config.script(q, Script::answer(format!("answer to {q}\n")));
    }
    let (server, copilot) = fake(config).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let run =
        copilot
            .workspace("default")
            .ask_many(questions)
            .on_started(move |index, reference| {
                let _ = tx.send((index, reference.clone()));
            });
    let running = tokio::spawn(run.collect::<Vec<Asked>>());
    let mut started = Vec::new();
    while started.len() < questions.len() {
        let next = tokio::time::timeout(Duration::from_secs(20), rx.recv()).await;
        match next {
            Ok(Some(pair)) => started.push(pair),
            _ => panic!("on_started reported only {started:?}"),
        }
    }
    // As Ctrl-C would: the run is dropped mid-wait.
    running.abort();
    assert!(running.await.is_err(), "the run cannot have finished");
    started.sort_by_key(|(index, _)| *index);
    let indexes: Vec<usize> = started.iter().map(|(i, _)| *i).collect();
    assert_eq!(indexes, [0, 1, 2], "each question reported once");

    server.clock().advance(Duration::from_secs(30));
    for (index, reference) in &started {
        let answer = copilot.evaluation(reference).wait().await.unwrap();
        assert_eq!(
            answer.content(),
            Some(format!("answer to {}\n", questions[*index]).as_str()),
            "question {index} resumed from {reference}"
        );
    }
    assert_eq!(posts(&server, "/evaluations"), 3, "nothing was asked again");
}

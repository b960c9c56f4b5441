//! Load: 1,000 concurrent `ask()` flows against copilot-fake through one client all succeed,
//! create nothing twice, and keep connections bounded by the client's in-flight limit (at most
//! twice the limit: hyper's pool may dial while a finished connection is still being returned).

mod common;

use std::time::Duration;

use copilot_ergonomic::Copilot;
use copilot_fake::{FakeConfig, FakeServer};
use futures::TryStreamExt as _;

const FLOWS: usize = 1_000;
const LIMIT: usize = 16;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_asks_succeed_on_bounded_connections() {
    let server = FakeServer::start_with(
        FakeConfig::new()
            .token(common::TOKEN)
            .phases(Duration::from_millis(20), Duration::from_millis(30))
            .default_answer("all quiet"),
    )
    .await
    .unwrap();
    let copilot = common::fast(
        Copilot::builder()
            .base_url(server.base_url())
            .bearer_token(common::TOKEN)
            .max_concurrent_requests(LIMIT),
    )
    .build()
    .unwrap();

    let flows = (0..FLOWS).map(|i| {
        let copilot = copilot.clone();
        tokio::spawn(async move {
            copilot
                .workspace("default")
                .ask(&format!("question {i}"))
                .await
        })
    });
    let answers = futures::future::join_all(flows).await;
    let mut failures = Vec::new();
    for (i, answer) in answers.into_iter().enumerate() {
        match answer.expect("no flow panics") {
            Ok(answer) if answer.is_success() && answer.content() == Some("all quiet") => {}
            other => failures.push(format!("flow {i}: {other:?}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed, e.g. {:?}",
        failures.len(),
        failures.first()
    );

    let connections = server.connections();
    println!("{connections:?}");
    assert!(
        connections.peak <= 2 * LIMIT,
        "at most {} connections at once, saw {connections:?}",
        2 * LIMIT
    );
    assert!(connections.accepted >= 1);

    // Nothing was created twice: one session per flow, one prompt and one evaluation in each.
    let sessions: Vec<_> = copilot
        .workspace("default")
        .sessions()
        .top(500)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(sessions.len(), FLOWS);
    for session in sessions.iter().step_by(50) {
        let session = copilot
            .workspace("default")
            .session(session.id.clone().unwrap());
        let prompts: Vec<_> = session.prompts().try_collect().await.unwrap();
        assert_eq!(prompts.len(), 1);
        let evaluations: Vec<_> = session
            .prompt(prompts[0].id.clone().unwrap())
            .evaluations()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(evaluations.len(), 1);
    }
}

#[test]
fn a_limit_of_zero_is_a_configuration_error() {
    let error = Copilot::builder()
        .base_url("http://127.0.0.1:1/beta")
        .bearer_token("t")
        .max_concurrent_requests(0)
        .build()
        .unwrap_err();
    assert!(
        error.to_string().contains("max_concurrent_requests"),
        "{error}"
    );
}

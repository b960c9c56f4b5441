//! `ask()` and `wait()`: prompt → evaluation → polls → a typed answer.

mod common;

use std::time::{Duration, Instant};

use common::*;
use copilot_ergonomic::{Error, Outcome, WaitOptions};
use copilot_fake::{FakeConfig, Script};
use serde_json::json;

#[tokio::test]
async fn ask_returns_the_scripted_answer() {
    let config = FakeConfig::new()
        .phases(Duration::from_millis(20), Duration::from_millis(60))
        .script("who am I", Script::answer("You are Lorenz.\n"));
    let (server, copilot) = fake(config).await;
    let answer = copilot.workspace("default").ask("who am I").await.unwrap();
    assert_eq!(answer.outcome(), &Outcome::Success);
    assert!(answer.is_success());
    assert_eq!(answer.content(), Some("You are Lorenz.\n"));
    assert!(answer.completed_at().is_some());
    let polls = server
        .requests()
        .iter()
        .filter(|r| r.method == "GET")
        .count();
    assert!((1..=30).contains(&polls), "{polls} polls");
}

#[tokio::test]
async fn every_scripted_outcome_is_told_apart() {
    let cases = [
        ("e", "error", Outcome::Error),
        ("r", "rejected", Outcome::Rejected),
        ("t", "timedOut", Outcome::TimedOut),
        ("c", "capacityExceeded", Outcome::CapacityExceeded),
        ("n", "needAdditionalClaims", Outcome::NeedAdditionalClaims),
        ("u", "somethingNew", Outcome::Other("somethingNew".into())),
    ];
    let mut config = FakeConfig::new().phases(Duration::ZERO, Duration::from_millis(10));
    for (prompt, outcome, _) in &cases {
        config = config.script(*prompt, Script::outcome(*outcome));
    }
    let (_server, copilot) = fake(config).await;
    let session = copilot
        .workspace("default")
        .create_session("s")
        .await
        .unwrap();
    let session = copilot.workspace("default").session(session.id.unwrap());
    for (prompt, _, expected) in cases {
        let answer = session.ask(prompt).await.unwrap();
        assert_eq!(answer.outcome(), &expected, "{prompt}");
        assert_eq!(answer.content(), None);
    }
}

#[tokio::test]
async fn wait_gives_up_at_its_deadline_with_the_last_state() {
    let config = FakeConfig::new().phases(Duration::from_secs(60), Duration::from_secs(60));
    let (_server, copilot) = fake(config).await;
    let ws = copilot.workspace("default");
    let session = ws.session(ws.create_session("s").await.unwrap().id.unwrap());
    let prompt = session.prompt(session.create_prompt("slow").await.unwrap().id.unwrap());
    let evaluation = prompt.evaluation(prompt.create_evaluation().await.unwrap().id.unwrap());
    let started = Instant::now();
    let err = evaluation
        .wait_with(
            &WaitOptions::default()
                .with_deadline(Duration::from_millis(150))
                .with_intervals(Duration::from_millis(10), Duration::from_millis(50)),
        )
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    match err {
        Error::WaitTimedOut { last_state, .. } => assert_eq!(last_state, "created"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn dropping_the_wait_cancels_polling() {
    let config = FakeConfig::new().phases(Duration::from_secs(60), Duration::from_secs(60));
    let (server, copilot) = fake(config).await;
    let ws = copilot.workspace("default");
    // Drop the ask once it has polled a few times (3 creates, then polls), however slow the
    // machine (a fixed 100 ms window may hold fewer polls when the cores are busy).
    let polled = async {
        while server.requests().len() < 6 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::select! {
        _ = polled => {}
        done = ws.ask("never finishes") => panic!("the ask ended: {done:?}"),
    }
    // A poll already on the wire at the drop may still reach the server; let it land first.
    // Polls run every 20 ms at most, so 200 ms of continued polling would add about ten.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let before = server.requests().len();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        server.requests().len(),
        before,
        "no polls after the future was dropped"
    );
}

#[tokio::test]
async fn a_204_answer_to_rename_reads_the_session_back() {
    let server = scripted("127.0.0.1", vec![]).await;
    server.push(Reply::new(204, ""));
    server.push(Reply::json(
        200,
        &json!({"id": "s1", "displayName": "new name"}),
    ));
    let copilot = client(server.base_url());
    let session = copilot
        .workspace("default")
        .session("s1")
        .rename("new name")
        .await
        .unwrap();
    assert_eq!(session.display_name.as_deref(), Some("new name"));
    let requests = server.requests();
    assert!(
        requests[0].starts_with("PATCH ") && requests[1].starts_with("GET "),
        "{requests:?}"
    );
}

#[tokio::test]
async fn unknown_enum_values_and_extra_fields_do_not_fail_a_response() {
    let server = scripted("127.0.0.1", vec![]).await;
    server.push(Reply::json(
        200,
        &json!({
            "id": "e1", "state": "archived", "isCancelled": false, "brandNewField": {"x": 1},
            "result": {"content": "done\n", "type": "success", "previewState": "experimental"},
            "createdDateTime": "2025-10-22T20:12:57.8667119Z", "completedDateTime": null
        }),
    ));
    let copilot = client(server.base_url());
    let evaluation = copilot
        .workspace("default")
        .session("s")
        .prompt("p")
        .evaluation("e1");
    let answer = evaluation.wait().await.unwrap();
    assert_eq!(answer.outcome(), &Outcome::Success);
    assert_eq!(answer.content(), Some("done\n"));
    let state = answer.evaluation().state.as_ref().unwrap();
    assert_eq!(state.as_str(), "archived");
}

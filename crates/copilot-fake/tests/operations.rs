//! Every documented operation against the fake, each response validated against the spec.

mod common;

use std::time::Duration;

use common::*;
use copilot_fake::{Clock, FakeConfig, FakeServer, Script};
use serde_json::json;

async fn server() -> FakeServer {
    FakeServer::start_with(FakeConfig::new().phases(Duration::ZERO, Duration::ZERO))
        .await
        .unwrap()
}

#[tokio::test]
async fn all_twelve_operations_answer_as_the_spec_says() {
    let server = server().await;
    let workspaces = conforms(
        "listWorkspaces",
        &send(&server, "GET", "/security/securityCopilot/workspaces", None).await,
    );
    assert_eq!(workspaces["value"][0]["id"], "default");
    let plugins = conforms(
        "listPlugins",
        &send(&server, "GET", &format!("{WS}/plugins"), None).await,
    );
    assert!(
        plugins["value"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "Entra")
    );

    let (session, prompt, evaluation) = session_prompt_evaluation(&server, "who am I").await;
    let got = conforms("getSession", &send(&server, "GET", &session, None).await);
    assert_eq!(got["displayName"], "who am I");
    assert!(
        got["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("/sessions/$entity")
    );
    let renamed = conforms(
        "updateSession",
        &send(
            &server,
            "PATCH",
            &session,
            Some(json!({"displayName": "renamed"})),
        )
        .await,
    );
    assert_eq!(renamed["displayName"], "renamed");
    let sessions = conforms(
        "listSessions",
        &send(&server, "GET", &format!("{WS}/sessions"), None).await,
    );
    assert_eq!(sessions["value"][0]["displayName"], "renamed");
    let prompts = conforms(
        "listPrompts",
        &send(&server, "GET", &format!("{session}/prompts"), None).await,
    );
    assert_eq!(prompts["value"][0]["content"], "who am I");
    let got = conforms("getPrompt", &send(&server, "GET", &prompt, None).await);
    assert_eq!(got["type"], "prompt");
    let evaluations = conforms(
        "listEvaluations",
        &send(&server, "GET", &format!("{prompt}/evaluations"), None).await,
    );
    assert_eq!(evaluations["value"].as_array().unwrap().len(), 1);
    let done = conforms(
        "getEvaluation",
        &send(&server, "GET", &evaluation, None).await,
    );
    assert_eq!(done["state"], "completed");
    assert_eq!(done["result"]["type"], "success");
}

#[tokio::test]
async fn evaluations_move_from_created_to_running_to_completed() {
    let clock = Clock::manual(chrono::DateTime::from_timestamp(1_761_163_200, 0).unwrap());
    let config = FakeConfig::new()
        .clock(clock.clone())
        .phases(Duration::from_secs(1), Duration::from_secs(5))
        .script(
            "who am I",
            Script::answer("You are Lorenz.\n").with_preview_state("private"),
        );
    let server = FakeServer::start_with(config).await.unwrap();
    let (_, prompt, evaluation) = session_prompt_evaluation(&server, "who am I").await;

    let created = conforms(
        "getEvaluation",
        &send(&server, "GET", &evaluation, None).await,
    );
    assert_eq!(created["state"], "created");
    assert_eq!(created["result"], serde_json::Value::Null);
    assert_eq!(created["runStartDateTime"], "0001-01-01T00:00:00Z");
    assert_eq!(created["completedDateTime"], "0001-01-01T00:00:00Z");

    clock.advance(Duration::from_secs(2));
    let running = conforms(
        "getEvaluation",
        &send(&server, "GET", &evaluation, None).await,
    );
    assert_eq!(running["state"], "running");
    assert_eq!(
        running["result"],
        json!({"content": null, "type": "unknown", "previewState": "ga"})
    );
    assert_eq!(running["runStartDateTime"], "2025-10-22T20:00:01.0000000Z");
    assert_eq!(running["completedDateTime"], "0001-01-01T00:00:00Z");

    clock.advance(Duration::from_secs(5));
    let completed = conforms(
        "getEvaluation",
        &send(&server, "GET", &evaluation, None).await,
    );
    assert_eq!(completed["state"], "completed");
    assert_eq!(
        completed["completedDateTime"],
        "2025-10-22T20:00:06.0000000Z"
    );
    assert_eq!(
        completed["lastModifiedDateTime"],
        "2025-10-22T20:00:06.0000000Z"
    );
    assert_eq!(
        completed["result"],
        json!({"content": "You are Lorenz.\n", "type": "success", "previewState": "private"})
    );

    // Creating the evaluation touched the prompt.
    let p = conforms("getPrompt", &send(&server, "GET", &prompt, None).await);
    assert_eq!(p["createdDateTime"], "2025-10-22T20:00:00.0000000Z");
    assert_eq!(p["lastModifiedDateTime"], "2025-10-22T20:00:00.0100000Z");
}

#[tokio::test]
async fn scripted_outcomes_other_than_success() {
    let config = FakeConfig::new()
        .phases(Duration::ZERO, Duration::ZERO)
        .script("too big", Script::outcome("capacityExceeded"))
        .script("bad", Script::outcome("rejected"))
        .script("slow", Script::outcome("timedOut"))
        .script("broken", Script::outcome("error"));
    let server = FakeServer::start_with(config).await.unwrap();
    for (question, outcome) in [
        ("too big", "capacityExceeded"),
        ("bad", "rejected"),
        ("slow", "timedOut"),
        ("broken", "error"),
    ] {
        let (_, _, evaluation) = session_prompt_evaluation(&server, question).await;
        let e = conforms(
            "getEvaluation",
            &send(&server, "GET", &evaluation, None).await,
        );
        assert_eq!(e["state"], "completed");
        assert_eq!(e["result"]["type"], outcome);
        assert_eq!(e["result"]["content"], serde_json::Value::Null);
    }
}

#[tokio::test]
async fn renaming_moves_last_modified_and_patch_with_nothing_changes_nothing() {
    let clock = Clock::manual(chrono::DateTime::from_timestamp(1_761_163_200, 0).unwrap());
    let server = FakeServer::start_with(FakeConfig::new().clock(clock.clone()))
        .await
        .unwrap();
    let s = conforms(
        "createSession",
        &send(
            &server,
            "POST",
            &format!("{WS}/sessions"),
            Some(json!({"displayName": "a"})),
        )
        .await,
    );
    let path = format!("{WS}/sessions/{}", s["id"].as_str().unwrap());
    clock.advance(Duration::from_secs(60));
    let same = conforms(
        "updateSession",
        &send(&server, "PATCH", &path, Some(json!({}))).await,
    );
    assert_eq!(same["lastModifiedDateTime"], s["lastModifiedDateTime"]);
    let renamed = conforms(
        "updateSession",
        &send(&server, "PATCH", &path, Some(json!({"displayName": "b"}))).await,
    );
    assert_eq!(
        renamed["lastModifiedDateTime"],
        "2025-10-22T20:01:00.0000000Z"
    );
    assert_eq!(renamed["createdDateTime"], s["createdDateTime"]);
}

#[tokio::test]
async fn deterministic_mode_gives_the_same_responses_every_run() {
    async fn run() -> Vec<serde_json::Value> {
        let server = FakeServer::start_with(FakeConfig::new().deterministic(42))
            .await
            .unwrap();
        let (session, _, evaluation) = session_prompt_evaluation(&server, "who am I").await;
        let mut out = vec![send(&server, "GET", &session, None).await.json()];
        out.push(send(&server, "GET", &evaluation, None).await.json());
        for v in &mut out {
            let ctx = v["@odata.context"].as_str().unwrap().to_string();
            v["@odata.context"] = json!(ctx.split_once("/beta").unwrap().1);
        }
        out
    }
    let first = run().await;
    assert_eq!(first, run().await);
    insta::assert_json_snapshot!("deterministic_session_and_evaluation", first);
}

#[tokio::test]
async fn the_trailing_slash_of_the_published_list_evaluations_example_is_accepted() {
    let server = server().await;
    let (_, prompt, _) = session_prompt_evaluation(&server, "x").await;
    conforms(
        "listEvaluations",
        &send(&server, "GET", &format!("{prompt}/evaluations/"), None).await,
    );
}

#[tokio::test]
async fn other_workspaces_can_be_configured() {
    let server = FakeServer::start_with(FakeConfig::new().workspace("1c2d3e4f", Some("Second")))
        .await
        .unwrap();
    let list = conforms(
        "listWorkspaces",
        &send(&server, "GET", "/security/securityCopilot/workspaces", None).await,
    );
    assert_eq!(list["value"].as_array().unwrap().len(), 2);
    let created = send(
        &server,
        "POST",
        "/security/securityCopilot/workspaces/1c2d3e4f/sessions",
        Some(json!({"displayName": "x"})),
    )
    .await;
    conforms("createSession", &created);
    let default_sessions = conforms(
        "listSessions",
        &send(&server, "GET", &format!("{WS}/sessions"), None).await,
    );
    assert!(default_sessions["value"].as_array().unwrap().is_empty());
}

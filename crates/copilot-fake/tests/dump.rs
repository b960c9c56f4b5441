//! `FakeServer::dump`: everything stored, nested, as the API shows it.

mod common;

use common::*;
use copilot_fake::{FakeConfig, FakeServer};
use serde_json::json;

#[tokio::test]
async fn dump_shows_what_was_created_nested_as_the_api_shows_it() {
    let server = FakeServer::start_with(FakeConfig::new().deterministic(1).workspace("w2", None))
        .await
        .unwrap();
    assert_eq!(
        server.dump(),
        json!({"workspaces": [
            {"@odata.type": "#microsoft.graph.security.securityCopilot.workspace",
             "id": "default", "displayName": "SecurityCopilot_Workspace", "sessions": []},
            {"@odata.type": "#microsoft.graph.security.securityCopilot.workspace",
             "id": "w2", "displayName": null, "sessions": []},
        ]}),
        "a new server's dump is its workspaces"
    );
    let (session, prompt, evaluation) = session_prompt_evaluation(&server, "who am I").await;
    send(
        &server,
        "POST",
        &format!("{WS}/sessions"),
        Some(json!({"displayName": "second"})),
    )
    .await;
    let dump = server.dump();
    let sessions = dump["workspaces"][0]["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{dump:#}");
    assert_eq!(
        sessions[0]["displayName"], "second",
        "sessions come newest first"
    );
    let first = &sessions[1];
    assert_eq!(
        session.rsplit('/').next(),
        first["id"].as_str(),
        "the dump's session is not the one created: {dump:#}"
    );
    let api_session = send(&server, "GET", &session, None).await.json();
    for member in [
        "id",
        "displayName",
        "createdDateTime",
        "lastModifiedDateTime",
    ] {
        assert_eq!(first[member], api_session[member], "session {member}");
    }
    let prompts = first["prompts"].as_array().unwrap();
    assert_eq!(prompts.len(), 1);
    let api_prompt = send(&server, "GET", &prompt, None).await.json();
    for member in ["id", "type", "content", "lastModifiedDateTime"] {
        assert_eq!(prompts[0][member], api_prompt[member], "prompt {member}");
    }
    let evaluations = prompts[0]["evaluations"].as_array().unwrap();
    assert_eq!(evaluations.len(), 1);
    assert_eq!(evaluation.rsplit('/').next(), evaluations[0]["id"].as_str());
    assert!(evaluations[0]["state"].is_string(), "{dump:#}");
    assert_eq!(
        dump["workspaces"][1]["sessions"],
        json!([]),
        "w2 stays empty"
    );
}

#[tokio::test]
async fn injected_faults_are_counted_by_kind_and_old_sessions_can_be_forgotten() {
    use copilot_fake::{Fault, FaultRule};
    let config = FakeConfig::new().max_sessions(2).fault(
        FaultRule::new(Fault::status(503))
            .on("listSessions")
            .calls(1..=2),
    );
    let server = FakeServer::start_with(config).await.unwrap();
    let http = reqwest::Client::new();
    let sessions = format!(
        "{}/security/securityCopilot/workspaces/default/sessions",
        server.base_url()
    );
    for name in ["a", "b", "c"] {
        let created = http
            .post(&sessions)
            .bearer_auth("t")
            .json(&serde_json::json!({"displayName": name}))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201);
    }
    for _ in 0..3 {
        http.get(&sessions).bearer_auth("t").send().await.unwrap();
    }
    assert_eq!(server.injected_faults().get("503"), Some(&2));
    let names: Vec<String> = server.dump()["workspaces"][0]["sessions"]
        .as_array()
        .expect("sessions in the dump")
        .iter()
        .map(|s| s["displayName"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "the oldest session was forgotten: {names:?}"
    );
    assert!(!names.contains(&"a".to_string()), "{names:?}");
}

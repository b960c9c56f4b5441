//! Every handle method against the fake, and the exact requests they send (snapshotted).

mod common;

use common::*;
use copilot_ergonomic::{Outcome, types};
use copilot_fake::FakeConfig;
use futures::TryStreamExt;

#[tokio::test]
async fn every_operation_is_reachable_from_the_handles() {
    let (server, copilot) = fake(FakeConfig::new().deterministic(1)).await;
    let workspaces: Vec<types::Workspace> = copilot.workspaces().try_collect().await.unwrap();
    assert_eq!(workspaces[0].id.as_deref(), Some("default"));
    let ws = copilot.workspace("default");
    let plugins: Vec<types::Plugin> = ws
        .plugins()
        .filter("name eq 'Entra'")
        .try_collect()
        .await
        .unwrap();
    assert_eq!(plugins.len(), 1);

    let created = ws.create_session("Who am I").await.unwrap();
    let session = ws.session(created.id.clone().unwrap());
    assert_eq!(
        session.get().await.unwrap().display_name.as_deref(),
        Some("Who am I")
    );
    let renamed = session.rename("Renamed").await.unwrap();
    assert_eq!(renamed.display_name.as_deref(), Some("Renamed"));
    let sessions: Vec<types::Session> = ws.sessions().try_collect().await.unwrap();
    assert_eq!(sessions.len(), 1);

    let prompt = session.create_prompt("who am I").await.unwrap();
    assert_eq!(prompt.type_, Some(types::PromptType::Prompt));
    let prompt = session.prompt(prompt.id.unwrap());
    assert_eq!(
        prompt.get().await.unwrap().content.as_deref(),
        Some("who am I")
    );
    let evaluation = prompt.create_evaluation().await.unwrap();
    assert_eq!(evaluation.state, Some(types::EvaluationState::Created));
    let evaluations: Vec<types::Evaluation> = prompt.evaluations().try_collect().await.unwrap();
    assert_eq!(evaluations.len(), 1);
    let evaluation = prompt.evaluation(evaluation.id.unwrap());
    evaluation.get().await.unwrap();
    let answer = evaluation.wait().await.unwrap();
    assert_eq!(answer.outcome(), &Outcome::Success);
    let prompts: Vec<types::Prompt> = session.prompts().try_collect().await.unwrap();
    assert_eq!(prompts.len(), 1);

    insta::assert_snapshot!("requests", render(&server.requests()));
}

#[tokio::test]
async fn the_raw_api_goes_through_the_same_pipeline() {
    let (server, copilot) = fake(FakeConfig::new()).await;
    let page = copilot
        .api()
        .list_sessions("default", None, None, None, None, None, Some(1))
        .await
        .unwrap();
    assert!(page.value.is_empty());
    let request = server.requests().pop().unwrap();
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert!(request.header("client-request-id").is_some());
    assert!(
        request
            .header("user-agent")
            .unwrap()
            .starts_with("msgraph-security-copilot/")
    );
    assert!(request.target.ends_with("?$top=1"), "{}", request.target);
}

//! The wire guard: the exact request each of the 12 operations sends (request line, headers
//! with secrets and the port redacted, body), captured raw by `copilot_fake::ScriptedServer`.
//!
//! What it pins: literal `$` in OData query names, no `api-version` header, JSON bodies with
//! `@odata.type`, percent-encoded path ids.

use copilot_api::{Client, bearer_headers, types};
use copilot_fake::{Reply, ScriptedServer};

/// A loopback server that records each request and answers with a fixed status and body.
struct Capture {
    server: ScriptedServer,
}

impl Capture {
    async fn start(status: u16, body: &'static str) -> Self {
        let server = ScriptedServer::start("127.0.0.1").await.unwrap();
        server.otherwise(Reply::new(status, body).with_header("content-type", "application/json"));
        Self { server }
    }

    fn client(&self) -> Client {
        let http = reqwest::Client::builder()
            .default_headers(bearer_headers("secret-token").unwrap())
            .build()
            .unwrap();
        Client::new_with_client(self.server.base_url(), http, copilot_api::Hooks::default())
    }

    fn only_request(&self) -> String {
        let requests = self.server.requests();
        assert_eq!(requests.len(), 1, "{requests:?}");
        let text = requests[0]
            .replace(&format!(":{}", self.server.port()), ":[port]")
            .replace("\r\n", "\n");
        redact(&text)
    }
}

fn redact(text: &str) -> String {
    text.lines()
        .map(|line| {
            if line.to_lowercase().starts_with("authorization: bearer ") {
                assert_eq!(line, "authorization: Bearer secret-token");
                "authorization: Bearer [redacted]".to_string()
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

const ENTITY: &str = "{}";
const PAGE: &str = r#"{"value":[]}"#;
const WS: &str = "default";
const SESSION: &str = "ecdfb9b3-58f5-457f-a18c-4a477890b252";
const PROMPT: &str = "76a9b8c6-6656-4ef4-a4c7-7ed07fb93e01";
const EVALUATION: &str = "5bde1164-29a3-4dfb-84b0-b6c0cf0e23b7";

#[tokio::test]
async fn list_workspaces() {
    let cap = Capture::start(200, PAGE).await;
    cap.client()
        .list_workspaces(
            Some(true),
            Some("displayName eq 'x'"),
            None,
            Some("id,displayName"),
            None,
            None,
        )
        .await
        .unwrap();
    insta::assert_snapshot!(cap.only_request());
}

#[tokio::test]
async fn list_plugins() {
    let cap = Capture::start(200, PAGE).await;
    cap.client()
        .list_plugins(WS, None, Some("name eq 'Entra'"), None, None, None, Some(5))
        .await
        .unwrap();
    insta::assert_snapshot!(cap.only_request());
}

#[tokio::test]
async fn list_sessions() {
    let cap = Capture::start(200, PAGE).await;
    cap.client()
        .list_sessions(
            WS,
            Some(true),
            None,
            Some("createdDateTime desc"),
            None,
            Some(10),
            Some(5),
        )
        .await
        .unwrap();
    insta::assert_snapshot!(cap.only_request());
}

#[tokio::test]
async fn create_session() {
    let cap = Capture::start(201, ENTITY).await;
    cap.client()
        .create_session(WS, &types::SessionCreate::new("Who am I"))
        .await
        .unwrap();
    insta::assert_snapshot!(cap.only_request());
}

#[tokio::test]
async fn get_session() {
    let cap = Capture::start(200, ENTITY).await;
    cap.client()
        .get_session(WS, SESSION, Some("displayName"))
        .await
        .unwrap();
    insta::assert_snapshot!(cap.only_request());
}

#[tokio::test]
async fn update_session() {
    let cap = Capture::start(200, ENTITY).await;
    cap.client()
        .update_session(
            WS,
            SESSION,
            &types::SessionUpdate::rename("API Test: Who am I?"),
        )
        .await
        .unwrap();
    insta::assert_snapshot!(cap.only_request());
}

#[tokio::test]
async fn list_prompts() {
    let cap = Capture::start(200, PAGE).await;
    cap.client()
        .list_prompts(WS, SESSION, None, None, None, None, None, None)
        .await
        .unwrap();
    insta::assert_snapshot!(cap.only_request());
}

#[tokio::test]
async fn create_prompt() {
    let cap = Capture::start(201, ENTITY).await;
    cap.client()
        .create_prompt(WS, SESSION, &types::PromptCreate::new("who am I"))
        .await
        .unwrap();
    insta::assert_snapshot!(cap.only_request());
}

#[tokio::test]
async fn get_prompt() {
    let cap = Capture::start(200, ENTITY).await;
    cap.client()
        .get_prompt(WS, SESSION, PROMPT, None)
        .await
        .unwrap();
    insta::assert_snapshot!(cap.only_request());
}

#[tokio::test]
async fn list_evaluations() {
    let cap = Capture::start(200, PAGE).await;
    cap.client()
        .list_evaluations(
            WS,
            SESSION,
            PROMPT,
            None,
            Some("state eq 'completed'"),
            None,
            None,
            None,
            Some(1),
        )
        .await
        .unwrap();
    insta::assert_snapshot!(cap.only_request());
}

#[tokio::test]
async fn create_evaluation() {
    let cap = Capture::start(201, ENTITY).await;
    cap.client()
        .create_evaluation(WS, SESSION, PROMPT, &types::EvaluationCreate::default())
        .await
        .unwrap();
    insta::assert_snapshot!(cap.only_request());
}

#[tokio::test]
async fn get_evaluation() {
    let cap = Capture::start(200, ENTITY).await;
    cap.client()
        .get_evaluation(WS, SESSION, PROMPT, EVALUATION, None)
        .await
        .unwrap();
    insta::assert_snapshot!(cap.only_request());
}

#[tokio::test]
async fn reserved_characters_in_ids_stay_inside_their_segment() {
    let cap = Capture::start(200, ENTITY).await;
    cap.client()
        .get_session("de/fault", "a/b?c=1#frag%2F", None)
        .await
        .unwrap();
    let request = cap.only_request();
    let line = request.lines().next().unwrap();
    assert_eq!(
        line,
        "GET /beta/security/securityCopilot/workspaces/de%2Ffault/sessions/a%2Fb%3Fc=1%23frag%252F HTTP/1.1"
    );
}

#[tokio::test]
async fn no_api_version_header_and_literal_dollar_names() {
    let cap = Capture::start(200, PAGE).await;
    cap.client()
        .list_sessions(
            WS,
            None,
            Some("displayName eq 'a $b'"),
            None,
            None,
            None,
            Some(3),
        )
        .await
        .unwrap();
    let request = cap.only_request();
    assert!(!request.to_lowercase().contains("api-version"), "{request}");
    let line = request.lines().next().unwrap();
    assert!(
        line.contains("?$filter=displayName+eq+%27a+%24b%27&$top=3 "),
        "{line}"
    );
}

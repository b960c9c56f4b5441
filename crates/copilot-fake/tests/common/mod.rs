//! Helpers shared by the fake server's tests: a small HTTP client and spec validation.

#![allow(dead_code)]

use copilot_fake::FakeServer;
use copilot_spec::{Direction, operation, validator};
use serde_json::Value;

pub(crate) const TOKEN: &str = "test-token";

/// A response as the tests look at it.
pub(crate) struct Received {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Received {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The Graph error code of an error response, checked against the spec's error schema.
    pub(crate) fn error_code(&self) -> String {
        let body = self.json();
        let v = validator();
        let errors = v.validate(
            v.component("ODataError").unwrap(),
            &body,
            Direction::Response,
        );
        assert!(
            errors.is_empty(),
            "error body does not match the spec: {errors:?}\n{body}"
        );
        assert!(body["error"]["innerError"]["request-id"].is_string());
        assert_eq!(
            self.header("request-id"),
            body["error"]["innerError"]["request-id"].as_str()
        );
        body["error"]["code"].as_str().unwrap().to_string()
    }
}

/// Sends a request with the test token.
pub(crate) async fn send(
    server: &FakeServer,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Received {
    send_as(server, method, path, body, Some(TOKEN)).await
}

pub(crate) async fn send_as(
    server: &FakeServer,
    method: &str,
    path: &str,
    body: Option<Value>,
    token: Option<&str>,
) -> Received {
    let url = if path.starts_with("http") {
        path.to_string()
    } else {
        format!("{}{path}", server.base_url())
    };
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = reqwest::Client::new().request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("the fake answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    assert!(headers.contains_key("request-id"), "no request-id header");
    Received {
        status,
        headers,
        text,
    }
}

/// Asserts that `reply` is the documented success of `operation_id` and validates against the spec.
pub(crate) fn conforms(operation_id: &str, reply: &Received) -> Value {
    let op = operation(operation_id).unwrap();
    let (status, schema) = op.success().unwrap();
    assert_eq!(reply.status, status, "{operation_id}: {}", reply.text);
    let body = reply.json();
    let errors = validator().validate(schema, &body, Direction::Response);
    assert!(
        errors.is_empty(),
        "{operation_id} response does not match the spec: {errors:?}\n{body:#}"
    );
    body
}

pub(crate) const WS: &str = "/security/securityCopilot/workspaces/default";

/// Creates a session, a prompt and an evaluation; returns their paths.
pub(crate) async fn session_prompt_evaluation(
    server: &FakeServer,
    question: &str,
) -> (String, String, String) {
    let s = conforms(
        "createSession",
        &send(
            server,
            "POST",
            &format!("{WS}/sessions"),
            Some(serde_json::json!({"displayName": question})),
        )
        .await,
    );
    let session = format!("{WS}/sessions/{}", s["id"].as_str().unwrap());
    let p = conforms(
        "createPrompt",
        &send(
            server,
            "POST",
            &format!("{session}/prompts"),
            Some(serde_json::json!({"type": "prompt", "content": question})),
        )
        .await,
    );
    let prompt = format!("{session}/prompts/{}", p["id"].as_str().unwrap());
    let e = conforms(
        "createEvaluation",
        &send(
            server,
            "POST",
            &format!("{prompt}/evaluations"),
            Some(serde_json::json!({})),
        )
        .await,
    );
    let evaluation = format!("{prompt}/evaluations/{}", e["id"].as_str().unwrap());
    (session, prompt, evaluation)
}

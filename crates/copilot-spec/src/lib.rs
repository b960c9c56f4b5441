//! The workspace's OpenAPI document (`openapi/copilot.yaml`), embedded at compile time, and a
//! validator that checks JSON values against its schemas with OpenAPI 3.0 semantics.
//!
//! Used by tests and tooling only (never by the published crates): the documented examples
//! must validate, the fake server's responses must validate, and `cargo xtask docs-check` checks
//! docs payloads with it. It implements what the spec uses: `$ref`, `allOf`, `type`, `nullable`,
//! `enum`, `format` (`date-time`, `int32`, `int64`), `properties`, `required`,
//! `additionalProperties`, `items` and `readOnly`.

mod validate;

use std::sync::OnceLock;

use serde_json::Value;

pub use validate::{Direction, Validator};

/// The spec's text, as checked in.
const SPEC_YAML: &str = include_str!("../../../openapi/copilot.yaml");

/// The spec as JSON, parsed once.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| parse(SPEC_YAML).unwrap_or_else(|e| panic!("openapi/copilot.yaml: {e}")))
}

/// Parses spec text (YAML or JSON) into a JSON value.
pub fn parse(text: &str) -> Result<Value, String> {
    serde_yaml::from_str(text).map_err(|e| e.to_string())
}

/// A validator over the embedded spec.
pub fn validator() -> Validator<'static> {
    Validator::new(spec())
}

/// One operation of the spec.
#[derive(Debug, Clone)]
pub struct SpecOperation<'a> {
    /// The camelCase operationId.
    pub id: &'a str,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template, e.g. `/security/securityCopilot/workspaces/{workspaceId}/sessions`.
    pub path: &'a str,
    /// The operation object.
    pub object: &'a Value,
}

impl<'a> SpecOperation<'a> {
    /// The declared success status (the first 2xx key) and its JSON schema.
    pub fn success(&self) -> Option<(u16, &'a Value)> {
        let responses = self.object.get("responses")?.as_object()?;
        responses.iter().find_map(|(code, response)| {
            let status: u16 = code.parse().ok()?;
            if !(200..300).contains(&status) {
                return None;
            }
            response
                .pointer("/content/application~1json/schema")
                .map(|schema| (status, schema))
        })
    }
}

/// Every operation of `spec`, in document order.
pub fn operations(spec: &Value) -> Vec<SpecOperation<'_>> {
    let mut out = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            if let Some(object) = item.get(method)
                && let Some(id) = object.get("operationId").and_then(Value::as_str)
            {
                out.push(SpecOperation {
                    id,
                    method: method.to_uppercase(),
                    path,
                    object,
                });
            }
        }
    }
    out
}

/// Looks up an operation of the embedded spec by operationId.
pub fn operation(id: &str) -> Option<SpecOperation<'static>> {
    operations(spec()).into_iter().find(|op| op.id == id)
}

/// An example payload declared in the spec.
#[derive(Debug, Clone)]
pub struct Example<'a> {
    /// Where it is declared, e.g. `createSession request documented`.
    pub label: String,
    /// The operationId, or `error` for the shared error response.
    pub operation: &'a str,
    /// `None` for a request body, the status for a response.
    pub status: Option<String>,
    /// The schema it must satisfy.
    pub schema: &'a Value,
    /// Request or response.
    pub direction: Direction,
    /// The example payload.
    pub value: &'a Value,
}

/// Every example of `spec`: request bodies, responses and the shared error response.
pub fn examples(spec: &Value) -> Vec<Example<'_>> {
    let mut out = Vec::new();
    for op in operations(spec) {
        if let Some(media) = op.object.pointer("/requestBody/content/application~1json") {
            collect(&mut out, op.id, None, Direction::Request, media);
        }
        if let Some(responses) = op.object.get("responses").and_then(Value::as_object) {
            for (status, response) in responses {
                if let Some(media) = response.pointer("/content/application~1json") {
                    collect(
                        &mut out,
                        op.id,
                        Some(status.clone()),
                        Direction::Response,
                        media,
                    );
                }
            }
        }
    }
    if let Some(media) = spec.pointer("/components/responses/error/content/application~1json") {
        collect(
            &mut out,
            "error",
            Some("4XX".into()),
            Direction::Response,
            media,
        );
    }
    out
}

fn collect<'a>(
    out: &mut Vec<Example<'a>>,
    operation: &'a str,
    status: Option<String>,
    direction: Direction,
    media: &'a Value,
) {
    let Some(schema) = media.get("schema") else {
        return;
    };
    let Some(examples) = media.get("examples").and_then(Value::as_object) else {
        return;
    };
    for (name, example) in examples {
        if let Some(value) = example.get("value") {
            let place = match &status {
                None => "request".to_string(),
                Some(s) => format!("response {s}"),
            };
            out.push(Example {
                label: format!("{operation} {place} {name}"),
                operation,
                status: status.clone(),
                schema,
                direction,
                value,
            });
        }
    }
}

//! Request and response bodies: a POST/PATCH body is a JSON object of the right `@odata.type`
//! with only the members its request type has; entities answered get their `@odata.context`.

use hyper::StatusCode;
use serde_json::Value;

use crate::exchange::Incoming;
use crate::graph_error::GraphError;

/// Puts `@odata.context` first in `entity`.
pub(crate) fn annotate(entity: &mut Value, context: String) {
    if let Value::Object(map) = entity {
        let mut with_context = serde_json::Map::new();
        with_context.insert("@odata.context".into(), Value::String(context));
        with_context.append(map);
        *map = with_context;
    }
}

/// A POST/PATCH body: JSON object, matching `@odata.type`, only the members the request type has.
pub(crate) fn request_body(
    req: &Incoming<'_>,
    kind: &str,
    members: &[&str],
) -> Result<Value, GraphError> {
    let body = json_body(req)?;
    check_odata_type(&body, kind)?;
    allowed_members(&body, members)?;
    Ok(body)
}

/// A member that must be present and a string.
pub(crate) fn required_string(body: &Value, name: &str) -> Result<String, GraphError> {
    match body.get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(GraphError::bad_request(format!(
            "'{name}' must be a string."
        ))),
        None => Err(GraphError::bad_request(format!(
            "The property '{name}' is required."
        ))),
    }
}

fn json_body(req: &Incoming<'_>) -> Result<Value, GraphError> {
    let Some(bytes) = req.body else {
        return Err(GraphError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
            "The request body is larger than the server accepts.",
        ));
    };
    let content_type = req
        .headers
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        return Err(GraphError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            "The request body must be application/json.",
        ));
    }
    let body: Value = serde_json::from_slice(bytes).map_err(|e| {
        GraphError::bad_request(format!("The request body is not valid JSON: {e}."))
    })?;
    if !body.is_object() {
        return Err(GraphError::bad_request(
            "The request body must be a JSON object.",
        ));
    }
    Ok(body)
}

fn check_odata_type(body: &Value, kind: &str) -> Result<(), GraphError> {
    match body.get("@odata.type") {
        None => Ok(()),
        Some(Value::String(t))
            if t == &format!("#microsoft.graph.security.securityCopilot.{kind}") =>
        {
            Ok(())
        }
        Some(other) => Err(GraphError::bad_request(format!(
            "The @odata.type {other} does not match a {kind}."
        ))),
    }
}

fn allowed_members(body: &Value, allowed: &[&str]) -> Result<(), GraphError> {
    if let Some(object) = body.as_object() {
        for name in object.keys() {
            if !allowed.contains(&name.as_str()) {
                return Err(GraphError::bad_request(format!(
                    "The property '{name}' does not exist or cannot be set in this request."
                )));
            }
        }
    }
    Ok(())
}

//! Every documented example payload in `openapi/copilot.yaml` validates against its schema, and
//! the validator really enforces what the spec states (nullability, enums, required, readOnly).

use copilot_api::catalogue;
use copilot_spec::{Direction, examples, operations, spec, validator};
use serde_json::{Value, json};

/// The operationIds in the spec's order, as the generated catalogue has them.
fn operation_ids() -> Vec<&'static str> {
    catalogue::OPERATIONS
        .iter()
        .map(|op| op.operation_id)
        .collect()
}

#[test]
fn the_spec_has_exactly_the_catalogued_operations() {
    let ids: Vec<&str> = operations(spec()).iter().map(|op| op.id).collect();
    assert_eq!(
        ids,
        operation_ids(),
        "copilot_api::catalogue is stale: run `cargo xtask generate`"
    );
}

#[test]
fn every_documented_example_validates() {
    let all = examples(spec());
    let mut failures = Vec::new();
    for example in &all {
        let errors = validator().validate(example.schema, example.value, example.direction);
        if !errors.is_empty() {
            failures.push(format!("{}:\n  {}", example.label, errors.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // One response example per operation, a request example per body, and the error examples.
    for id in operation_ids() {
        assert!(
            all.iter()
                .any(|e| e.operation == id && e.direction == Direction::Response),
            "{id} has no response example"
        );
    }
    let requests = all
        .iter()
        .filter(|e| e.direction == Direction::Request)
        .count();
    let bodies: Vec<&str> = catalogue::OPERATIONS
        .iter()
        .filter(|op| op.request_type.is_some())
        .map(|op| op.operation_id)
        .collect();
    assert_eq!(
        requests,
        bodies.len(),
        "one request example each for {bodies:?}"
    );
}

fn session_schema() -> &'static Value {
    validator().component("Session").unwrap()
}

fn errors_of(schema: &str, value: Value, direction: Direction) -> Vec<String> {
    let v = validator();
    v.validate(v.component(schema).unwrap(), &value, direction)
}

#[test]
fn nullable_fields_accept_null_and_others_do_not() {
    let v = validator();
    let ok = json!({"id": "x", "displayName": null});
    assert!(
        v.validate(session_schema(), &ok, Direction::Response)
            .is_empty()
    );
    let bad = json!({"id": null});
    let errors = v.validate(session_schema(), &bad, Direction::Response);
    assert_eq!(
        errors,
        ["$.id: null is not allowed (the property is not nullable)"]
    );
    // Nullable complex and enum-typed properties per the service metadata.
    assert!(errors_of("Evaluation", json!({"result": null}), Direction::Response).is_empty());
    assert!(!errors_of("Evaluation", json!({"state": null}), Direction::Response).is_empty());
    assert!(
        !errors_of(
            "Evaluation",
            json!({"completedDateTime": null}),
            Direction::Response
        )
        .is_empty()
    );
    assert!(
        errors_of(
            "Plugin",
            json!({"authorization": null}),
            Direction::Response
        )
        .is_empty()
    );
    assert!(!errors_of("Plugin", json!({"settings": null}), Direction::Response).is_empty());
    assert!(
        errors_of(
            "Prompt",
            json!({"inputs": null, "content": null, "skillName": null}),
            Direction::Response
        )
        .is_empty()
    );
}

#[test]
fn annotations_are_accepted_and_odata_type_is_not_required() {
    let value = json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#x",
        "@microsoft.graph.tips": "Use $select",
        "id": "71a8abb6-ce18-496c-a8d4-4d0f51986c3e"
    });
    assert!(
        validator()
            .validate(session_schema(), &value, Direction::Response)
            .is_empty()
    );
}

#[test]
fn unknown_enum_members_and_bad_timestamps_are_rejected_by_the_spec() {
    let errors = errors_of(
        "Evaluation",
        json!({"state": "brandNew"}),
        Direction::Response,
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("$.state: \"brandNew\" is not one of"));
    let errors = errors_of(
        "Session",
        json!({"createdDateTime": "2023-09-04T05:47:56"}),
        Direction::Response,
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
}

#[test]
fn request_bodies_have_required_properties_and_no_read_only_ones() {
    let errors = errors_of("SessionCreate", json!({}), Direction::Request);
    assert_eq!(
        errors,
        ["$: the required property \"displayName\" is missing"]
    );
    let errors = errors_of("PromptCreate", json!({"content": "hi"}), Direction::Request);
    assert_eq!(errors, ["$: the required property \"type\" is missing"]);
    let errors = errors_of("Session", json!({"id": "x"}), Direction::Request);
    assert_eq!(errors, ["$.id: read-only, may not be sent in a request"]);
    assert!(errors_of("EvaluationCreate", json!({}), Direction::Request).is_empty());
}

#[test]
fn graph_error_bodies_validate_including_zoneless_dates() {
    let body = json!({"error": {"code": "NotFound", "message": "no such session",
        "innerError": {"date": "2023-09-04T05:47:56", "request-id": "r", "client-request-id": "c"}}});
    assert!(errors_of("ODataError", body, Direction::Response).is_empty());
    let missing = errors_of(
        "ODataError",
        json!({"error": {"code": "X"}}),
        Direction::Response,
    );
    assert_eq!(
        missing,
        ["$.error: the required property \"message\" is missing"]
    );
}

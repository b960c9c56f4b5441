//! The decode guard: every documented response example decodes into the generated type the
//! operation catalogue (`copilot_api::catalogue`) names for it (snapshotted, so a type change
//! shows in review), every operation has a documented success example, plus the cases the docs
//! do not show: unknown enum values and 7-digit fractional timestamps.

use copilot_api::{catalogue, types};
use copilot_spec::{Direction, examples, spec};
use copilot_surface::follow;
use serde_json::{Value, json};

/// Decodes a response example of `operation` into the type the generated client returns, as
/// the operation catalogue names it (`error` is the shared error response).
fn decode_response(operation: &str, value: &Value) -> String {
    let decoded = match operation {
        "error" => {
            serde_json::from_value::<types::ODataError>(value.clone()).map(|e| format!("{e:#?}"))
        }
        _ => catalogue::debug_success_response(operation, value.clone()).unwrap_or_else(|| {
            panic!("{operation} is not in copilot_api::catalogue: run `cargo xtask generate`")
        }),
    };
    decoded.unwrap_or_else(|e| {
        let ty = catalogue::by_operation_id(operation).map_or("ODataError", |op| op.response_type);
        panic!("a {operation} response example does not decode into {ty}: {e}")
    })
}

#[test]
fn every_documented_response_example_decodes() {
    let mut all = examples(spec());
    all.retain(|e| e.direction == Direction::Response);
    assert!(all.len() >= 13, "{} response examples", all.len());
    let rows = copilot_surface::catalogue_rows!(catalogue::OPERATIONS);
    let documented: Vec<(&str, &str)> = all
        .iter()
        .filter_map(|e| Some((e.operation, e.status.as_deref()?)))
        .collect();
    let missing = follow::decode_examples(&rows, &documented);
    assert!(
        missing.is_empty(),
        "{}",
        follow::report("tests/tests/decode.rs", &missing)
    );
    for example in all {
        let decoded = decode_response(example.operation, example.value);
        let name = example.label.replace(' ', "_");
        insta::assert_snapshot!(name, decoded);
    }
}

#[test]
fn request_examples_decode_and_reencode_identically() {
    let mut all = examples(spec());
    all.retain(|e| e.direction == Direction::Request);
    for example in all {
        let reencoded = catalogue::reencode_request_body(example.operation, example.value.clone())
            .unwrap_or_else(|| {
                panic!(
                    "{}: {} takes no request body in copilot_api::catalogue",
                    example.label, example.operation
                )
            })
            .unwrap_or_else(|e| panic!("{}: does not decode: {e}", example.label));
        assert_eq!(&reencoded, example.value, "{}", example.label);
    }
}

#[test]
fn unknown_enum_values_decode_as_other_and_round_trip() {
    let value = json!({
        "id": "e1",
        "state": "brandNewState",
        "result": {"type": "brandNewOutcome", "previewState": "ga", "content": null}
    });
    let evaluation: types::Evaluation = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(
        evaluation.state,
        Some(types::EvaluationState::Other("brandNewState".into()))
    );
    let result = evaluation.result.as_ref().unwrap();
    assert_eq!(
        result.type_,
        Some(types::EvaluationResultType::Other("brandNewOutcome".into()))
    );
    assert!(!result.type_.as_ref().unwrap().is_documented());
    let back = serde_json::to_value(&evaluation).unwrap();
    assert_eq!(back["state"], "brandNewState");
    assert_eq!(back["result"]["type"], "brandNewOutcome");
}

#[test]
fn documented_enum_members_round_trip_through_their_variants() {
    let pluginish = json!({"category": "other", "catalogScope": "geoGlobal",
        "supportedAuthTypes": "aPIKey", "previewState": "unknownFutureValue"});
    let plugin: types::Plugin = serde_json::from_value(pluginish.clone()).unwrap();
    assert_eq!(plugin.category, Some(types::PluginCategory::OtherValue));
    assert_eq!(
        plugin.catalog_scope,
        Some(types::PluginCatalogScope::GeoGlobal)
    );
    assert_eq!(
        plugin.supported_auth_types,
        Some(types::PluginAuthTypes::ApiKey)
    );
    assert_eq!(
        plugin.preview_state,
        Some(types::PluginPreviewStates::UnknownFutureValue)
    );
    assert_eq!(serde_json::to_value(&plugin).unwrap(), pluginish);
    for wire in types::EvaluationState::DOCUMENTED {
        let state = types::EvaluationState::from(*wire);
        assert!(state.is_documented(), "{wire}");
        assert_eq!(state.to_string(), *wire);
    }
}

#[test]
fn timestamps_keep_seven_fractional_digits_and_the_zero_sentinel() {
    let value = json!({"createdDateTime": "2025-10-22T20:12:57.8667119Z",
        "completedDateTime": "0001-01-01T00:00:00Z"});
    let evaluation: types::Evaluation = serde_json::from_value(value).unwrap();
    let created = evaluation.created_date_time.unwrap();
    assert_eq!(created.timestamp_subsec_nanos(), 866_711_900);
    assert_eq!(created.to_rfc3339(), "2025-10-22T20:12:57.866711900+00:00");
    let sentinel = evaluation.completed_date_time.unwrap();
    assert_eq!(sentinel.to_rfc3339(), "0001-01-01T00:00:00+00:00");
}

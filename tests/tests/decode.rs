//! The decode guard: every documented response example decodes into the generated types
//! (snapshotted, so a type change shows in review), plus the cases the docs do not show:
//! unknown enum values and 7-digit fractional timestamps.

use copilot_api::types;
use copilot_spec::{Direction, examples, spec};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn decode<T: DeserializeOwned + std::fmt::Debug>(value: &Value) -> String {
    match serde_json::from_value::<T>(value.clone()) {
        Ok(decoded) => format!("{decoded:#?}"),
        Err(e) => panic!("does not decode into {}: {e}", std::any::type_name::<T>()),
    }
}

/// Decodes a response example of `operation` into the type the generated client returns.
fn decode_response(operation: &str, value: &Value) -> String {
    match operation {
        "listWorkspaces" => decode::<types::WorkspaceCollectionResponse>(value),
        "listPlugins" => decode::<types::PluginCollectionResponse>(value),
        "listSessions" => decode::<types::SessionCollectionResponse>(value),
        "createSession" | "getSession" | "updateSession" => decode::<types::Session>(value),
        "listPrompts" => decode::<types::PromptCollectionResponse>(value),
        "createPrompt" | "getPrompt" => decode::<types::Prompt>(value),
        "listEvaluations" => decode::<types::EvaluationCollectionResponse>(value),
        "createEvaluation" | "getEvaluation" => decode::<types::Evaluation>(value),
        "error" => decode::<types::ODataError>(value),
        other => panic!("no decode mapping for operation {other}"),
    }
}

#[test]
fn every_documented_response_example_decodes() {
    let mut all = examples(spec());
    all.retain(|e| e.direction == Direction::Response);
    assert!(all.len() >= 13, "{} response examples", all.len());
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
        let reencoded = match example.operation {
            "createSession" => serde_json::to_value(
                serde_json::from_value::<types::SessionCreate>(example.value.clone()).unwrap(),
            ),
            "updateSession" => serde_json::to_value(
                serde_json::from_value::<types::SessionUpdate>(example.value.clone()).unwrap(),
            ),
            "createPrompt" => serde_json::to_value(
                serde_json::from_value::<types::PromptCreate>(example.value.clone()).unwrap(),
            ),
            "createEvaluation" => serde_json::to_value(
                serde_json::from_value::<types::EvaluationCreate>(example.value.clone()).unwrap(),
            ),
            other => panic!("no request mapping for {other}"),
        }
        .unwrap();
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

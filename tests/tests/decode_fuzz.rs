//! Property-based decoding: arbitrary JSON, and documented examples mutated at random, decoded
//! into every response type of copilot-api. Decoding returns `Ok` or `Err`, never panics; and
//! whatever decodes survives a serialize/decode round trip unchanged (open enums included).

use copilot_api::types::*;
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Words that make arbitrary JSON look like Graph payloads: property names, enum members,
/// timestamps, sentinels and hostile strings.
const WORDS: &[&str] = &[
    "id",
    "value",
    "@odata.nextLink",
    "@odata.count",
    "displayName",
    "state",
    "result",
    "type",
    "content",
    "previewState",
    "createdDateTime",
    "completedDateTime",
    "executionCount",
    "isCancelled",
    "settings",
    "authorization",
    "authType",
    "skillInputDescriptors",
    "inputs",
    "error",
    "code",
    "message",
    "innerError",
    "details",
    "completed",
    "unknownFutureValue",
    "aPIKey",
    "other",
    "0001-01-01T00:00:00Z",
    "2025-11-03T09:15:40.1234567Z",
    "not-a-date",
    "",
    "\u{0}",
    "ünï",
    "9223372036854775808",
];

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        proptest::sample::select(WORDS).prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec(
                (
                    prop_oneof![
                        proptest::sample::select(WORDS).prop_map(String::from),
                        ".{0,8}"
                    ],
                    inner
                ),
                0..8
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// Decodes `value` as `T`; if that works, the re-encoded value must decode to the same `T`.
fn check<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(
    value: &Value,
) -> Result<(), TestCaseError> {
    if let Ok(decoded) = serde_json::from_value::<T>(value.clone()) {
        let again: T =
            serde_json::from_value(serde_json::to_value(&decoded).unwrap()).map_err(|e| {
                TestCaseError::fail(format!("{e}: re-encoded {decoded:?} does not decode"))
            })?;
        prop_assert_eq!(again, decoded);
    }
    // The text path too (numbers, escapes and nesting go through the tokenizer).
    let _ = serde_json::from_str::<T>(&value.to_string());
    Ok(())
}

fn check_all(value: &Value) -> Result<(), TestCaseError> {
    check::<Workspace>(value)?;
    check::<WorkspaceCollectionResponse>(value)?;
    check::<Plugin>(value)?;
    check::<PluginCollectionResponse>(value)?;
    check::<PluginSetting>(value)?;
    check::<PluginAuth>(value)?;
    check::<Session>(value)?;
    check::<SessionCollectionResponse>(value)?;
    check::<Prompt>(value)?;
    check::<PromptCollectionResponse>(value)?;
    check::<Evaluation>(value)?;
    check::<EvaluationCollectionResponse>(value)?;
    check::<EvaluationResult>(value)?;
    check::<SkillInputDescriptor>(value)?;
    check::<SkillVariableDescriptor>(value)?;
    check::<SkillTypeDescriptor>(value)?;
    check::<Dictionary>(value)?;
    check::<ODataError>(value)?;
    check::<EvaluationState>(value)?;
    check::<PluginAuthTypes>(value)?;
    Ok(())
}

/// Every documented response example of the spec (collected once for all cases).
fn examples() -> &'static [Value] {
    static EXAMPLES: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    EXAMPLES.get_or_init(|| {
        copilot_spec::examples(copilot_spec::spec())
            .into_iter()
            .filter(|e| e.direction == copilot_spec::Direction::Response)
            .map(|e| e.value.clone())
            .collect()
    })
}

/// The JSON pointers of every node below the root, in pre-order.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    let escape = |key: &str| key.replace('~', "~0").replace('/', "~1");
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let here = format!("{at}/{i}");
                out.push(here.clone());
                pointers(item, here, out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let here = format!("{at}/{}", escape(key));
                out.push(here.clone());
                pointers(item, here, out);
            }
        }
        _ => {}
    }
}

/// Replaces the `node`-th node of `value` with `replacement`, or deletes it (from an object)
/// or nulls it (in an array) when `replacement` is `None`.
fn mutate(value: &mut Value, node: usize, replacement: Option<Value>) {
    let mut all = Vec::new();
    pointers(value, String::new(), &mut all);
    let Some(pointer) = all.get(node % all.len().max(1)).cloned() else {
        return;
    };
    match replacement {
        Some(new) => {
            if let Some(slot) = value.pointer_mut(&pointer) {
                *slot = new;
            }
        }
        None => {
            let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", &pointer));
            let key = key.replace("~1", "/").replace("~0", "~");
            match value.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.remove(&key);
                }
                Some(Value::Array(items)) => {
                    if let Some(item) = key.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                        *item = Value::Null;
                    }
                }
                _ => {}
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics_and_round_trips(value in json()) {
        check_all(&value)?;
    }

    #[test]
    fn mutated_examples_never_panic_and_round_trip(
        example in 0usize..64,
        node in 0usize..64,
        replacement in proptest::option::weighted(0.8, json()),
        cut in 0usize..4096,
    ) {
        let examples = examples();
        let mut value = examples[example % examples.len()].clone();
        mutate(&mut value, node, replacement);
        check_all(&value)?;
        // And the mutated text cut short, as a truncated body would be.
        let text = value.to_string();
        let cut = text.char_indices().map(|(i, _)| i).find(|i| *i >= cut % (text.len() + 1)).unwrap_or(text.len());
        let _ = serde_json::from_str::<Evaluation>(&text[..cut]);
        let _ = serde_json::from_str::<SessionCollectionResponse>(&text[..cut]);
    }
}

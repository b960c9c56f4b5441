//! spec → Rust types → JSON Schema: the schema schemars derives from each generated type must
//! agree with the component it was generated from. A disagreement names the type and property.
//!
//! Agreement means: the same property (wire) names; the same required set; a property the spec
//! makes nullable accepts null in Rust; the same type and format (`date-time`, `int32`, `int64`),
//! the same referenced component, the same array item type; for enums the same documented members,
//! plus the open catch-all string. (An optional non-nullable property is `Option` in Rust, which
//! also accepts null: absent and null both read as `None`. openapi/README.md explains why.)

use std::collections::BTreeSet;

use copilot_api::types;
use copilot_spec::spec;
use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::Value;

/// How a schema reads, with `$ref`-wrapping and null alternatives normalised away.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Ref(String),
    Scalar(String, Option<String>),
    Array(Box<Kind>),
    Map,
    Enum(BTreeSet<String>, bool),
    Object,
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq)]
struct Desc {
    nullable: bool,
    kind: Kind,
}

fn describe(schema: &Value) -> Desc {
    let mut nullable = schema.get("nullable") == Some(&Value::Bool(true));
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return Desc {
            nullable,
            kind: Kind::Ref(r.rsplit('/').next().unwrap_or(r).to_string()),
        };
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(parts) = schema.get(key).and_then(Value::as_array) {
            let non_null: Vec<&Value> = parts
                .iter()
                .filter(|p| {
                    let is_null = p.get("type") == Some(&Value::String("null".into()))
                        || p.get("enum") == Some(&Value::Array(vec![Value::Null]));
                    nullable |= is_null;
                    !is_null
                })
                .collect();
            // An open enum: documented members, or any other string.
            if key == "anyOf" && non_null.len() == 2 && non_null[0].get("enum").is_some() {
                let members = enum_members(non_null[0]);
                let open = non_null[1].get("type") == Some(&Value::String("string".into()));
                return Desc {
                    nullable,
                    kind: Kind::Enum(members, open),
                };
            }
            if non_null.len() == 1 && schema.get("properties").is_none() {
                let inner = describe(non_null[0]);
                return Desc {
                    nullable: nullable || inner.nullable,
                    kind: inner.kind,
                };
            }
            if key == "allOf" {
                return Desc {
                    nullable,
                    kind: Kind::Object,
                };
            }
        }
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    nullable |= types.contains(&"null");
    let t = types.into_iter().find(|t| *t != "null").unwrap_or("");
    let kind = if schema.get("enum").is_some() {
        Kind::Enum(enum_members(schema), false)
    } else {
        match t {
            "array" => Kind::Array(Box::new(
                schema
                    .get("items")
                    .map_or(Kind::Unknown("no items".into()), |i| describe(i).kind),
            )),
            "object" if schema.get("properties").is_none() => Kind::Map,
            "object" => Kind::Object,
            "string" | "integer" | "number" | "boolean" => {
                let format = schema
                    .get("format")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                // Only formats the spec uses are compared; schemars adds e.g. `uint` elsewhere.
                let format =
                    format.filter(|f| matches!(f.as_str(), "date-time" | "int32" | "int64"));
                Kind::Scalar(t.to_string(), format)
            }
            other => Kind::Unknown(format!("{other:?} in {schema}")),
        }
    };
    Desc { nullable, kind }
}

fn enum_members(schema: &Value) -> BTreeSet<String> {
    schema["enum"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// Properties and required names of an object schema, flattening `allOf` parts and `$ref`s.
fn object_parts(schema: &Value, root: &Value) -> (Vec<(String, Value)>, BTreeSet<String>) {
    let mut properties = Vec::new();
    let mut required: BTreeSet<String> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        for part in parts {
            let part = match part.get("$ref").and_then(Value::as_str) {
                Some(r) => root.pointer(r.trim_start_matches('#')).unwrap_or(part),
                None => part,
            };
            let (p, r) = object_parts(part, root);
            properties.extend(p);
            required.extend(r);
        }
    }
    if let Some(map) = schema.get("properties").and_then(Value::as_object) {
        properties.extend(map.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    (properties, required)
}

/// Every disagreement between the spec component `name` and the schema derived for `T`.
fn compare<T: JsonSchema>(name: &str) -> Vec<String> {
    let spec = spec();
    let expected = &spec["components"]["schemas"][name];
    let mut generator = SchemaSettings::openapi3().into_generator();
    let root = generator.root_schema_for::<T>().to_value();
    let definitions = Value::Object(generator.take_definitions(true));
    let rust_root = serde_json::json!({"components": {"schemas": definitions}});
    let mut problems = Vec::new();
    let spec_desc = describe(expected);
    if let Kind::Enum(members, _) = &spec_desc.kind {
        match describe(&root).kind {
            Kind::Enum(rust_members, open) => {
                if &rust_members != members {
                    problems.push(format!(
                        "{name}: members differ: spec {members:?}, Rust {rust_members:?}"
                    ));
                }
                if !open {
                    problems.push(format!("{name}: the Rust enum is closed (no catch-all)"));
                }
            }
            other => problems.push(format!("{name}: spec enum, Rust {other:?}")),
        }
        return problems;
    }
    if spec_desc.kind == Kind::Map {
        if describe(&root).kind != Kind::Map {
            problems.push(format!("{name}: spec free-form object, Rust {root}"));
        }
        return problems;
    }
    let (spec_props, spec_required) = object_parts(expected, spec);
    let (rust_props, rust_required) = object_parts(&root, &rust_root);
    let spec_names: BTreeSet<&String> = spec_props.iter().map(|(n, _)| n).collect();
    let rust_names: BTreeSet<&String> = rust_props.iter().map(|(n, _)| n).collect();
    for missing in spec_names.difference(&rust_names) {
        problems.push(format!(
            "{name}.{missing}: in the spec, not in the Rust type"
        ));
    }
    for extra in rust_names.difference(&spec_names) {
        problems.push(format!("{name}.{extra}: in the Rust type, not in the spec"));
    }
    if spec_required != rust_required {
        problems.push(format!(
            "{name}: required differs: spec {spec_required:?}, Rust {rust_required:?}"
        ));
    }
    for (property, spec_schema) in &spec_props {
        let Some((_, rust_schema)) = rust_props.iter().find(|(n, _)| n == property) else {
            continue;
        };
        let (s, r) = (describe(spec_schema), describe(rust_schema));
        if s.nullable && !r.nullable {
            problems.push(format!(
                "{name}.{property}: nullable in the spec, the Rust type rejects null"
            ));
        }
        if spec_required.contains(property) && !s.nullable && r.nullable {
            problems.push(format!(
                "{name}.{property}: required and non-nullable in the spec, nullable in Rust"
            ));
        }
        if s.kind != r.kind {
            problems.push(format!(
                "{name}.{property}: spec {:?}, Rust {:?}",
                s.kind, r.kind
            ));
        }
    }
    problems
}

macro_rules! components {
    ($($name:ident),* $(,)?) => {
        const MAPPED: &[&str] = &[$(stringify!($name)),*];
        fn all_problems() -> Vec<String> {
            let mut problems = Vec::new();
            $(problems.extend(compare::<types::$name>(stringify!($name)));)*
            problems
        }
    };
}

components!(
    Workspace,
    Plugin,
    Session,
    Prompt,
    Evaluation,
    EvaluationResult,
    PluginAuth,
    PluginSetting,
    SkillVariableDescriptor,
    SkillInputDescriptor,
    SkillTypeDescriptor,
    Dictionary,
    SessionCreate,
    SessionUpdate,
    PromptCreate,
    EvaluationCreate,
    WorkspaceCollectionResponse,
    PluginCollectionResponse,
    SessionCollectionResponse,
    PromptCollectionResponse,
    EvaluationCollectionResponse,
    ODataError,
    MainError,
    ErrorDetails,
    InnerError,
    PromptType,
    EvaluationState,
    EvaluationResultType,
    SkillPreviewState,
    PluginPreviewStates,
    PluginCatalogScope,
    PluginCategory,
    PluginAuthTypes,
    PluginSettingDisplayType,
    PluginSettingType,
);

#[test]
fn every_component_has_a_rust_type_in_this_test() {
    let names: BTreeSet<&str> = spec()["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mapped: BTreeSet<&str> = MAPPED.iter().copied().collect();
    assert_eq!(names, mapped, "add new components to the components! list");
}

#[test]
fn derived_schemas_agree_with_the_spec() {
    let problems = all_problems();
    assert!(
        problems.is_empty(),
        "{} disagreements:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_comparison_catches_a_disagreement() {
    // A closed Rust enum and a struct with a different shape are both reported.
    #[derive(JsonSchema)]
    #[allow(dead_code)]
    enum Closed {
        #[serde(rename = "prompt")]
        Prompt,
    }
    assert!(!compare::<Closed>("PromptType").is_empty());
    #[derive(JsonSchema)]
    #[allow(dead_code)]
    struct NotASession {
        id: i64,
    }
    let problems = compare::<NotASession>("Session");
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("Session.displayName: in the spec")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("Session: required differs")),
        "{problems:?}"
    );
}

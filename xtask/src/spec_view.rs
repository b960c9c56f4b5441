//! Read access to the parts of the spec that the checks compare (`docs-check`,
//! `metadata-check`): operations and their parameters and responses, component schemas matched
//! by `x-odata-type`, their properties (with `allOf` flattened), nullability, enums, and each
//! property's type in the docs' vocabulary ([`DocType`]).

use std::collections::BTreeSet;

use copilot_spec::{SpecOperation, Validator};
use serde_json::Value;

use crate::edm_type::DocType;

/// Read access to the parts of the spec the check compares.
pub(crate) struct SpecView<'a> {
    pub spec: &'a Value,
    pub validator: Validator<'a>,
    pub ops: Vec<SpecOperation<'a>>,
    /// Schemas used as request bodies (never matched to a resource page).
    pub request_schemas: BTreeSet<String>,
}

impl<'a> SpecView<'a> {
    pub(crate) fn new(spec: &'a Value) -> Self {
        let ops = copilot_spec::operations(spec);
        let request_schemas = ops
            .iter()
            .filter_map(|op| {
                op.object
                    .pointer("/requestBody/content/application~1json/schema/$ref")?
                    .as_str()
            })
            .map(|r| r.rsplit('/').next().unwrap_or(r).to_string())
            .collect();
        Self {
            spec,
            validator: Validator::new(spec),
            ops,
            request_schemas,
        }
    }

    pub(crate) fn schemas(&self) -> impl Iterator<Item = (&'a String, &'a Value)> {
        self.spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
    }

    /// The operation answering `method` at `path` (a docs template or an example URL).
    pub(crate) fn operation(&self, method: &str, path: &str) -> Option<SpecOperation<'a>> {
        let docs = segments(path);
        self.ops
            .iter()
            .find(|op| {
                op.method == method && {
                    let spec = segments(op.path);
                    spec.len() == docs.len()
                        && spec.iter().zip(&docs).all(|(s, d)| {
                            if s.starts_with('{') {
                                !d.is_empty()
                            } else {
                                !d.starts_with('{') && s.eq_ignore_ascii_case(d)
                            }
                        })
                }
            })
            .cloned()
    }

    /// All query option names of `op`, and those the docs are expected to list.
    pub(crate) fn query_options(
        &self,
        op: &SpecOperation<'a>,
    ) -> (BTreeSet<String>, BTreeSet<String>) {
        let mut all = BTreeSet::new();
        let mut documented = BTreeSet::new();
        let path_level = self.spec.pointer(&format!(
            "/paths/{}/parameters",
            op.path.replace('~', "~0").replace('/', "~1")
        ));
        let parameters = op.object.get("parameters").into_iter().chain(path_level);
        for parameter in parameters.filter_map(Value::as_array).flatten() {
            let Some(parameter) = self.validator.resolve(parameter) else {
                continue;
            };
            if parameter.get("in").and_then(Value::as_str) != Some("query") {
                continue;
            }
            let Some(name) = parameter.get("name").and_then(Value::as_str) else {
                continue;
            };
            all.insert(name.to_string());
            if parameter
                .get("x-copilot-documented")
                .and_then(Value::as_bool)
                != Some(false)
            {
                documented.insert(name.to_string());
            }
        }
        (all, documented)
    }

    pub(crate) fn success_codes(&self, op: &SpecOperation<'a>) -> BTreeSet<u16> {
        op.object
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(code, _)| code.parse().ok())
            .filter(|code| (200..300).contains(code))
            .collect()
    }

    /// The JSON schema of `op`'s response with `status` (exact code or `4XX`-style range).
    pub(crate) fn response_schema(&self, op: &SpecOperation<'a>, status: u16) -> Option<&'a Value> {
        let responses = op.object.get("responses")?;
        let response = responses
            .get(status.to_string())
            .or_else(|| responses.get(format!("{}XX", status / 100)))?;
        self.validator
            .resolve(response)?
            .pointer("/content/application~1json/schema")
    }

    pub(crate) fn is_collection(&self, schema: &'a Value) -> bool {
        self.validator
            .resolve(schema)
            .and_then(|s| s.pointer("/properties/value/type"))
            .and_then(Value::as_str)
            == Some("array")
    }

    /// The component name of a `$ref` schema (or `inline schema`).
    pub(crate) fn name_of(&self, schema: &Value) -> String {
        schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.rsplit('/').next())
            .unwrap_or("the inline schema")
            .to_string()
    }

    /// The component documented by the resource page of `name` (matched by `x-odata-type`).
    pub(crate) fn resource(&self, name: &str) -> Option<(&'a str, &'a Value)> {
        let suffix = format!(".{}", name.to_ascii_lowercase());
        let candidates = || {
            self.schemas()
                .filter(|(n, _)| !self.request_schemas.contains(n.as_str()))
        };
        candidates()
            .find(|(_, s)| {
                s.get("x-odata-type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.to_ascii_lowercase().ends_with(&suffix))
            })
            .or_else(|| candidates().find(|(n, _)| n.eq_ignore_ascii_case(name)))
            .map(|(n, s)| (n.as_str(), s))
    }

    /// The members of the enum schema called `name` (any case).
    pub(crate) fn enumeration(&self, name: &str) -> Option<(&'a str, Vec<String>)> {
        let (schema_name, schema) = self.schemas().find(|(n, _)| n.eq_ignore_ascii_case(name))?;
        let members = schema.get("enum")?.as_array()?;
        Some((
            schema_name.as_str(),
            members
                .iter()
                .filter_map(|m| m.as_str().map(str::to_string))
                .collect(),
        ))
    }

    /// The properties of `schema` (following `$ref` and `allOf`), without `@odata` annotations.
    pub(crate) fn properties(&self, schema: &'a Value) -> Vec<(&'a str, &'a Value)> {
        let mut out = Vec::new();
        let Some(schema) = self.validator.resolve(schema) else {
            return out;
        };
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.extend(self.properties(part));
        }
        for (name, property) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if !name.starts_with('@') {
                out.push((name.as_str(), property));
            }
        }
        out
    }

    pub(crate) fn required(&self, schema: &'a Value) -> Vec<String> {
        self.validator
            .resolve(schema)
            .and_then(|s| s.get("required"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| r.as_str().map(str::to_string))
            .collect()
    }

    pub(crate) fn nullable(&self, property: &Value) -> bool {
        property.get("nullable").and_then(Value::as_bool) == Some(true)
    }

    /// A property schema in the docs' vocabulary.
    pub(crate) fn doc_type(&self, property: &Value) -> DocType {
        let reference = property.get("$ref").or_else(|| {
            property
                .get("allOf")?
                .as_array()
                .filter(|parts| parts.len() == 1)?
                .first()?
                .get("$ref")
        });
        if let Some(name) = reference
            .and_then(Value::as_str)
            .and_then(|r| r.rsplit('/').next())
        {
            let mut chars = name.chars();
            let lower_first = chars
                .next()
                .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
                .unwrap_or_default();
            return DocType::Named(lower_first);
        }
        let format = property.get("format").and_then(Value::as_str);
        let primitive = |name: &str| DocType::Primitive(name.to_string());
        match property.get("type").and_then(Value::as_str) {
            Some("array") => DocType::Collection(Box::new(
                property
                    .get("items")
                    .map_or(primitive("unknown"), |items| self.doc_type(items)),
            )),
            Some("string") => primitive(match format {
                Some("date-time") => "DateTimeOffset",
                Some("date") => "Date",
                Some("time") => "TimeOfDay",
                Some("duration") => "Duration",
                Some("uuid") => "Guid",
                Some("byte" | "base64url" | "binary") => "Binary",
                _ => "String",
            }),
            Some("boolean") => primitive("Boolean"),
            Some("integer") => primitive(if format == Some("int64") {
                "Int64"
            } else {
                "Int32"
            }),
            Some("number") => primitive(if format == Some("float") {
                "Single"
            } else {
                "Double"
            }),
            Some(other) => primitive(other),
            None => primitive("object"),
        }
    }
}

/// The path segments of a docs template or example URL, without host, version and query.
pub(crate) fn segments(path: &str) -> Vec<&str> {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let path = path
        .strip_prefix("https://graph.microsoft.com")
        .unwrap_or(path);
    let path = ["/beta", "/v1.0"]
        .iter()
        .find_map(|v| path.strip_prefix(v))
        .unwrap_or(path);
    path.split('/').filter(|s| !s.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_templates_and_urls_to_operations() {
        let spec = copilot_spec::spec();
        let view = SpecView::new(spec);
        let id = |m: &str, p: &str| view.operation(m, p).map(|op| op.id);
        assert_eq!(
            id(
                "GET",
                "/security/securityCopilot/workspaces/{workspaceId}/sessions/{sessionId}"
            ),
            Some("getSession")
        );
        assert_eq!(
            id(
                "GET",
                "https://graph.microsoft.com/beta/security/securityCopilot/workspaces/default/sessions/abc/prompts/def/evaluations/?$top=1"
            ),
            Some("listEvaluations")
        );
        assert_eq!(
            id(
                "DELETE",
                "/security/securityCopilot/workspaces/{id}/sessions/{id}"
            ),
            None
        );
        assert_eq!(
            id(
                "GET",
                "/security/securityCopilot/workspaces/{workspaceId}/{x}"
            ),
            None
        );
    }

    #[test]
    fn reads_spec_types_in_the_docs_vocabulary() {
        let view = SpecView::new(copilot_spec::spec());
        let session = view.resource("session").unwrap();
        assert_eq!(session.0, "Session");
        let evaluation = view.resource("evaluation").unwrap().1;
        let props = view.properties(evaluation);
        let ty = |name: &str| {
            view.doc_type(props.iter().find(|(n, _)| *n == name).unwrap().1)
                .to_string()
        };
        assert_eq!(ty("executionCount"), "Int64");
        assert_eq!(ty("result"), "evaluationResult");
        assert_eq!(ty("runStartDateTime"), "DateTimeOffset");
        let input = view.resource("skillInputDescriptor").unwrap().1;
        assert_eq!(view.properties(input).len(), 6, "allOf is flattened");
    }
}

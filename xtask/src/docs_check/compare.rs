//! Compares what the docs state ([`Docs`]) with the spec and turns every difference into one
//! actionable finding: drift (the spec must change) or a doc problem (the docs are wrong in a
//! way the spec must not follow, such as a payload that is not JSON).

use std::collections::{BTreeMap, BTreeSet};

use copilot_spec::{Direction, SpecOperation};
use serde_json::Value;

use super::docs::{ApiPage, Docs, ExampleKind, Property};
use crate::edm_type::PRIMITIVES;
use crate::findings::{At, Findings};
use crate::spec_view::SpecView;

/// Compares `docs` with `spec`.
pub(super) fn compare(docs: &Docs, spec: &Value) -> Findings {
    let mut check = Check {
        spec: SpecView::new(spec),
        out: Findings::default(),
        enums: BTreeMap::new(),
    };
    let mut documented = BTreeSet::new();
    for page in &docs.apis {
        if let Some(op) = check.api_page(page) {
            documented.insert(op);
        }
    }
    for op in check.spec.ops.clone() {
        if !documented.contains(op.id) {
            check.out.drift(
                endpoint_group(&op),
                "operation-undocumented",
                format!("remove operation `{}`: no page documents it", op.id),
                None,
            );
        }
    }
    for resource in &docs.resources {
        check.resource(resource);
    }
    check.enums();
    check.out.sorted()
}

pub(super) struct Check<'a> {
    pub(super) spec: SpecView<'a>,
    pub(super) out: Findings,
    /// Enum name (lower case) → the docs' spelling, members, first place and group.
    pub(super) enums: BTreeMap<String, DocumentedEnum>,
}

pub(super) struct DocumentedEnum {
    pub(super) name: String,
    pub(super) members: Vec<String>,
    pub(super) at: At,
    pub(super) group: String,
}

fn endpoint_group(op: &SpecOperation<'_>) -> String {
    format!("endpoint {} {} ({})", op.method, op.path, op.id)
}

impl<'a> Check<'a> {
    /// Checks one API page; returns the operationId it documents, if the spec has it.
    fn api_page(&mut self, page: &ApiPage) -> Option<&'a str> {
        let mut documented = None;
        for (method, path, at) in &page.endpoints {
            match self.spec.operation(method, path) {
                Some(op) => documented = documented.or(Some(op)),
                None => self.out.drift(
                    format!("endpoint {method} {path} (not in the spec)"),
                    "operation-missing",
                    format!("add operation `{method} {path}` (\"{}\")", page.title),
                    at.clone(),
                ),
            }
        }
        let op = documented?;
        let group = endpoint_group(&op);
        let page_at = page.endpoints[0].2.clone();

        // Query options.
        let (options, at) = page.query.clone().unwrap_or((Vec::new(), page_at.clone()));
        let (all, documented_in_spec) = self.spec.query_options(&op);
        for option in &options {
            if !all.contains(option) {
                self.out.drift(
                    group.clone(),
                    "query-option-missing",
                    format!("add query option `{option}` to `{}`", op.id),
                    at.clone(),
                );
            }
        }
        for option in documented_in_spec {
            if !options.contains(&option) {
                self.out.drift(
                    group.clone(),
                    "query-option-undocumented",
                    format!(
                        "query option `{option}` of `{}` is not on its page: remove it or mark it `x-copilot-documented: false`",
                        op.id
                    ),
                    at.clone(),
                );
            }
        }

        // Success status.
        let spec_codes = self.spec.success_codes(&op);
        let docs_codes: BTreeSet<u16> = page.statuses.iter().map(|(c, _)| *c).collect();
        let status_differs = !docs_codes.is_empty() && docs_codes != spec_codes;
        if status_differs {
            self.out.drift(
                group.clone(),
                "status-differs",
                format!(
                    "change the success status of `{}` from {} to {}",
                    op.id,
                    codes(&spec_codes),
                    codes(&docs_codes)
                ),
                page.statuses[0].1.clone(),
            );
        }

        // Request body properties.
        if let Some(body) = &page.body {
            self.request_body(&op, &group, body, &page_at);
        }

        // Examples.
        let mut current = Some(op.clone());
        for example in &page.examples {
            match &example.kind {
                ExampleKind::Request { method, url } => {
                    current = self.spec.operation(method, url);
                    if current.is_none() {
                        self.out.drift(
                            group.clone(),
                            "example-unmatched",
                            format!(
                                "request example `{}` calls `{method} {url}`, which matches no operation",
                                example.name
                            ),
                            example.at.clone(),
                        );
                        continue;
                    }
                    if let Some(op) = current.clone() {
                        let schema = op
                            .object
                            .pointer("/requestBody/content/application~1json/schema");
                        self.example(
                            &group,
                            example,
                            "request",
                            schema,
                            Direction::Request,
                            false,
                        );
                    }
                }
                ExampleKind::Response { status } => {
                    let Some(op) = current.clone() else {
                        continue;
                    };
                    match self.spec.response_schema(&op, *status) {
                        Some(schema) => {
                            let collection = self.spec.is_collection(schema);
                            self.example(
                                &group,
                                example,
                                "response",
                                Some(schema),
                                Direction::Response,
                                collection,
                            );
                        }
                        None if !status_differs => self.out.drift(
                            group.clone(),
                            "status-differs",
                            format!(
                                "response example `{}` has status {status}, which `{}` does not declare",
                                example.name, op.id
                            ),
                            example.at.clone(),
                        ),
                        None => {}
                    }
                }
            }
        }
        Some(op.id)
    }

    fn request_body(&mut self, op: &SpecOperation<'a>, group: &str, body: &[Property], at: &At) {
        let Some(schema) = op
            .object
            .pointer("/requestBody/content/application~1json/schema")
        else {
            if !body.is_empty() {
                self.out.drift(
                    group.to_string(),
                    "request-body-missing",
                    format!("add a request body to `{}`", op.id),
                    at.clone(),
                );
            }
            return;
        };
        let name = self.spec.name_of(schema);
        let target = format!("the request body of `{}` ({name})", op.id);
        let required = self.spec.required(schema);
        self.properties(group, &target, schema, body, at);
        let known = self.spec.properties(schema);
        for property in body {
            if property.required
                && !required.contains(&property.name)
                && known.iter().any(|(name, _)| *name == property.name)
            {
                self.out.drift(
                    group.to_string(),
                    "property-required",
                    format!("mark property `{}` of {target} required", property.name),
                    property.at.clone(),
                );
            }
        }
    }

    /// Parses and validates one example payload.
    pub(super) fn example(
        &mut self,
        group: &str,
        example: &super::docs::Example,
        what: &str,
        schema: Option<&Value>,
        direction: Direction,
        collection: bool,
    ) {
        let Some((text, first_line)) = &example.body else {
            return;
        };
        let value: Value = match serde_json::from_str(text) {
            Ok(value) => value,
            Err(e) => {
                let at = At {
                    file: example.at.file.clone(),
                    line: first_line + e.line().saturating_sub(1),
                };
                let reason = e.to_string();
                let reason = reason.split(" at line").next().unwrap_or(&reason);
                self.out.problem(
                    group.to_string(),
                    "example-not-json",
                    format!(
                        "{what} example `{}` is not valid JSON ({reason}, column {})",
                        example.name,
                        e.column()
                    ),
                    at,
                );
                return;
            }
        };
        if let Some((key, placeholder)) = template_value(&value) {
            self.out.problem(
                group.to_string(),
                "example-template",
                format!(
                    "{what} example `{}` is a template, not data (`\"{key}\": \"{placeholder}\"` names a type): not validated",
                    example.name
                ),
                example.at.clone(),
            );
            return;
        }
        let Some(schema) = schema else {
            return;
        };
        if collection && value.is_object() && value.get("value").is_none() {
            self.out.problem(
                group.to_string(),
                "list-example-is-entity",
                format!(
                    "{what} example `{}` of a list is a single entity (no `value` array)",
                    example.name
                ),
                example.at.clone(),
            );
            return;
        }
        let errors = self.spec.validator.validate(schema, &value, direction);
        if !errors.is_empty() {
            self.out.drift(
                group.to_string(),
                "example-invalid",
                format!(
                    "{what} example `{}` does not validate against {}: {}",
                    example.name,
                    self.spec.name_of(schema),
                    errors.join("; ")
                ),
                example.at.clone(),
            );
        }
    }
}

/// The first string value of `value` that is a type name where data belongs, with its key, as
/// Microsoft's draft pages write examples: `"String"`, `"String (timestamp)"`, `"Integer"`,
/// `"Boolean"`, `"Guid"`, `"Edm.Int64"`.
fn template_value(value: &Value) -> Option<(String, String)> {
    fn is_type_name(text: &str) -> bool {
        let name = text.strip_prefix("Edm.").unwrap_or(text);
        let name = match name.split_once(" (") {
            Some((name, rest)) if rest.ends_with(')') => name,
            _ => name,
        };
        name == "Integer" || PRIMITIVES.contains(&name)
    }
    fn walk(key: &str, value: &Value) -> Option<(String, String)> {
        match value {
            Value::String(text) if is_type_name(text) => Some((key.to_string(), text.clone())),
            Value::Array(items) => items.iter().find_map(|v| walk(key, v)),
            Value::Object(map) => map.iter().find_map(|(k, v)| walk(k, v)),
            _ => None,
        }
    }
    walk("", value)
}

fn codes(codes: &BTreeSet<u16>) -> String {
    if codes.is_empty() {
        return "none".into();
    }
    codes
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

//! Compares what the metadata declares ([`Model`]) with the spec and turns every difference
//! into one actionable finding: drift (the spec must change) or information (a navigation the
//! spec documents no operation for, a type nothing uses). The mapping of CSDL to the spec is
//! recorded in `openapi/README.md`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::csdl::{Enum, Kind, Model, Structured, WHOLE};
use crate::edm_type::DocType;
use crate::findings::{At, Findings};
use crate::spec_view::SpecView;

/// The base of Graph's entities: its `id` is an inline property of every entity schema.
const ENTITY: &str = "microsoft.graph.entity";

/// Compares `model` (read from `file`, as shown) with `spec`.
pub(super) fn compare(model: &Model, spec: &Value, file: &str) -> Findings {
    let mut check = Check {
        model,
        spec: SpecView::new(spec),
        file,
        out: Findings::default(),
        reached: BTreeSet::new(),
    };
    let used = check.used();
    for t in model.types.iter().filter(|t| checked(t, &used)) {
        check.structured(t, &used);
    }
    for e in model
        .enums
        .iter()
        .filter(|e| WHOLE.contains(&e.namespace.as_str()))
    {
        check.enumeration(e, &used);
    }
    check.navigations();
    check.out.sorted()
}

/// The types compared with a schema: every type of the Security Copilot schemas, and the shared
/// types (`microsoft.graph.Dictionary`) that one of them uses as a property type or base.
fn checked(t: &Structured, used: &BTreeSet<String>) -> bool {
    WHOLE.contains(&t.namespace.as_str())
        || (used.contains(&t.full_name()) && t.full_name() != ENTITY)
}

/// `Collection(x)` → (`x`, true); `x` → (`x`, false).
pub(super) fn item_type(ty: &str) -> (&str, bool) {
    match ty
        .strip_prefix("Collection(")
        .and_then(|t| t.strip_suffix(')'))
    {
        Some(inner) => (inner, true),
        None => (ty, false),
    }
}

pub(super) struct Check<'a> {
    pub(super) model: &'a Model,
    pub(super) spec: SpecView<'a>,
    pub(super) file: &'a str,
    pub(super) out: Findings,
    /// Path shapes (`/security/securityCopilot/workspaces/{}`) the navigations explain.
    pub(super) reached: BTreeSet<String>,
}

impl<'a> Check<'a> {
    pub(super) fn at(&self, line: usize) -> At {
        At {
            file: self.file.to_string(),
            line,
        }
    }

    /// Full names of the types the Security Copilot types use: property types, base types and
    /// navigation targets.
    fn used(&self) -> BTreeSet<String> {
        let mut used = BTreeSet::new();
        for t in &self.model.types {
            if !WHOLE.contains(&t.namespace.as_str()) {
                continue;
            }
            used.extend(t.base.clone());
            for p in &t.properties {
                used.insert(item_type(&p.ty).0.to_string());
            }
            for n in &t.navigations {
                used.insert(item_type(&n.ty).0.to_string());
            }
        }
        used
    }

    /// The component standing for `full`: the one whose `x-odata-type` is `#full`, never a
    /// request body. (Not by name: the spec's `ErrorDetails` is Graph's error detail, not the
    /// namespace's `errorDetails`.)
    fn schema_for(&self, full: &str) -> Option<(&'a str, &'a Value)> {
        let odata = format!("#{full}");
        self.spec
            .schemas()
            .filter(|(n, _)| !self.spec.request_schemas.contains(n.as_str()))
            .find(|(_, s)| s.get("x-odata-type").and_then(Value::as_str) == Some(odata.as_str()))
            .map(|(n, s)| (n.as_str(), s))
    }

    fn structured(&mut self, t: &'a Structured, used: &BTreeSet<String>) {
        let group = format!("{} {}", t.kind.word(), t.name);
        let Some((schema_name, schema)) = self.schema_for(&t.full_name()) else {
            if t.kind == Kind::Entity || used.contains(&t.full_name()) {
                self.out.drift(
                    group,
                    "type-missing",
                    format!(
                        "add a schema for {} `{}` (x-odata-type `#{}`)",
                        t.kind.word(),
                        t.name,
                        t.full_name()
                    ),
                    self.at(t.line),
                );
            } else {
                self.out.info(
                    group,
                    "type-unused",
                    format!(
                        "{} `{}` is used by no property or navigation: the spec need not model it",
                        t.kind.word(),
                        t.name
                    ),
                    self.at(t.line),
                );
            }
            return;
        };
        let target = format!("`{}` ({schema_name})", t.name);
        self.base(t, &group, &target, schema);
        self.properties(t, &group, &target, schema);
        let spec_open = schema.get("additionalProperties").and_then(Value::as_bool) == Some(true);
        if t.open != spec_open {
            let (what, how) = if t.open {
                ("open", "`additionalProperties: true`")
            } else {
                ("closed", "no `additionalProperties: true`")
            };
            self.out.drift(
                group,
                "open-type",
                format!("make {target} {what} ({how}), as the metadata declares"),
                self.at(t.line),
            );
        }
    }

    /// The base type: one of the namespace is the first `$ref` of the schema's `allOf`;
    /// `microsoft.graph.entity` is represented by the inline `id` property.
    fn base(&mut self, t: &Structured, group: &str, target: &str, schema: &'a Value) {
        let spec_base = schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find_map(|part| part.get("$ref")?.as_str())
            .and_then(|r| r.rsplit('/').next());
        let metadata_base = t.base.as_deref().filter(|b| *b != ENTITY);
        if let Some(base) = metadata_base
            && self.model.structured(base).is_none()
        {
            self.out.info(
                group.to_string(),
                "base-outside",
                format!(
                    "the base type `{base}` of {target} is outside the schemas read: its properties are not compared"
                ),
                self.at(t.line),
            );
            return;
        }
        let expected = metadata_base.map(|b| {
            let short = b.rsplit('.').next().unwrap_or(b);
            let name = self.schema_for(b).map(|(n, _)| n.to_string());
            (short.to_string(), name)
        });
        let message = match (&expected, spec_base) {
            (None, None) => return,
            (Some((_, Some(name))), Some(spec)) if name == spec => return,
            (Some((short, name)), None) => format!(
                "make {target} `allOf` its base `{short}` ({})",
                name.as_deref().unwrap_or("a schema to add")
            ),
            (Some((short, name)), Some(spec)) => format!(
                "change the base of {target} from {spec} to `{short}` ({})",
                name.as_deref().unwrap_or("a schema to add")
            ),
            (None, Some(spec)) => {
                format!("remove the base {spec} from {target}: the metadata declares none")
            }
        };
        self.out
            .drift(group.to_string(), "base-type", message, self.at(t.line));
    }

    fn properties(&mut self, t: &'a Structured, group: &str, target: &str, schema: &'a Value) {
        let lineage = self.model.lineage(t);
        let key: &[String] = lineage
            .iter()
            .map(|t| t.key.as_slice())
            .find(|k| !k.is_empty())
            .unwrap_or(&[]);
        let declared: Vec<_> = lineage
            .iter()
            .rev()
            .flat_map(|t| t.properties.iter())
            .collect();
        let spec_properties = self.spec.properties(schema);
        for p in &declared {
            let ty = DocType::parse(&p.ty);
            let collection = matches!(ty, DocType::Collection(_));
            let Some((_, spec_property)) = spec_properties.iter().find(|(n, _)| *n == p.name)
            else {
                let mut notes = match (collection, p.nullable) {
                    (true, _) => String::new(),
                    (false, true) => ", nullable".into(),
                    (false, false) => ", not nullable".into(),
                };
                if key.contains(&p.name) {
                    notes.push_str(", the key");
                }
                self.out.drift(
                    group.to_string(),
                    "property-missing",
                    format!("add property `{}` ({ty}{notes}) to {target}", p.name),
                    self.at(p.line),
                );
                continue;
            };
            let spec_type = self.spec.doc_type(spec_property);
            if !spec_type.same_as(&ty) {
                self.out.drift(
                    group.to_string(),
                    "property-type",
                    format!(
                        "change the type of property `{}` of {target} from {spec_type} to {ty}",
                        p.name
                    ),
                    self.at(p.line),
                );
                continue;
            }
            // A collection is never null (an empty array); `Nullable` is about its items, which
            // the spec can state only for primitive items.
            let (spec_nullable, what) = match &ty {
                DocType::Collection(item) if matches!(**item, DocType::Primitive(_)) => (
                    spec_property
                        .get("items")
                        .is_some_and(|i| self.spec.nullable(i)),
                    "the items of property",
                ),
                DocType::Collection(_) => continue,
                _ => (self.spec.nullable(spec_property), "property"),
            };
            if p.nullable != spec_nullable {
                let word = if p.nullable {
                    "nullable"
                } else {
                    "not nullable"
                };
                self.out.drift(
                    group.to_string(),
                    "property-nullability",
                    format!("make {what} `{}` of {target} {word}", p.name),
                    self.at(p.line),
                );
            }
        }
        for (name, _) in spec_properties {
            if !declared.iter().any(|p| p.name == name) {
                self.out.drift(
                    group.to_string(),
                    "property-extra",
                    format!(
                        "remove property `{name}` from {target}: the metadata does not declare it"
                    ),
                    self.at(t.line),
                );
            }
        }
    }

    fn enumeration(&mut self, e: &Enum, used: &BTreeSet<String>) {
        let group = format!("enum {}", e.name);
        let full = format!("{}.{}", e.namespace, e.name);
        let Some((schema_name, spec_members)) = self.spec.enumeration(&e.name) else {
            if used.contains(&full) {
                let members: Vec<_> = e.members.iter().map(|m| format!("`{m}`")).collect();
                self.out.drift(
                    group,
                    "enum-missing",
                    format!("add enum `{}` with members {}", e.name, members.join(", ")),
                    self.at(e.line),
                );
            } else {
                self.out.info(
                    group,
                    "type-unused",
                    format!(
                        "enum `{}` is used by no property: the spec need not model it",
                        e.name
                    ),
                    self.at(e.line),
                );
            }
            return;
        };
        let target = format!("enum `{}` ({schema_name})", e.name);
        if e.flags {
            self.out.drift(
                group.clone(),
                "enum-flags",
                format!(
                    "{target} is a flags enum (`IsFlags`): a value is a comma-separated list of members, which a string enum rejects; model it as a string"
                ),
                self.at(e.line),
            );
        }
        for member in &e.members {
            if !spec_members.contains(member) {
                self.out.drift(
                    group.clone(),
                    "enum-member-missing",
                    format!("add member `{member}` to {target}"),
                    self.at(e.line),
                );
            }
        }
        for member in &spec_members {
            if !e.members.contains(member) {
                self.out.drift(
                    group.clone(),
                    "enum-member-extra",
                    format!(
                        "remove member `{member}` from {target}: the metadata does not declare it"
                    ),
                    self.at(e.line),
                );
            }
        }
        let evolvable = e.members.iter().position(|m| m == "unknownFutureValue");
        if let Some(after) = evolvable.map(|i| &e.members[i + 1..])
            && !after.is_empty()
        {
            let names: Vec<_> = after.iter().map(|m| format!("`{m}`")).collect();
            self.out.info(
                group,
                "enum-evolvable",
                format!(
                    "{target} has {} after `unknownFutureValue`: Graph sends such members only to clients that ask with `Prefer: include-unknown-enum-members`",
                    names.join(", ")
                ),
                self.at(e.line),
            );
        }
    }
}

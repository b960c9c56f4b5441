//! The resource half of the docs comparison: each resource page's properties (name, type,
//! stated nullability) and every enum the pages document, against the spec's schemas.

use std::collections::BTreeSet;

use serde_json::Value;

use super::compare::{Check, DocumentedEnum};
use super::docs::{DocType, Property, Resource};
use crate::findings::At;

impl<'a> Check<'a> {
    pub(super) fn resource(&mut self, resource: &Resource) {
        let group = format!("resource {}", resource.name);
        let Some((name, schema)) = self.spec.resource(&resource.name) else {
            self.out.drift(
                group,
                "resource-missing",
                format!("add a schema for resource `{}`", resource.name),
                resource.at.clone(),
            );
            return;
        };
        let target = format!("`{}` ({name})", resource.name);
        self.properties(&group, &target, schema, &resource.properties, &resource.at);

        let table: BTreeSet<&str> = resource
            .properties
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        for (key, at) in &resource.json_keys {
            if !table.contains(key.as_str()) {
                self.out.problem(
                    group.clone(),
                    "json-representation",
                    format!("the JSON representation lists `{key}`, the property table does not"),
                    at.clone(),
                );
            }
        }
        if !resource.json_keys.is_empty() {
            let keys: BTreeSet<&str> = resource.json_keys.iter().map(|(k, _)| k.as_str()).collect();
            for property in &resource.properties {
                if !keys.contains(property.name.as_str()) {
                    self.out.problem(
                        group.clone(),
                        "json-representation",
                        format!(
                            "the property table lists `{}`, the JSON representation does not",
                            property.name
                        ),
                        property.at.clone(),
                    );
                }
            }
        }
    }

    /// Compares a property table with the properties of `schema` (`target` names it in messages).
    pub(super) fn properties(
        &mut self,
        group: &str,
        target: &str,
        schema: &'a Value,
        documented: &[Property],
        at: &At,
    ) {
        let spec_properties = self.spec.properties(schema);
        for property in documented {
            if !property.members.is_empty()
                && let DocType::Named(name) = &property.ty
            {
                self.enums
                    .entry(name.to_ascii_lowercase())
                    .and_modify(|e| {
                        for m in &property.members {
                            if !e.members.contains(m) {
                                e.members.push(m.clone());
                            }
                        }
                    })
                    .or_insert_with(|| DocumentedEnum {
                        name: name.clone(),
                        members: property.members.clone(),
                        at: property.at.clone(),
                        group: group.to_string(),
                    });
            }
            let Some((_, spec_property)) =
                spec_properties.iter().find(|(n, _)| *n == property.name)
            else {
                let mut nullable = match (&property.ty, property.nullable) {
                    (DocType::Collection(_), _) => String::new(),
                    (_, Some(false)) => ", not nullable".into(),
                    _ => ", nullable".into(),
                };
                if property.required {
                    nullable.push_str(", required");
                }
                self.out.drift(
                    group.to_string(),
                    "property-missing",
                    format!(
                        "add property `{}` ({}{nullable}) to {target}",
                        property.name, property.ty
                    ),
                    property.at.clone(),
                );
                continue;
            };
            let spec_type = self.spec.doc_type(spec_property);
            if !spec_type.same_as(&property.ty) {
                self.out.drift(
                    group.to_string(),
                    "property-type",
                    format!(
                        "change the type of property `{}` of {target} from {spec_type} to {}",
                        property.name, property.ty
                    ),
                    property.at.clone(),
                );
            }
            if let Some(nullable) = property.nullable
                && nullable != self.spec.nullable(spec_property)
            {
                let word = if nullable { "nullable" } else { "not nullable" };
                self.out.drift(
                    group.to_string(),
                    "property-nullability",
                    format!("make property `{}` of {target} {word}", property.name),
                    property.at.clone(),
                );
            }
        }
        for (name, _) in spec_properties {
            if !documented.iter().any(|p| p.name == name) {
                self.out.drift(
                    group.to_string(),
                    "property-extra",
                    format!("remove property `{name}` from {target}: the docs do not list it"),
                    at.clone(),
                );
            }
        }
    }

    pub(super) fn enums(&mut self) {
        for documented in std::mem::take(&mut self.enums).into_values() {
            let DocumentedEnum {
                name,
                members,
                at,
                group,
            } = documented;
            let Some((schema_name, spec_members)) = self.spec.enumeration(&name) else {
                self.out.drift(
                    group,
                    "enum-missing",
                    format!(
                        "add enum `{name}` with members {}",
                        members
                            .iter()
                            .map(|m| format!("`{m}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    at,
                );
                continue;
            };
            for member in &members {
                if !spec_members.contains(member) {
                    self.out.drift(
                        group.clone(),
                        "enum-member-missing",
                        format!("add member `{member}` to enum `{name}` ({schema_name})"),
                        at.clone(),
                    );
                }
            }
            for member in &spec_members {
                if !members.contains(member) {
                    self.out.drift(
                        group.clone(),
                        "enum-member-extra",
                        format!(
                            "remove member `{member}` from enum `{name}` ({schema_name}): the docs do not list it"
                        ),
                        at.clone(),
                    );
                }
            }
        }
    }
}

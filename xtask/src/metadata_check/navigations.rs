//! The navigation half of the metadata comparison: the contained navigations from the
//! `security` root, walked to the spec's paths (a path nothing explains is drift; a navigation
//! no operation serves is information).

use std::collections::BTreeMap;

use serde_json::Value;

use super::compare::{Check, item_type};
use super::csdl::{Navigation, Structured, WHOLE};
use crate::spec_view::segments;

/// How deep the walk from the root goes before it stops (a cycle guard).
const MAX_DEPTH: usize = 12;

impl<'a> Check<'a> {
    /// Walks the contained navigations from `security/securityCopilot` and compares the paths
    /// they make with the spec's.
    pub(super) fn navigations(&mut self) {
        let root = self
            .model
            .types
            .iter()
            .filter(|t| t.name == "security" && !WHOLE.contains(&t.namespace.as_str()))
            .find_map(|t| {
                let n = t.navigations.iter().find(|n| n.name == "securityCopilot")?;
                Some((t, n))
            });
        let Some((root, n)) = root else {
            self.out.info(
                "navigation security.securityCopilot".into(),
                "navigation-root-missing",
                "no `security` entity type with a `securityCopilot` navigation: paths are not compared".into(),
                None,
            );
            return;
        };
        // `security` is Graph's singleton of that name: the paths start at `/security`. Its
        // other navigations belong to other namespaces.
        self.navigation(
            root,
            n,
            &["security".to_string()],
            &mut vec![root.full_name()],
        );

        let mut spec_paths: BTreeMap<String, &str> = BTreeMap::new();
        for op in &self.spec.ops {
            spec_paths.insert(shape(op.path), op.path);
        }
        for (shape, path) in spec_paths {
            if !self.reached.contains(&shape) {
                self.out.drift(
                    format!("path {path}"),
                    "path-unexplained",
                    format!("remove the operations at `{path}`: no contained navigation of the metadata leads there"),
                    None,
                );
            }
        }
    }

    fn walk(&mut self, t: &'a Structured, prefix: &[String], chain: &mut Vec<String>) {
        if chain.len() >= MAX_DEPTH || chain.contains(&t.full_name()) {
            return;
        }
        chain.push(t.full_name());
        for owner in self.model.lineage(t) {
            for n in &owner.navigations {
                self.navigation(owner, n, prefix, chain);
            }
        }
        chain.pop();
    }

    fn navigation(
        &mut self,
        owner: &'a Structured,
        n: &'a Navigation,
        prefix: &[String],
        chain: &mut Vec<String>,
    ) {
        let group = format!("navigation {}.{}", owner.name, n.name);
        if !n.contains_target {
            self.out.info(
                group,
                "navigation-not-contained",
                format!(
                    "`{}` is not contained (no `ContainsTarget`): it adds no path of its own; not compared",
                    n.name
                ),
                self.at(n.line),
            );
            return;
        }
        let (target, collection) = item_type(&n.ty);
        let mut path = prefix.to_vec();
        path.push(n.name.clone());
        let mut shown = vec![format!("/{}", path.join("/"))];
        if collection {
            // Shown in the spec's style (`{sessionId}`); compared without the name.
            let short = target.rsplit('.').next().unwrap_or(target);
            path.push(format!("{{{short}Id}}"));
            shown.push(format!("/{}", path.join("/")));
        }
        let shapes: Vec<String> = shown.iter().map(|p| shape(p)).collect();
        self.reached.extend(shapes.iter().cloned());
        let ops: Vec<_> = self
            .spec
            .ops
            .iter()
            .filter(|op| shapes.contains(&shape(op.path)))
            .cloned()
            .collect();
        if ops.is_empty() {
            self.out.info(
                group.clone(),
                "navigation-undocumented",
                format!(
                    "no operation of the spec serves `{}`: the spec covers documented operations only; nothing to change until one is documented",
                    shown[0]
                ),
                self.at(n.line),
            );
        }
        let expected = format!("#{target}");
        for op in ops {
            for code in self.spec.success_codes(&op) {
                let Some(schema) = self.spec.response_schema(&op, code) else {
                    continue;
                };
                let returned = if self.spec.is_collection(schema) {
                    self.spec
                        .validator
                        .resolve(schema)
                        .and_then(|s| s.pointer("/properties/value/items"))
                } else {
                    Some(schema)
                };
                let odata = returned
                    .and_then(|s| self.spec.validator.resolve(s))
                    .and_then(|s| s.get("x-odata-type"))
                    .and_then(Value::as_str);
                if odata.is_some_and(|o| o != expected) {
                    let name = returned.map_or("?".into(), |s| self.spec.name_of(s));
                    self.out.drift(
                        group.clone(),
                        "navigation-type",
                        format!(
                            "`{}` returns {name}, but `{}` holds `{target}`: make it return that type's schema",
                            op.id, n.name
                        ),
                        self.at(n.line),
                    );
                }
            }
        }
        if let Some(next) = self.model.structured(target) {
            self.walk(next, &path, chain);
        }
    }
}

/// `/a/{x}/b` → `/a/{}/b`.
fn shape(path: &str) -> String {
    let parts: Vec<_> = segments(path)
        .into_iter()
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect();
    format!("/{}", parts.join("/"))
}

//! What changed between two surfaces of the generated client, each change marked breaking or
//! additive: the summary `cargo xtask generate` prints.

use std::collections::BTreeMap;

use crate::client_surface::{EnumDef, OperationFn, Shape, Surface};

/// One difference between two surfaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Whether code written against the old surface may stop compiling or decoding.
    pub breaking: bool,
    /// What changed.
    pub text: String,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = if self.breaking {
            "breaking"
        } else {
            "additive"
        };
        write!(f, "{kind:<8}  {}", self.text)
    }
}

/// What changed from `old` to `new`. Added operations, types, optional fields and enum members
/// are additive; anything removed, a changed signature or field type, or a new required field
/// is breaking (operation arguments are positional, so any signature change breaks callers).
pub fn changes(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut out = Vec::new();
    let mut push = |breaking: bool, text: String| out.push(Change { breaking, text });

    let old_ops: BTreeMap<&str, &OperationFn> = old
        .operations
        .iter()
        .map(|o| (o.name.as_str(), o))
        .collect();
    let new_ops: BTreeMap<&str, &OperationFn> = new
        .operations
        .iter()
        .map(|o| (o.name.as_str(), o))
        .collect();
    for (name, op) in &new_ops {
        match old_ops.get(name) {
            None => push(
                false,
                format!("operation `{name}` added ({} {})", op.method, op.path),
            ),
            Some(before) if before != op => {
                let sig = |o: &OperationFn| format!("({}) -> {}", o.args.join(", "), o.returns);
                push(
                    true,
                    format!(
                        "operation `{name}` changed: {} {} {} → {} {} {}",
                        before.method,
                        before.path,
                        sig(before),
                        op.method,
                        op.path,
                        sig(op)
                    ),
                );
            }
            _ => {}
        }
    }
    for name in old_ops.keys().filter(|n| !new_ops.contains_key(*n)) {
        push(true, format!("operation `{name}` removed"));
    }

    let old_types: BTreeMap<&str, &Shape> = old
        .types
        .iter()
        .map(|t| (t.name.as_str(), &t.shape))
        .collect();
    let new_types: BTreeMap<&str, &Shape> = new
        .types
        .iter()
        .map(|t| (t.name.as_str(), &t.shape))
        .collect();
    for (name, shape) in &new_types {
        let Some(before) = old_types.get(name) else {
            push(false, format!("type `{name}` added"));
            continue;
        };
        match (before, shape) {
            (Shape::Fields(a), Shape::Fields(b)) => {
                for f in b {
                    match a.iter().find(|x| x.name == f.name) {
                        None => push(
                            !f.ty.starts_with("Option<"),
                            format!("field `{name}.{}` ({}, \"{}\") added", f.name, f.ty, f.wire),
                        ),
                        Some(x) if x != f => push(
                            true,
                            format!(
                                "field `{name}.{}` changed: {} \"{}\" → {} \"{}\"",
                                f.name, x.ty, x.wire, f.ty, f.wire
                            ),
                        ),
                        _ => {}
                    }
                }
                for f in a.iter().filter(|x| !b.iter().any(|f| f.name == x.name)) {
                    push(true, format!("field `{name}.{}` removed", f.name));
                }
            }
            (a, b) if a != b => push(true, format!("type `{name}` changed shape")),
            _ => {}
        }
    }
    for name in old_types.keys().filter(|n| !new_types.contains_key(*n)) {
        push(true, format!("type `{name}` removed"));
    }

    let old_enums: BTreeMap<&str, &EnumDef> =
        old.enums.iter().map(|e| (e.name.as_str(), e)).collect();
    for e in &new.enums {
        let Some(before) = old_enums.get(e.name.as_str()) else {
            push(false, format!("enum `{}` added", e.name));
            continue;
        };
        for m in e.members.iter().filter(|m| !before.members.contains(m)) {
            push(
                false,
                format!("enum member `{}::{}` (\"{}\") added", e.name, m.0, m.1),
            );
        }
        for m in before.members.iter().filter(|m| !e.members.contains(m)) {
            push(
                true,
                format!("enum member `{}::{}` (\"{}\") removed", e.name, m.0, m.1),
            );
        }
    }
    for name in old_enums
        .keys()
        .filter(|n| !new.enums.iter().any(|e| e.name == **n))
    {
        push(true, format!("enum `{name}` removed"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client_surface::parse;

    const OLD: &str = r#"
        impl Client {
            pub async fn get_session<'a>(&'a self, workspace_id: &'a str) -> Result<ResponseValue<types::Session>, Error<types::ODataError>> {
                let url = format!("{}/sessions/{}", self.baseurl, encode_path(&workspace_id.to_string()));
                let request = self.client.get(url);
            }
            pub async fn gone(&self) -> Result<(), ()> {}
        }
        pub mod types {
            open_enum! { State { Created = "created", Old = "old", } }
            pub struct Session { #[serde(rename = "displayName")] pub display_name: Option<String>, pub id: Option<String> }
            pub struct Removed { pub x: i32 }
        }
    "#;

    const NEW: &str = r#"
        impl Client {
            pub async fn get_session<'a>(&'a self, workspace_id: &'a str, select: Option<&'a str>) -> Result<ResponseValue<types::Session>, Error<types::ODataError>> {
                let url = format!("{}/sessions/{}", self.baseurl, encode_path(&workspace_id.to_string()));
                let request = self.client.get(url);
            }
            pub async fn list_all(&self) -> Result<(), ()> {}
        }
        pub mod types {
            open_enum! { State { Created = "created", Running = "running", } }
            pub struct Session { #[serde(rename = "displayName")] pub display_name: Option<String>, pub pinned: Option<String>, pub id: String }
            pub struct Added { pub y: Option<i32> }
        }
    "#;

    #[test]
    fn changes_are_classified() {
        let (old, new) = (parse(OLD).unwrap(), parse(NEW).unwrap());
        assert_eq!(old.operations[0].path, "/sessions/{workspace_id}");
        let rendered: Vec<String> = changes(&old, &new)
            .iter()
            .map(ToString::to_string)
            .collect();
        let expected = [
            "breaking  operation `get_session` changed: GET /sessions/{workspace_id} (workspace_id: &'a str) -> Result<ResponseValue<Session>, Error<ODataError>> → GET /sessions/{workspace_id} (workspace_id: &'a str, select: Option<&'a str>) -> Result<ResponseValue<Session>, Error<ODataError>>",
            "additive  operation `list_all` added (? ?)",
            "breaking  operation `gone` removed",
            "additive  type `Added` added",
            "additive  field `Session.pinned` (Option<String>, \"pinned\") added",
            "breaking  field `Session.id` changed: Option<String> \"id\" → String \"id\"",
            "breaking  type `Removed` removed",
            "additive  enum member `State::Running` (\"running\") added",
            "breaking  enum member `State::Old` (\"old\") removed",
        ];
        assert_eq!(rendered, expected);
        assert!(changes(&new, &new).is_empty());
    }

    /// prettyplease (like rustfmt) ends a line-broken generic argument list with a comma; the
    /// surface must not see it, or a change of layout would read as a breaking change.
    #[test]
    fn a_trailing_comma_of_a_broken_generic_list_is_no_change() {
        let broken = OLD
            .replace(
                "Result<ResponseValue<types::Session>, Error<types::ODataError>>",
                "Result<\n ResponseValue<types::Session>,\n Error<types::ODataError,>,\n>",
            )
            .replace("pub id: Option<String>", "pub id: Option<\n String,\n>");
        assert_ne!(broken, OLD);
        let (old, laid_out) = (parse(OLD).unwrap(), parse(&broken).unwrap());
        assert_eq!(
            laid_out.operations[0].returns,
            "Result<ResponseValue<Session>, Error<ODataError>>"
        );
        assert!(changes(&old, &laid_out).is_empty());
    }
}

//! The public surface of the generated client, read from `generated.rs` with `syn`: operations
//! (method, path, signature), types (fields with Rust types and wire names) and open enums.
//!
//! One extractor serves two readers: the surface snapshot test in `copilot-api` renders it, and
//! `cargo xtask generate` diffs two surfaces into a breaking/additive summary.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use proc_macro2::{Delimiter, TokenTree};
use quote::ToTokens;
use syn::{ImplItem, Item};

/// The generated client's surface.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Surface {
    /// Operation methods in spec order.
    pub operations: Vec<Operation>,
    /// Types of `mod types`, sorted by name as typify emits them.
    pub types: Vec<TypeDef>,
    /// Open enums in spec order.
    pub enums: Vec<EnumDef>,
}

/// One operation method.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// snake_case method name.
    pub name: String,
    /// HTTP method.
    pub method: String,
    /// Path with `{argument}` placeholders.
    pub path: String,
    /// Arguments after `&self`, as `name: Type`.
    pub args: Vec<String>,
    /// The return type.
    pub returns: String,
}

/// A type of `mod types`.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Rust name.
    pub name: String,
    /// Its shape.
    pub shape: Shape,
}

/// What a type is.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A struct with named fields.
    Fields(Vec<Field>),
    /// A newtype (e.g. a free-form map).
    Newtype(String),
    /// A closed enum typify generated (there should be none).
    ClosedEnum,
}

/// A struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Rust name.
    pub name: String,
    /// JSON name.
    pub wire: String,
    /// Rust type.
    pub ty: String,
}

/// An open enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    /// Rust name.
    pub name: String,
    /// `Variant = "wire"` pairs.
    pub members: Vec<(String, String)>,
}

/// Tokens as compact Rust: `Option<&'a str>` rather than `Option < & 'a str >`.
pub fn compact_tokens(tokens: impl ToTokens) -> String {
    let mut s = tokens.to_token_stream().to_string();
    for (from, to) in [
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        ("& '", "&'"),
        ("& ", "&"),
        (" ,", ","),
        (" : ", ": "),
        (":: ", "::"),
        (" ::", "::"),
        ("( ", "("),
        (" )", ")"),
    ] {
        s = s.replace(from, to);
    }
    s
}

/// [`compact_tokens`] with the generated code's absolute paths shortened (`Option<String>`,
/// `DateTime<Utc>`, `Session`).
pub fn render_tokens(tokens: impl ToTokens) -> String {
    let mut s = compact_tokens(tokens);
    for (from, to) in [
        ("::std::option::", ""),
        ("::std::string::", ""),
        ("::std::vec::", ""),
        ("::chrono::offset::", ""),
        ("::chrono::", ""),
        ("::serde_json::", "serde_json::"),
        ("crate::types::", ""),
        ("types::", ""),
    ] {
        s = s.replace(from, to);
    }
    s
}

/// Reads the surface of generated code.
pub fn parse(source: &str) -> Result<Surface, String> {
    let file =
        syn::parse_file(source).map_err(|e| format!("the generated code does not parse: {e}"))?;
    let mut surface = Surface::default();
    for item in &file.items {
        match item {
            Item::Impl(imp) if imp.trait_.is_none() && render_tokens(&imp.self_ty) == "Client" => {
                for member in &imp.items {
                    if let ImplItem::Fn(f) = member
                        && matches!(f.vis, syn::Visibility::Public(_))
                        && f.sig.asyncness.is_some()
                    {
                        surface.operations.push(operation(f));
                    }
                }
            }
            Item::Mod(m) if m.ident == "types" => {
                for inner in m
                    .content
                    .as_ref()
                    .map(|c| c.1.as_slice())
                    .unwrap_or_default()
                {
                    match inner {
                        Item::Struct(s) => surface.types.push(type_def(s)),
                        Item::Enum(e) => surface.types.push(TypeDef {
                            name: e.ident.to_string(),
                            shape: Shape::ClosedEnum,
                        }),
                        Item::Macro(m) if m.mac.path.is_ident("open_enum") => {
                            surface.enums.push(open_enum(&m.mac.tokens))
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(surface)
}

fn operation(f: &syn::ImplItemFn) -> Operation {
    let text = f.block.to_token_stream().to_string();
    let template = text
        .split("\"{}")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("?");
    // The format! arguments after the base URL are `encode_path(&name.to_string())`, in order.
    let mut path = template.to_string();
    for name in text
        .split("encode_path (& ")
        .skip(1)
        .filter_map(|rest| rest.split(" . to_string").next())
    {
        path = path.replacen("{}", &format!("{{{name}}}"), 1);
    }
    let method = ["get", "post", "patch", "put", "delete"]
        .into_iter()
        .find(|m| text.contains(&format!(". {m} (url)")))
        .unwrap_or("?")
        .to_uppercase();
    let returns = match &f.sig.output {
        syn::ReturnType::Type(_, ty) => render_tokens(ty),
        syn::ReturnType::Default => "()".into(),
    };
    Operation {
        name: f.sig.ident.to_string(),
        method,
        path,
        args: f.sig.inputs.iter().skip(1).map(render_tokens).collect(),
        returns,
    }
}

fn type_def(s: &syn::ItemStruct) -> TypeDef {
    let shape = match &s.fields {
        syn::Fields::Named(named) => Shape::Fields(
            named
                .named
                .iter()
                .map(|field| {
                    let name = field
                        .ident
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    let wire = field
                        .attrs
                        .iter()
                        .filter(|a| a.path().is_ident("serde"))
                        .find_map(|a| {
                            let text = a.to_token_stream().to_string();
                            let rest = text.split("rename = \"").nth(1)?;
                            Some(rest.split('"').next()?.to_string())
                        })
                        .unwrap_or_else(|| name.clone());
                    Field {
                        name,
                        wire,
                        ty: render_tokens(&field.ty),
                    }
                })
                .collect(),
        ),
        syn::Fields::Unnamed(unnamed) => Shape::Newtype(
            unnamed
                .unnamed
                .iter()
                .map(|f| render_tokens(&f.ty))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        syn::Fields::Unit => Shape::Newtype(String::new()),
    };
    TypeDef {
        name: s.ident.to_string(),
        shape,
    }
}

/// `/// doc  Name { Variant = "wire", ... }`.
fn open_enum(tokens: &proc_macro2::TokenStream) -> EnumDef {
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let name = trees
        .iter()
        .find_map(|t| match t {
            TokenTree::Ident(i) => Some(i.to_string()),
            _ => None,
        })
        .unwrap_or_default();
    let body = trees
        .iter()
        .find_map(|t| match t {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                Some(g.stream().to_string())
            }
            _ => None,
        })
        .unwrap_or_default();
    let members = body
        .split(',')
        .filter_map(|pair| {
            let (variant, wire) = pair.split_once('=')?;
            Some((
                variant.trim().to_string(),
                wire.trim().trim_matches('"').to_string(),
            ))
        })
        .collect();
    EnumDef { name, members }
}

impl Surface {
    /// Operations as snapshot text.
    pub fn render_operations(&self) -> String {
        let mut out = String::new();
        for op in &self.operations {
            let _ = writeln!(
                out,
                "{}:\n  request: {} {}\n  args:",
                op.name, op.method, op.path
            );
            for arg in &op.args {
                let _ = writeln!(out, "    - {arg}");
            }
            let _ = writeln!(out, "  returns: {}", op.returns);
        }
        out
    }

    /// Types as snapshot text.
    pub fn render_types(&self) -> String {
        let mut out = String::new();
        for t in &self.types {
            match &t.shape {
                Shape::Fields(fields) => {
                    let _ = writeln!(out, "{}:", t.name);
                    for f in fields {
                        let _ = writeln!(out, "  {}: {}  # {:?}", f.name, f.ty, f.wire);
                    }
                }
                Shape::Newtype(inner) => {
                    let _ = writeln!(out, "{}:\n  newtype: {inner}", t.name);
                }
                Shape::ClosedEnum => {
                    let _ = writeln!(out, "{}: enum (closed, generated by typify)", t.name);
                }
            }
        }
        out
    }

    /// Open enums as snapshot text.
    pub fn render_enums(&self) -> String {
        let mut out = String::new();
        for e in &self.enums {
            let _ = writeln!(out, "{}: open (Other(String) keeps unknown values)", e.name);
            for (variant, wire) in &e.members {
                let _ = writeln!(out, "  - {variant} = \"{wire}\"");
            }
        }
        out
    }
}

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

    let old_ops: BTreeMap<&str, &Operation> = old
        .operations
        .iter()
        .map(|o| (o.name.as_str(), o))
        .collect();
    let new_ops: BTreeMap<&str, &Operation> = new
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
                let sig = |o: &Operation| format!("({}) -> {}", o.args.join(", "), o.returns);
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
}

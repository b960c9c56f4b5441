//! The public surface of the generated client, read from `generated.rs` with `syn`: operation
//! methods (HTTP method, path, signature), types (fields with Rust types and wire names) and open
//! enums, and its renderer (the `surface__*` snapshots of `copilot-api`).
//!
//! Read by the surface snapshot test, by `cargo xtask generate` (the breaking/additive summary in
//! [`crate::changes`], and the operation catalogue, which takes method names and argument order
//! from here).

use std::fmt::Write as _;

use proc_macro2::{Delimiter, TokenTree};
use quote::ToTokens;
use syn::{ImplItem, Item};

/// The generated client's surface.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Surface {
    /// Operation methods in spec order.
    pub operations: Vec<OperationFn>,
    /// Types of `mod types`, sorted by name as typify emits them.
    pub types: Vec<TypeDef>,
    /// Open enums in spec order.
    pub enums: Vec<EnumDef>,
}

/// One operation method of `Client`.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationFn {
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

/// Tokens as compact Rust: `Option<&'a str>` rather than `Option < & 'a str >`, and without the
/// trailing comma a line-broken generic argument list has (`Result<A, B,>` → `Result<A, B>`), so
/// the text does not depend on how the source was laid out.
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
        (",>", ">"),
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

fn operation(f: &syn::ImplItemFn) -> OperationFn {
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
    OperationFn {
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

//! The surface guard: a readable summary of the generated public API, parsed from
//! `src/generated.rs` with `syn` (not from the spec, so a progenitor upgrade shows up too).
//!
//! Three snapshots: operations (method, path, Rust signature), types (fields with their Rust
//! types and wire names) and enums (members). A spec change shows as a small `.snap` diff.

use std::fmt::Write as _;

use quote::ToTokens;
use syn::{ImplItem, Item};

fn generated() -> syn::File {
    let text = include_str!("../src/generated.rs");
    syn::parse_file(text).expect("generated.rs parses")
}

/// Tokens as compact, readable Rust (`Option<&'a str>`, `Vec<Session>`).
fn render(tokens: impl ToTokens) -> String {
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

fn types_module(file: &syn::File) -> &[Item] {
    file.items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|c| c.1.as_slice()),
            _ => None,
        })
        .expect("mod types")
}

/// The string literal of the `format!` that builds the URL, and the reqwest method called.
fn method_and_path(body: &syn::Block) -> (String, String) {
    let text = body.to_token_stream().to_string();
    let template = text
        .split("\"{}")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("?");
    // The format! arguments after the base URL are `encode_path(&name.to_string())`, in order.
    let names = text
        .split("encode_path (& ")
        .skip(1)
        .filter_map(|rest| rest.split(" . to_string").next());
    let mut path = template.to_string();
    for name in names {
        path = path.replacen("{}", &format!("{{{name}}}"), 1);
    }
    let method = ["get", "post", "patch", "put", "delete"]
        .into_iter()
        .find(|m| text.contains(&format!(". {m} (url)")))
        .unwrap_or("?")
        .to_uppercase();
    (method, path)
}

#[test]
fn operations() {
    let file = generated();
    let mut out = String::new();
    for item in &file.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || render(&imp.self_ty) != "Client" {
            continue;
        }
        for member in &imp.items {
            let ImplItem::Fn(f) = member else { continue };
            if !matches!(f.vis, syn::Visibility::Public(_)) || f.sig.asyncness.is_none() {
                continue;
            }
            let (method, path) = method_and_path(&f.block);
            let args: Vec<String> = f.sig.inputs.iter().skip(1).map(render).collect();
            let output = match &f.sig.output {
                syn::ReturnType::Type(_, ty) => render(ty),
                syn::ReturnType::Default => "()".into(),
            };
            writeln!(out, "{}:", f.sig.ident).unwrap();
            writeln!(out, "  request: {method} {path}").unwrap();
            writeln!(out, "  args:").unwrap();
            for arg in args {
                writeln!(out, "    - {arg}").unwrap();
            }
            writeln!(out, "  returns: {output}").unwrap();
        }
    }
    insta::assert_snapshot!("operations", out);
}

#[test]
fn types() {
    let file = generated();
    let mut out = String::new();
    for item in types_module(&file) {
        match item {
            Item::Struct(s) => {
                writeln!(out, "{}:", s.ident).unwrap();
                match &s.fields {
                    syn::Fields::Named(named) => {
                        for field in &named.named {
                            let name = field.ident.as_ref().unwrap().to_string();
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
                            writeln!(out, "  {name}: {}  # {wire:?}", render(&field.ty)).unwrap();
                        }
                    }
                    syn::Fields::Unnamed(unnamed) => {
                        let inner: Vec<String> =
                            unnamed.unnamed.iter().map(|f| render(&f.ty)).collect();
                        writeln!(out, "  newtype: {}", inner.join(", ")).unwrap();
                    }
                    syn::Fields::Unit => writeln!(out, "  unit").unwrap(),
                }
            }
            Item::Enum(e) => {
                writeln!(out, "{}: enum (closed, generated by typify)", e.ident).unwrap();
            }
            _ => {}
        }
    }
    insta::assert_snapshot!("types", out);
}

#[test]
fn enums() {
    let file = generated();
    let mut out = String::new();
    for item in types_module(&file) {
        let Item::Macro(m) = item else { continue };
        if !m.mac.path.is_ident("open_enum") {
            continue;
        }
        // `/// doc  Name { Variant = "wire", ... }`
        let tokens: Vec<proc_macro2::TokenTree> = m.mac.tokens.clone().into_iter().collect();
        let name = tokens
            .iter()
            .find_map(|t| match t {
                proc_macro2::TokenTree::Ident(i) => Some(i.to_string()),
                _ => None,
            })
            .unwrap();
        let body = tokens
            .iter()
            .find_map(|t| match t {
                proc_macro2::TokenTree::Group(g)
                    if g.delimiter() == proc_macro2::Delimiter::Brace =>
                {
                    Some(g.stream())
                }
                _ => None,
            })
            .unwrap();
        writeln!(out, "{name}: open (Other(String) keeps unknown values)").unwrap();
        let members = body.to_string();
        for pair in members.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            writeln!(out, "  - {pair}").unwrap();
        }
    }
    insta::assert_snapshot!("enums", out);
}

#[test]
fn no_closed_enum_is_left_in_the_types() {
    // Every spec enum must go through open_enum!, so a new service value never fails a response.
    let file = generated();
    let closed: Vec<String> = types_module(&file)
        .iter()
        .filter_map(|item| match item {
            Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    assert!(closed.is_empty(), "closed enums: {closed:?}");
}

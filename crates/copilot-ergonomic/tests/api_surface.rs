//! The API guard: every public item of this crate (types, variants, fields, methods with their
//! signatures, trait impls, re-exports), listed from `src/` with `syn` and snapshotted, so a change
//! to what users call shows up as a small `.snap` diff in review.

use std::fmt::Write as _;

use copilot_spec::surface::compact_tokens;
use quote::ToTokens;
use syn::{ImplItem, Item, TraitItem, Visibility};

fn tokens(t: impl ToTokens) -> String {
    compact_tokens(t).replace(" (", "(")
}

fn public(v: &Visibility) -> bool {
    matches!(v, Visibility::Public(_))
}

fn cfg_note(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .map(|a| format!(" [{}]", tokens(&a.meta)))
        .collect()
}

/// A variant's or struct's fields without their doc attributes.
fn fields(f: &syn::Fields) -> String {
    let each = |f: &syn::Field| match &f.ident {
        Some(name) => format!("{name}: {}", tokens(&f.ty)),
        None => tokens(&f.ty),
    };
    match f {
        syn::Fields::Named(n) => format!(
            " {{ {} }}",
            n.named.iter().map(each).collect::<Vec<_>>().join(", ")
        ),
        syn::Fields::Unnamed(u) => format!(
            "({})",
            u.unnamed.iter().map(each).collect::<Vec<_>>().join(", ")
        ),
        syn::Fields::Unit => String::new(),
    }
}

/// The names of the public types, so impls on private helper types stay out of the listing.
fn public_types(files: &[syn::File]) -> Vec<String> {
    files
        .iter()
        .flat_map(|f| &f.items)
        .filter_map(|item| match item {
            Item::Struct(s) if public(&s.vis) => Some(s.ident.to_string()),
            Item::Enum(e) if public(&e.vis) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect()
}

fn list_item(item: &Item, public_types: &[String], out: &mut String) {
    match item {
        Item::Use(u) if public(&u.vis) => {
            writeln!(out, "pub use {}{}", tokens(&u.tree), cfg_note(&u.attrs)).unwrap()
        }
        Item::Const(c) if public(&c.vis) => {
            writeln!(out, "pub const {}: {}", c.ident, tokens(&c.ty)).unwrap()
        }
        Item::Type(t) if public(&t.vis) => writeln!(
            out,
            "pub type {}{} = {}",
            t.ident,
            tokens(&t.generics),
            tokens(&t.ty)
        )
        .unwrap(),
        Item::Fn(f) if public(&f.vis) => writeln!(out, "{}", tokens(&f.sig)).unwrap(),
        Item::Struct(s) if public(&s.vis) => {
            writeln!(out, "pub struct {}{}", s.ident, tokens(&s.generics)).unwrap();
            for field in &s.fields {
                if public(&field.vis) {
                    let name = field
                        .ident
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    writeln!(out, "    pub {name}: {}", tokens(&field.ty)).unwrap();
                }
            }
        }
        Item::Enum(e) if public(&e.vis) => {
            writeln!(out, "pub enum {}{}", e.ident, tokens(&e.generics)).unwrap();
            for v in &e.variants {
                writeln!(out, "    {}{}", v.ident, fields(&v.fields)).unwrap();
            }
        }
        Item::Trait(t) if public(&t.vis) => {
            let supertraits = if t.supertraits.is_empty() {
                String::new()
            } else {
                format!(": {}", tokens(&t.supertraits))
            };
            writeln!(out, "pub trait {}{supertraits}", t.ident).unwrap();
            for member in &t.items {
                if let TraitItem::Fn(f) = member {
                    writeln!(out, "    {}", tokens(&f.sig)).unwrap();
                }
            }
        }
        Item::Impl(imp) => {
            let on = tokens(&imp.self_ty);
            let base = on.split('<').next().unwrap_or_default().to_string();
            if !public_types.contains(&base) {
                return;
            }
            match &imp.trait_ {
                Some((_, path, _)) => writeln!(
                    out,
                    "impl {} for {on}{}",
                    tokens(path),
                    cfg_note(&imp.attrs)
                )
                .unwrap(),
                None => {
                    for member in &imp.items {
                        if let ImplItem::Fn(f) = member
                            && public(&f.vis)
                        {
                            let sig = tokens(&f.sig);
                            let sig = sig.strip_prefix("fn ").unwrap_or(&sig);
                            writeln!(out, "{on}::{sig}{}", cfg_note(&f.attrs)).unwrap();
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

#[test]
fn public_api() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<_> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let parsed: Vec<syn::File> = files
        .iter()
        .map(|p| syn::parse_file(&std::fs::read_to_string(p).unwrap()).unwrap())
        .collect();
    let types = public_types(&parsed);
    let mut out = String::new();
    for (path, file) in files.iter().zip(&parsed) {
        let mut section = String::new();
        for item in &file.items {
            list_item(item, &types, &mut section);
        }
        if !section.is_empty() {
            writeln!(out, "# {}", path.file_name().unwrap().to_string_lossy()).unwrap();
            out.push_str(&section);
        }
    }
    insta::assert_snapshot!("public_api", out);
}

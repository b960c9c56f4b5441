//! The public API of a hand-written crate, listed from its `src/` with `syn`: types, variants,
//! fields, methods with their signatures, trait impls and re-exports, one section per file (the
//! `api_surface__public_api` snapshot of `copilot-ergonomic`).

use std::fmt::Write as _;
use std::path::Path;

use quote::ToTokens;
use syn::{ImplItem, Item, TraitItem, Visibility};

/// Lists every public item of the `.rs` files directly in `src` (sorted by file name), as
/// `# file.rs` sections.
pub fn list_public_api(src: &Path) -> Result<String, String> {
    let mut files: Vec<_> = std::fs::read_dir(src)
        .map_err(|e| format!("{}: {e}", src.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    let mut parsed = Vec::with_capacity(files.len());
    for path in &files {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        parsed.push(syn::parse_file(&text).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    let types = public_types(&parsed);
    let mut out = String::new();
    for (path, file) in files.iter().zip(&parsed) {
        let mut section = String::new();
        for item in &file.items {
            list_item(item, &types, &mut section);
        }
        if !section.is_empty() {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let _ = writeln!(out, "# {name}");
            out.push_str(&section);
        }
    }
    Ok(out)
}

fn tokens(t: impl ToTokens) -> String {
    crate::client_surface::compact_tokens(t).replace(" (", "(")
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
            writeln!(out, "pub use {}{}", tokens(&u.tree), cfg_note(&u.attrs))
                .expect("writing to a String cannot fail")
        }
        Item::Const(c) if public(&c.vis) => {
            writeln!(out, "pub const {}: {}", c.ident, tokens(&c.ty))
                .expect("writing to a String cannot fail")
        }
        Item::Type(t) if public(&t.vis) => writeln!(
            out,
            "pub type {}{} = {}",
            t.ident,
            tokens(&t.generics),
            tokens(&t.ty)
        )
        .expect("writing to a String cannot fail"),
        Item::Fn(f) if public(&f.vis) => {
            writeln!(out, "{}", tokens(&f.sig)).expect("writing to a String cannot fail")
        }
        Item::Struct(s) if public(&s.vis) => {
            writeln!(out, "pub struct {}{}", s.ident, tokens(&s.generics))
                .expect("writing to a String cannot fail");
            for field in &s.fields {
                if public(&field.vis) {
                    let name = field
                        .ident
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    writeln!(out, "    pub {name}: {}", tokens(&field.ty))
                        .expect("writing to a String cannot fail");
                }
            }
        }
        Item::Enum(e) if public(&e.vis) => {
            writeln!(out, "pub enum {}{}", e.ident, tokens(&e.generics))
                .expect("writing to a String cannot fail");
            for v in &e.variants {
                writeln!(out, "    {}{}", v.ident, fields(&v.fields))
                    .expect("writing to a String cannot fail");
            }
        }
        Item::Trait(t) if public(&t.vis) => {
            let supertraits = if t.supertraits.is_empty() {
                String::new()
            } else {
                format!(": {}", tokens(&t.supertraits))
            };
            writeln!(out, "pub trait {}{supertraits}", t.ident)
                .expect("writing to a String cannot fail");
            for member in &t.items {
                if let TraitItem::Fn(f) = member {
                    writeln!(out, "    {}", tokens(&f.sig))
                        .expect("writing to a String cannot fail");
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
                .expect("writing to a String cannot fail"),
                None => {
                    for member in &imp.items {
                        if let ImplItem::Fn(f) = member
                            && public(&f.vis)
                        {
                            let sig = tokens(&f.sig);
                            let sig = sig.strip_prefix("fn ").unwrap_or(&sig);
                            writeln!(out, "{on}::{sig}{}", cfg_note(&f.attrs))
                                .expect("writing to a String cannot fail");
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

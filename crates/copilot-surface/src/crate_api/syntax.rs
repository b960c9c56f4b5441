//! Pieces of syntax as the listing writes them: the attributes that are API
//! (`#[non_exhaustive]`, `#[must_use]`, ..) as a prefix, cfg notes, signatures without argument
//! patterns' `mut`, generics with their where clause, a type as an impl or a derive names it
//! (lifetimes as `'_`), pub fields, and the traits a `#[derive]` implements.

use syn::punctuated::Punctuated;
use syn::{Attribute, Fields, Signature, Type};

use super::reach::public;
use super::tokens;

/// `#[doc(hidden)]`, `#[deprecated]`, `#[must_use]`, `#[non_exhaustive]` and `#[repr(..)]`, as
/// a prefix (messages dropped: they are not API).
pub(crate) fn attr_prefix(attrs: &[Attribute]) -> String {
    let mut out = String::new();
    for (name, shown) in [
        ("doc", "#[doc(hidden)] "),
        ("deprecated", "#[deprecated] "),
        ("must_use", "#[must_use] "),
        ("non_exhaustive", "#[non_exhaustive] "),
    ] {
        let hit = attrs.iter().any(|a| {
            a.path().is_ident(name) && (name != "doc" || tokens(&a.meta).contains("hidden"))
        });
        if hit {
            out.push_str(shown);
        }
    }
    for a in attrs.iter().filter(|a| a.path().is_ident("repr")) {
        out.push_str(&format!("#[{}] ", tokens(&a.meta)));
    }
    out
}

/// ` [cfg(..)]` for each cfg not already in `shown`.
pub(crate) fn cfg_note(cfg: &[String], shown: &[String]) -> String {
    cfg.iter()
        .filter(|c| !shown.contains(c))
        .map(|c| format!(" [{c}]"))
        .collect()
}

/// Lifetimes other than `'static` written as `'_`, so `impl Debug for AskMany<'_>` and a derive's
/// `AskMany<'a>` read the same.
pub(crate) fn elide_lifetimes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '\'' {
            continue;
        }
        let mut name = String::new();
        while let Some(n) = chars
            .peek()
            .copied()
            .filter(|n| n.is_alphanumeric() || *n == '_')
        {
            name.push(n);
            chars.next();
        }
        out.push_str(if name == "static" { "static" } else { "_" });
    }
    out
}

/// A type as an impl names it, with its name as users know it: `AskMany<'_>`, `&List<T>`
/// (lifetimes as written, `AskMany<'a>`, unless `elide`).
pub(crate) fn self_text(ty: &Type, name: &str, elide: bool) -> String {
    let elided = |text: String| if elide { elide_lifetimes(&text) } else { text };
    match ty {
        Type::Reference(r) => {
            let m = if r.mutability.is_some() { "mut " } else { "" };
            let lifetime = match &r.lifetime {
                Some(l) if !elide => format!("{l} "),
                _ => String::new(),
            };
            format!("&{lifetime}{m}{}", self_text(&r.elem, name, elide))
        }
        Type::Paren(p) => self_text(&p.elem, name, elide),
        Type::Path(p) if p.qself.is_none() => match p.path.segments.last() {
            Some(last) => elided(format!("{name}{}", tokens(&last.arguments))),
            None => tokens(ty),
        },
        _ => elided(tokens(ty)),
    }
}

/// The type as its own generics name it: `Page<T>`, `AskMany<'_>`.
pub(crate) fn own_text(name: &str, generics: &syn::Generics) -> String {
    let params: Vec<String> = generics
        .params
        .iter()
        .map(|p| match p {
            syn::GenericParam::Lifetime(_) => "'_".to_string(),
            syn::GenericParam::Type(t) => t.ident.to_string(),
            syn::GenericParam::Const(c) => c.ident.to_string(),
        })
        .collect();
    if params.is_empty() {
        name.to_string()
    } else {
        format!("{name}<{}>", params.join(", "))
    }
}

/// A signature without argument patterns' `mut` or attributes (not API).
pub(crate) fn signature(sig: &Signature, name: Option<&str>) -> String {
    let mut sig = sig.clone();
    if let Some(name) = name {
        sig.ident = syn::Ident::new(name, sig.ident.span());
    }
    for arg in &mut sig.inputs {
        match arg {
            syn::FnArg::Receiver(r) => {
                r.attrs.clear();
                if r.reference.is_none() {
                    r.mutability = None;
                }
            }
            syn::FnArg::Typed(t) => {
                t.attrs.clear();
                if let syn::Pat::Ident(p) = t.pat.as_mut() {
                    p.mutability = None;
                }
            }
        }
    }
    tokens(&sig).trim_end_matches(',').to_string()
}

pub(crate) fn generics(g: &syn::Generics) -> String {
    let params = tokens(g);
    match &g.where_clause {
        Some(w) => format!("{params} {}", tokens(w).trim_end_matches(',')),
        None => params,
    }
}

/// A variant's fields, without attributes.
pub(crate) fn variant_fields(f: &Fields) -> String {
    let each = |f: &syn::Field| match &f.ident {
        Some(name) => format!("{name}: {}", tokens(&f.ty)),
        None => tokens(&f.ty),
    };
    let list = |f: &Punctuated<syn::Field, syn::Token![,]>| {
        f.iter().map(each).collect::<Vec<_>>().join(", ")
    };
    match f {
        Fields::Named(n) => format!(" {{ {} }}", list(&n.named)),
        Fields::Unnamed(u) => format!("({})", list(&u.unnamed)),
        Fields::Unit => String::new(),
    }
}

/// A struct's or union's header suffix and its pub fields.
pub(crate) fn fields(f: &Fields, out: &mut Vec<String>) -> &'static str {
    let mut private = false;
    for (i, field) in f.iter().enumerate() {
        if !public(&field.vis) {
            private = true;
            continue;
        }
        let name = field
            .ident
            .as_ref()
            .map_or_else(|| i.to_string(), ToString::to_string);
        let attrs = attr_prefix(&field.attrs);
        out.push(format!("{attrs}pub {name}: {}", tokens(&field.ty)));
    }
    if private {
        " { .. private fields }"
    } else {
        ""
    }
}

/// The traits a `#[derive(..)]` implements, named as written impls are (`serde::Serialize` as
/// `Serialize`; `Error` as `std::error::Error`).
pub(crate) fn derives(attrs: &[Attribute]) -> Vec<String> {
    let mut out = Vec::new();
    for a in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let parsed = a.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated);
        for path in parsed.iter().flatten() {
            match path.segments.last() {
                Some(last) if last.ident == "Error" => out.push("std::error::Error".to_string()),
                Some(last) => out.push(last.ident.to_string()),
                None => {}
            }
        }
    }
    out
}

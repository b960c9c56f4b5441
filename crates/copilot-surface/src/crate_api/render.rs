//! The listing's lines for one reachable item: its header (`#[non_exhaustive] pub enum Outcome`,
//! `pub struct Answer { .. private fields }`, `pub trait Listed: sealed::Fetch [sealed]`) and
//! its members, indented: fields or variants or trait items in source order, then every impl
//! (derived or written, `impl Clone for EvaluationRef`) sorted, then the inherent methods and
//! constants sorted by name, wherever their impl blocks are. An impl with bounds or a blanket
//! impl shows its generics and where clause (`impl<T: Listed> Stream for List<T>`); its
//! methods say so in a note (`[impl<T: Listed>]`, `[impl for List<Answer>]` for an impl on
//! other than the type's own generics).

use syn::{
    Fields, GenericArgument, GenericParam, Generics, ImplItem, Item, ItemImpl, PathArguments,
    TraitItem, Type,
};

use super::reach::public;
use super::syntax::{
    attr_prefix, cfg_note, derives, elide_lifetimes, fields, generics, own_text, self_text,
    signature, variant_fields,
};
use super::tree::{Target, cfgs, is_test};
use super::{Api, tokens};

/// The name a trait path stands for in module `m`: a reachable trait of the crate by its public
/// name, another crate's by its last segment (`Clone`, `Display`; `Error` as
/// `std::error::Error`); `None` for a trait of the crate users cannot name.
fn trait_text(api: &Api<'_>, m: usize, path: &syn::Path) -> Option<String> {
    let idents: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let last = path.segments.last()?;
    let args = tokens(&last.arguments);
    for target in api.krate.resolve(m, &idents) {
        if let Target::Item(tm, ti) = target {
            return api.public_name(tm, ti).map(|name| format!("{name}{args}"));
        }
    }
    if last.ident == "Error" && args.is_empty() {
        return Some("std::error::Error".to_string());
    }
    Some(format!("{}{args}", last.ident))
}

/// Whether `ty` is one of the impl's type parameters, or a reference to or a `Box` of one.
fn is_param(ty: &Type, generics: &Generics) -> bool {
    match ty {
        Type::Reference(r) => is_param(&r.elem, generics),
        Type::Paren(p) => is_param(&p.elem, generics),
        Type::Path(p) if p.qself.is_none() => {
            let Some(last) = p.path.segments.last() else {
                return false;
            };
            if p.path.segments.len() == 1 && last.arguments.is_empty() {
                return generics.type_params().any(|t| t.ident == last.ident);
            }
            match &last.arguments {
                PathArguments::AngleBracketed(args) if last.ident == "Box" => {
                    args.args.iter().any(|a| match a {
                        GenericArgument::Type(t) => is_param(t, generics),
                        _ => false,
                    })
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// Whether an impl's generics are part of its line: it bounds a parameter (inline or in a where
/// clause), or it is a blanket impl (for one of its own type parameters).
fn shows_generics(imp: &ItemImpl) -> bool {
    let g = &imp.generics;
    let bounded = g.params.iter().any(|p| match p {
        GenericParam::Type(t) => !t.bounds.is_empty(),
        GenericParam::Lifetime(l) => !l.bounds.is_empty(),
        GenericParam::Const(_) => false,
    });
    let where_clause = g
        .where_clause
        .as_ref()
        .is_some_and(|w| !w.predicates.is_empty());
    bounded || where_clause || is_param(&imp.self_ty, g)
}

/// An impl's generics (`<T: Listed>`) and where clause (` where T: Listed`), if
/// [`shows_generics`]; else nothing.
fn impl_generics(imp: &ItemImpl) -> (String, String) {
    if !shows_generics(imp) {
        return (String::new(), String::new());
    }
    let params = tokens(&imp.generics);
    let where_clause = match &imp.generics.where_clause {
        Some(w) if !w.predicates.is_empty() => {
            format!(" {}", tokens(w).trim_end_matches(','))
        }
        _ => String::new(),
    };
    (params, where_clause)
}

/// `impl Trait for Type { type Item = .. }` for a trait impl (`impl<T: Listed> Trait for Type`
/// when it has bounds), or `None` if users cannot name the trait.
fn impl_line(api: &Api<'_>, m: usize, imp: &ItemImpl, on: &str) -> Option<String> {
    let (bang, path, _) = imp.trait_.as_ref()?;
    let trait_name = trait_text(api, m, path)?;
    let unsafety = if imp.unsafety.is_some() {
        "unsafe "
    } else {
        ""
    };
    let bang = if bang.is_some() { "!" } else { "" };
    let assoc: Vec<String> = imp
        .items
        .iter()
        .filter_map(|i| match i {
            ImplItem::Type(t) => Some(format!("type {} = {}", t.ident, tokens(&t.ty))),
            _ => None,
        })
        .collect();
    let assoc = if assoc.is_empty() {
        String::new()
    } else {
        format!(" {{ {} }}", assoc.join("; "))
    };
    let (params, where_clause) = impl_generics(imp);
    Some(format!(
        "impl{params} {unsafety}{bang}{trait_name} for {on}{where_clause}{assoc}"
    ))
}

/// The header and members of an item under its public `name`. `cfg` is the cfg on the way to
/// it; `impls` are the impl blocks on it (or, for a trait, of it for other crates' types), each
/// with the module it is in.
pub(crate) fn item_lines(
    api: &Api<'_>,
    (m, item): (usize, &Item),
    name: &str,
    cfg: &[String],
    impls: &[(usize, &ItemImpl)],
) -> Vec<String> {
    let note = cfg_note(cfg, &[]);
    let mut members = Vec::new();
    let mut impl_lines = Vec::new();
    let mut methods: Vec<(String, String)> = Vec::new();
    let (header, own, attrs) = match item {
        Item::Struct(s) => {
            let private = fields(&s.fields, &mut members);
            let a = attr_prefix(&s.attrs);
            let header = format!("{a}pub struct {name}{}{private}", generics(&s.generics));
            (header, own_text(name, &s.generics), &s.attrs)
        }
        Item::Union(u) => {
            let fields_of = Fields::Named(u.fields.clone());
            let private = fields(&fields_of, &mut members);
            let a = attr_prefix(&u.attrs);
            let header = format!("{a}pub union {name}{}{private}", generics(&u.generics));
            (header, own_text(name, &u.generics), &u.attrs)
        }
        Item::Enum(e) => {
            for v in e.variants.iter().filter(|v| !is_test(&v.attrs)) {
                let discriminant = v
                    .discriminant
                    .as_ref()
                    .map(|(_, d)| format!(" = {}", tokens(d)))
                    .unwrap_or_default();
                members.push(format!(
                    "{}{}{}{discriminant}{}",
                    attr_prefix(&v.attrs),
                    v.ident,
                    variant_fields(&v.fields),
                    cfg_note(&cfgs(&v.attrs), cfg)
                ));
            }
            let a = attr_prefix(&e.attrs);
            let header = format!("{a}pub enum {name}{}", generics(&e.generics));
            (header, own_text(name, &e.generics), &e.attrs)
        }
        Item::Trait(t) => {
            let sealed = t.supertraits.iter().any(|b| match b {
                syn::TypeParamBound::Trait(tb) => {
                    let idents: Vec<String> =
                        tb.path.segments.iter().map(|s| s.ident.to_string()).collect();
                    api.krate.resolve(m, &idents).iter().any(|target| {
                        matches!(target, Target::Item(tm, ti) if api.public_name(*tm, *ti).is_none())
                    })
                }
                _ => false,
            });
            for member in t.items.iter() {
                let (line, default, a) = match member {
                    TraitItem::Fn(f) => (signature(&f.sig, None), f.default.is_some(), &f.attrs),
                    TraitItem::Type(ty) => {
                        let bounds = if ty.bounds.is_empty() {
                            String::new()
                        } else {
                            format!(": {}", tokens(&ty.bounds))
                        };
                        let line = format!("type {}{}{bounds}", ty.ident, generics(&ty.generics));
                        (line, ty.default.is_some(), &ty.attrs)
                    }
                    TraitItem::Const(c) => {
                        let line = format!("const {}: {}", c.ident, tokens(&c.ty));
                        (line, c.default.is_some(), &c.attrs)
                    }
                    _ => continue,
                };
                if is_test(a) {
                    continue;
                }
                let default = if default { " [default]" } else { "" };
                let note = cfg_note(&cfgs(a), cfg);
                members.push(format!("{}{line}{default}{note}", attr_prefix(a)));
            }
            let unsafety = if t.unsafety.is_some() { "unsafe " } else { "" };
            let auto = if t.auto_token.is_some() { "auto " } else { "" };
            let supertraits = if t.supertraits.is_empty() {
                String::new()
            } else {
                format!(": {}", tokens(&t.supertraits))
            };
            let sealed = if sealed { " [sealed]" } else { "" };
            let header = format!(
                "{}pub {unsafety}{auto}trait {name}{}{supertraits}{sealed}",
                attr_prefix(&t.attrs),
                generics(&t.generics)
            );
            (header, own_text(name, &t.generics), &t.attrs)
        }
        Item::Fn(f) => {
            let header = format!(
                "{}pub {}",
                attr_prefix(&f.attrs),
                signature(&f.sig, Some(name))
            );
            (header, String::new(), &f.attrs)
        }
        Item::Const(c) => {
            let header = format!(
                "{}pub const {name}: {}",
                attr_prefix(&c.attrs),
                tokens(&c.ty)
            );
            (header, String::new(), &c.attrs)
        }
        Item::Static(s) => {
            let m = if matches!(s.mutability, syn::StaticMutability::Mut(_)) {
                "mut "
            } else {
                ""
            };
            let header = format!(
                "{}pub static {m}{name}: {}",
                attr_prefix(&s.attrs),
                tokens(&s.ty)
            );
            (header, String::new(), &s.attrs)
        }
        Item::Type(t) => {
            let header = format!(
                "{}pub type {name}{} = {}",
                attr_prefix(&t.attrs),
                generics(&t.generics),
                tokens(&t.ty)
            );
            (header, String::new(), &t.attrs)
        }
        other => (tokens(other), String::new(), &Vec::new()),
    };
    for derived in derives(attrs) {
        impl_lines.push(format!("impl {derived} for {own}"));
    }
    for (im, imp) in impls {
        let mut imp_cfg = api.krate.modules[*im].cfg.clone();
        imp_cfg.extend(cfgs(&imp.attrs));
        // Lifetimes as written where the generics that declare them are shown.
        let elide = !shows_generics(imp);
        if imp.trait_.is_some() {
            // A trait's own impls are its impls for other crates' types.
            let on = match item {
                Item::Trait(_) if elide => elide_lifetimes(&tokens(&imp.self_ty)),
                Item::Trait(_) => tokens(&imp.self_ty),
                _ => self_text(&imp.self_ty, name, elide),
            };
            let Some(line) = impl_line(api, *im, imp, &on) else {
                continue;
            };
            impl_lines.push(format!("{line}{}", cfg_note(&imp_cfg, cfg)));
            continue;
        }
        // ` [impl for List<Answer>]` for an impl on other than the type's own generics,
        // ` [impl<T: Listed>]` for one with bounds.
        let (params, where_clause) = impl_generics(imp);
        let for_on = if self_text(&imp.self_ty, name, true) == own {
            String::new()
        } else {
            format!(" for {}", self_text(&imp.self_ty, name, elide))
        };
        let on = if params.is_empty() && where_clause.is_empty() && for_on.is_empty() {
            String::new()
        } else {
            format!(" [impl{params}{for_on}{where_clause}]")
        };
        for member in &imp.items {
            let (key, line, a) = match member {
                ImplItem::Fn(f) if public(&f.vis) => {
                    (f.sig.ident.to_string(), signature(&f.sig, None), &f.attrs)
                }
                ImplItem::Const(c) if public(&c.vis) => {
                    let line = format!("const {}: {}", c.ident, tokens(&c.ty));
                    (c.ident.to_string(), line, &c.attrs)
                }
                _ => continue,
            };
            if is_test(a) {
                continue;
            }
            let mut item_cfg = imp_cfg.clone();
            item_cfg.extend(cfgs(a));
            let note = cfg_note(&item_cfg, cfg);
            methods.push((key, format!("{}pub {line}{on}{note}", attr_prefix(a))));
        }
    }
    impl_lines.sort();
    impl_lines.dedup();
    methods.sort();
    let mut lines = vec![format!("{header}{note}")];
    let indented = members
        .into_iter()
        .chain(impl_lines)
        .chain(methods.into_iter().map(|m| m.1));
    lines.extend(indented.map(|l| format!("    {l}")));
    lines
}

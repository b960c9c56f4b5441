//! What users can name: every public path of the crate, walked from its root through `pub`
//! items, `pub mod`s and `pub use` re-exports (a `pub` item of a private module counts only if a
//! public path re-exports it), with the `cfg(...)` it needs.

use std::collections::BTreeMap;

use syn::{Item, Visibility};

use super::tree::{Crate, Target, attrs, bindings, cfgs, is_test, item_name};

/// What a public path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Named {
    /// An item of the crate: `(module, index)`.
    Item(usize, usize),
    /// A module of the crate.
    Module(usize),
    /// A re-export from another crate: its path as written.
    External(String),
}

/// One public path's meaning, with the cfgs on the way to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) named: Named,
    pub(crate) cfg: Vec<String>,
}

/// Every public path (`krate::a::B`) and what it names.
pub(crate) type Paths = BTreeMap<String, Vec<Entry>>;

pub(crate) fn public(v: &Visibility) -> bool {
    matches!(v, Visibility::Public(_))
}

/// Walks the crate from its root.
pub(crate) fn public_paths(krate: &Crate, name: &str) -> Paths {
    let mut paths = Paths::new();
    let mut walked = Vec::new();
    walk(krate, 0, name, &[], &mut paths, &mut walked);
    paths
}

fn add(paths: &mut Paths, path: String, mut entry: Entry) {
    let mut unique = Vec::with_capacity(entry.cfg.len());
    for c in entry.cfg {
        if !unique.contains(&c) {
            unique.push(c);
        }
    }
    entry.cfg = unique;
    let entries = paths.entry(path).or_default();
    if !entries.contains(&entry) {
        entries.push(entry);
    }
}

/// The public names of module `m`, under `prefix`; `cfg` is what the way here needs.
fn walk(
    krate: &Crate,
    m: usize,
    prefix: &str,
    cfg: &[String],
    paths: &mut Paths,
    walked: &mut Vec<(usize, String)>,
) {
    // A module re-exported under two paths is walked under each; a cycle (`pub use self::*`
    // or `pub use crate as x`) stops at the first repeat or at a depth no crate needs.
    let key = (m, prefix.to_string());
    if walked.contains(&key) || prefix.matches("::").count() > 16 {
        return;
    }
    walked.push(key);
    let module = &krate.modules[m];
    for (i, item) in module.items.iter().enumerate() {
        if is_test(attrs(item)) {
            continue;
        }
        let mut here = cfg.to_vec();
        here.extend(cfgs(attrs(item)));
        match item {
            Item::Mod(md) if public(&md.vis) => {
                if let Some(child) = module.children.get(&md.ident.to_string()) {
                    let path = format!("{prefix}::{}", md.ident);
                    let entry = Entry {
                        named: Named::Module(*child),
                        cfg: here.clone(),
                    };
                    add(paths, path.clone(), entry);
                    walk(krate, *child, &path, &here, paths, walked);
                }
            }
            Item::Use(u) if public(&u.vis) => {
                for b in bindings(&u.tree) {
                    if b.glob {
                        glob(krate, m, &b.path, prefix, &here, paths, walked);
                    } else if b.name != "_" {
                        let path = format!("{prefix}::{}", b.name);
                        for target in krate.resolve(m, &b.path) {
                            reexport(krate, target, &path, &here, paths, walked);
                        }
                    }
                }
            }
            Item::Macro(_) | Item::Impl(_) | Item::ForeignMod(_) | Item::ExternCrate(_) => {}
            _ => {
                if let Some(name) = item_name(item)
                    && item_public(item)
                {
                    let entry = Entry {
                        named: Named::Item(m, i),
                        cfg: here.clone(),
                    };
                    add(paths, format!("{prefix}::{name}"), entry);
                }
            }
        }
    }
}

fn item_public(item: &Item) -> bool {
    match item {
        Item::Struct(i) => public(&i.vis),
        Item::Enum(i) => public(&i.vis),
        Item::Union(i) => public(&i.vis),
        Item::Trait(i) => public(&i.vis),
        Item::Fn(i) => public(&i.vis),
        Item::Const(i) => public(&i.vis),
        Item::Static(i) => public(&i.vis),
        Item::Type(i) => public(&i.vis),
        Item::TraitAlias(i) => public(&i.vis),
        _ => false,
    }
}

fn reexport(
    krate: &Crate,
    target: Target,
    path: &str,
    cfg: &[String],
    paths: &mut Paths,
    walked: &mut Vec<(usize, String)>,
) {
    let mut cfg = cfg.to_vec();
    let named = match target {
        Target::Item(m, i) => {
            cfg.extend(krate.modules[m].cfg.iter().cloned());
            cfg.extend(cfgs(attrs(&krate.modules[m].items[i])));
            Named::Item(m, i)
        }
        Target::Module(child) => {
            cfg.extend(krate.modules[child].cfg.iter().cloned());
            walk(krate, child, path, &cfg, paths, walked);
            Named::Module(child)
        }
        Target::External(source) => Named::External(source),
    };
    add(paths, path.to_string(), Entry { named, cfg });
}

/// `pub use prefix::*`: every public name of the module `prefix` names, under `under`.
fn glob(
    krate: &Crate,
    m: usize,
    prefix: &[String],
    under: &str,
    cfg: &[String],
    paths: &mut Paths,
    walked: &mut Vec<(usize, String)>,
) {
    for target in krate.resolve(m, prefix) {
        match target {
            // The glob's names are the module's public names, under `under`.
            Target::Module(g) => walk(krate, g, under, cfg, paths, walked),
            Target::External(source) => {
                let entry = Entry {
                    named: Named::External(format!("{source}::*")),
                    cfg: cfg.to_vec(),
                };
                add(paths, format!("{under}::*"), entry);
            }
            Target::Item(..) => {}
        }
    }
}

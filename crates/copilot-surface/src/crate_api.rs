//! The public API of a hand-written crate as a semver check sees it, listed from its `src/`
//! with `syn` (the `api_surface__public_api` snapshots of `copilot-ergonomic` and
//! `copilot-fake`, and `cargo xtask api-diff`), and [`changes`] between two listings, each
//! breaking or additive.
//!
//! The listing starts at `lib.rs` and follows `pub mod`s and `pub use` re-exports, so it holds
//! only what users can name, under the path they name it by: one `# copilot_ergonomic::Answer`
//! section per public path, sorted, after one `pub use ..` line per re-export of another crate
//! and a `# features` section with one `feature rustls = ["rustls-aws-lc"]` line per entry of
//! the `[features]` table of the crate's `Cargo.toml` (none without one).
//! A `pub` item of a private module that no public path re-exports is not listed (a signature
//! may still name one, as text). Each section is the item's header, with
//! `#[non_exhaustive]`, `#[must_use]`, `#[doc(hidden)]`, `#[deprecated]`, `#[repr]`, its
//! `cfg`s and `{ .. private fields }` (users cannot build it with a literal) or `[sealed]` (a
//! trait whose supertrait users cannot name); then, indented, its pub fields or variants or
//! trait items (`[default]` when a trait item has a default), every impl on it, derived or
//! written, as `impl Clone for EvaluationRef` (trait names by their last segment), and its pub
//! methods and constants from any impl block in any file. An impl with bounds, or a blanket
//! one, shows its generics and where clause (`impl<T: Listed> Stream for List<T>`, and
//! `pub fn top(self, n: i32) -> Self [impl<T: Listed>]` for its methods); one without keeps
//! the short form.
//!
//! Not seen (a real semver check does): auto traits (`Send`, `Sync`), the bounds a derive
//! adds, items and impls a macro generates (`paging.rs`'s `listed!`), and `#[macro_export]`
//! macros.

mod diff;
mod manifest;
mod reach;
mod render;
mod syntax;
mod tree;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use quote::ToTokens;
use syn::{Item, ItemImpl, Type};

pub use diff::changes;
use reach::Named;
use tree::{Crate, Target, is_test};

/// Lists the public API of the crate whose sources are in `src` (from `src/lib.rs`), with its
/// paths rooted at `crate_name` (`copilot_ergonomic`), and the `[features]` of the `Cargo.toml`
/// beside `src` (none if there is no such file).
pub fn list_public_api(src: &Path, crate_name: &str) -> Result<String, String> {
    let path = src.parent().unwrap_or(src).join("Cargo.toml");
    let manifest = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    list(&mut tree::disk(src), manifest.as_deref(), crate_name)
}

/// [`list_public_api`] over sources in memory, by path relative to `src/` (`lib.rs`,
/// `paging.rs`, `a/mod.rs`), and the text of the crate's `Cargo.toml` if it has one: e.g. a
/// tree read from `git show`.
pub fn list_public_api_of(
    files: &BTreeMap<PathBuf, String>,
    manifest: Option<&str>,
    crate_name: &str,
) -> Result<String, String> {
    let mut read = |path: &Path| Ok(files.get(path).cloned());
    list(&mut read, manifest, crate_name)
}

/// Tokens as one compact line (`Option<&str>`, `fn f(x: u8) -> (u8, u8)`), without a trailing
/// comma rustfmt may or may not have put in a list.
pub(crate) fn tokens(t: impl ToTokens) -> String {
    crate::client_surface::compact_tokens(t)
        .replace(" (", "(")
        .replace("->(", "-> (")
        .replace(",)", ")")
}

/// The crate and where users can name its items.
pub(crate) struct Api<'a> {
    pub(crate) krate: &'a Crate,
    /// Each reachable item's shortest public path (the first in order among equals).
    canonical: BTreeMap<(usize, usize), String>,
}

impl Api<'_> {
    /// The name users know item `i` of module `m` by, if they can name it.
    pub(crate) fn public_name(&self, m: usize, i: usize) -> Option<&str> {
        let path = self.canonical.get(&(m, i))?;
        path.rsplit("::").next()
    }
}

/// The path segments of the type an impl is on (`List<T>` → `List`, `&Answer` → `Answer`).
fn base_path(ty: &Type) -> Option<Vec<String>> {
    match ty {
        Type::Reference(r) => base_path(&r.elem),
        Type::Paren(p) => base_path(&p.elem),
        Type::Path(p) if p.qself.is_none() => Some(
            p.path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect(),
        ),
        _ => None,
    }
}

fn list(
    read: &mut tree::Read<'_>,
    manifest: Option<&str>,
    crate_name: &str,
) -> Result<String, String> {
    let features = manifest.map(manifest::features).transpose()?;
    let krate = Crate::load(read)?;
    let paths = reach::public_paths(&krate, crate_name);

    let mut canonical: BTreeMap<(usize, usize), String> = BTreeMap::new();
    for (path, entries) in &paths {
        for entry in entries {
            if let Named::Item(m, i) = entry.named {
                let better = |old: &String| {
                    (path.matches("::").count(), path) < (old.matches("::").count(), old)
                };
                if canonical.get(&(m, i)).is_none_or(better) {
                    canonical.insert((m, i), path.clone());
                }
            }
        }
    }
    let api = Api {
        krate: &krate,
        canonical,
    };

    // Impl blocks, wherever they are, go with the reachable type they are on; an impl of a
    // reachable trait of the crate for another crate's type goes with the trait.
    let mut impls: BTreeMap<(usize, usize), Vec<(usize, &ItemImpl)>> = BTreeMap::new();
    for (m, module) in krate.modules.iter().enumerate() {
        for item in &module.items {
            let Item::Impl(imp) = item else { continue };
            if is_test(&imp.attrs) {
                continue;
            }
            let on: Vec<Target> = base_path(&imp.self_ty)
                .map(|p| krate.resolve(m, &p))
                .unwrap_or_default()
                .into_iter()
                .filter(|t| matches!(t, Target::Item(..)))
                .collect();
            let targets = if on.is_empty() {
                match &imp.trait_ {
                    Some((_, path, _)) => {
                        let idents: Vec<String> =
                            path.segments.iter().map(|s| s.ident.to_string()).collect();
                        krate.resolve(m, &idents)
                    }
                    None => Vec::new(),
                }
            } else {
                on
            };
            for target in targets {
                if let Target::Item(tm, ti) = target
                    && api.canonical.contains_key(&(tm, ti))
                {
                    impls.entry((tm, ti)).or_default().push((m, imp));
                }
            }
        }
    }

    let mut top = Vec::new();
    let mut out = String::new();
    for (path, entries) in &paths {
        let external = |e: &reach::Entry| match &e.named {
            Named::External(source) => Some(external_line(crate_name, path, source, &e.cfg)),
            _ => None,
        };
        if entries
            .iter()
            .all(|e| matches!(e.named, Named::External(_)))
        {
            top.extend(entries.iter().filter_map(external));
            continue;
        }
        let _ = writeln!(out, "# {path}");
        let name = path.rsplit("::").next().unwrap_or(path);
        for entry in entries {
            let note = syntax::cfg_note(&entry.cfg, &[]);
            let lines = match entry.named {
                Named::Item(m, i) => match api.canonical.get(&(m, i)) {
                    Some(first) if first != path => vec![format!("pub use {first}{note}")],
                    _ => {
                        let item = &krate.modules[m].items[i];
                        let on = impls.get(&(m, i)).map(Vec::as_slice).unwrap_or_default();
                        render::item_lines(&api, (m, item), name, &entry.cfg, on)
                    }
                },
                Named::Module(_) => vec![format!("pub mod {name}{note}")],
                Named::External(_) => external(entry).into_iter().collect(),
            };
            for line in lines {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    top.sort();
    let mut listing: String = top.iter().map(|l| format!("{l}\n")).collect();
    let features = features.unwrap_or_default();
    if !features.is_empty() {
        listing.push_str("# features\n");
    }
    for (name, enabled) in &features {
        let enabled: Vec<String> = enabled.iter().map(|e| format!("\"{e}\"")).collect();
        let _ = writeln!(listing, "feature {name} = [{}]", enabled.join(", "));
    }
    listing.push_str(&out);
    Ok(listing)
}

/// `pub use copilot_api::types` (at the root under its own name), else with `as` and the path.
fn external_line(crate_name: &str, path: &str, source: &str, cfg: &[String]) -> String {
    let (parent, name) = path.rsplit_once("::").unwrap_or(("", path));
    let own = source.rsplit("::").next() == Some(name);
    let note = syntax::cfg_note(cfg, &[]);
    match (parent == crate_name, own) {
        (true, true) => format!("pub use {source}{note}"),
        (true, false) => format!("pub use {source} as {name}{note}"),
        (false, _) => format!("pub use {source} as {path}{note}"),
    }
}

//! The module tree of a crate, read from `lib.rs` down (`mod x;` is `x.rs` or `x/mod.rs`, or its
//! `#[path]`; inline `mod x { .. }` too; `#[cfg(test)]` modules are skipped), and name resolution
//! over it: what a path in a module (`crate::a::B`, `super::C`, an imported name, a glob) names.
//! A path whose first segment is not a name of the crate is an external one (another crate).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use syn::{Attribute, Item, UseTree};

/// Reads the file at a path relative to `src/`: `Ok(None)` if it does not exist.
pub(crate) type Read<'a> = dyn FnMut(&Path) -> Result<Option<String>, String> + 'a;

/// One module of the crate.
#[derive(Debug)]
pub(crate) struct Module {
    /// Its parent (none for the crate root).
    pub(crate) parent: Option<usize>,
    /// The `cfg(...)` of its declaration and of its ancestors'.
    pub(crate) cfg: Vec<String>,
    /// Its items (an inline module's, or its file's).
    pub(crate) items: Vec<Item>,
    /// Its submodules by name.
    pub(crate) children: BTreeMap<String, usize>,
}

/// Where a path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// An item of the crate: `(module, index in its items)`.
    Item(usize, usize),
    /// A module of the crate.
    Module(usize),
    /// A path into another crate, as written (`copilot_api::types`).
    External(String),
}

/// A crate's modules; `modules[0]` is the root.
#[derive(Debug)]
pub(crate) struct Crate {
    pub(crate) modules: Vec<Module>,
}

/// Whether the attributes carry `#[cfg(test)]`.
pub(crate) fn is_test(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Ident>()
                .is_ok_and(|ident| ident == "test")
    })
}

/// The `cfg(...)` attributes, as text.
pub(crate) fn cfgs(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .map(|a| super::tokens(&a.meta))
        .collect()
}

fn path_attr(attrs: &[Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

/// The name an item defines, for the items a path can name.
pub(crate) fn item_name(item: &Item) -> Option<String> {
    let ident = match item {
        Item::Struct(i) => &i.ident,
        Item::Enum(i) => &i.ident,
        Item::Union(i) => &i.ident,
        Item::Trait(i) => &i.ident,
        Item::Fn(i) => &i.sig.ident,
        Item::Const(i) => &i.ident,
        Item::Static(i) => &i.ident,
        Item::Type(i) => &i.ident,
        Item::TraitAlias(i) => &i.ident,
        _ => return None,
    };
    Some(ident.to_string())
}

/// One name a `use` binds: the name, and the path it stands for (`self` in a group is the
/// prefix). A glob binds no name; its prefix comes with `glob = true`.
#[derive(Debug, Clone)]
pub(crate) struct Binding {
    pub(crate) name: String,
    pub(crate) path: Vec<String>,
    pub(crate) glob: bool,
}

/// The names a use tree binds.
pub(crate) fn bindings(tree: &UseTree) -> Vec<Binding> {
    fn walk(tree: &UseTree, prefix: &mut Vec<String>, out: &mut Vec<Binding>) {
        match tree {
            UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                walk(&p.tree, prefix, out);
                prefix.pop();
            }
            UseTree::Name(n) if n.ident == "self" => {
                if let Some(last) = prefix.last() {
                    out.push(Binding {
                        name: last.clone(),
                        path: prefix.clone(),
                        glob: false,
                    });
                }
            }
            UseTree::Name(n) => {
                let mut path = prefix.clone();
                path.push(n.ident.to_string());
                out.push(Binding {
                    name: n.ident.to_string(),
                    path,
                    glob: false,
                });
            }
            UseTree::Rename(r) => {
                let mut path = prefix.clone();
                if r.ident != "self" {
                    path.push(r.ident.to_string());
                }
                out.push(Binding {
                    name: r.rename.to_string(),
                    path,
                    glob: false,
                });
            }
            UseTree::Glob(_) => out.push(Binding {
                name: String::new(),
                path: prefix.clone(),
                glob: true,
            }),
            UseTree::Group(g) => g.items.iter().for_each(|t| walk(t, prefix, out)),
        }
    }
    let mut out = Vec::new();
    walk(tree, &mut Vec::new(), &mut out);
    out
}

impl Crate {
    /// Reads the crate from `lib.rs` through `read`.
    pub(crate) fn load(read: &mut Read<'_>) -> Result<Crate, String> {
        let root = Path::new("lib.rs");
        let text = read(root)?.ok_or("src/lib.rs: not found")?;
        let file = syn::parse_file(&text).map_err(|e| format!("src/lib.rs: {e}"))?;
        let mut krate = Crate {
            modules: vec![Module {
                parent: None,
                cfg: Vec::new(),
                items: Vec::new(),
                children: BTreeMap::new(),
            }],
        };
        krate.fill(0, file.items, Path::new(""), Path::new(""), read)?;
        Ok(krate)
    }

    /// Adds `items` to module `m`, loading its submodules: `dir` holds the files of its
    /// children; `file_dir` is the directory of the file the items are in (for `#[path]`).
    fn fill(
        &mut self,
        m: usize,
        items: Vec<Item>,
        dir: &Path,
        file_dir: &Path,
        read: &mut Read<'_>,
    ) -> Result<(), String> {
        for item in items {
            if let Item::Mod(module) = &item
                && !is_test(&module.attrs)
            {
                let name = module.ident.to_string();
                let mut cfg = self.modules[m].cfg.clone();
                cfg.extend(cfgs(&module.attrs));
                let child = self.modules.len();
                self.modules.push(Module {
                    parent: Some(m),
                    cfg,
                    items: Vec::new(),
                    children: BTreeMap::new(),
                });
                self.modules[m].children.insert(name.clone(), child);
                let attr_path = path_attr(&module.attrs);
                match &module.content {
                    Some((_, inner)) => {
                        let sub = dir.join(&name);
                        self.fill(child, inner.clone(), &sub, file_dir, read)?;
                    }
                    None => {
                        let (path, text) = match attr_path {
                            Some(p) => {
                                let path = file_dir.join(p);
                                let text = read(&path)?;
                                (path, text)
                            }
                            None => {
                                let flat = dir.join(format!("{name}.rs"));
                                match read(&flat)? {
                                    Some(text) => (flat, Some(text)),
                                    None => {
                                        let nested = dir.join(&name).join("mod.rs");
                                        let text = read(&nested)?;
                                        (nested, text)
                                    }
                                }
                            }
                        };
                        let shown = format!("src/{}", path.display());
                        let text = text.ok_or_else(|| {
                            let flat = dir.join(format!("{name}.rs"));
                            let tried = if path == flat {
                                shown.clone()
                            } else {
                                format!("src/{} or {shown}", flat.display())
                            };
                            format!("{tried}: not found (for `mod {name};`)")
                        })?;
                        let file = syn::parse_file(&text).map_err(|e| format!("{shown}: {e}"))?;
                        let here = path.parent().map(Path::to_path_buf).unwrap_or_default();
                        let sub = if path.file_name().is_some_and(|f| f == "mod.rs") {
                            here.clone()
                        } else {
                            let stem = path.file_stem().unwrap_or_default();
                            here.join(stem)
                        };
                        self.fill(child, file.items, &sub, &here, read)?;
                    }
                }
            }
            self.modules[m].items.push(item);
        }
        Ok(())
    }

    /// What `path`, written in module `m`, names (nothing if it is a dead end in the crate).
    pub(crate) fn resolve(&self, m: usize, path: &[String]) -> Vec<Target> {
        self.resolve_in(m, path, &mut Vec::new())
    }

    fn resolve_in(
        &self,
        m: usize,
        path: &[String],
        seen: &mut Vec<(usize, String)>,
    ) -> Vec<Target> {
        let Some((first, rest)) = path.split_first() else {
            return vec![Target::Module(m)];
        };
        let start = match first.as_str() {
            "crate" => vec![Target::Module(0)],
            "self" => vec![Target::Module(m)],
            "super" => match self.modules[m].parent {
                Some(p) => vec![Target::Module(p)],
                None => return Vec::new(),
            },
            name => {
                let found = self.lookup(m, name, seen);
                if found.is_empty() {
                    return vec![Target::External(path.join("::"))];
                }
                found
            }
        };
        let mut current = start;
        for (i, segment) in rest.iter().enumerate() {
            let mut next = Vec::new();
            for target in &current {
                match target {
                    Target::Module(module) if segment == "super" => {
                        if let Some(p) = self.modules[*module].parent {
                            next.push(Target::Module(p));
                        }
                    }
                    Target::Module(module) => next.extend(self.lookup(*module, segment, seen)),
                    Target::External(prefix) => {
                        let tail = rest[i..].join("::");
                        return vec![Target::External(format!("{prefix}::{tail}"))];
                    }
                    // An enum's variant or an associated item: not an item of its own.
                    Target::Item(..) => {}
                }
            }
            dedup(&mut next);
            current = next;
        }
        current
    }

    /// What `name` names in module `m`: a submodule, an item, an imported name, or a name a
    /// glob import brings.
    fn lookup(&self, m: usize, name: &str, seen: &mut Vec<(usize, String)>) -> Vec<Target> {
        let key = (m, name.to_string());
        if seen.contains(&key) {
            return Vec::new();
        }
        seen.push(key);
        let module = &self.modules[m];
        let mut found = Vec::new();
        if let Some(child) = module.children.get(name) {
            found.push(Target::Module(*child));
        }
        let mut globs = Vec::new();
        for (i, item) in module.items.iter().enumerate() {
            if item_name(item).is_some_and(|n| n == name) && !is_test(attrs(item)) {
                found.push(Target::Item(m, i));
            }
            if let Item::Use(u) = item
                && !is_test(&u.attrs)
            {
                for b in bindings(&u.tree) {
                    if b.glob {
                        globs.push(b.path);
                    } else if b.name == name && b.name != "_" {
                        found.extend(self.resolve_in(m, &b.path, seen));
                    }
                }
            }
        }
        if found.is_empty() {
            for prefix in globs {
                for target in self.resolve_in(m, &prefix, seen) {
                    if let Target::Module(g) = target {
                        found.extend(self.lookup(g, name, seen));
                    }
                }
            }
        }
        seen.pop();
        dedup(&mut found);
        found
    }
}

/// An item's attributes (none for the kinds without).
pub(crate) fn attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::TraitAlias(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Union(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

fn dedup(targets: &mut Vec<Target>) {
    let mut seen = Vec::with_capacity(targets.len());
    targets.retain(|t| {
        let new = !seen.contains(t);
        if new {
            seen.push(t.clone());
        }
        new
    });
}

/// A reader over a directory on disk.
pub(crate) fn disk(src: &Path) -> impl FnMut(&Path) -> Result<Option<String>, String> + '_ {
    move |relative: &Path| {
        let path: PathBuf = src.join(relative);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }
}

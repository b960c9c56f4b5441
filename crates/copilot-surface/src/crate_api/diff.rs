//! [`changes`]: what changed between two listings of a crate's public API, each change breaking
//! or additive, as a semver check would classify it.
//!
//! Anything removed or changed is breaking. Anything added is additive, except what breaks code
//! that was written against the old API: a variant of an enum without `#[non_exhaustive]`
//! (users' exhaustive `match`es), a pub field of a struct users can build with a literal (all
//! fields pub, not `#[non_exhaustive]`), and a trait item without a default in a trait that is
//! not sealed (users' impls). A header that loses `#[non_exhaustive]` is breaking too: it
//! commits the crate to never adding a variant (or field) without a major release.

use std::collections::BTreeMap;

use crate::changes::Change;

/// One item of a listing: its header line and its members (indented lines, unindented).
#[derive(Debug, Default)]
struct Block {
    header: String,
    members: Vec<String>,
}

/// A listing: the lines before the first section, and each section's items by path.
#[derive(Debug, Default)]
struct Listing {
    top: Vec<String>,
    sections: BTreeMap<String, Vec<Block>>,
}

fn parse(text: &str) -> Listing {
    let mut listing = Listing::default();
    let mut section: Option<String> = None;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        if let Some(path) = line.strip_prefix("# ") {
            section = Some(path.to_string());
            listing.sections.entry(path.to_string()).or_default();
            continue;
        }
        let Some(blocks) = section.as_ref().and_then(|s| listing.sections.get_mut(s)) else {
            listing.top.push(line.to_string());
            continue;
        };
        match (line.strip_prefix("    "), blocks.last_mut()) {
            (Some(member), Some(block)) => block.members.push(member.to_string()),
            _ => blocks.push(Block {
                header: line.to_string(),
                members: Vec::new(),
            }),
        }
    }
    listing
}

/// A line without its leading `#[..] ` attributes, and whether it had `#[name]`.
fn strip_attrs(line: &str) -> (&str, Vec<&str>) {
    let mut rest = line;
    let mut attrs = Vec::new();
    while rest.starts_with("#[") {
        let Some(end) = rest.find("] ") else { break };
        attrs.push(&rest[2..end]);
        rest = &rest[end + 2..];
    }
    (rest, attrs)
}

/// The identifier at the start of `text` (`Name` of `Name<T>(..)`).
fn ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// What a header declares: `(kind, name)`, e.g. `("enum", "Outcome")`, `("fn", "real_time")`.
fn header_key(header: &str) -> (String, String) {
    let (rest, _) = strip_attrs(header);
    let words: Vec<&str> = rest.split_whitespace().collect();
    let qualifier = |w: &&&str| {
        matches!(
            **w,
            "pub" | "async" | "unsafe" | "auto" | "extern" | "\"C\""
        )
    };
    let mut i = words.iter().take_while(qualifier).count();
    if words.get(i) == Some(&"const") && words.get(i + 1) == Some(&"fn") {
        i += 1;
    }
    let kind = words.get(i).copied().unwrap_or_default().to_string();
    let name = words
        .get(i + 1)
        .map(|w| ident(w))
        .unwrap_or_default()
        .to_string();
    (kind, name)
}

/// What kind of member a line is, and its name: `("variant", "Success")`, `("field", "top")`,
/// `("fn", "wait [impl for ..]")`, `("impl", "impl Clone for EvaluationRef")`.
fn member_key(line: &str) -> (&'static str, String) {
    let (rest, _) = strip_attrs(line);
    if rest.starts_with("impl ") {
        let end = rest
            .find(" {")
            .or_else(|| rest.find(" ["))
            .unwrap_or(rest.len());
        return ("impl", rest[..end].to_string());
    }
    let on = rest
        .find(" [impl for ")
        .map(|i| &rest[i..])
        .unwrap_or_default();
    let on = on.split("] ").next().unwrap_or(on);
    let words: Vec<&str> = rest.split_whitespace().collect();
    let qualifier = |w: &&&str| matches!(**w, "pub" | "async" | "unsafe" | "extern" | "\"C\"");
    let mut i = words.iter().take_while(qualifier).count();
    let is_pub = rest.starts_with("pub ");
    if words.get(i) == Some(&"const") && words.get(i + 1) == Some(&"fn") {
        i += 1;
    }
    match words.get(i).copied() {
        Some(kind @ ("fn" | "const" | "type")) => {
            let name = words.get(i + 1).map(|w| ident(w)).unwrap_or_default();
            let kind = match kind {
                "fn" => "fn",
                "const" => "const",
                _ => "type",
            };
            (kind, format!("{name}{on}"))
        }
        Some(field) if is_pub => ("field", ident(field).to_string()),
        _ => ("variant", ident(rest).to_string()),
    }
}

/// The header's flags: `#[non_exhaustive]`, private fields, sealed.
struct Flags {
    non_exhaustive: bool,
    private: bool,
    sealed: bool,
    /// The header without those.
    rest: String,
    kind: &'static str,
}

fn flags(header: &str) -> Flags {
    let (rest, attrs) = strip_attrs(header);
    let others: String = attrs
        .iter()
        .filter(|a| **a != "non_exhaustive")
        .map(|a| format!("#[{a}] "))
        .collect();
    let kind = match header_key(header).0.as_str() {
        "enum" => "enum",
        "struct" | "union" => "struct",
        "trait" => "trait",
        _ => "",
    };
    Flags {
        non_exhaustive: attrs.contains(&"non_exhaustive"),
        private: rest.contains(" { .. private fields }"),
        sealed: rest.contains(" [sealed]"),
        rest: others
            + &rest
                .replace(" { .. private fields }", "")
                .replace(" [sealed]", ""),
        kind,
    }
}

fn header_changes(path: &str, old: &str, new: &str, out: &mut Vec<Change>) {
    let (a, b) = (flags(old), flags(new));
    let mut push = |breaking, text: String| out.push(Change { breaking, text });
    let (part, literal) = if b.kind == "enum" {
        ("variant", "`match`es")
    } else {
        ("field", "struct literals and patterns")
    };
    if a.non_exhaustive && !b.non_exhaustive {
        push(
            true,
            format!(
                "`{path}` is no longer #[non_exhaustive]: a commitment that freezes the {}: \
                 adding a {part} later breaks users' exhaustive {literal}",
                b.kind
            ),
        );
    }
    if !a.non_exhaustive && b.non_exhaustive {
        push(
            true,
            format!(
                "`{path}` became #[non_exhaustive]: users' exhaustive {literal} stop compiling"
            ),
        );
    }
    if !a.private && b.private {
        push(
            true,
            format!("`{path}` gained private fields: users' struct literals stop compiling"),
        );
    }
    if a.private && !b.private {
        push(
            false,
            format!("`{path}` has no private fields any more (a struct literal can build it)"),
        );
    }
    if !a.sealed && b.sealed {
        push(
            true,
            format!("`{path}` is now sealed: users' impls of it stop compiling"),
        );
    }
    if a.sealed && !b.sealed {
        push(
            false,
            format!("`{path}` is no longer sealed: users can implement it"),
        );
    }
    if a.rest != b.rest {
        push(true, format!("`{path}` changed: `{old}` → `{new}`"));
    }
}

fn member_changes(path: &str, old: &Block, new: &Block, out: &mut Vec<Change>) {
    let keyed = |b: &Block| -> BTreeMap<(&'static str, String), String> {
        b.members
            .iter()
            .map(|m| (member_key(m), m.clone()))
            .collect()
    };
    let (before, after) = (keyed(old), keyed(new));
    let header = flags(&new.header);
    for ((kind, name), line) in &after {
        match before.get(&(*kind, name.clone())) {
            Some(was) if was == line => {}
            Some(was) if format!("{was} [default]") == *line => out.push(Change {
                breaking: false,
                text: format!("`{path}`: `{was}` now has a default"),
            }),
            Some(was) => out.push(Change {
                breaking: true,
                text: format!("`{path}`: `{was}` changed to `{line}`"),
            }),
            None => out.push(added(path, &header, kind, line)),
        }
    }
    for ((kind, name), line) in &before {
        if after.contains_key(&(*kind, name.clone())) {
            continue;
        }
        let text = match *kind {
            "impl" if header.kind == "trait" => format!("`{name}` removed from `{path}`"),
            "impl" => {
                let what = name.trim_start_matches("impl ");
                let tr = what.split(" for ").next().unwrap_or(what);
                format!("`{path}` no longer implements `{tr}` (`{name}` removed)")
            }
            "variant" | "field" => format!("{kind} `{name}` removed from `{path}`: `{line}`"),
            _ => format!("`{path}`: `{line}` removed"),
        };
        out.push(Change {
            breaking: true,
            text,
        });
    }
}

fn added(path: &str, header: &Flags, kind: &str, line: &str) -> Change {
    let (breaking, text) = match (header.kind, kind) {
        ("enum", "variant") if !header.non_exhaustive => (
            true,
            format!(
                "variant `{line}` added to `{path}`, which is not #[non_exhaustive]: users' \
                 exhaustive `match`es stop compiling"
            ),
        ),
        ("struct", "field") if !header.non_exhaustive && !header.private => (
            true,
            format!(
                "field `{line}` added to `{path}`, which users can build with a struct literal: \
                 their literals stop compiling"
            ),
        ),
        ("trait", "fn" | "type" | "const") if !header.sealed && !line.contains(" [default]") => (
            true,
            format!(
                "required item `{line}` added to trait `{path}` (no default): users' impls stop \
                 compiling"
            ),
        ),
        _ => (false, format!("`{path}`: `{line}` added")),
    };
    Change { breaking, text }
}

/// What changed from the listing `old` to `new` (both from
/// [`list_public_api`](super::list_public_api)): breaking changes first, then additive ones,
/// each in path order.
pub fn changes(old: &str, new: &str) -> Vec<Change> {
    let (old, new) = (parse(old), parse(new));
    let mut out = Vec::new();
    for line in new.top.iter().filter(|l| !old.top.contains(l)) {
        out.push(Change {
            breaking: false,
            text: format!("`{line}` added"),
        });
    }
    for line in old.top.iter().filter(|l| !new.top.contains(l)) {
        out.push(Change {
            breaking: true,
            text: format!("`{line}` removed"),
        });
    }
    let paths: std::collections::BTreeSet<&String> =
        old.sections.keys().chain(new.sections.keys()).collect();
    let none = Vec::new();
    for path in paths {
        let before = old.sections.get(path).unwrap_or(&none);
        let after = new.sections.get(path).unwrap_or(&none);
        // The same header, else the same kind and name (two cfg'd versions of one item keep
        // their own blocks).
        let find = |blocks: &'_ [Block], header: &str| {
            let key = header_key(header);
            let index = blocks.iter().position(|b| b.header == header);
            index.or_else(|| blocks.iter().position(|b| header_key(&b.header) == key))
        };
        for block in after {
            match find(before, &block.header).map(|i| &before[i]) {
                None => out.push(Change {
                    breaking: false,
                    text: format!("`{path}` added: `{}`", block.header),
                }),
                Some(was) => {
                    if was.header != block.header {
                        header_changes(path, &was.header, &block.header, &mut out);
                    }
                    member_changes(path, was, block, &mut out);
                }
            }
        }
        for block in before {
            if find(after, &block.header).is_none() {
                out.push(Change {
                    breaking: true,
                    text: format!("`{path}` removed: `{}`", block.header),
                });
            }
        }
    }
    out.sort_by_key(|c| !c.breaking);
    out
}

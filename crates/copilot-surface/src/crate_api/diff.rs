//! [`changes`]: what changed between two listings of a crate's public API, each change breaking
//! or additive, as a semver check would classify it.
//!
//! Anything removed or changed is breaking. Anything added is additive, except what breaks code
//! that was written against the old API: a variant of an enum without `#[non_exhaustive]`
//! (users' exhaustive `match`es), a pub field of a struct users can build with a literal (all
//! fields pub, not `#[non_exhaustive]`), a trait item without a default in a trait that is
//! not sealed (users' impls), and a blanket impl (`impl<F: Fn()> TokenProvider for F`) of a
//! trait that is not sealed (it overlaps users' impls, RFC 2451). `#[non_exhaustive]` added to
//! a type or a variant is breaking, and so is losing it: that commits the crate to never adding
//! a variant (or field) without a major release. `#[must_use]` and `#[deprecated]`, added or
//! removed, only make the compiler warn: additive. An impl's bounds are part of its line, not
//! of its key: a tighter or different bound is a changed line (breaking), a looser one
//! additive, the same bounds written another way no change. Members are keyed by kind and
//! name (and the impl's self type), never by their cfg notes; twins (one method under two
//! `cfg`s) are paired by their cfgs. In `# features`, a feature removed, or one that no longer
//! enables something, is breaking; one added, or one that enables more, additive.

use std::collections::{BTreeMap, BTreeSet};

use crate::changes::Change;

/// The section of a listing that holds the crate's features (`feature rustls = ["a"]`).
const FEATURES: &str = "features";

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

/// The byte just past the `>` that closes the `<` at `open` (the `>` of a `->` closes nothing).
fn angle_end(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0;
    for i in open..bytes.len() {
        match bytes[i] {
            b'<' => depth += 1,
            b'>' if i > 0 && bytes[i - 1] == b'-' => {}
            b'>' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// The byte just past the `]` that closes the `[` at `open`.
fn bracket_end(text: &str, open: usize) -> usize {
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return open + i + 1;
                }
            }
            _ => {}
        }
    }
    text.len()
}

/// `text` split at each `sep` outside brackets of any kind.
fn split_top(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let mut previous = ' ';
    for (i, c) in text.char_indices() {
        match c {
            '<' | '(' | '[' | '{' => depth += 1,
            '>' if previous == '-' => {}
            '>' | ')' | ']' | '}' => depth -= 1,
            _ if c == sep && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
        previous = c;
    }
    parts.push(&text[start..]);
    parts
}

/// Where the `:` between a bounded name and its bounds is (not a `::`, not in brackets).
fn bound_colon(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0i32;
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'<' | b'(' | b'[' => depth += 1,
            b'>' if i > 0 && bytes[i - 1] == b'-' => {}
            b'>' | b')' | b']' => depth -= 1,
            b':' if depth == 0 => {
                let double = bytes.get(i + 1) == Some(&b':') || (i > 0 && bytes[i - 1] == b':');
                if !double {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// One `Name: Bound` per bound of a generics list or where clause (`T: Listed + Send` gives
/// `T: Listed` and `T: Send`), into `out`; the names the list declares into `names`.
fn predicates(list: &str, out: &mut BTreeSet<String>, mut names: Option<&mut Vec<String>>) {
    for p in split_top(list, ',') {
        let p = p.trim();
        // A const parameter's `:` is its type's, not a bound.
        let (p, is_const) = match p.strip_prefix("const ") {
            Some(p) => (p, true),
            None => (p, false),
        };
        if p.is_empty() {
            continue;
        }
        let colon = bound_colon(p);
        let name = colon.map_or(p, |c| &p[..c]).trim();
        if let Some(names) = names.as_mut() {
            names.push(name.to_string());
        }
        let Some(colon) = colon.filter(|_| !is_const) else {
            continue;
        };
        for bound in split_top(&p[colon + 1..], '+') {
            let bound = bound.trim();
            if !bound.is_empty() {
                out.insert(format!("{name}: {bound}"));
            }
        }
    }
}

/// An impl's generics and bounds, out of a line that shows them: an impl line
/// (`impl<T: Listed> Stream for List<T> where ..`) or a method's ` [impl<T: Listed> ..]` note.
#[derive(Debug, Default)]
struct Bounds {
    /// The line without the impl's generics and where clause (`impl Stream for List<T>`).
    bare: String,
    /// Each bound, as `T: Listed`.
    bounds: BTreeSet<String>,
    /// The names the impl's generics declare (`T`, `'a`).
    params: Vec<String>,
}

fn impl_bounds(line: &str) -> Bounds {
    let (keyword, region_end) = if line.starts_with("impl") {
        let end = [" { type ", " [cfg("]
            .iter()
            .filter_map(|m| line.find(m))
            .min()
            .unwrap_or(line.len());
        (0, end)
    } else if let Some(i) = line.find(" [impl") {
        (i + 2, bracket_end(line, i + 1) - 1)
    } else {
        return Bounds {
            bare: line.to_string(),
            ..Bounds::default()
        };
    };
    let mut out = Bounds::default();
    let after = keyword + "impl".len();
    let mut bare = line[..after].to_string();
    let mut rest = after;
    if line[after..].starts_with('<')
        && let Some(end) = angle_end(line, after)
    {
        predicates(
            &line[after + 1..end - 1],
            &mut out.bounds,
            Some(&mut out.params),
        );
        rest = end;
    }
    match line[rest..region_end].find(" where ") {
        Some(w) => {
            let w = rest + w;
            bare.push_str(&line[rest..w]);
            predicates(
                &line[w + " where ".len()..region_end],
                &mut out.bounds,
                None,
            );
        }
        None => bare.push_str(&line[rest..region_end]),
    }
    bare.push_str(&line[region_end..]);
    out.bare = bare;
    out
}

/// Whether `text` is one of `params`, or a reference to or a `Box` of one (RFC 2451's
/// fundamental types).
fn is_param(text: &str, params: &[String]) -> bool {
    let text = text.trim();
    if let Some(inner) = text.strip_prefix('&') {
        let inner = match inner.strip_prefix('\'') {
            Some(lifetime) => lifetime.split_once(' ').map_or("", |(_, t)| t),
            None => inner,
        };
        return is_param(inner.strip_prefix("mut ").unwrap_or(inner), params);
    }
    if let Some(inner) = text.strip_prefix("Box<").and_then(|t| t.strip_suffix('>')) {
        return is_param(inner, params);
    }
    params.iter().any(|p| p == text)
}

/// What kind of member a line is, and its name: `("variant", "Success")`, `("field", "top")`,
/// `("fn", "wait [impl for ..]")`, `("impl", "impl Clone for EvaluationRef")`. Neither cfg notes
/// nor an impl's generics and bounds are part of it (a changed bound is a changed line, not a
/// removed one and an added one).
fn member_key(line: &str) -> (&'static str, String) {
    let (rest, _) = strip_attrs(line);
    let bare = impl_bounds(rest).bare;
    if bare.starts_with("impl ") {
        let end = [" { type ", " [cfg("]
            .iter()
            .filter_map(|m| bare.find(m))
            .min()
            .unwrap_or(bare.len());
        return ("impl", bare[..end].to_string());
    }
    let on = match bare.find(" [impl") {
        Some(i) => &bare[i..bracket_end(&bare, i + 1)],
        None => "",
    };
    let on = if on == " [impl]" { "" } else { on };
    let words: Vec<&str> = bare.split_whitespace().collect();
    let qualifier = |w: &&&str| matches!(**w, "pub" | "async" | "unsafe" | "extern" | "\"C\"");
    let mut i = words.iter().take_while(qualifier).count();
    let is_pub = bare.starts_with("pub ");
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
        _ => ("variant", ident(&bare).to_string()),
    }
}

/// The ` [cfg(..)]` notes of a line.
fn cfg_notes(line: &str) -> Vec<&str> {
    let mut notes = Vec::new();
    let mut from = 0;
    while let Some(i) = line[from..].find(" [cfg(") {
        let start = from + i + 1;
        let end = bracket_end(line, start);
        notes.push(&line[start..end]);
        from = end;
    }
    notes
}

/// The attributes that only make the compiler warn: adding or removing one breaks no code.
const SOFT: [&str; 2] = ["must_use", "deprecated"];

/// The changes of the [`SOFT`] attributes from `old` to `new`, of the item `what` names.
fn soft_changes(what: &str, old: &[&str], new: &[&str], out: &mut Vec<Change>) {
    for (attr, gained, lost) in [
        (
            "must_use",
            "unused results warn",
            "unused results no longer warn",
        ),
        (
            "deprecated",
            "users' uses of it warn",
            "users' uses of it no longer warn",
        ),
    ] {
        let text = match (old.contains(&attr), new.contains(&attr)) {
            (false, true) => format!("{what} is now #[{attr}]: {gained}"),
            (true, false) => format!("{what} is no longer #[{attr}]: {lost}"),
            _ => continue,
        };
        out.push(Change {
            breaking: false,
            text,
        });
    }
}

/// The header's flags: `#[non_exhaustive]`, private fields, sealed.
struct Flags<'a> {
    non_exhaustive: bool,
    private: bool,
    sealed: bool,
    /// Its attributes.
    attrs: Vec<&'a str>,
    /// The header without those flags and without the [`SOFT`] attributes.
    rest: String,
    kind: &'static str,
}

fn flags(header: &str) -> Flags<'_> {
    let (rest, attrs) = strip_attrs(header);
    let others: String = attrs
        .iter()
        .filter(|a| **a != "non_exhaustive" && !SOFT.contains(a))
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
        attrs,
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
    soft_changes(&format!("`{path}`"), &a.attrs, &b.attrs, out);
}

/// What changed from the member line `was` to `line` (the same member: same kind and name).
fn line_change(path: &str, was: &str, line: &str, out: &mut Vec<Change>) {
    let (a_rest, a_attrs) = strip_attrs(was);
    let (b_rest, b_attrs) = strip_attrs(line);
    let hard = |attrs: &[&str]| -> Vec<String> {
        attrs
            .iter()
            .filter(|a| **a != "non_exhaustive" && !SOFT.contains(a))
            .map(ToString::to_string)
            .collect()
    };
    let changed = Change {
        breaking: true,
        text: format!("`{path}`: `{was}` changed to `{line}`"),
    };
    if hard(&a_attrs) != hard(&b_attrs) {
        out.push(changed);
        return;
    }
    if a_rest != b_rest {
        let (a, b) = (impl_bounds(a_rest), impl_bounds(b_rest));
        if !a_rest.contains(" [default]") && b_rest.replacen(" [default]", "", 1) == a_rest {
            out.push(Change {
                breaking: false,
                text: format!("`{path}`: `{a_rest}` now has a default"),
            });
        } else if a.bare == b.bare && a.bounds == b.bounds {
            // The same bounds, written another way (`impl<T: A>`, `where T: A`).
        } else if a.bare == b.bare && b.bounds.is_subset(&a.bounds) {
            out.push(Change {
                breaking: false,
                text: format!("`{path}`: `{a_rest}` has looser bounds: `{b_rest}`"),
            });
        } else {
            out.push(changed);
            return;
        }
    }
    let what = format!("`{path}`: `{b_rest}`");
    soft_changes(&what, &a_attrs, &b_attrs, out);
    let (a_ne, b_ne) = (
        a_attrs.contains(&"non_exhaustive"),
        b_attrs.contains(&"non_exhaustive"),
    );
    if !a_ne && b_ne {
        out.push(Change {
            breaking: true,
            text: format!(
                "{what} became #[non_exhaustive]: users' constructions of it and patterns \
                 without `..` stop compiling"
            ),
        });
    }
    if a_ne && !b_ne {
        out.push(Change {
            breaking: true,
            text: format!(
                "{what} is no longer #[non_exhaustive]: a commitment that freezes its fields: \
                 adding a field later breaks users' constructions and patterns"
            ),
        });
    }
}

/// A block's members by kind and name; twins (one method under two `cfg`s) share a key.
fn keyed(block: &Block) -> BTreeMap<(&'static str, String), Vec<&str>> {
    let mut out: BTreeMap<_, Vec<&str>> = BTreeMap::new();
    for m in &block.members {
        out.entry(member_key(m)).or_default().push(m.as_str());
    }
    out
}

fn member_changes(path: &str, old: &Block, new: &Block, out: &mut Vec<Change>) {
    let (before, after) = (keyed(old), keyed(new));
    let header = flags(&new.header);
    let keys: BTreeSet<&(&'static str, String)> = before.keys().chain(after.keys()).collect();
    for key in keys {
        let mut was: Vec<&str> = before.get(key).cloned().unwrap_or_default();
        let mut now: Vec<&str> = after.get(key).cloned().unwrap_or_default();
        // Unchanged lines first, then lines under the same cfgs, then a lone pair whatever
        // their cfgs: each pair is one changed member.
        now.retain(|line| match was.iter().position(|w| w == line) {
            Some(i) => {
                was.remove(i);
                false
            }
            None => true,
        });
        let mut pairs = Vec::new();
        now.retain(
            |line| match was.iter().position(|w| cfg_notes(w) == cfg_notes(line)) {
                Some(i) => {
                    pairs.push((was.remove(i), *line));
                    false
                }
                None => true,
            },
        );
        if let ([w], [n]) = (was.as_slice(), now.as_slice()) {
            pairs.push((w, n));
            was.clear();
            now.clear();
        }
        for (w, n) in pairs {
            line_change(path, w, n, out);
        }
        for line in now {
            out.push(added(path, &header, key.0, line));
        }
        for line in was {
            out.push(removed(path, &header, key, line));
        }
    }
}

fn removed(path: &str, header: &Flags<'_>, (kind, name): &(&str, String), line: &str) -> Change {
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
    Change {
        breaking: true,
        text,
    }
}

/// Whether an impl line is a blanket impl: of a trait for one of its own type parameters
/// (`impl<F: Fn()> TokenProvider for F`), or a reference to or `Box` of one.
fn is_blanket(line: &str) -> bool {
    let (rest, _) = strip_attrs(line);
    let bounds = impl_bounds(rest);
    let (_, key) = member_key(line);
    key.rsplit_once(" for ")
        .is_some_and(|(_, on)| is_param(on, &bounds.params))
}

fn added(path: &str, header: &Flags<'_>, kind: &str, line: &str) -> Change {
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
        ("trait", "impl") if !header.sealed && is_blanket(line) => (
            true,
            format!(
                "blanket impl `{line}` added to trait `{path}`, which is not sealed: users' impls \
                 of it for their own types that meet its bounds now overlap it and stop \
                 compiling (RFC 2451)"
            ),
        ),
        _ => (false, format!("`{path}`: `{line}` added")),
    };
    Change { breaking, text }
}

/// A `feature name = ["a", "b"]` line: the name and what it enables.
fn feature(line: &str) -> (String, BTreeSet<String>) {
    let rest = line.strip_prefix("feature ").unwrap_or(line);
    let (name, list) = rest.split_once(" = ").unwrap_or((rest, "[]"));
    let list = list.trim_start_matches('[').trim_end_matches(']');
    let enabled = split_top(list, ',')
        .into_iter()
        .map(|e| e.trim().trim_matches('"').to_string())
        .filter(|e| !e.is_empty())
        .collect();
    (name.to_string(), enabled)
}

/// What each feature enables, directly or through the crate's other features.
fn closure(
    table: &BTreeMap<String, (String, BTreeSet<String>)>,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for name in table.keys() {
        let mut all = BTreeSet::new();
        let mut todo = vec![name.clone()];
        while let Some(next) = todo.pop() {
            for e in table.get(&next).map(|(_, set)| set).into_iter().flatten() {
                if all.insert(e.clone()) && table.contains_key(e) {
                    todo.push(e.clone());
                }
            }
        }
        out.insert(name.clone(), all);
    }
    out
}

/// The changes between two `# features` sections: a feature removed, or one that no longer
/// enables something (directly or through another feature), is breaking (users'
/// `features = [..]`, or code that relied on what it turned on); one added, or one that enables
/// more, is additive.
fn feature_changes(old: &[Block], new: &[Block], out: &mut Vec<Change>) {
    let table = |blocks: &[Block]| -> BTreeMap<String, (String, BTreeSet<String>)> {
        blocks
            .iter()
            .map(|b| {
                let (name, enabled) = feature(&b.header);
                (name, (b.header.clone(), enabled))
            })
            .collect()
    };
    let (before, after) = (table(old), table(new));
    let (had_all, has_all) = (closure(&before), closure(&after));
    let list = |set: &BTreeSet<String>| {
        set.iter()
            .map(|e| format!("`{e}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (name, (line, _)) in &after {
        let Some((was, _)) = before.get(name) else {
            out.push(Change {
                breaking: false,
                text: format!("feature `{name}` added: `{line}`"),
            });
            continue;
        };
        let (had, enabled) = (&had_all[name], &has_all[name]);
        let dropped: BTreeSet<String> = had.difference(enabled).cloned().collect();
        let gained: BTreeSet<String> = enabled.difference(had).cloned().collect();
        if line != was && dropped.is_empty() && gained.is_empty() {
            out.push(Change {
                breaking: false,
                text: format!(
                    "feature `{name}` is written another way but enables the same: `{was}` → \
                     `{line}`"
                ),
            });
        }
        if !dropped.is_empty() {
            out.push(Change {
                breaking: true,
                text: format!(
                    "feature `{name}` no longer enables {}: code that relied on it to turn them \
                     on may stop compiling (`{was}` → `{line}`)",
                    list(&dropped)
                ),
            });
        } else if !gained.is_empty() {
            out.push(Change {
                breaking: false,
                text: format!("feature `{name}` now also enables {}", list(&gained)),
            });
        }
    }
    for (name, (line, _)) in &before {
        if !after.contains_key(name) {
            out.push(Change {
                breaking: true,
                text: format!(
                    "feature `{name}` removed: users' `features = [\"{name}\"]` stop resolving \
                     (`{line}`)"
                ),
            });
        }
    }
}

/// What changed from the listing `old` to `new` (both from
/// [`list_public_api`](super::list_public_api)): breaking changes first, then additive ones,
/// each in path order (the crate's features first).
pub fn changes(old: &str, new: &str) -> Vec<Change> {
    let (mut old, mut new) = (parse(old), parse(new));
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
    let none = Vec::new();
    let old_features = old.sections.remove(FEATURES).unwrap_or_default();
    let new_features = new.sections.remove(FEATURES).unwrap_or_default();
    feature_changes(&old_features, &new_features, &mut out);
    let paths: BTreeSet<&String> = old.sections.keys().chain(new.sections.keys()).collect();
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

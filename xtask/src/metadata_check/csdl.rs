//! Streams an EDMX/CSDL document (Graph's `$metadata`, tens of MB) with quick-xml and keeps
//! only what the check compares: every type of the Security Copilot schemas, and from the
//! schemas that hold Graph's shared types only `entity` (the base with the `id` key),
//! `security` (the root with the `securityCopilot` navigation), `securityCopilot` and
//! `Dictionary`. Everything else is read past without being kept, so memory stays small
//! whatever the size of the document.
//!
//! Damage that makes the document unreadable (not XML, not EDMX, cut short, a tag that is never
//! closed) is an error naming the line; the content is judged by `compare`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::findings::Unreadable;

/// The namespace the check is about.
pub(super) const NAMESPACE: &str = "microsoft.graph.security.securityCopilot";

/// Schemas kept whole: every type in them is checked.
pub(super) const WHOLE: &[&str] = &[NAMESPACE, "microsoft.graph.securityCopilot"];

/// Schemas of which only the types in [`SHARED_TYPES`] are kept. The root `security` entity is
/// in `microsoft.graph` in Graph's metadata; `microsoft.graph.security` is read too, in case it
/// moves there.
const SHARED: &[&str] = &["microsoft.graph", "microsoft.graph.security"];
const SHARED_TYPES: &[&str] = &["entity", "security", "securityCopilot", "Dictionary"];

/// An entity or a complex type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Entity,
    Complex,
}

impl Kind {
    pub(super) fn word(self) -> &'static str {
        match self {
            Kind::Entity => "entity type",
            Kind::Complex => "complex type",
        }
    }
}

/// A `Property` element.
#[derive(Debug, Clone)]
pub(super) struct Property {
    pub name: String,
    /// The `Type` attribute, aliases resolved.
    pub ty: String,
    /// `Nullable` (absent means nullable).
    pub nullable: bool,
    pub line: usize,
}

/// A `NavigationProperty` element.
#[derive(Debug, Clone)]
pub(super) struct Navigation {
    pub name: String,
    /// The `Type` attribute, aliases resolved (`Collection(…)` for a collection).
    pub ty: String,
    pub contains_target: bool,
    pub line: usize,
}

/// An `EntityType` or `ComplexType`.
#[derive(Debug, Clone)]
pub(super) struct Structured {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
    /// `BaseType`, aliases resolved.
    pub base: Option<String>,
    /// The `PropertyRef` names of its `Key`.
    pub key: Vec<String>,
    /// `OpenType="true"`: instances may carry undeclared properties.
    pub open: bool,
    pub properties: Vec<Property>,
    pub navigations: Vec<Navigation>,
    pub line: usize,
}

impl Structured {
    pub(super) fn full_name(&self) -> String {
        format!("{}.{}", self.namespace, self.name)
    }
}

/// An `EnumType`.
#[derive(Debug, Clone)]
pub(super) struct Enum {
    pub namespace: String,
    pub name: String,
    /// Member names in declaration order.
    pub members: Vec<String>,
    pub flags: bool,
    pub line: usize,
}

/// What was kept of a document.
#[derive(Debug, Default)]
pub(super) struct Model {
    /// `Schema` elements read (kept or not).
    pub schemas: usize,
    pub types: Vec<Structured>,
    pub enums: Vec<Enum>,
}

impl Model {
    /// The structured type called `full` (`namespace.name`).
    pub(super) fn structured(&self, full: &str) -> Option<&Structured> {
        self.types.iter().find(|t| t.full_name() == full)
    }

    /// `t` and its base types, nearest first (a cycle stops the walk).
    pub(super) fn lineage<'m>(&'m self, t: &'m Structured) -> Vec<&'m Structured> {
        let mut out = vec![t];
        while let Some(base) = out.last().and_then(|t| t.base.as_deref()) {
            match self.structured(base) {
                Some(b) if !out.iter().any(|seen| seen.full_name() == b.full_name()) => out.push(b),
                _ => break,
            }
        }
        out
    }
}

/// A type name with its schema alias replaced by the namespace (`graph.entity` →
/// `microsoft.graph.entity`), inside `Collection(…)` too.
fn resolve(raw: &str, aliases: &BTreeMap<String, String>) -> String {
    if let Some(inner) = raw
        .strip_prefix("Collection(")
        .and_then(|r| r.strip_suffix(')'))
    {
        return format!("Collection({})", resolve(inner, aliases));
    }
    match raw.rsplit_once('.') {
        Some((prefix, name)) => match aliases.get(prefix) {
            Some(namespace) => format!("{namespace}.{name}"),
            None => raw.to_string(),
        },
        None => raw.to_string(),
    }
}

/// A `BufRead` that counts the newlines the parser has consumed, so that every event knows
/// its line without a second pass.
struct Lines<R> {
    inner: R,
    newlines: usize,
}

impl<R: BufRead> Read for Lines<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        self.newlines += newlines(&out[..n]);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Lines<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        // The buffer `fill_buf` returned is still there: no I/O happens here.
        if let Ok(buffer) = self.inner.fill_buf() {
            self.newlines += newlines(&buffer[..amount.min(buffer.len())]);
        }
        self.inner.consume(amount);
    }
}

fn newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| **b == b'\n').count()
}

/// The 1-based line of byte `offset` of the file (read again, only for an error).
fn line_at(path: &Path, offset: u64) -> Option<usize> {
    let mut file = BufReader::new(File::open(path).ok()?).take(offset);
    let mut line = 1;
    let mut chunk = [0u8; 64 * 1024];
    loop {
        match file.read(&mut chunk) {
            Ok(0) => return Some(line),
            Ok(n) => line += newlines(&chunk[..n]),
            Err(_) => return None,
        }
    }
}

/// The type being read, finished at its end tag.
enum Current {
    Structured(Structured),
    Enum(Enum),
}

/// The reader's state between events.
#[derive(Default)]
struct State {
    model: Model,
    aliases: BTreeMap<String, String>,
    /// Open elements: local name and line.
    open: Vec<(String, usize)>,
    root_seen: bool,
    /// The namespace of the open `Schema` and whether it is kept whole.
    schema: Option<(String, bool)>,
    current: Option<Current>,
    in_key: bool,
    found_namespace: bool,
}

/// Reads `path` (shown as `shown` in errors) and keeps the Security Copilot part.
pub(super) fn read(path: &Path, shown: &str) -> Result<Model, Unreadable> {
    let unreadable = |line: Option<usize>, reason: String| Unreadable {
        file: shown.to_string(),
        line,
        reason,
    };
    let file = File::open(path).map_err(|e| unreadable(None, format!("cannot read: {e}")))?;
    let mut reader = Reader::from_reader(Lines {
        inner: BufReader::with_capacity(256 * 1024, file),
        newlines: 0,
    });
    let mut state = State::default();
    let mut buf = Vec::new();
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(e) => {
                let line = line_at(path, reader.error_position());
                return Err(unreadable(line, format!("not well-formed XML: {e}")));
            }
        };
        let line_after = reader.get_ref().newlines + 1;
        match event {
            Event::Start(e) | Event::Empty(e) if state.open.is_empty() && state.root_seen => {
                let line = line_after.saturating_sub(newlines(e.as_bytes()));
                return Err(unreadable(
                    Some(line),
                    "not an EDMX document: a second root element".into(),
                ));
            }
            Event::Start(e) => {
                let line = line_after.saturating_sub(newlines(e.as_bytes()));
                let name = e.local_name().as_ref().to_string();
                state
                    .open(&e, &name, line, false)
                    .map_err(|r| unreadable(Some(line), r))?;
                state.open.push((name, line));
            }
            Event::Empty(e) => {
                let line = line_after.saturating_sub(newlines(e.as_bytes()));
                let name = e.local_name().as_ref().to_string();
                state
                    .open(&e, &name, line, true)
                    .map_err(|r| unreadable(Some(line), r))?;
                state.close(&name);
            }
            Event::End(e) => {
                let name = e.local_name().as_ref().to_string();
                state.open.pop();
                state.close(&name);
            }
            Event::Text(e) if state.open.is_empty() => {
                if let Some(first) = e.find(|c: char| !c.is_ascii_whitespace()) {
                    let line = line_after.saturating_sub(newlines(&e.as_bytes()[first..]));
                    let place = if state.root_seen { "after" } else { "before" };
                    return Err(unreadable(
                        Some(line),
                        format!("not XML: text {place} the root element"),
                    ));
                }
            }
            Event::GeneralRef(_) | Event::CData(_) if state.open.is_empty() => {
                return Err(unreadable(
                    Some(line_after),
                    "not XML: content outside the root element".into(),
                ));
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    let end = reader.get_ref().newlines + 1;
    if let Some((name, line)) = state.open.last() {
        return Err(unreadable(
            Some(end),
            format!("the document ends inside `<{name}>` (opened at line {line}): truncated"),
        ));
    }
    if !state.root_seen {
        return Err(unreadable(
            Some(end),
            "not an EDMX document: no root element".into(),
        ));
    }
    if !state.found_namespace {
        return Err(unreadable(
            None,
            format!("no `<Schema Namespace=\"{NAMESPACE}\">`: not Graph's beta metadata"),
        ));
    }
    let aliases = std::mem::take(&mut state.aliases);
    let mut model = state.model;
    for t in &mut model.types {
        t.base = t.base.as_deref().map(|b| resolve(b, &aliases));
        for p in &mut t.properties {
            p.ty = resolve(&p.ty, &aliases);
        }
        for n in &mut t.navigations {
            n.ty = resolve(&n.ty, &aliases);
        }
    }
    Ok(model)
}

/// The value of attribute `name`, unescaped.
fn attribute(e: &BytesStart<'_>, name: &str) -> Result<Option<String>, String> {
    match e.try_get_attribute(name) {
        Ok(Some(a)) => a
            .normalized_value(quick_xml::XmlVersion::default())
            .map(|v| Some(v.into_owned()))
            .map_err(|err| format!("attribute `{name}`: {err}")),
        Ok(None) => Ok(None),
        Err(err) => Err(format!("not well-formed XML: {err}")),
    }
}

fn required(e: &BytesStart<'_>, element: &str, name: &str) -> Result<String, String> {
    attribute(e, name)?.ok_or_else(|| format!("`<{element}>` without `{name}`"))
}

impl State {
    /// An element starts (`empty`: and ends at once).
    fn open(
        &mut self,
        e: &BytesStart<'_>,
        name: &str,
        line: usize,
        empty: bool,
    ) -> Result<(), String> {
        if !self.root_seen {
            self.root_seen = true;
            if name != "Edmx" {
                let shown = e.name().as_ref().to_string();
                return Err(format!(
                    "not an EDMX document: the root element is `<{shown}>`, not `<edmx:Edmx>`"
                ));
            }
            return Ok(());
        }
        match name {
            "Schema" => {
                let namespace = required(e, name, "Namespace")?;
                if let Some(alias) = attribute(e, "Alias")? {
                    self.aliases.insert(alias, namespace.clone());
                }
                self.model.schemas += 1;
                let whole = WHOLE.contains(&namespace.as_str());
                self.found_namespace |= namespace == NAMESPACE;
                if !empty {
                    self.schema = Some((namespace, whole));
                }
            }
            "EntityType" | "ComplexType" | "EnumType" if self.open.len() == 3 => {
                let Some((namespace, whole)) = &self.schema else {
                    return Ok(());
                };
                let type_name = required(e, name, "Name")?;
                let kept = *whole
                    || (SHARED.contains(&namespace.as_str())
                        && SHARED_TYPES.contains(&type_name.as_str()));
                if !kept {
                    return Ok(());
                }
                let current = if name == "EnumType" {
                    Current::Enum(Enum {
                        namespace: namespace.clone(),
                        name: type_name,
                        members: Vec::new(),
                        flags: attribute(e, "IsFlags")?.as_deref() == Some("true"),
                        line,
                    })
                } else {
                    Current::Structured(Structured {
                        kind: if name == "EntityType" {
                            Kind::Entity
                        } else {
                            Kind::Complex
                        },
                        namespace: namespace.clone(),
                        name: type_name,
                        base: attribute(e, "BaseType")?,
                        key: Vec::new(),
                        open: attribute(e, "OpenType")?.as_deref() == Some("true"),
                        properties: Vec::new(),
                        navigations: Vec::new(),
                        line,
                    })
                };
                self.current = Some(current);
            }
            _ => self.member(e, name, line)?,
        }
        Ok(())
    }

    /// A child element of a kept type.
    fn member(&mut self, e: &BytesStart<'_>, name: &str, line: usize) -> Result<(), String> {
        // Children of the type element itself (or of its `Key`), not of annotations.
        let depth = self.open.len();
        match (&mut self.current, name) {
            (Some(Current::Structured(_)), "Key") if depth == 4 => self.in_key = true,
            (Some(Current::Structured(t)), "PropertyRef") if self.in_key => {
                t.key.push(required(e, name, "Name")?);
            }
            (Some(Current::Structured(t)), "Property") if depth == 4 => {
                t.properties.push(Property {
                    name: required(e, name, "Name")?,
                    ty: required(e, name, "Type")?,
                    nullable: attribute(e, "Nullable")?.as_deref() != Some("false"),
                    line,
                });
            }
            (Some(Current::Structured(t)), "NavigationProperty") if depth == 4 => {
                t.navigations.push(Navigation {
                    name: required(e, name, "Name")?,
                    ty: required(e, name, "Type")?,
                    contains_target: attribute(e, "ContainsTarget")?.as_deref() == Some("true"),
                    line,
                });
            }
            (Some(Current::Enum(t)), "Member") if depth == 4 => {
                t.members.push(required(e, name, "Name")?);
            }
            _ => {}
        }
        Ok(())
    }

    /// An element ends; the open stack no longer holds it.
    fn close(&mut self, name: &str) {
        match name {
            "Key" => self.in_key = false,
            "Schema" if self.open.len() == 2 => self.schema = None,
            "EntityType" | "ComplexType" | "EnumType" if self.open.len() == 3 => {
                match self.current.take() {
                    Some(Current::Structured(t)) => self.model.types.push(t),
                    Some(Current::Enum(e)) => self.model.enums.push(e),
                    None => {}
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_resolve_inside_collections() {
        let aliases = BTreeMap::from([("graph".to_string(), "microsoft.graph".to_string())]);
        assert_eq!(resolve("graph.entity", &aliases), "microsoft.graph.entity");
        assert_eq!(
            resolve("Collection(graph.Dictionary)", &aliases),
            "Collection(microsoft.graph.Dictionary)"
        );
        assert_eq!(resolve("Edm.String", &aliases), "Edm.String");
    }
}

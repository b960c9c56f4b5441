//! Types in the vocabulary the docs and the metadata share: an Edm primitive (`String`,
//! `Int64`, …), a named enum or complex type (`promptType`), or a collection of either. Docs
//! cells (`[…promptType](link)`, `String collection`) and CSDL type names (`Edm.Int64`,
//! `Collection(graph.Dictionary)`) read into the same [`DocType`].

/// A type as the docs write it: `String`, `DateTimeOffset`, `…promptType`, `… collection`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DocType {
    /// An Edm primitive by its docs name (`String`, `Int64`, …).
    Primitive(String),
    /// An enum or complex type by its short name (`promptType`, `evaluationResult`).
    Named(String),
    /// `X collection`.
    Collection(Box<DocType>),
}

impl std::fmt::Display for DocType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DocType::Primitive(name) | DocType::Named(name) => f.write_str(name),
            DocType::Collection(item) => write!(f, "{item} collection"),
        }
    }
}

impl DocType {
    /// Equal up to the case of type names (the docs once wrote `securitycopilot.promptType`).
    pub(crate) fn same_as(&self, other: &DocType) -> bool {
        match (self, other) {
            (DocType::Primitive(a), DocType::Primitive(b)) => a == b,
            (DocType::Named(a), DocType::Named(b)) => a.eq_ignore_ascii_case(b),
            (DocType::Collection(a), DocType::Collection(b)) => a.same_as(b),
            _ => false,
        }
    }

    /// Reads a type cell: links are reduced to their text, `Edm.` and namespaces are dropped.
    pub(crate) fn parse(cell: &str) -> DocType {
        let text = link_text(cell.trim());
        let lower = text.to_ascii_lowercase();
        if let Some(item) = lower
            .ends_with(" collection")
            .then(|| &text[..text.len() - " collection".len()])
        {
            return DocType::Collection(Box::new(DocType::parse(item)));
        }
        if let Some(item) = text
            .strip_prefix("Collection(")
            .and_then(|t| t.strip_suffix(')'))
        {
            return DocType::Collection(Box::new(DocType::parse(item)));
        }
        let short = text.trim().rsplit('.').next().unwrap_or_default().trim();
        let short = short.split(" (").next().unwrap_or(short);
        if PRIMITIVES.contains(&short) {
            DocType::Primitive(short.to_string())
        } else {
            DocType::Named(short.to_string())
        }
    }
}

/// The Edm primitive names the docs use.
pub(crate) const PRIMITIVES: &[&str] = &[
    "String",
    "Boolean",
    "Int16",
    "Int32",
    "Int64",
    "Byte",
    "Double",
    "Single",
    "Decimal",
    "DateTimeOffset",
    "Date",
    "TimeOfDay",
    "Duration",
    "Guid",
    "Binary",
    "Stream",
];

/// `[text](link)` → `text`, repeated for every link in the cell.
fn link_text(cell: &str) -> String {
    let mut out = String::new();
    let mut rest = cell;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](") else {
            break;
        };
        let Some(end) = rest[open + close..].find(')') else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&rest[open + 1..open + close]);
        rest = &rest[open + close + end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_types_as_the_docs_write_them() {
        assert_eq!(
            DocType::parse("String"),
            DocType::Primitive("String".into())
        );
        assert_eq!(
            DocType::parse(
                "[microsoft.graph.security.securityCopilot.pluginSetting](x.md) collection"
            ),
            DocType::Collection(Box::new(DocType::Named("pluginSetting".into())))
        );
        assert_eq!(
            DocType::parse("Edm.Int64"),
            DocType::Primitive("Int64".into())
        );
        assert_eq!(
            DocType::parse("Collection(Edm.String)"),
            DocType::Collection(Box::new(DocType::Primitive("String".into())))
        );
        assert!(
            DocType::parse("microsoft.graph.security.securitycopilot.prompttype")
                .same_as(&DocType::Named("promptType".into()))
        );
    }
}

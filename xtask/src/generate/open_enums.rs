//! Open enums: each string enum of the spec becomes an `open_enum!` invocation inside `types`
//! (the macro lives in `copilot-api/src/open_enum.rs`), and progenitor is told to use those types
//! instead of its closed enums.

use openapiv3::{OpenAPI, ReferenceOr, SchemaKind, StringType, Type};

/// A string enum of the spec, emitted as an open enum.
pub(super) struct OpenEnum {
    pub name: String,
    description: Option<String>,
    members: Vec<String>,
}

/// Every component schema that is a string enum, in document order.
pub(super) fn string_enums(spec: &OpenAPI, shown: &str) -> Result<Vec<OpenEnum>, String> {
    let Some(components) = &spec.components else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (name, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let SchemaKind::Type(Type::String(StringType { enumeration, .. })) = &schema.schema_kind
        else {
            continue;
        };
        if enumeration.is_empty() {
            continue;
        }
        let mut members = Vec::new();
        for member in enumeration {
            match member {
                Some(m) => members.push(m.clone()),
                None => {
                    return Err(format!(
                        "{shown}: components.schemas.{name}: `null` as an enum member is not \
                         supported; use `nullable: true` on the property instead"
                    ));
                }
            }
        }
        out.push(OpenEnum {
            name: name.clone(),
            description: schema.schema_data.description.clone(),
            members,
        });
    }
    Ok(out)
}

/// Adds one `open_enum!` block per string enum at the top of `pub mod types`.
///
/// Inserted as laid-out text after prettyplease has printed the rest (it would print a macro body
/// as a run of tokens), so each member stays on its own line and diffs stay one line per member.
/// Nothing formats the file afterwards: `cargo fmt` skips it, so this layout is the final one.
pub(super) fn insert_open_enums(formatted: &str, enums: &[OpenEnum]) -> Result<String, String> {
    const ANCHOR: &str = "\npub mod types {\n";
    let at = formatted
        .find(ANCHOR)
        .ok_or("progenitor output has no `pub mod types`")?
        + ANCHOR.len();
    let mut blocks = String::new();
    for e in enums {
        blocks.push_str(&open_enum_block(e));
    }
    Ok(format!("{}{blocks}{}", &formatted[..at], &formatted[at..]))
}

/// The `open_enum!` invocation for one enum, indented for `mod types`.
fn open_enum_block(e: &OpenEnum) -> String {
    let mut out = String::from("    open_enum! {\n");
    let doc = e
        .description
        .as_deref()
        .unwrap_or("An enumeration of the API.");
    for line in doc.lines() {
        out.push_str(&format!("        /// {}\n", line.trim()));
    }
    out.push_str(&format!("        {} {{\n", e.name));
    for wire in &e.members {
        out.push_str(&format!(
            "            {} = {wire:?},\n",
            member_variant(wire)
        ));
    }
    out.push_str("        }\n    }\n");
    out
}

/// The variant for a documented member: [`variant_name`], except that a member which would be
/// called `Other` (pluginCategory has one) becomes `OtherValue`, because `Other(String)` is the
/// catch-all every open enum has.
fn member_variant(wire: &str) -> String {
    match variant_name(wire) {
        name if name == "Other" => "OtherValue".to_string(),
        name => name,
    }
}

/// `unknownFutureValue` → `UnknownFutureValue`, `aPIKey` → `ApiKey`: upper camel case of the wire name.
fn variant_name(wire: &str) -> String {
    // Split into words at lower→upper boundaries and at the end of an upper-case run.
    // The first letter is capitalised first, so `aPIKey` reads as `APIKey`.
    let mut chars: Vec<char> = wire.chars().filter(|c| c.is_alphanumeric()).collect();
    if let Some(first) = chars.first_mut() {
        *first = first.to_ascii_uppercase();
    }
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let boundary = match prev {
            None => false,
            Some(p) => {
                (p.is_lowercase() && c.is_uppercase())
                    || (p.is_uppercase()
                        && c.is_uppercase()
                        && next.is_some_and(|n| n.is_lowercase()))
            }
        };
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    let mut name = String::new();
    for word in words {
        let mut cs = word.chars();
        if let Some(first) = cs.next() {
            name.extend(first.to_uppercase());
            name.push_str(&cs.as_str().to_lowercase());
        }
    }
    if name.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    name
}

#[cfg(test)]
mod tests {
    use super::member_variant;

    #[test]
    fn variant_names_follow_upper_camel_case() {
        let cases = [
            ("unknownFutureValue", "UnknownFutureValue"),
            ("aPIKey", "ApiKey"),
            ("ga", "Ga"),
            ("oAuthAuthorizationCodeFlow", "OAuthAuthorizationCodeFlow"),
            ("geoGlobal", "GeoGlobal"),
            ("secretString", "SecretString"),
            ("other", "OtherValue"),
        ];
        for (wire, expected) in cases {
            assert_eq!(member_variant(wire), expected, "{wire}");
        }
    }
}

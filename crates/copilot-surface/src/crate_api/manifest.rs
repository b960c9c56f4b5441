//! The `[features]` table of a crate's `Cargo.toml`, read with a small line parser instead of a
//! TOML library: a `[features]` header, then `name = ["a", "b"]` lines (an array may span
//! lines; `#` comments; a quoted name) up to the next table header. Everything else in the
//! manifest is skipped. Not seen: features written as dotted keys elsewhere
//! (`features.x = [..]`) and the implicit feature of an optional dependency that no `dep:`
//! names.

use std::collections::BTreeMap;

/// Each feature of the manifest and what it enables, by name.
pub(crate) fn features(manifest: &str) -> Result<BTreeMap<String, Vec<String>>, String> {
    let mut out = BTreeMap::new();
    let mut in_features = false;
    // A `name = [..` whose array is still open, and the line it started on.
    let mut pending: Option<(usize, String)> = None;
    for (n, raw) in manifest.lines().enumerate() {
        let line = strip_comment(raw);
        let trimmed = line.trim();
        if let Some((start, text)) = pending.as_mut() {
            text.push(' ');
            text.push_str(trimmed);
            if depth(text) == 0 {
                let (start, text) = (*start, text.clone());
                pending = None;
                let (name, enabled) = entry(&text).map_err(|e| at(start, &e))?;
                out.insert(name, enabled);
            }
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        if trimmed.starts_with('[') {
            in_features = trimmed == "[features]";
            continue;
        }
        if !in_features {
            continue;
        }
        if depth(trimmed) > 0 {
            pending = Some((n + 1, trimmed.to_string()));
            continue;
        }
        let (name, enabled) = entry(trimmed).map_err(|e| at(n + 1, &e))?;
        out.insert(name, enabled);
    }
    match pending {
        Some((start, _)) => Err(at(start, "the array is not closed")),
        None => Ok(out),
    }
}

fn at(line: usize, message: &str) -> String {
    format!("Cargo.toml:{line}: [features]: {message}")
}

/// The line up to a `#` outside a string.
fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return &line[..i],
            _ => {}
        }
    }
    line
}

/// How many `[` outside strings are still open at the end of `text`.
fn depth(text: &str) -> i32 {
    let mut in_string = false;
    let mut escaped = false;
    let mut depth = 0;
    for c in text.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '[' if !in_string => depth += 1,
            ']' if !in_string => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// `name = ["a", "b"]`.
fn entry(text: &str) -> Result<(String, Vec<String>), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not `name = [..]`"))?;
    let name = name.trim();
    let name = match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(quoted) => quoted.to_string(),
        None => name.to_string(),
    };
    let inner = value
        .trim()
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .ok_or_else(|| format!("feature `{name}`: `{}` is not an array", value.trim()))?;
    let mut enabled = Vec::new();
    for item in inner.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let value = item
            .strip_prefix('"')
            .and_then(|i| i.strip_suffix('"'))
            .ok_or_else(|| format!("feature `{name}`: `{item}` is not a string"))?;
        enabled.push(value.to_string());
    }
    Ok((name, enabled))
}

#[cfg(test)]
mod tests {
    use super::features;

    #[test]
    fn the_features_table_alone_is_read() {
        let manifest = r#"
[package]
name = "demo"
features = "not this"

[features]
default = ["rustls"]   # the usual
# a comment line
rustls = ["dep:rustls", "reqwest/rustls"]
"with.dot" = []
long = [
    "a",  # first
    "b#not-a-comment",
]

[dependencies]
x = { version = "1", features = ["y"] }
"#;
        let got = features(manifest).unwrap_or_else(|e| panic!("{e}"));
        let got: Vec<String> = got.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
        assert_eq!(
            got,
            [
                r#"default=["rustls"]"#,
                r#"long=["a", "b#not-a-comment"]"#,
                r#"rustls=["dep:rustls", "reqwest/rustls"]"#,
                r#"with.dot=[]"#,
            ],
            "{got:#?}"
        );
        assert!(features("[package]\nname = \"x\"\n").unwrap().is_empty());
    }

    #[test]
    fn what_the_parser_cannot_read_is_an_error_with_its_line() {
        let err = features("[features]\nx = \"a\"\n").unwrap_err();
        assert_eq!(
            err, "Cargo.toml:2: [features]: feature `x`: `\"a\"` is not an array",
            "{err}"
        );
        let err = features("[features]\nx = [\n\"a\",\n").unwrap_err();
        assert_eq!(err, "Cargo.toml:2: [features]: the array is not closed");
    }
}

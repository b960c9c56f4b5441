//! What the docs pages state, read out of parsed [`Page`]s: endpoints with their query options,
//! status codes, request-body properties and examples, and resources with their properties,
//! types, nullability and enum members. Nothing here knows the spec.

use super::markdown::{Block, Page, Table};
pub(super) use crate::edm_type::DocType;
pub(super) use crate::findings::At;

/// The namespace the check is about.
pub(super) const NAMESPACE: &str = "microsoft.graph.security.securityCopilot";

/// One row of a property table.
#[derive(Debug, Clone)]
pub(super) struct Property {
    pub name: String,
    pub ty: DocType,
    /// `Some` only when the description says `Nullable` or `Not nullable`.
    pub nullable: Option<bool>,
    /// The description says `Required`.
    pub required: bool,
    /// Members listed after "The possible values are:" (and the evolvable-enum note).
    pub members: Vec<String>,
    pub at: At,
}

/// A resource page.
#[derive(Debug)]
pub(super) struct Resource {
    /// The short type name, e.g. `session`.
    pub name: String,
    pub at: At,
    pub properties: Vec<Property>,
    /// Keys of the JSON representation block, with their lines.
    pub json_keys: Vec<(String, At)>,
}

/// An example block of an API page.
#[derive(Debug)]
pub(super) struct Example {
    /// The annotation's `name`, or the page title.
    pub name: String,
    pub at: At,
    pub kind: ExampleKind,
    /// The payload text and the line it starts on (`None` when the block has no body).
    pub body: Option<(String, usize)>,
}

/// A request (method and URL) or a response (status code).
#[derive(Debug)]
pub(super) enum ExampleKind {
    Request { method: String, url: String },
    Response { status: u16 },
}

/// An API page: one or more endpoints (the `## HTTP request` lines) and what the page says
/// about them.
#[derive(Debug)]
pub(super) struct ApiPage {
    pub title: String,
    /// `(method, path)` from the HTTP request block, with their lines.
    pub endpoints: Vec<(String, String, At)>,
    /// OData query options named under "Optional query parameters" (`None` without that section).
    pub query: Option<(Vec<String>, At)>,
    /// Status codes named under "Response" (`201 Created` → 201).
    pub statuses: Vec<(u16, At)>,
    /// The request-body property table, if the page has a "Request body" section.
    pub body: Option<Vec<Property>>,
    pub examples: Vec<Example>,
}

/// Everything read from one directory.
#[derive(Debug, Default)]
pub(super) struct Docs {
    pub resources: Vec<Resource>,
    pub apis: Vec<ApiPage>,
}

/// Whether `text` is a page of the Security Copilot namespace (checked before parsing, so that
/// pages of other namespaces are never judged).
pub(super) fn in_namespace(text: &str) -> bool {
    text.lines().any(|line| {
        line.trim()
            .strip_prefix("Namespace:")
            .is_some_and(|ns| ns.trim().eq_ignore_ascii_case(NAMESPACE))
    })
}

impl Docs {
    /// Adds the facts of one page (`file` is its path relative to the docs directory).
    pub(super) fn add(&mut self, file: &str, page: &Page) {
        let at = |line: usize| At {
            file: file.to_string(),
            line,
        };
        let title = page.front.get("title").cloned().unwrap_or_default();
        let resource_block = page
            .blocks
            .iter()
            .find(|b| b.block_type() == Some("resource"));
        let is_resource = page.front.get("doc_type").map(String::as_str)
            == Some("resourcePageType")
            || resource_block.is_some();
        if is_resource {
            let name = resource_block
                .and_then(|b| b.annotation.as_ref()?.get("@odata.type")?.as_str())
                .map(|t| t.rsplit('.').next().unwrap_or(t).to_string())
                .unwrap_or_else(|| title.trim_end_matches(" resource type").to_string());
            let properties = page
                .tables
                .iter()
                .filter(|t| t.section == "Properties")
                .flat_map(|t| properties(t, &at))
                .collect();
            let json_keys = resource_block
                .map(|b| json_keys(b, &at))
                .unwrap_or_default();
            self.resources.push(Resource {
                name,
                at: at(1),
                properties,
                json_keys,
            });
            return;
        }

        let mut endpoints = Vec::new();
        for block in page.blocks.iter().filter(|b| b.section == "HTTP request") {
            for (i, line) in block.body.iter().enumerate() {
                if let Some((method, path)) = line.trim().split_once(' ')
                    && method.chars().all(|c| c.is_ascii_uppercase())
                {
                    endpoints.push((
                        method.to_string(),
                        path.trim().to_string(),
                        at(block.line_of(i)),
                    ));
                }
            }
        }
        if endpoints.is_empty() {
            return;
        }

        let query = section_present(page, "Optional query parameters").then(|| {
            let lines: Vec<_> = page
                .lines
                .iter()
                .filter(|l| l.section == "Optional query parameters")
                .collect();
            let options = lines
                .iter()
                .flat_map(|l| backticked(&l.text))
                .filter(|t| t.starts_with('$') && t.len() > 1)
                .map(str::to_string)
                .collect();
            (options, at(lines.first().map_or(1, |l| l.line)))
        });

        let statuses = page
            .lines
            .iter()
            .filter(|l| l.section == "Response")
            .flat_map(|l| {
                backticked(&l.text)
                    .filter_map(status_code)
                    .map(|code| (code, at(l.line)))
                    .collect::<Vec<_>>()
            })
            .collect();

        let body = section_present(page, "Request body").then(|| {
            page.tables
                .iter()
                .filter(|t| t.section == "Request body")
                .flat_map(|t| properties(t, &at))
                .collect()
        });

        // A response without a name of its own answers the request before it.
        let mut examples: Vec<Example> = Vec::new();
        for block in &page.blocks {
            let Some(mut example) = example(block, &title, &at) else {
                continue;
            };
            let unnamed = block
                .annotation
                .as_ref()
                .is_none_or(|a| a.get("name").is_none());
            if unnamed
                && let ExampleKind::Response { .. } = example.kind
                && let Some(request) = examples
                    .iter()
                    .rev()
                    .find(|e| matches!(e.kind, ExampleKind::Request { .. }))
            {
                example.name = request.name.clone();
            }
            examples.push(example);
        }

        self.apis.push(ApiPage {
            title,
            endpoints,
            query,
            statuses,
            body,
            examples,
        });
    }
}

fn section_present(page: &Page, name: &str) -> bool {
    page.lines.iter().any(|l| l.section == name)
        || page.tables.iter().any(|t| t.section == name)
        || page.blocks.iter().any(|b| b.section == name)
}

/// The rows of a table whose first column is `Property` (or `Relationship` is skipped).
fn properties(table: &Table, at: &impl Fn(usize) -> At) -> Vec<Property> {
    let column = |name: &str| {
        table
            .header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
    };
    let (Some(p), Some(t)) = (column("Property"), column("Type")) else {
        return Vec::new();
    };
    let d = column("Description");
    table
        .rows
        .iter()
        .filter_map(|(line, row)| {
            let name = row.get(p)?.trim_matches('*').trim().to_string();
            let description = d.and_then(|d| row.get(d)).map_or("", String::as_str);
            Some(Property {
                name,
                ty: DocType::parse(row.get(t)?),
                nullable: nullability(description),
                required: description.split(['.', ';']).any(|s| {
                    let s = s.trim();
                    s.starts_with("Required")
                }),
                members: members(description),
                at: at(*line),
            })
        })
        .filter(|p| !p.name.is_empty())
        .collect()
}

fn nullability(description: &str) -> Option<bool> {
    let lower = description.to_ascii_lowercase();
    if lower.contains("not nullable") || lower.contains("non-nullable") {
        Some(false)
    } else if lower
        .split(|c: char| !c.is_ascii_alphabetic())
        .any(|w| w == "nullable")
    {
        Some(true)
    } else {
        None
    }
}

/// Enum members: the backticked words of "The possible values are: …" up to the end of that
/// sentence, plus those of the evolvable-enum note ("… evolvable enum: `a`, `b`.").
fn members(description: &str) -> Vec<String> {
    let mut out = Vec::new();
    for marker in ["possible values are:", "evolvable enum:"] {
        let lower = description.to_ascii_lowercase();
        let Some(start) = lower.find(marker) else {
            continue;
        };
        let rest = &description[start + marker.len()..];
        out.extend(
            backticked(sentence(rest))
                .filter(|m| !m.is_empty() && !m.contains([' ', ':']))
                .map(str::to_string),
        );
    }
    out
}

/// `text` up to the first period outside backticks that ends a sentence.
fn sentence(text: &str) -> &str {
    let mut in_code = false;
    for (i, c) in text.char_indices() {
        match c {
            '`' => in_code = !in_code,
            '.' if !in_code => {
                let next = text[i + 1..].chars().next();
                if next.is_none_or(char::is_whitespace) {
                    return &text[..i];
                }
            }
            _ => {}
        }
    }
    text
}

/// The contents of each `…` span.
fn backticked(text: &str) -> impl Iterator<Item = &str> {
    text.split('`').skip(1).step_by(2)
}

/// `201 Created` → 201.
fn status_code(text: &str) -> Option<u16> {
    let digits = text.split_whitespace().next()?;
    (digits.len() == 3)
        .then(|| digits.parse().ok())
        .flatten()
        .filter(|c| (100..600).contains(c))
}

/// The top-level keys of a JSON representation block (placeholder values are not JSON-typed,
/// so keys are read line by line at the first nesting level).
fn json_keys(block: &Block, at: &impl Fn(usize) -> At) -> Vec<(String, At)> {
    let mut depth = 0i32;
    let mut keys = Vec::new();
    for (i, line) in block.body.iter().enumerate() {
        let trimmed = line.trim();
        if depth == 1
            && let Some(rest) = trimmed.strip_prefix('"')
            && let Some((key, _)) = rest.split_once("\":")
            && !key.starts_with('@')
        {
            keys.push((key.to_string(), at(block.line_of(i))));
        }
        depth += trimmed.matches(['{', '[']).count() as i32;
        depth -= trimmed.matches(['}', ']']).count() as i32;
    }
    keys
}

/// A request or response example block of an API page.
fn example(block: &Block, title: &str, at: &impl Fn(usize) -> At) -> Option<Example> {
    let kind = block.block_type()?;
    if kind != "request" && kind != "response" {
        return None;
    }
    let name = block
        .annotation
        .as_ref()
        .and_then(|a| a.get("name")?.as_str())
        .unwrap_or(title)
        .to_string();
    let first = block.body.iter().position(|l| !l.trim().is_empty())?;
    let start_line = block.body[first].trim();
    let kind = if kind == "request" {
        let (method, url) = start_line.split_once(' ')?;
        ExampleKind::Request {
            method: method.to_string(),
            url: url.trim().to_string(),
        }
    } else {
        let status = start_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())?;
        ExampleKind::Response { status }
    };
    // The payload follows the first blank line after the start line and the headers.
    let blank = block.body[first..]
        .iter()
        .position(|l| l.trim().is_empty())
        .map(|p| first + p);
    let body = blank.and_then(|b| {
        let text = block.body[b + 1..].join("\n");
        (!text.trim().is_empty()).then(|| (text, block.line_of(b + 1)))
    });
    Some(Example {
        name,
        at: at(block.line),
        kind,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_enum_members_and_stops_at_the_sentence_end() {
        assert_eq!(
            members(
                "Kind. The possible values are: `a`, `b.c`, `unknownFutureValue`. **Only `a` is supported.**"
            ),
            ["a", "b.c", "unknownFutureValue"]
        );
        assert_eq!(
            members(
                "The possible values are: `a`, `unknownFutureValue`. Use the `Prefer: include-unknown-enum-members` request header to get the following values from this evolvable enum: `late`."
            ),
            ["a", "unknownFutureValue", "late"]
        );
        assert!(members("No list here.").is_empty());
    }

    #[test]
    fn reads_nullability_only_when_stated() {
        assert_eq!(nullability("The name. Nullable."), Some(true));
        assert_eq!(nullability("The id. Not nullable."), Some(false));
        assert_eq!(nullability("The name."), None);
    }
}

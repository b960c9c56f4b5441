//! Reads one page in the format of Microsoft's Graph docs repository into its parts: YAML front
//! matter, headings, pipe tables, paragraphs and fenced code blocks with their
//! `<!-- { "blockType": ... } -->` annotations. Tab headings (`# [HTTP](#tab/http)`) and
//! `[!INCLUDE]` lines carry nothing the check needs and are skipped.
//!
//! Only damage that makes the page unreadable is an error (an unterminated front matter, code
//! fence or annotation, an annotation that is not JSON); the content is judged later.

use std::collections::BTreeMap;

use serde_json::Value;

/// A page, split into the parts the check reads. Line numbers are 1-based.
#[derive(Debug, Default)]
pub(super) struct Page {
    /// Front matter keys and values (quotes removed).
    pub front: BTreeMap<String, String>,
    /// The text after `Namespace:`, if the page names one.
    pub namespace: Option<String>,
    /// Paragraph lines outside tables and code blocks, with their section.
    pub lines: Vec<Line>,
    /// Pipe tables, with their section.
    pub tables: Vec<Table>,
    /// Fenced code blocks, with their section and annotation.
    pub blocks: Vec<Block>,
}

/// One line of running text.
#[derive(Debug)]
pub(super) struct Line {
    pub section: String,
    pub line: usize,
    pub text: String,
}

/// A pipe table: the header cells and the rows, each with its line.
#[derive(Debug)]
pub(super) struct Table {
    pub section: String,
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// A fenced code block.
#[derive(Debug)]
pub(super) struct Block {
    pub section: String,
    /// The line of the opening fence.
    pub line: usize,
    /// The annotation comment just before the block, if any.
    pub annotation: Option<Value>,
    /// The block's lines (without the fences).
    pub body: Vec<String>,
}

impl Block {
    /// The annotation's `blockType`, if any.
    pub(super) fn block_type(&self) -> Option<&str> {
        self.annotation.as_ref()?.get("blockType")?.as_str()
    }

    /// The line number of the block's `index`-th body line.
    pub(super) fn line_of(&self, index: usize) -> usize {
        self.line + 1 + index
    }
}

/// Why a page cannot be read: the line and the reason.
#[derive(Debug)]
pub(super) struct PageSyntaxError {
    pub line: usize,
    pub reason: String,
}

/// Splits `text` into a [`Page`].
pub(super) fn parse(text: &str) -> Result<Page, PageSyntaxError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut page = Page::default();
    let mut i = 0;

    if lines.first().map(|l| l.trim_end()) == Some("---") {
        let end = lines[1..]
            .iter()
            .position(|l| l.trim_end() == "---")
            .ok_or_else(|| PageSyntaxError {
                line: 1,
                reason: "the front matter (`---`) is never closed".into(),
            })?;
        for line in &lines[1..=end] {
            if let Some((key, value)) = line.split_once(':') {
                let value = value.trim().trim_matches('"').trim_matches('\'');
                page.front.insert(key.trim().to_string(), value.to_string());
            }
        }
        i = end + 2;
    }

    let mut section = String::new();
    let mut annotation: Option<(usize, Value)> = None;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim();
        let number = i + 1;
        if trimmed.starts_with("<!--") {
            let start = i;
            let mut comment = String::new();
            loop {
                let Some(part) = lines.get(i) else {
                    return Err(PageSyntaxError {
                        line: start + 1,
                        reason: "an HTML comment (`<!--`) is never closed".into(),
                    });
                };
                comment.push_str(part);
                comment.push('\n');
                if part.contains("-->") {
                    break;
                }
                i += 1;
            }
            let inner = comment
                .trim()
                .trim_start_matches("<!--")
                .trim_end_matches("-->")
                .trim();
            if inner.starts_with('{') {
                let value = serde_json::from_str(inner).map_err(|e| PageSyntaxError {
                    line: start + 1,
                    reason: format!("the annotation comment is not JSON: {e}"),
                })?;
                annotation = Some((start + 1, value));
            }
        } else if trimmed.starts_with("```") {
            let start = i;
            let mut body = Vec::new();
            i += 1;
            loop {
                let Some(inner) = lines.get(i) else {
                    return Err(PageSyntaxError {
                        line: start + 1,
                        reason: "a code block (```) is never closed".into(),
                    });
                };
                if inner.trim_start().starts_with("```") {
                    break;
                }
                body.push(inner.to_string());
                i += 1;
            }
            // An annotation describes the next code block of its section.
            page.blocks.push(Block {
                section: section.clone(),
                line: start + 1,
                annotation: annotation.take().map(|(_, v)| v),
                body,
            });
        } else if trimmed.starts_with('|') {
            let header = cells(trimmed);
            let mut rows = Vec::new();
            while let Some(next) = lines.get(i + 1).map(|l| l.trim())
                && next.starts_with('|')
            {
                i += 1;
                let row = cells(next);
                if !row.iter().all(|c| c.chars().all(|ch| "-: ".contains(ch))) {
                    rows.push((i + 1, row));
                }
            }
            page.tables.push(Table {
                section: section.clone(),
                header,
                rows,
            });
        } else if let Some(heading) = heading(trimmed) {
            section = heading;
            annotation = None;
        } else if let Some(namespace) = trimmed.strip_prefix("Namespace:") {
            page.namespace = Some(namespace.trim().to_string());
        } else if !trimmed.is_empty()
            && !trimmed.starts_with("[!INCLUDE")
            && !trimmed.starts_with("# [")
            && trimmed != "---"
        {
            page.lines.push(Line {
                section: section.clone(),
                line: number,
                text: trimmed.to_string(),
            });
        }
        i += 1;
    }
    Ok(page)
}

/// `## Request body` → `Request body`; tab headings (`# [C#](#tab/csharp)`) are not headings.
fn heading(line: &str) -> Option<String> {
    let text = line.trim_start_matches('#');
    let level = line.len() - text.len();
    if level == 0 || level > 6 || !text.starts_with(' ') || text.trim_start().starts_with('[') {
        return None;
    }
    Some(text.trim().to_string())
}

/// The cells of a pipe-table row, trimmed; `\|` stays inside a cell.
fn cells(row: &str) -> Vec<String> {
    let inner = row.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '|' => out.push(std::mem::take(&mut cell).trim().to_string()),
            _ => cell.push(c),
        }
    }
    out.push(cell.trim().to_string());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_page_into_its_parts() {
        let page = parse(
            "---\ntitle: \"Get thing\"\ndoc_type: apiPageType\n---\n# Get thing\n\nNamespace: a.b\n\n\
             ## HTTP request\n<!-- {\n \"blockType\": \"ignored\"\n}\n-->\n``` http\nGET /x\n```\n\
             # [C#](#tab/csharp)\n[!INCLUDE [x](y.md)]\n\n## Properties\n|Property|Type|\n|:--|:--|\n|a\\|b|String|\n",
        )
        .unwrap();
        assert_eq!(page.front["title"], "Get thing");
        assert_eq!(page.namespace.as_deref(), Some("a.b"));
        assert_eq!(page.blocks.len(), 1);
        assert_eq!(page.blocks[0].block_type(), Some("ignored"));
        assert_eq!(page.blocks[0].section, "HTTP request");
        assert_eq!(page.blocks[0].body, ["GET /x"]);
        assert_eq!(
            page.tables[0].rows,
            [(23, vec!["a|b".to_string(), "String".into()])]
        );
        assert!(page.lines.iter().all(|l| !l.text.contains("INCLUDE")));
    }

    #[test]
    fn unreadable_pages_name_the_line() {
        let fence = parse("# T\n\n```json\n{}\n").unwrap_err();
        assert_eq!(
            (fence.line, fence.reason.contains("never closed")),
            (3, true)
        );
        let front = parse("---\ntitle: x\n").unwrap_err();
        assert_eq!(front.line, 1);
        let annotation = parse("text\n<!-- { \"blockType\": } -->\n").unwrap_err();
        assert_eq!(annotation.line, 2);
    }
}

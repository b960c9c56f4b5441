//! Renders the findings of `docs-check` as text for people (grouped by resource and endpoint)
//! or as JSON for machines.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{Value, json};

use super::compare::{Finding, Findings};
use super::{Format, Unreadable};

/// How many pages were read, checked and skipped.
#[derive(Debug, Default)]
pub struct Pages {
    pub read: usize,
    pub checked: usize,
    pub skipped: usize,
}

/// The outcome of one run.
#[derive(Debug)]
pub struct Report {
    pub pages: Pages,
    pub spec: String,
    pub findings: Findings,
}

impl Report {
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Text => self.text(),
            Format::Json => {
                let mut text = serde_json::to_string_pretty(&self.json()).unwrap_or_default();
                text.push('\n');
                text
            }
        }
    }

    fn text(&self) -> String {
        let mut out = String::new();
        let Pages {
            read,
            checked,
            skipped,
        } = self.pages;
        let _ = writeln!(
            out,
            "docs-check: {read} pages read, {checked} of the Security Copilot namespace checked against {}, {skipped} skipped",
            self.spec
        );
        let drift = &self.findings.drift;
        let problems = &self.findings.problems;
        if !drift.is_empty() {
            out.push_str("\ndrift (the spec must change):\n");
            grouped(&mut out, drift);
        }
        if !problems.is_empty() {
            out.push_str("\ndoc problems (the docs are wrong; not counted as drift):\n");
            grouped(&mut out, problems);
        }
        let problems = match problems.len() {
            0 => String::new(),
            1 => ", 1 doc problem".into(),
            n => format!(", {n} doc problems"),
        };
        let _ = match drift.len() {
            0 => writeln!(out, "\nresult: the spec agrees with the docs{problems}"),
            1 => writeln!(out, "\nresult: 1 drift item{problems}"),
            n => writeln!(out, "\nresult: {n} drift items{problems}"),
        };
        out
    }

    fn json(&self) -> Value {
        let items = |findings: &[Finding]| -> Vec<Value> {
            findings
                .iter()
                .map(|f| {
                    json!({
                        "group": f.group,
                        "kind": f.kind,
                        "message": f.message,
                        "file": f.at.as_ref().map(|a| a.file.as_str()),
                        "line": f.at.as_ref().map(|a| a.line),
                    })
                })
                .collect()
        };
        json!({
            "pages": {
                "read": self.pages.read,
                "checked": self.pages.checked,
                "skipped": self.pages.skipped,
            },
            "spec": self.spec,
            "drift": items(&self.findings.drift),
            "doc_problems": items(&self.findings.problems),
            "exit": if self.findings.drift.is_empty() { 0 } else { 1 },
        })
    }
}

fn grouped(out: &mut String, findings: &[Finding]) {
    let mut groups: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for finding in findings {
        groups.entry(&finding.group).or_default().push(finding);
    }
    for (group, findings) in groups {
        let _ = writeln!(out, "  {group}");
        for finding in findings {
            let _ = match &finding.at {
                Some(at) => writeln!(out, "    - {at}: {}", finding.message),
                None => writeln!(out, "    - {}", finding.message),
            };
        }
    }
}

/// The JSON printed with `--format json` when the input cannot be read.
pub fn error_json(error: &Unreadable) -> String {
    json!({
        "error": { "file": error.file, "line": error.line, "message": error.reason },
        "exit": 2,
    })
    .to_string()
}

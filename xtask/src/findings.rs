//! What the checks (`docs-check`, `metadata-check`) report and how: one [`Finding`] per thing
//! to do, sorted into drift (the spec must change), problems of the input (not counted) and
//! information (not counted), rendered grouped as text or as JSON; and [`Unreadable`], the
//! reason a run could not look at its input.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{Value, json};

/// Output format of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Text,
    Json,
}

/// Why a run could not look at its input: the file, the 1-based line if known, the reason.
#[derive(Debug)]
pub(crate) struct Unreadable {
    pub file: String,
    pub line: Option<usize>,
    pub reason: String,
}

/// A place in the input: a file as shown in the report and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct At {
    pub file: String,
    pub line: usize,
}

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One item of a report.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    /// `resource session`, `endpoint GET /… (getSession)`, `entity type session`.
    pub group: String,
    /// A stable machine name for the kind of item (`property-missing`, `enum-member-missing`, …).
    pub kind: &'static str,
    /// What to do, in words.
    pub message: String,
    /// Where the input says it (`None` for what the input does not state).
    pub at: Option<At>,
}

/// The findings of one run.
#[derive(Debug, Default)]
pub(crate) struct Findings {
    /// The spec must change: the run fails.
    pub drift: Vec<Finding>,
    /// The input itself is wrong in a way the spec must not follow: reported, not counted.
    pub problems: Vec<Finding>,
    /// Worth knowing, nothing to change: reported, not counted.
    pub info: Vec<Finding>,
}

fn finding(
    group: String,
    kind: &'static str,
    message: String,
    at: impl Into<Option<At>>,
) -> Finding {
    Finding {
        group,
        kind,
        message,
        at: at.into(),
    }
}

impl Findings {
    pub(crate) fn drift(
        &mut self,
        group: String,
        kind: &'static str,
        message: String,
        at: impl Into<Option<At>>,
    ) {
        self.drift.push(finding(group, kind, message, at));
    }

    pub(crate) fn problem(
        &mut self,
        group: String,
        kind: &'static str,
        message: String,
        at: impl Into<Option<At>>,
    ) {
        self.problems.push(finding(group, kind, message, at));
    }

    pub(crate) fn info(
        &mut self,
        group: String,
        kind: &'static str,
        message: String,
        at: impl Into<Option<At>>,
    ) {
        self.info.push(finding(group, kind, message, at));
    }

    /// Sorts every list by group, place and message, and drops repeated messages of a group.
    pub(crate) fn sorted(mut self) -> Self {
        for list in [&mut self.drift, &mut self.problems, &mut self.info] {
            list.sort_by(|a, b| (&a.group, &a.at, &a.message).cmp(&(&b.group, &b.at, &b.message)));
            list.dedup_by(|a, b| a.group == b.group && a.message == b.message);
        }
        self
    }

    /// The process exit code of a run with these findings: 0 without drift, 1 with.
    pub(crate) fn exit(&self) -> u8 {
        u8::from(!self.drift.is_empty())
    }

    /// The text report: `header`, the sections that have items (`problems_heading` over the
    /// problems, a fixed heading over the information), a blank line, and the result line
    /// (`agree` when there is no drift; `problem_noun` names a problem in the singular).
    pub(crate) fn render_text(
        &self,
        header: String,
        problems_heading: &str,
        agree: &str,
        problem_noun: &str,
    ) -> String {
        let mut out = header;
        self.render_sections(
            &mut out,
            problems_heading,
            "information (nothing to change; not counted as drift):",
        );
        out.push('\n');
        out.push_str(&self.result_line(agree, (problem_noun, "information item")));
        out
    }

    /// Appends the sections that have items; `problems` and `info` are the headings of the
    /// uncounted lists.
    fn render_sections(&self, out: &mut String, problems: &str, info: &str) {
        for (heading, list) in [
            ("drift (the spec must change):", &self.drift),
            (problems, &self.problems),
            (info, &self.info),
        ] {
            if !list.is_empty() {
                let _ = writeln!(out, "\n{heading}");
                grouped(out, list);
            }
        }
    }

    /// `result: 1 drift item, 2 doc problems`; `agree` is said when there is no drift, and
    /// `uncounted` names the uncounted lists in the singular (`("doc problem", "information item")`).
    fn result_line(&self, agree: &str, uncounted: (&str, &str)) -> String {
        let mut line = match self.drift.len() {
            0 => format!("result: {agree}"),
            n => format!("result: {}", count(n, "drift item")),
        };
        for (list, noun) in [(&self.problems, uncounted.0), (&self.info, uncounted.1)] {
            if !list.is_empty() {
                let _ = write!(line, ", {}", count(list.len(), noun));
            }
        }
        line.push('\n');
        line
    }
}

/// `1 doc problem`, `3 doc problems`.
fn count(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
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

/// The JSON items of a list: group, kind, message, file and line.
pub(crate) fn items_json(findings: &[Finding]) -> Vec<Value> {
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
}

/// A report in `format`: `text()` for people, `json()` pretty-printed for machines.
pub(crate) fn render(
    format: Format,
    text: impl FnOnce() -> String,
    json: impl FnOnce() -> Value,
) -> String {
    match format {
        Format::Text => text(),
        Format::Json => pretty(&json()),
    }
}

/// Pretty JSON with a final newline.
fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// The JSON printed with `--format json` when the input cannot be read.
pub(crate) fn error_json(error: &Unreadable) -> String {
    json!({
        "error": { "file": error.file, "line": error.line, "message": error.reason },
        "exit": 2,
    })
    .to_string()
}

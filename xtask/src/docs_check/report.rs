//! Renders the findings of `docs-check` as text for people (grouped by resource and endpoint)
//! or as JSON for machines.

use serde_json::{Value, json};

use crate::findings::{Findings, Format, items_json, render};

/// How many pages were read, checked and skipped.
#[derive(Debug, Default)]
pub(crate) struct Pages {
    pub read: usize,
    pub checked: usize,
    pub skipped: usize,
}

/// The outcome of one run.
#[derive(Debug)]
pub(crate) struct Report {
    pub pages: Pages,
    pub spec: String,
    pub findings: Findings,
}

impl Report {
    pub(crate) fn render(&self, format: Format) -> String {
        render(format, || self.text(), || self.json())
    }

    fn text(&self) -> String {
        let Pages {
            read,
            checked,
            skipped,
        } = self.pages;
        let header = format!(
            "docs-check: {read} pages read, {checked} of the Security Copilot namespace checked against {}, {skipped} skipped\n",
            self.spec
        );
        self.findings.render_text(
            header,
            "doc problems (the docs are wrong; not counted as drift):",
            "the spec agrees with the docs",
            "doc problem",
        )
    }

    fn json(&self) -> Value {
        json!({
            "pages": {
                "read": self.pages.read,
                "checked": self.pages.checked,
                "skipped": self.pages.skipped,
            },
            "spec": self.spec,
            "drift": items_json(&self.findings.drift),
            "doc_problems": items_json(&self.findings.problems),
            "exit": self.findings.exit(),
        })
    }
}

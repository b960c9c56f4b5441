//! Renders the findings of `metadata-check` as text for people (grouped by type, enum,
//! navigation and path) or as JSON for machines.

use serde_json::{Value, json};

use crate::findings::{Findings, Format, items_json, render};

/// The outcome of one run.
#[derive(Debug)]
pub(crate) struct Report {
    /// The metadata file as shown.
    pub file: String,
    /// `Schema` elements read.
    pub schemas: usize,
    /// Entity and complex types, and enum types, of the Security Copilot namespace.
    pub types: usize,
    pub enums: usize,
    pub spec: String,
    pub findings: Findings,
}

impl Report {
    pub(crate) fn render(&self, format: Format) -> String {
        render(format, || self.text(), || self.json())
    }

    fn text(&self) -> String {
        let header = format!(
            "metadata-check: {}: {} schemas read; {} types and {} enums of the Security Copilot namespace checked against {}\n",
            self.file, self.schemas, self.types, self.enums, self.spec
        );
        self.findings.render_text(
            header,
            "problems (not counted as drift):",
            "the spec agrees with the metadata",
            "problem",
        )
    }

    fn json(&self) -> Value {
        json!({
            "metadata": {
                "file": self.file,
                "schemas": self.schemas,
                "types": self.types,
                "enums": self.enums,
            },
            "spec": self.spec,
            "drift": items_json(&self.findings.drift),
            "information": items_json(&self.findings.info),
            "exit": self.findings.exit(),
        })
    }
}

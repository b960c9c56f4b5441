//! Locating and loading the OpenAPI document, with errors that name the file and line.

use std::path::{Path, PathBuf};

use crate::findings::Unreadable;

/// The spec's path relative to the workspace root, as printed in messages and the header.
pub(crate) const SPEC_PATH: &str = "openapi/copilot.yaml";

/// The workspace root (the parent of `xtask/`).
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Reads and parses the spec at `path`; `shown` is the name used in error messages.
pub(crate) fn load(path: &Path, shown: &str) -> Result<openapiv3::OpenAPI, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("{shown}: cannot read the spec: {e}"))?;
    parse(&text, shown)
}

/// Parses spec text; errors carry `file:line:column`.
pub(crate) fn parse(text: &str, shown: &str) -> Result<openapiv3::OpenAPI, String> {
    serde_yaml::from_str(text).map_err(|e| match e.location() {
        Some(at) => format!("{shown}:{}:{}: {e}", at.line(), at.column()),
        None => format!("{shown}: {e}"),
    })
}

/// Reads the spec at `file` as JSON for the checks; `shown` names it in errors. Only a broken
/// spec is parsed again, as an OpenAPI document, for an error message with line and column.
pub(crate) fn load_json(file: &Path, shown: &str) -> Result<serde_json::Value, Unreadable> {
    let text = std::fs::read_to_string(file).map_err(|e| Unreadable {
        file: shown.to_string(),
        line: None,
        reason: format!("cannot read the spec: {e}"),
    })?;
    copilot_spec::parse(&text).map_err(|plain| Unreadable {
        file: shown.to_string(),
        line: None,
        reason: parse(&text, shown).err().unwrap_or(plain),
    })
}

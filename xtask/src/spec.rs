//! Locating and loading the OpenAPI document, with errors that name the file and line.

use std::path::{Path, PathBuf};

/// The spec's path relative to the workspace root, as printed in messages and the header.
pub const SPEC_PATH: &str = "openapi/copilot.yaml";

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Reads and parses the spec at `path`; `shown` is the name used in error messages.
pub fn load(path: &Path, shown: &str) -> Result<openapiv3::OpenAPI, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("{shown}: cannot read the spec: {e}"))?;
    parse(&text, shown)
}

/// Parses spec text; errors carry `file:line:column`.
pub fn parse(text: &str, shown: &str) -> Result<openapiv3::OpenAPI, String> {
    serde_yaml::from_str(text).map_err(|e| match e.location() {
        Some(at) => format!("{shown}:{}:{}: {e}", at.line(), at.column()),
        None => format!("{shown}: {e}"),
    })
}

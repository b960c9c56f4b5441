//! What must follow a new operation: each check takes the catalogue (so a test can pass one with
//! an operation the spec does not have yet) and what one place of the workspace provides, and
//! returns one message per operation that place lacks, naming the file to change. An empty list
//! means the place is complete. CONTRIBUTING.md's checklist lists the same messages.

use std::path::Path;

use crate::catalogue::CatalogueRow;

/// The fake's route table: `(operationId, HTTP method, path template)` per served operation.
pub fn fake_routes(catalogue: &[CatalogueRow], served: &[(&str, &str, &str)]) -> Vec<String> {
    let mut out = Vec::new();
    for op in catalogue {
        let route = served.iter().find(|(id, _, _)| *id == op.operation_id);
        match route {
            None => out.push(format!(
                "{}: copilot-fake does not serve it; add it to ROUTES in \
                 crates/copilot-fake/src/routing.rs and answer it in \
                 crates/copilot-fake/src/operations.rs",
                op.label()
            )),
            Some((_, method, path)) if *method != op.http_method || *path != op.path => {
                out.push(format!(
                    "{}: copilot-fake serves it as {method} {path}; fix its entry in ROUTES in \
                     crates/copilot-fake/src/routing.rs",
                    op.label()
                ))
            }
            Some(_) => {}
        }
    }
    for (id, method, path) in served {
        if !catalogue.iter().any(|op| op.operation_id == *id) {
            out.push(format!(
                "{id} ({method} {path}): copilot-fake serves an operation the catalogue does not \
                 have; remove it from ROUTES in crates/copilot-fake/src/routing.rs or add it to \
                 openapi/copilot.yaml"
            ));
        }
    }
    out
}

/// copilot-ergonomic's sources, `(file name, text)`: some handle must call each operation's
/// generated method (`get_session(`) or its list adapter (`list_sessions_with`).
pub fn ergonomic_handles(catalogue: &[CatalogueRow], sources: &[(String, String)]) -> Vec<String> {
    catalogue
        .iter()
        .filter(|op| {
            let call = format!(".{}(", op.method_name);
            let adapter = format!("{}_with", op.method_name);
            !sources
                .iter()
                .any(|(_, text)| text.contains(&call) || contains_word(text, &adapter))
        })
        .map(|op| {
            format!(
                "{}: no handle of copilot-ergonomic calls `Client::{}`; add a method to the \
                 handle of its resource in crates/copilot-ergonomic/src/ and accept the \
                 api_surface__public_api snapshot",
                op.label(),
                op.method_name
            )
        })
        .collect()
}

/// The spec's response examples, `(operationId, status)`: the decode guard
/// (`tests/tests/decode.rs`) decodes each operation's documented success.
pub fn decode_examples(catalogue: &[CatalogueRow], examples: &[(&str, &str)]) -> Vec<String> {
    catalogue
        .iter()
        .filter(|op| {
            let status = op.success_status.to_string();
            !examples
                .iter()
                .any(|(id, s)| *id == op.operation_id && *s == status)
        })
        .map(|op| {
            format!(
                "{}: openapi/copilot.yaml has no {} response example for it, so \
                 tests/tests/decode.rs cannot decode it; add one under paths.{}.{}.responses.{}\
                 .content.application/json.examples and accept its decode__ snapshot",
                op.label(),
                op.success_status,
                op.path,
                op.http_method.to_lowercase(),
                op.success_status
            )
        })
        .collect()
}

/// The snapshot files of `crates/copilot-api/tests/snapshots/`: the wire guard
/// (`crates/copilot-api/tests/wire.rs`) pins the request of every operation.
pub fn wire_snapshots(catalogue: &[CatalogueRow], snapshot_files: &[String]) -> Vec<String> {
    catalogue
        .iter()
        .filter(|op| {
            let name = format!("wire__{}.snap", op.method_name);
            !snapshot_files.contains(&name)
        })
        .map(|op| {
            format!(
                "{}: crates/copilot-api/tests/snapshots/wire__{}.snap does not exist; add a test \
                 that sends it to crates/copilot-api/tests/wire.rs and accept its snapshot",
                op.label(),
                op.method_name
            )
        })
        .collect()
}

/// CHANGELOG.md's text: every operation is named in it (as an added operation of a release).
pub fn changelog(catalogue: &[CatalogueRow], text: &str) -> Vec<String> {
    catalogue
        .iter()
        .filter(|op| !text.contains(&format!("`{}`", op.operation_id)))
        .map(|op| {
            format!(
                "{}: CHANGELOG.md does not name `{}`; list it under the release's added \
                 operations",
                op.label(),
                op.operation_id
            )
        })
        .collect()
}

/// The messages as one failure text: what is missing, one line each, and where the checklist is.
pub fn report(place: &str, messages: &[String]) -> String {
    let mut out = format!(
        "{place}: {} operation(s) of copilot_api::catalogue are missing here \
         (CONTRIBUTING.md, \"Adding an operation\"):\n",
        messages.len()
    );
    for m in messages {
        out.push_str("  - ");
        out.push_str(m);
        out.push('\n');
    }
    out
}

/// The `.rs` files directly in `dir`, as `(file name, text)`, sorted by name.
pub fn read_sources(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.extension().is_some_and(|x| x == "rs") {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            out.push((name.into_owned(), text));
        }
    }
    out.sort();
    Ok(out)
}

/// The file names in `dir`, sorted.
pub fn file_names(dir: &Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        out.push(entry.file_name().to_string_lossy().into_owned());
    }
    out.sort();
    Ok(out)
}

fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let edge = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        edge(before) && edge(after)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Vec<CatalogueRow> {
        vec![CatalogueRow::new(
            "getSession",
            "get_session",
            "GET",
            "/w/{workspaceId}/sessions/{sessionId}",
            200,
        )]
    }

    #[test]
    fn a_complete_place_says_nothing() {
        let c = catalogue();
        let path = "/w/{workspaceId}/sessions/{sessionId}";
        assert!(fake_routes(&c, &[("getSession", "GET", path)]).is_empty());
        let src = vec![("s.rs".to_string(), "self.api().get_session(ws)".to_string())];
        assert!(ergonomic_handles(&c, &src).is_empty());
        assert!(decode_examples(&c, &[("getSession", "200")]).is_empty());
        assert!(wire_snapshots(&c, &["wire__get_session.snap".into()]).is_empty());
        assert!(changelog(&c, "- Added `getSession`").is_empty());
    }

    #[test]
    fn each_missing_place_is_named() {
        let c = catalogue();
        let fake = fake_routes(&c, &[("getSessions", "GET", "/x")]);
        assert_eq!(fake.len(), 2, "{fake:?}");
        assert!(fake[0].contains("crates/copilot-fake/src/routing.rs"));
        let src = vec![("s.rs".to_string(), "get_session_withheld".to_string())];
        assert_eq!(ergonomic_handles(&c, &src).len(), 1);
        assert!(decode_examples(&c, &[("getSession", "201")])[0].contains("200 response"));
        assert_eq!(wire_snapshots(&c, &[]).len(), 1);
        assert_eq!(changelog(&c, "getSession").len(), 1);
    }
}

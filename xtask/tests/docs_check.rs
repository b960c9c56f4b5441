//! `cargo xtask docs-check` against the project's own docs fixtures (`tests/docs/`, pages in the
//! format of Microsoft's Graph docs, written for this project): the pages that match the spec
//! pass, and each mutation a docs change can bring yields exactly its one item.

mod common;

use std::path::{Path, PathBuf};

use common::{Run, temp_dir};
use serde_json::Value;

const API: &str = "api-reference/beta/api";
const RESOURCES: &str = "api-reference/beta/resources";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/docs")
}

/// A private copy of the fixtures, removed on drop.
struct Docs(PathBuf);

impl Docs {
    fn copy() -> Self {
        let dir = temp_dir("copilot-docs-check");
        copy_dir(&fixtures(), &dir);
        Docs(dir)
    }

    fn path(&self, page: &str) -> PathBuf {
        self.0.join(page)
    }

    /// Replaces the one occurrence of `from` in `page`.
    fn edit(&self, page: &str, from: &str, to: &str) -> &Self {
        let path = self.path(page);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text.matches(from).count(),
            1,
            "{page} must contain {from:?} once"
        );
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        self
    }

    fn write(&self, page: &str, text: &str) -> &Self {
        std::fs::write(self.path(page), text).unwrap();
        self
    }

    fn remove(&self, page: &str) -> &Self {
        std::fs::remove_file(self.path(page)).unwrap();
        self
    }
}

impl Drop for Docs {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn docs_check(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec![std::ffi::OsStr::new("docs-check"), dir.as_os_str()];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    common::xtask(&fixtures(), args)
}

/// Runs the check on a mutated copy: exit 1, exactly one drift item of `kind`; returns the text
/// report for its snapshot.
fn single_drift(docs: &Docs, kind: &str) -> String {
    let json = docs_check(&docs.0, &["--format", "json"]);
    assert_eq!(json.code, 1, "{}{}", json.stdout, json.stderr);
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    let drift = report["drift"].as_array().unwrap();
    assert_eq!(drift.len(), 1, "exactly one item: {drift:#?}");
    assert_eq!(drift[0]["kind"], kind);
    assert_eq!(
        report["doc_problems"].as_array().unwrap().len(),
        2,
        "the fixtures' two doc bugs stay doc problems"
    );
    let text = docs_check(&docs.0, &[]);
    assert_eq!(text.code, 1);
    text.stdout
}

#[test]
fn pages_matching_the_spec_pass_and_doc_bugs_do_not_fail_the_run() {
    let run = docs_check(&fixtures(), &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    insta::assert_snapshot!("agreeing_docs", run.stdout);

    let json = docs_check(&fixtures(), &["--format", "json"]);
    assert_eq!(json.code, 0);
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["exit"], 0);
    assert_eq!(
        report["pages"]["checked"], 23,
        "12 API pages and 11 resource pages"
    );
    let kinds: Vec<_> = report["doc_problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["list-example-is-entity", "example-not-json"]);
}

#[test]
fn a_new_property() {
    let docs = Docs::copy();
    let page = format!("{RESOURCES}/security-securitycopilot-session.md");
    docs.edit(
        &page,
        "|id|String|The session identifier.",
        "|pinnedNote|String|A note pinned to the session. Nullable.|\n|id|String|The session identifier.",
    )
    .edit(&page, "  \"id\": \"String (identifier)\",", "  \"id\": \"String (identifier)\",\n  \"pinnedNote\": \"String\",");
    let report = single_drift(&docs, "property-missing");
    assert!(report.contains("add property `pinnedNote` (String, nullable) to `session` (Session)"));
    insta::assert_snapshot!("new_property", report);
}

#[test]
fn a_new_enum_member() {
    let docs = Docs::copy();
    docs.edit(
        &format!("{RESOURCES}/security-securitycopilot-evaluation.md"),
        "`waitingForInput`, `unknownFutureValue`.",
        "`waitingForInput`, `unknownFutureValue`. Use the `Prefer: include-unknown-enum-members` request header to get the following value from this evolvable enum: `paused`.",
    );
    let report = single_drift(&docs, "enum-member-missing");
    assert!(report.contains("add member `paused` to enum `evaluationState` (EvaluationState)"));
    insta::assert_snapshot!("new_enum_member", report);
}

#[test]
fn a_new_endpoint() {
    let docs = Docs::copy();
    let get = std::fs::read_to_string(
        docs.path(&format!("{API}/security-securitycopilot-evaluation-get.md")),
    )
    .unwrap();
    let cancel = get
        .replace("Get evaluation", "Cancel evaluation")
        .replace("GET /security/securityCopilot/workspaces/{workspaceId}/sessions/{sessionId}/prompts/{promptId}/evaluations/{evaluationId}",
                 "POST /security/securityCopilot/workspaces/{workspaceId}/sessions/{sessionId}/prompts/{promptId}/evaluations/{evaluationId}/cancel")
        .replace("``` http\nGET https://", "``` http\nPOST https://")
        .replace("0e9a7b35-4c1d-4f68-a2e3-9d5b8c7f1a20\n```", "0e9a7b35-4c1d-4f68-a2e3-9d5b8c7f1a20/cancel\n```");
    assert_ne!(cancel, get);
    docs.write(
        &format!("{API}/security-securitycopilot-evaluation-cancel.md"),
        &cancel,
    );
    let report = single_drift(&docs, "operation-missing");
    assert!(report.contains("add operation `POST /security/securityCopilot/workspaces/{workspaceId}/sessions/{sessionId}/prompts/{promptId}/evaluations/{evaluationId}/cancel` (\"Cancel evaluation\")"));
    insta::assert_snapshot!("new_endpoint", report);
}

#[test]
fn a_changed_type() {
    let docs = Docs::copy();
    docs.edit(
        &format!("{RESOURCES}/security-securitycopilot-evaluation.md"),
        "|executionCount|Int64|",
        "|executionCount|Int32|",
    );
    let report = single_drift(&docs, "property-type");
    assert!(report.contains("change the type of property `executionCount` of `evaluation` (Evaluation) from Int64 to Int32"));
    insta::assert_snapshot!("changed_type", report);
}

#[test]
fn a_removed_method() {
    let docs = Docs::copy();
    docs.remove(&format!("{API}/security-securitycopilot-prompt-get.md")).edit(
        &format!("{RESOURCES}/security-securitycopilot-prompt.md"),
        "|[Get](../api/security-securitycopilot-prompt-get.md)|[microsoft.graph.security.securityCopilot.prompt](../resources/security-securitycopilot-prompt.md)|Read a prompt.|\n",
        "",
    );
    let report = single_drift(&docs, "operation-undocumented");
    assert!(report.contains("remove operation `getPrompt`: no page documents it"));
    insta::assert_snapshot!("removed_method", report);
}

#[test]
fn a_broken_example() {
    let docs = Docs::copy();
    docs.edit(
        &format!("{API}/security-securitycopilot-prompt-post-evaluations.md"),
        "\"executionCount\": 0,",
        "\"executionCount\": \"none\",",
    );
    let report = single_drift(&docs, "example-invalid");
    assert!(report.contains("response example `create_evaluation` does not validate against Evaluation: $.executionCount"));
    insta::assert_snapshot!("broken_example", report);
}

#[test]
fn a_changed_status() {
    let docs = Docs::copy();
    let page = format!("{API}/security-securitycopilot-session-update.md");
    docs.edit(
        &page,
        "returns a `200 OK` response code",
        "returns a `204 No Content` response code",
    )
    .edit(&page, "HTTP/1.1 200 OK", "HTTP/1.1 204 No Content");
    let report = single_drift(&docs, "status-differs");
    assert!(report.contains("change the success status of `updateSession` from 200 to 204"));
    insta::assert_snapshot!("changed_status", report);
}

#[test]
fn a_new_query_option_and_an_undocumented_one_the_spec_already_has() {
    let docs = Docs::copy();
    let page = format!("{API}/security-securitycopilot-workspace-list-sessions.md");
    // `$orderby` is in the spec as an undocumented Graph convention: documenting it is no drift.
    docs.edit(
        &page,
        "`$select`, and `$top`",
        "`$orderby`, `$select`, and `$top`",
    );
    let agree = docs_check(&docs.0, &[]);
    assert_eq!(agree.code, 0, "{}", agree.stdout);
    docs.edit(
        &page,
        "`$orderby`, `$select`",
        "`$expand`, `$orderby`, `$select`",
    );
    let report = single_drift(&docs, "query-option-missing");
    assert!(report.contains("add query option `$expand` to `listSessions`"));
}

#[test]
fn a_payload_that_is_not_json_is_a_doc_problem_with_its_line() {
    let docs = Docs::copy();
    let page = format!("{API}/security-securitycopilot-session-update.md");
    docs.edit(
        &page,
        "session\",\n  \"displayName\": \"Morning triage (done)\"\n",
        "session\",\n  \"displayName\": \"Morning triage (done)\",\n",
    );
    let run = docs_check(&docs.0, &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("api-reference/beta/api/security-securitycopilot-session-update.md:75: request example `update_session` is not valid JSON (trailing comma, column 1)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("3 doc problems"));
}

#[test]
fn an_example_with_type_names_for_values_is_a_template_not_drift() {
    let docs = Docs::copy();
    let page = format!("{API}/security-securitycopilot-prompt-post-evaluations.md");
    docs.edit(
        &page,
        "\"createdDateTime\": \"2025-11-03T09:15:40.2201Z\",",
        "\"createdDateTime\": \"String (timestamp)\",",
    )
    .edit(
        &page,
        "\"executionCount\": 0,",
        "\"executionCount\": \"Integer\",",
    );
    let run = docs_check(&docs.0, &["--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let problems = report["doc_problems"].as_array().unwrap();
    let template: Vec<_> = problems
        .iter()
        .filter(|p| p["kind"] == "example-template")
        .collect();
    assert_eq!(template.len(), 1, "{problems:#?}");
    assert_eq!(
        template[0]["message"],
        "response example `create_evaluation` is a template, not data (`\"createdDateTime\": \"String (timestamp)\"` names a type): not validated"
    );
    assert_eq!(template[0]["file"], page.as_str());
}

#[test]
fn unreadable_input_exits_2_naming_file_and_line() {
    let docs = Docs::copy();
    let page = format!("{API}/security-securitycopilot-session-get.md");
    let text = std::fs::read_to_string(docs.path(&page)).unwrap();
    let cut = text.rfind("```").unwrap();
    docs.write(&page, &text[..cut]);
    let run = docs_check(&docs.0, &[]);
    assert_eq!(run.code, 2);
    let opening = text[..cut].matches('\n').count()
        - text[..cut]
            .lines()
            .rev()
            .position(|l| l.starts_with("```"))
            .unwrap();
    assert_eq!(
        run.stderr.trim(),
        format!("docs-check: error: {page}:{opening}: a code block (```) is never closed")
    );

    let json = docs_check(&docs.0, &["--format", "json"]);
    assert_eq!(json.code, 2);
    let error: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(error["error"]["file"], page.as_str());
    assert_eq!(error["error"]["line"], opening);

    let missing = docs_check(&docs.0.join("nowhere"), &[]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("not a directory"),
        "{}",
        missing.stderr
    );
}

#[test]
fn pages_of_other_namespaces_are_skipped_even_when_broken() {
    let docs = Docs::copy();
    docs.write(
        &format!("{API}/security-alert-get.md"),
        "Namespace: microsoft.graph.security\n\n```http\nGET /security/alerts_v2\n",
    );
    let run = docs_check(&docs.0, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("2 skipped"));
}

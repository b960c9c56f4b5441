//! `cargo xtask metadata-check` against the project's own CSDL fixture (`tests/metadata/`, in
//! the format of Graph's `$metadata`, written for this project): the document that matches the
//! spec passes, each mutation a metadata change can bring yields exactly its one drift item,
//! damaged documents exit 2 naming file and line, and a document of the real one's size gives
//! the same result.

mod common;

use std::path::{Path, PathBuf};

use common::{Run, temp_dir};
use serde_json::Value;

/// The file name a run is given (relative to its working directory, so reports are stable).
const NAME: &str = "metadata.xml";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/metadata/copilot.xml")
}

fn fixture_text() -> String {
    std::fs::read_to_string(fixture()).unwrap()
}

/// A private directory holding `metadata.xml`, removed on drop.
struct Metadata(PathBuf);

impl Metadata {
    fn with(text: &str) -> Self {
        let dir = temp_dir("copilot-metadata-check");
        std::fs::write(dir.join(NAME), text).unwrap();
        Metadata(dir)
    }

    /// The fixture with the one occurrence of `from` replaced by `to`.
    fn edited(from: &str, to: &str) -> Self {
        let text = fixture_text();
        assert_eq!(
            text.matches(from).count(),
            1,
            "the fixture must contain {from:?} once"
        );
        Self::with(&text.replacen(from, to, 1))
    }
}

impl Drop for Metadata {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn metadata_check(dir: &Path, file: &str, extra: &[&str]) -> Run {
    let mut args = vec!["metadata-check", file];
    args.extend(extra);
    common::xtask(dir, args)
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

/// The kinds of a report's list (`drift`, `information`).
fn kinds(report: &Value, list: &str) -> Vec<String> {
    report[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap().to_string())
        .collect()
}

/// Runs the check on a mutated copy: exit 1, exactly one drift item of `kind`; returns the text
/// report for its snapshot.
fn single_drift(metadata: &Metadata, kind: &str) -> String {
    let run = metadata_check(&metadata.0, NAME, &["--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report = json(&run);
    let drift = report["drift"].as_array().unwrap();
    assert_eq!(drift.len(), 1, "exactly one item: {drift:#?}");
    assert_eq!(drift[0]["kind"], kind);
    let text = metadata_check(&metadata.0, NAME, &[]);
    assert_eq!(text.code, 1);
    text.stdout
}

/// The information items of the agreeing fixture.
const AGREEING_INFO: [&str; 3] = ["type-unused", "type-unused", "navigation-undocumented"];

#[test]
fn metadata_matching_the_spec_passes_with_information_only() {
    let dir = fixture().parent().unwrap().to_path_buf();
    let run = metadata_check(&dir, "copilot.xml", &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    insta::assert_snapshot!("agreeing_metadata", run.stdout);

    let report = json(&metadata_check(&dir, "copilot.xml", &["--format", "json"]));
    assert_eq!(report["exit"], 0);
    assert_eq!(report["metadata"]["schemas"], 4);
    assert_eq!(report["metadata"]["types"], 13);
    assert_eq!(report["metadata"]["enums"], 10);
    assert_eq!(kinds(&report, "information"), AGREEING_INFO);
}

#[test]
fn a_flipped_nullability() {
    let metadata = Metadata::edited(
        "<Property Name=\"displayName\" Type=\"Edm.String\" />\n        <Property Name=\"lastModifiedDateTime\"",
        "<Property Name=\"displayName\" Type=\"Edm.String\" Nullable=\"false\" />\n        <Property Name=\"lastModifiedDateTime\"",
    );
    let report = single_drift(&metadata, "property-nullability");
    assert!(report.contains("make property `displayName` of `session` (Session) not nullable"));
    insta::assert_snapshot!("flipped_nullability", report);
}

#[test]
fn a_new_property() {
    let metadata = Metadata::edited(
        "<NavigationProperty Name=\"prompts\"",
        "<Property Name=\"pinnedNote\" Type=\"Edm.String\" />\n        <NavigationProperty Name=\"prompts\"",
    );
    let report = single_drift(&metadata, "property-missing");
    assert!(report.contains("add property `pinnedNote` (String, nullable) to `session` (Session)"));
    insta::assert_snapshot!("new_property", report);
}

#[test]
fn a_new_enum_member_after_the_sentinel() {
    let metadata = Metadata::edited(
        "<Member Name=\"unknownFutureValue\" Value=\"8\" />",
        "<Member Name=\"unknownFutureValue\" Value=\"8\" />\n        <Member Name=\"paused\" Value=\"9\" />",
    );
    let report = single_drift(&metadata, "enum-member-missing");
    assert!(report.contains("add member `paused` to enum `evaluationState` (EvaluationState)"));
    assert!(report.contains(
        "enum `evaluationState` (EvaluationState) has `paused` after `unknownFutureValue`"
    ));
    insta::assert_snapshot!("new_enum_member", report);
}

#[test]
fn a_new_entity_type_behind_an_undocumented_navigation() {
    let metadata = Metadata::edited(
        "<NavigationProperty Name=\"sessions\"",
        "<NavigationProperty Name=\"promptbooks\" Type=\"Collection(microsoft.graph.security.securityCopilot.promptbook)\" ContainsTarget=\"true\" />\n        \
         <NavigationProperty Name=\"sessions\"",
    );
    let text = std::fs::read_to_string(metadata.0.join(NAME))
        .unwrap()
        .replacen(
            "<ComplexType Name=\"collection_pluginSetting\">",
            "<EntityType Name=\"promptbook\" BaseType=\"graph.entity\">\n        \
         <Property Name=\"displayName\" Type=\"Edm.String\" />\n      </EntityType>\n      \
         <ComplexType Name=\"collection_pluginSetting\">",
            1,
        );
    std::fs::write(metadata.0.join(NAME), text).unwrap();
    let report = single_drift(&metadata, "type-missing");
    assert!(report.contains("add a schema for entity type `promptbook` (x-odata-type `#microsoft.graph.security.securityCopilot.promptbook`)"));
    // The navigation has no documented operation: information, not drift.
    assert!(report.contains("no operation of the spec serves `/security/securityCopilot/workspaces/{workspaceId}/promptbooks`"));
    insta::assert_snapshot!("new_entity_type", report);
}

#[test]
fn a_removed_property() {
    let metadata = Metadata::edited(
        "        <Property Name=\"skillName\" Type=\"Edm.String\" />\n",
        "",
    );
    let report = single_drift(&metadata, "property-extra");
    assert!(report.contains(
        "remove property `skillName` from `prompt` (Prompt): the metadata does not declare it"
    ));
    insta::assert_snapshot!("removed_property", report);
}

#[test]
fn a_changed_type() {
    let metadata = Metadata::edited(
        "Name=\"executionCount\" Type=\"Edm.Int64\"",
        "Name=\"executionCount\" Type=\"Edm.Int32\"",
    );
    let report = single_drift(&metadata, "property-type");
    assert!(report.contains(
        "change the type of property `executionCount` of `evaluation` (Evaluation) from Int64 to Int32"
    ));
    insta::assert_snapshot!("changed_type", report);
}

#[test]
fn a_removed_navigation_leaves_its_operations_unexplained() {
    let metadata = Metadata::edited(
        "        <NavigationProperty Name=\"plugins\" Type=\"Collection(microsoft.graph.security.securityCopilot.plugin)\" ContainsTarget=\"true\" />\n",
        "",
    );
    let report = single_drift(&metadata, "path-unexplained");
    assert!(report.contains(
        "remove the operations at `/security/securityCopilot/workspaces/{workspaceId}/plugins`"
    ));
}

#[test]
fn a_lost_base_type() {
    let metadata = Metadata::edited(
        " BaseType=\"microsoft.graph.security.securityCopilot.skillVariableDescriptor\"",
        "",
    );
    let run = metadata_check(&metadata.0, NAME, &["--format", "json"]);
    assert_eq!(run.code, 1);
    let report = json(&run);
    let drift = kinds(&report, "drift");
    // The base goes, and so do the three properties it gave.
    assert_eq!(
        drift.iter().filter(|k| *k == "base-type").count(),
        1,
        "{drift:?}"
    );
    assert!(run.stdout.contains(
        "remove the base SkillVariableDescriptor from `skillInputDescriptor` (SkillInputDescriptor): the metadata declares none"
    ));
}

#[test]
fn a_truncated_document_exits_2_naming_file_and_line() {
    let text = fixture_text();
    // Cut after a line, as an interrupted download is.
    let start = text.find("<EnumType Name=\"evaluationState\">").unwrap();
    let cut = start + text[start..].find('\n').unwrap() + 1;
    let opened = text[..start].matches('\n').count() + 1;
    let metadata = Metadata::with(&text[..cut]);
    let run = metadata_check(&metadata.0, NAME, &[]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    let last_line = text[..cut].matches('\n').count() + 1;
    assert_eq!(
        run.stderr.trim(),
        format!(
            "metadata-check: error: {NAME}:{last_line}: the document ends inside `<EnumType>` (opened at line {opened}): truncated"
        )
    );

    // Cut inside a tag: the XML error says where.
    let mid = Metadata::with(&text[..start + 20]);
    let run = metadata_check(&mid.0, NAME, &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains(&format!("{NAME}:{opened}: not well-formed XML")),
        "{}",
        run.stderr
    );
    let json = json(&metadata_check(&metadata.0, NAME, &["--format", "json"]));
    assert_eq!(json["exit"], 2);
    assert_eq!(json["error"]["file"], NAME);
    assert_eq!(json["error"]["line"], last_line);
}

#[test]
fn a_document_that_is_not_xml_exits_2_naming_file_and_line() {
    let metadata = Metadata::with(
        "\n{ \"@odata.context\": \"https://graph.microsoft.com/beta/$metadata\" }\n",
    );
    let run = metadata_check(&metadata.0, NAME, &[]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim(),
        format!("metadata-check: error: {NAME}:2: not XML: text before the root element")
    );

    let html = Metadata::with("<!DOCTYPE html>\n<html><body>Sign in</body></html>\n");
    let run = metadata_check(&html.0, NAME, &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains(&format!(
        "{NAME}:2: not an EDMX document: the root element is `<html>`, not `<edmx:Edmx>`"
    )));

    let broken = Metadata::edited(
        "</ComplexType>\n      <ComplexType Name=\"pluginAuth\">",
        "</EntityType>\n      <ComplexType Name=\"pluginAuth\">",
    );
    let run = metadata_check(&broken.0, NAME, &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains(&format!("{NAME}:112: not well-formed XML: ill-formed document: expected `</ComplexType>`, but `</EntityType>` was found")), "{}", run.stderr);

    let missing = metadata_check(&html.0, "nowhere.xml", &[]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("nowhere.xml: cannot read"),
        "{}",
        missing.stderr
    );
}

#[test]
fn a_document_of_the_real_size_gives_the_same_result() {
    let metadata = Metadata::with(&fixture_text());
    let written = metadata_check(
        &metadata.0,
        &fixture().display().to_string(),
        &["--write-large", "large.xml", "--mb", "30"],
    );
    assert_eq!(written.code, 0, "{}", written.stderr);
    let size = std::fs::metadata(metadata.0.join("large.xml"))
        .unwrap()
        .len();
    assert!(size > 30 * 1024 * 1024, "{size} bytes");

    let small = json(&metadata_check(&metadata.0, NAME, &["--format", "json"]));
    let large = json(&metadata_check(
        &metadata.0,
        "large.xml",
        &["--format", "json"],
    ));
    assert_eq!(large["exit"], 0);
    assert!(large["metadata"]["schemas"].as_u64().unwrap() > 100);
    assert_eq!(large["metadata"]["types"], small["metadata"]["types"]);
    assert_eq!(large["metadata"]["enums"], small["metadata"]["enums"]);
    let messages = |report: &Value| -> Vec<String> {
        report["information"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["message"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(messages(&large), messages(&small));
}

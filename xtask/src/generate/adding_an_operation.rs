//! Adding an operation fails loudly: the draft Get plugin operation, added to a copy of the
//! spec and run through the generator in memory, makes every check of `copilot_surface::follow`
//! name the place that must follow, with the messages CONTRIBUTING.md's checklist lists; the
//! checked-in spec passes them all.

use copilot_surface::catalogue::CatalogueRow;
use copilot_surface::follow;

use super::render_spec;
use crate::spec::{self, SPEC_PATH};

/// `GET …/plugins/{pluginName}` (operationId `getPlugin`, 200, a Plugin), as the draft docs
/// page describes it, without a response example.
const GET_PLUGIN: &str =
    "  /security/securityCopilot/workspaces/{workspaceId}/plugins/{pluginName}:
    parameters:
      - $ref: '#/components/parameters/workspaceId'
      - name: pluginName
        in: path
        required: true
        description: The plugin's name, e.g. Entra.
        schema:
          type: string
    get:
      operationId: getPlugin
      summary: Get plugin
      description: Read the properties of a plugin.
      tags: [security.securityCopilot]
      responses:
        '200':
          description: The plugin.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Plugin'
        '4XX':
          $ref: '#/components/responses/error'
        '5XX':
          $ref: '#/components/responses/error'

";

/// Every check's messages for a spec text (and the catalogue rows it generates).
fn messages(spec_text: &str) -> (Vec<CatalogueRow>, Vec<String>) {
    let root = spec::workspace_root();
    let parsed = spec::parse(spec_text, "extended.yaml").expect("the spec parses");
    let rendered = render_spec(&parsed, "extended.yaml").expect("the generator runs");
    let rows = rendered.rows;
    let served: Vec<(&str, &str, &str)> = copilot_fake::ROUTES
        .iter()
        .map(|r| (r.operation_id, r.method, r.path))
        .collect();
    let sources = follow::read_sources(&root.join("crates/copilot-ergonomic/src")).unwrap();
    let json = copilot_spec::parse(spec_text).unwrap();
    let examples = copilot_spec::examples(&json);
    let documented: Vec<(&str, &str)> = examples
        .iter()
        .filter_map(|e| Some((e.operation, e.status.as_deref()?)))
        .collect();
    let snapshots = follow::file_names(&root.join("crates/copilot-api/tests/snapshots")).unwrap();
    let changelog = std::fs::read_to_string(root.join("CHANGELOG.md")).unwrap();
    let mut all = Vec::new();
    all.extend(follow::fake_routes(&rows, &served));
    all.extend(follow::ergonomic_handles(&rows, &sources));
    all.extend(follow::decode_examples(&rows, &documented));
    all.extend(follow::wire_snapshots(&rows, &snapshots));
    all.extend(follow::changelog(&rows, &changelog));
    (rows, all)
}

#[test]
fn the_checked_in_spec_reaches_every_place() {
    let text = std::fs::read_to_string(spec::workspace_root().join(SPEC_PATH)).unwrap();
    let (rows, messages) = messages(&text);
    assert_eq!(rows.len(), 12);
    assert!(
        messages.is_empty(),
        "{}",
        follow::report(SPEC_PATH, &messages)
    );
}

#[test]
fn adding_get_plugin_names_each_place_that_must_follow() {
    let mut text = std::fs::read_to_string(spec::workspace_root().join(SPEC_PATH)).unwrap();
    let at = text
        .find("  /security/securityCopilot/workspaces/{workspaceId}/sessions:\n")
        .expect("the sessions path");
    text.insert_str(at, GET_PLUGIN);
    let (rows, messages) = messages(&text);

    let row = rows
        .iter()
        .find(|r| r.operation_id == "getPlugin")
        .expect("the catalogue has getPlugin");
    assert_eq!(
        (
            row.method_name.as_str(),
            row.http_method.as_str(),
            row.success_status,
            row.response_type.as_str(),
            row.item_type.as_deref(),
        ),
        ("get_plugin", "GET", 200, "Plugin", None)
    );
    assert_eq!(row.path_parameters, ["workspaceId", "pluginName"]);

    let label =
        "getPlugin (GET /security/securityCopilot/workspaces/{workspaceId}/plugins/{pluginName})";
    let expected = [
        format!(
            "{label}: copilot-fake does not serve it; add it to ROUTES in \
             crates/copilot-fake/src/routing.rs and answer it in \
             crates/copilot-fake/src/operations.rs"
        ),
        format!(
            "{label}: no handle of copilot-ergonomic calls `Client::get_plugin`; add a method to \
             the handle of its resource in crates/copilot-ergonomic/src/ and accept the \
             api_surface__public_api snapshot"
        ),
        format!(
            "{label}: openapi/copilot.yaml has no 200 response example for it, so \
             tests/tests/decode.rs cannot decode it; add one under \
             paths./security/securityCopilot/workspaces/{{workspaceId}}/plugins/{{pluginName}}.get\
             .responses.200.content.application/json.examples and accept its decode__ snapshot"
        ),
        format!(
            "{label}: crates/copilot-api/tests/snapshots/wire__get_plugin.snap does not exist; add \
             a test that sends it to crates/copilot-api/tests/wire.rs and accept its snapshot"
        ),
        format!(
            "{label}: CHANGELOG.md does not name `getPlugin`; list it under the release's added \
             operations"
        ),
    ];
    assert_eq!(
        messages, expected,
        "adding getPlugin must name each place that follows, and nothing else"
    );
}

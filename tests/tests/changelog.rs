//! CHANGELOG.md names every operation of `copilot_api::catalogue` (as an added operation of a
//! release), so a new operation cannot ship unannounced.

use copilot_api::catalogue::OPERATIONS;
use copilot_surface::catalogue::CatalogueRow;
use copilot_surface::follow;

#[test]
fn the_changelog_names_every_operation() {
    let rows: Vec<CatalogueRow> = OPERATIONS
        .iter()
        .map(|op| {
            CatalogueRow::new(
                op.operation_id,
                op.method_name,
                op.http_method,
                op.path,
                op.success_status,
            )
        })
        .collect();
    let text = include_str!("../../CHANGELOG.md");
    let missing = follow::changelog(&rows, text);
    assert!(
        missing.is_empty(),
        "{}",
        follow::report("CHANGELOG.md", &missing)
    );
}

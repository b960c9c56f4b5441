//! CHANGELOG.md names every operation of `copilot_api::catalogue` (as an added operation of a
//! release), so a new operation cannot ship unannounced.

use copilot_api::catalogue::OPERATIONS;
use copilot_surface::follow;

#[test]
fn the_changelog_names_every_operation() {
    let rows = copilot_surface::catalogue_rows!(OPERATIONS);
    let text = include_str!("../../CHANGELOG.md");
    let missing = follow::changelog(&rows, text);
    assert!(
        missing.is_empty(),
        "{}",
        follow::report("CHANGELOG.md", &missing)
    );
}

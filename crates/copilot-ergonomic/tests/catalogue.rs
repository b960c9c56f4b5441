//! Every operation of `copilot_api::catalogue` has a handle method here: adding an operation to
//! the spec fails this test until a handle calls it (CONTRIBUTING.md, "Adding an operation").

use copilot_api::catalogue::OPERATIONS;
use copilot_surface::follow;

#[test]
fn every_operation_has_a_handle() {
    let rows = copilot_surface::catalogue_rows!(OPERATIONS);
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let sources = follow::read_sources(&src).unwrap_or_else(|e| panic!("{e}"));
    let missing = follow::ergonomic_handles(&rows, &sources);
    assert!(
        missing.is_empty(),
        "{}",
        follow::report("crates/copilot-ergonomic", &missing)
    );
}

//! The surface guard: a readable summary of the generated public API, parsed from
//! `src/generated.rs` with `syn` (not from the spec, so a progenitor upgrade shows up too).
//!
//! Three snapshots: operations (method, path, Rust signature), types (fields with their Rust
//! types and wire names) and enums (members). A spec change shows as a small `.snap` diff. The
//! extractor lives in `copilot_surface::client_surface`, shared with `cargo xtask generate`'s
//! summary and its operation catalogue.

use copilot_api::catalogue::OPERATIONS;
use copilot_surface::client_surface::{Shape, Surface, parse};
use copilot_surface::follow;

fn surface() -> Surface {
    parse(include_str!("../src/generated.rs")).expect("generated.rs parses")
}

#[test]
fn operations() {
    let s = surface();
    let methods: Vec<&str> = s.operations.iter().map(|o| o.name.as_str()).collect();
    let catalogued: Vec<&str> = OPERATIONS.iter().map(|o| o.method_name).collect();
    assert_eq!(
        methods, catalogued,
        "generated.rs and catalogue.rs disagree on the operations: run `cargo xtask generate`"
    );
    insta::assert_snapshot!("operations", s.render_operations());
}

#[test]
fn types() {
    insta::assert_snapshot!("types", surface().render_types());
}

#[test]
fn enums() {
    let s = surface();
    assert_eq!(s.enums.len(), 10);
    insta::assert_snapshot!("enums", s.render_enums());
}

#[test]
fn no_closed_enum_is_left_in_the_types() {
    // Every spec enum must go through open_enum!, so a new service value never fails a response.
    let closed: Vec<String> = surface()
        .types
        .into_iter()
        .filter(|t| t.shape == Shape::ClosedEnum)
        .map(|t| t.name)
        .collect();
    assert!(closed.is_empty(), "closed enums: {closed:?}");
}

#[test]
fn every_operation_has_a_wire_snapshot() {
    let rows = copilot_surface::catalogue_rows!(OPERATIONS);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let files = follow::file_names(&dir).unwrap_or_else(|e| panic!("{e}"));
    let missing = follow::wire_snapshots(&rows, &files);
    assert!(
        missing.is_empty(),
        "{}",
        follow::report("crates/copilot-api/tests/wire.rs", &missing)
    );
}

//! The surface guard: a readable summary of the generated public API, parsed from
//! `src/generated.rs` with `syn` (not from the spec, so a progenitor upgrade shows up too).
//!
//! Three snapshots: operations (method, path, Rust signature), types (fields with their Rust
//! types and wire names) and enums (members). A spec change shows as a small `.snap` diff. The
//! extractor lives in `copilot_surface::client_surface`, shared with `cargo xtask generate`'s
//! summary and its operation catalogue.

use copilot_surface::client_surface::{Shape, Surface, parse};

fn surface() -> Surface {
    parse(include_str!("../src/generated.rs")).expect("generated.rs parses")
}

#[test]
fn operations() {
    let s = surface();
    assert_eq!(s.operations.len(), 12);
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

//! The API guard: every public item of this crate (types, variants, fields, methods with their
//! signatures, trait impls, re-exports), listed from `src/` by `copilot_surface::crate_api` and
//! snapshotted, so a change to what users call shows up as a small `.snap` diff in review.

#[test]
fn public_api() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let listing = copilot_surface::crate_api::list_public_api(&src)
        .unwrap_or_else(|e| panic!("cannot list the public API of {}: {e}", src.display()));
    insta::assert_snapshot!("public_api", listing);
}

//! The API guard: this crate's public API as a semver check sees it, listed from `src/` (and the
//! `[features]` of `Cargo.toml`) by `copilot_surface::crate_api` and snapshotted: only what
//! users can name from the crate root (one section per public path, `copilot_ergonomic::Answer`),
//! with derived and written impls alike (and their bounds), `#[non_exhaustive]`, `#[must_use]`,
//! private fields and trait defaults, so a change to what users call shows up as a small `.snap`
//! diff in review (`cargo xtask api-diff` classifies it as breaking or additive).

#[test]
fn public_api() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let listing = copilot_surface::crate_api::list_public_api(&src, "copilot_ergonomic")
        .unwrap_or_else(|e| panic!("cannot list the public API of {}: {e}", src.display()));
    insta::assert_snapshot!("public_api", listing);
}

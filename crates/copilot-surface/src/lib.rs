//! Tooling over the workspace's code, read with `syn` (tests and `cargo xtask` only; never a
//! dependency of the published crates):
//!
//! - [`client_surface`]: the generated client's surface (operation methods, types, open enums)
//!   and its snapshot renderer; [`changes`] diffs two of them for `cargo xtask generate`;
//! - [`crate_api`]: the public API of a hand-written crate as a semver check sees it (what is
//!   reachable from its root, derives, impl bounds, `#[non_exhaustive]`, its Cargo features),
//!   the second renderer, and the breaking/additive changes between two listings (the API
//!   guards of `copilot-ergonomic` and `copilot-fake`, and `cargo xtask api-diff`);
//! - [`catalogue`]: the rows of the operation catalogue (`copilot_api::catalogue`), and
//!   [`follow`]: the checks that name each place a new operation must reach.

pub mod catalogue;
pub mod changes;
pub mod client_surface;
pub mod crate_api;
pub mod follow;

//! Cross-crate tests of the copilot-rs workspace (no library code).
//!
//! Cargo does not build a top-level `tests/` folder of a virtual workspace, so this member crate
//! holds the tests that need more than one workspace crate: the spec's documented examples are
//! checked against the spec itself and decoded into the generated `copilot-api` types.

//! The library half of `copilot-bench`: peak-memory readings and the fault soak, shared by the
//! `copilot-bench` binary (`cargo xtask bench`, `cargo xtask soak`) and the soak's short version
//! in the test command.

pub mod rss;
pub mod soak;

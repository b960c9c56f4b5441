//! `copilot-ergonomic`: the everyday client for the Microsoft Graph beta Security Copilot API.
#![doc = include_str!("../README.md")]

mod auth;
#[cfg(feature = "azure-identity")]
mod azure;
mod client;
mod error;
mod evaluations;
mod ids;
mod paging;
mod pipeline;
mod prompts;
mod retry;
mod sessions;
mod workspaces;

pub use auth::{AccessToken, BoxError, GRAPH_SCOPE, TokenFuture, TokenProvider};
pub use client::{Copilot, CopilotBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_CONCURRENT_REQUESTS};
pub use copilot_api::types;
pub use error::{ApiError, Error};
pub use evaluations::{Answer, EvaluationClient, Outcome, WaitOptions, outcome_of, real_time};
pub use paging::{List, ListOptions, Listed, Page};
pub use prompts::PromptClient;
pub use retry::RetryPolicy;
pub use sessions::SessionClient;
pub use workspaces::WorkspaceClient;

/// The Azure identity crate, for credentials to pass to [`CopilotBuilder::azure_credential`].
#[cfg(feature = "azure-identity")]
pub use azure_identity;

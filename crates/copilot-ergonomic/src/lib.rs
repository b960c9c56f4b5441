//! `copilot_ergonomic` (package `msgraph-security-copilot`): the everyday client for the Microsoft Graph
//! beta Security Copilot API.
#![doc = include_str!("../README.md")]

mod answer;
mod ask;
mod ask_many;
mod auth;
#[cfg(feature = "azure-identity")]
mod azure;
mod call;
mod challenge;
mod client;
mod error;
mod evaluations;
mod ids;
mod paging;
mod pipeline;
mod prompts;
mod random;
mod reference;
mod request_ids;
mod retry;
mod sessions;
mod throttle;
mod workspaces;

pub use answer::Answer;
pub use ask_many::{AskMany, Asked, DEFAULT_ASK_CONCURRENCY, OnCapacity, Progress};
pub use auth::{AccessToken, BoxError, GRAPH_SCOPE, TokenFuture, TokenProvider};
pub use client::{Copilot, CopilotBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_CONCURRENT_REQUESTS};
/// The generated low-level crate, so the type [`Copilot::api`] returns can be named.
pub use copilot_api;
/// A token no HTTP header can carry (see [`Error::invalid_token`]).
pub use copilot_api::InvalidToken;
pub use copilot_api::types;
pub use error::{ApiError, Error};
pub use evaluations::{EvaluationClient, Outcome, WaitOptions};
pub use paging::{List, ListOptions, Listed, Page};
pub use prompts::PromptClient;
pub use reference::EvaluationRef;
pub use request_ids::RequestIds;
pub use retry::RetryPolicy;
pub use sessions::SessionClient;
pub use workspaces::WorkspaceClient;

/// The Azure identity crate, for credentials to pass to [`CopilotBuilder::azure_credential`].
#[cfg(feature = "azure-identity")]
pub use azure_identity;

//! Shared by the examples: connect to Graph when `COPILOT_TOKEN` is set, else to an embedded
//! `copilot-fake` on a loopback port, so every example runs on a fresh clone.

#![allow(dead_code)]

use copilot_ergonomic::{Copilot, Error};
use copilot_fake::{FakeConfig, FakeServer};

/// The client, and the fake server when one was started (keep it alive while you use the client).
pub(crate) async fn connect() -> Result<(Copilot, Option<FakeServer>), Error> {
    connect_with(FakeConfig::new()).await
}

/// Like [`connect`], with a fake configured by the example.
pub(crate) async fn connect_with(fake: FakeConfig) -> Result<(Copilot, Option<FakeServer>), Error> {
    let builder = Copilot::builder().user_agent("copilot-examples/1");
    match std::env::var("COPILOT_TOKEN") {
        Ok(token) if !token.is_empty() => {
            let base = std::env::var("COPILOT_BASE_URL")
                .unwrap_or_else(|_| copilot_ergonomic::DEFAULT_BASE_URL.into());
            Ok((builder.base_url(base).bearer_token(token).build()?, None))
        }
        _ => {
            let server = FakeServer::start_with(fake).await.map_err(|e| {
                Error::Config(format!("cannot start the embedded copilot-fake: {e}"))
            })?;
            eprintln!(
                "COPILOT_TOKEN is not set: using an embedded copilot-fake at {}",
                server.base_url()
            );
            let copilot = builder
                .base_url(server.base_url())
                .bearer_token("copilot-fake")
                .build()?;
            Ok((copilot, Some(server)))
        }
    }
}

/// `COPILOT_WORKSPACE`, or `default`.
pub(crate) fn workspace_id() -> String {
    std::env::var("COPILOT_WORKSPACE").unwrap_or_else(|_| "default".into())
}

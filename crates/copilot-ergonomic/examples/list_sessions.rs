//! List the sessions of a workspace, newest first.
//!
//! ```sh
//! cargo run -p msgraph-security-copilot --example list_sessions
//! ```

#[path = "common/mod.rs"]
mod common;

use copilot_ergonomic::Error;
use futures::TryStreamExt;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let (copilot, fake) = common::connect().await?;
    let ws = copilot.workspace(common::workspace_id());
    if fake.is_some() {
        for name in ["Triage alert 4711", "Who am I", "Phishing campaign review"] {
            ws.create_session(name).await?;
        }
    }
    let mut sessions = ws.sessions();
    while let Some(session) = sessions.try_next().await? {
        println!(
            "{}  {}  {}",
            session.id.as_deref().unwrap_or("?"),
            session
                .created_date_time
                .map(|t| t.to_rfc3339())
                .unwrap_or_default(),
            session.display_name.as_deref().unwrap_or("(no name)")
        );
    }
    Ok(())
}

//! What errors look like, and how to branch on them.
//!
//! ```sh
//! cargo run -p msgraph-security-copilot --example error_handling
//! ```

#[path = "common/mod.rs"]
mod common;

use copilot_ergonomic::{Error, RetryPolicy};
use copilot_fake::{FakeConfig, Fault, FaultRule};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    // The embedded fake throttles every listSessions call, to show what a caller sees once the
    // retries (shortened here) are used up.
    let fake = FakeConfig::new()
        .fault(FaultRule::new(Fault::status_retry_after(429, "0.2")).on("listSessions"));
    let (copilot, _fake) = common::connect_with(fake).await?;
    let ws = copilot.workspace(common::workspace_id());

    match ws
        .session("00000000-0000-0000-0000-000000000000")
        .get()
        .await
    {
        Err(e) if e.status() == Some(404) => println!("not found, as expected: {e}"),
        Err(e) => println!("another error: {e}"),
        Ok(session) => println!("found {:?}", session.id),
    }

    match ws.session("..").get().await {
        Err(Error::InvalidArgument(why)) => println!("refused before sending: {why}"),
        other => println!("unexpected: {other:?}"),
    }

    let _ = RetryPolicy::default(); // 3 retries honouring Retry-After; see Copilot::builder().retry(..)
    match ws.sessions().to_vec().await {
        Err(e) if e.is_throttled() => println!(
            "still throttled after retries: {e} (retry after {:?}, request-id {:?})",
            e.retry_after(),
            e.request_id()
        ),
        Err(e) => println!("error: {e}"),
        Ok(sessions) => println!("{} sessions", sessions.len()),
    }
    Ok(())
}

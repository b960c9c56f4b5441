//! Page through sessions with OData options, and filter plugins.
//!
//! ```sh
//! cargo run -p msgraph-security-copilot --example paging_options
//! ```

#[path = "common/mod.rs"]
mod common;

use copilot_ergonomic::Error;
use copilot_fake::FakeConfig;
use futures::TryStreamExt;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let (copilot, fake) = common::connect_with(FakeConfig::new().page_size(4)).await?;
    let ws = copilot.workspace(common::workspace_id());
    if fake.is_some() {
        for i in 1..=10 {
            ws.create_session(format!("session {i}")).await?;
        }
    }
    // Pages of at most 3, with the total count, only two properties each.
    let mut pages = ws
        .sessions()
        .top(3)
        .count(true)
        .select(&["id", "displayName"])
        .pages();
    let mut saved_link = None;
    while let Some(page) = pages.try_next().await? {
        let names: Vec<_> = page
            .items
            .iter()
            .filter_map(|s| s.display_name.clone())
            .collect();
        println!(
            "page of {} (total {:?}): {names:?}",
            page.items.len(),
            page.count
        );
        if saved_link.is_none() {
            saved_link = page.next_link.clone();
        }
    }
    // A saved nextLink resumes later, through the same auth and retries.
    if let Some(link) = saved_link {
        let rest = ws.sessions().resume_from(link).to_vec().await?;
        println!(
            "resumed from the first page's link: {} more sessions",
            rest.len()
        );
    }
    let entra = ws.plugins().filter("name eq 'Entra'").to_vec().await?;
    println!("plugins named Entra: {}", entra.len());
    Ok(())
}

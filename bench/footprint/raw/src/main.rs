//! Footprint floor: list the sessions of workspace `default` with reqwest and serde_json alone
//! and print how many there are. `COPILOT_TOKEN` is the bearer token, `COPILOT_BASE_URL` the
//! Graph beta URL (default `https://graph.microsoft.com/beta`).

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    #[cfg(feature = "ring")]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let token = std::env::var("COPILOT_TOKEN")?;
    let base = std::env::var("COPILOT_BASE_URL")
        .unwrap_or_else(|_| "https://graph.microsoft.com/beta".into());
    let url = format!("{base}/security/securityCopilot/workspaces/default/sessions");
    let page: serde_json::Value = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let count = page["value"].as_array().map_or(0, Vec::len);
    println!("{count}");
    Ok(())
}

//! Footprint, ours without the ergonomic layer: list the sessions of workspace `default` with
//! the generated copilot-api client and print how many there are (`COPILOT_TOKEN`, optional
//! `COPILOT_BASE_URL`).

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    #[cfg(feature = "ring")]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let token = std::env::var("COPILOT_TOKEN")?;
    let base = std::env::var("COPILOT_BASE_URL")
        .unwrap_or_else(|_| copilot_api::GRAPH_BETA_BASE_URL.into());
    let http = reqwest::Client::builder()
        .default_headers(copilot_api::bearer_headers(&token)?)
        .build()?;
    let client = copilot_api::Client::new_with_client(&base, http, copilot_api::Hooks::default());
    let page = client
        .list_sessions("default", None, None, None, None, None, None)
        .await?
        .into_inner();
    println!("{}", page.value.len());
    Ok(())
}

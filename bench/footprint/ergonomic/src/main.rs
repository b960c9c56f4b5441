//! Footprint, ours: list the sessions of workspace `default` through copilot-ergonomic and
//! print how many there are (`COPILOT_TOKEN`, optional `COPILOT_BASE_URL`).

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    #[cfg(feature = "ring")]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let copilot = copilot_ergonomic::Copilot::from_env()?;
    let sessions = copilot.workspace("default").sessions().to_vec().await?;
    println!("{}", sessions.len());
    Ok(())
}

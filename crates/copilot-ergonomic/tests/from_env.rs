//! `Copilot::from_env()`: `COPILOT_TOKEN` and `COPILOT_BASE_URL`. Alone in its test binary,
//! since it changes the process environment.

mod common;

use common::*;
use copilot_ergonomic::{Copilot, Error};
use copilot_fake::{FakeConfig, FakeServer};

#[tokio::test]
async fn the_environment_configures_a_client() {
    let server = FakeServer::start_with(FakeConfig::new().token(TOKEN))
        .await
        .unwrap();
    // SAFETY: the only test of this binary; no other thread reads the environment meanwhile.
    unsafe {
        std::env::remove_var("COPILOT_TOKEN");
        std::env::set_var("COPILOT_BASE_URL", server.base_url());
    }
    let missing = Copilot::from_env().unwrap_err();
    assert!(matches!(missing, Error::Config(_)), "{missing:?}");
    assert!(missing.to_string().contains("COPILOT_TOKEN"), "{missing}");

    unsafe { std::env::set_var("COPILOT_TOKEN", TOKEN) };
    let copilot = Copilot::from_env().unwrap();
    assert_eq!(copilot.base_url(), server.base_url());
    copilot
        .workspace("default")
        .create_session("from env")
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );

    unsafe { std::env::set_var("COPILOT_BASE_URL", "http://example.com/beta") };
    assert!(
        matches!(Copilot::from_env(), Err(Error::Config(_))),
        "plain http to a remote host"
    );
}

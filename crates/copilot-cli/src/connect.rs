//! Builds the client: `--demo` starts an embedded copilot-fake on loopback; otherwise the token
//! comes from `COPILOT_TOKEN`, else from the Azure developer tools (feature `azure`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use copilot_ergonomic::{Copilot, WaitOptions};
use copilot_fake::{FakeConfig, FakeServer, Script};

use crate::cli::Global;
use crate::exit::Failure;

static DEMO: AtomicBool = AtomicBool::new(false);

/// Whether this run answers from the embedded fake.
pub(crate) fn is_demo() -> bool {
    DEMO.load(Ordering::Relaxed)
}

/// The client, and the embedded server in `--demo` (it stops when dropped).
pub(crate) struct Connected {
    pub copilot: Copilot,
    pub _fake: Option<FakeServer>,
}

/// Connects as the global options say.
pub(crate) async fn connect(global: &Global) -> Result<Connected, Failure> {
    let wait = WaitOptions::default().with_deadline(Duration::from_secs_f64(global.deadline));
    let builder = Copilot::builder()
        .user_agent(concat!("seccopilot/", env!("CARGO_PKG_VERSION")))
        .wait_options(wait);
    if global.demo {
        DEMO.store(true, Ordering::Relaxed);
        let fake = FakeServer::start_with(demo_config())
            .await
            .map_err(|e| Failure::new(1, format!("cannot start the demo server: {e}")))?;
        eprintln!(
            "demo: answers come from an embedded copilot-fake at {}, not from Security Copilot",
            fake.base_url()
        );
        let copilot = builder
            .base_url(fake.base_url())
            .bearer_token("demo")
            .build()?;
        return Ok(Connected {
            copilot,
            _fake: Some(fake),
        });
    }
    let builder = builder.base_url(&global.base_url);
    let copilot = match std::env::var("COPILOT_TOKEN") {
        Ok(token) if !token.trim().is_empty() => builder.bearer_token(token.trim()).build()?,
        _ => azure(builder)?,
    };
    Ok(Connected {
        copilot,
        _fake: None,
    })
}

/// Tokens from `az login` / `azd auth login`; a failure to get one is exit 4 on first use.
#[cfg(feature = "azure")]
fn azure(builder: copilot_ergonomic::CopilotBuilder) -> Result<Copilot, Failure> {
    use copilot_ergonomic::azure_identity::DeveloperToolsCredential;
    let credential = DeveloperToolsCredential::new(None)
        .map_err(|e| Failure::no_credentials(&format!("COPILOT_TOKEN is not set and {e}")))?;
    Ok(builder.azure_credential(credential).build()?)
}

#[cfg(not(feature = "azure"))]
fn azure(_builder: copilot_ergonomic::CopilotBuilder) -> Result<Copilot, Failure> {
    Err(Failure::no_credentials(
        "COPILOT_TOKEN is not set (and this build has no Azure sign-in: feature `azure`)",
    ))
}

/// The demo server: quick evaluations and a few scripted answers.
fn demo_config() -> FakeConfig {
    FakeConfig::new()
        .phases(Duration::from_millis(200), Duration::from_millis(800))
        .script(
            "who am I",
            Script::answer(
                "You are **Demo User** (`demo@contoso.example`), signed in to the *Contoso* tenant.\n\n\
                 | Property | Value |\n|---|---|\n| Roles | Security Reader |\n| MFA | enabled |\n",
            ),
        )
        .script(
            "summarize incident 42",
            Script::answer(
                "## Incident 42\n\n- **Severity**: high\n- **Status**: active\n- Phishing email \
                 followed by a sign-in from an unfamiliar location.\n",
            ),
        )
        .script("too much", Script::outcome("capacityExceeded"))
}

//! Ask a question with a token from Azure developer tools (the Azure CLI or azd login).
//!
//! ```sh
//! az login
//! cargo run -p msgraph-security-copilot --features azure-identity --example azure_credential -- "who am I"
//! ```
//! The signed-in account needs SecurityCopilotWorkspaces.ReadWrite.All and a Security Copilot role.

use copilot_ergonomic::Copilot;
use copilot_ergonomic::azure_identity::DeveloperToolsCredential;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let question = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let question = if question.is_empty() {
        "who am I".to_string()
    } else {
        question
    };
    let credential = DeveloperToolsCredential::new(None)?;
    let copilot = Copilot::builder().azure_credential(credential).build()?;
    let answer = copilot.workspace("default").ask(&question).await?;
    println!(
        "{:?}: {}",
        answer.outcome(),
        answer.content().unwrap_or_default()
    );
    Ok(())
}

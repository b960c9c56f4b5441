//! [`WorkspaceClient`]: a workspace's sessions and plugins.

use copilot_api::types;

use crate::client::{Copilot, run};
use crate::error::Error;
use crate::evaluations::Answer;
use crate::ids::checked;
use crate::paging::{List, Scope};
use crate::sessions::SessionClient;

/// A workspace, by id; cheap to clone. Nothing is sent until a method is called.
#[derive(Clone, Debug)]
pub struct WorkspaceClient {
    copilot: Copilot,
    id: String,
}

impl WorkspaceClient {
    pub(crate) fn new(copilot: Copilot, id: String) -> Self {
        Self { copilot, id }
    }

    /// The workspace id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The workspace's sessions, newest first, lazily (`createSession`'s collection).
    pub fn sessions(&self) -> List<types::Session> {
        List::new(
            self.copilot.clone(),
            Scope::Sessions {
                ws: self.id.clone(),
            },
        )
    }

    /// The plugins available in the workspace, e.g. `.filter("name eq 'Entra'")`.
    pub fn plugins(&self) -> List<types::Plugin> {
        List::new(
            self.copilot.clone(),
            Scope::Plugins {
                ws: self.id.clone(),
            },
        )
    }

    /// A session of this workspace, by id.
    pub fn session(&self, id: impl Into<String>) -> SessionClient {
        SessionClient::new(self.copilot.clone(), self.id.clone(), id.into())
    }

    /// Creates a session named `display_name`.
    pub async fn create_session(
        &self,
        display_name: impl Into<String>,
    ) -> Result<types::Session, Error> {
        let ws = checked("workspace", &self.id)?;
        let body = types::SessionCreate::new(display_name);
        run(self.copilot.api().create_session(ws, &body)).await
    }

    /// Creates a session named after `question`, asks it, and waits for the answer.
    pub async fn ask(&self, question: &str) -> Result<Answer, Error> {
        let session = self.create_session(question).await?;
        let id = session
            .id
            .ok_or_else(|| Error::Protocol("the created session has no id".into()))?;
        self.session(id).ask(question).await
    }
}

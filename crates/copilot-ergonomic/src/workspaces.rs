//! [`WorkspaceClient`]: a workspace's sessions and plugins.

use copilot_api::types;

use crate::answer::Answer;
use crate::ask_many::AskMany;
use crate::call::run;
use crate::client::Copilot;
use crate::error::Error;
use crate::ids::checked;
use crate::paging::{List, Scope};
use crate::request_ids::RequestIds;
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

    /// A handle for a session this workspace listed or created; an error if it has no id.
    pub fn session_of(&self, session: &types::Session) -> Result<SessionClient, Error> {
        let id = session
            .id
            .as_deref()
            .ok_or_else(|| Error::Protocol("the session has no id".into()))?;
        Ok(self.session(id))
    }

    /// Asks many questions at once, each in a new session (or one, [`AskMany::in_session`]): a
    /// lazy stream of [`Asked`](crate::Asked) results as they finish. See [`AskMany`].
    ///
    /// ```rust
    /// # async fn demo(ws: copilot_ergonomic::WorkspaceClient) {
    /// use futures::StreamExt as _;
    /// let incidents = [4711, 4712, 4713];
    /// let mut run = ws
    ///     .ask_many(incidents.iter().map(|i| format!("Summarise incident {i}")))
    ///     .concurrency(16);
    /// while let Some(asked) = run.next().await {
    ///     match &asked.result {
    ///         Ok(answer) => println!("{}: {:?}", asked.index, answer.content()),
    ///         Err(e) => eprintln!("{} {:?}: {e}", asked.index, asked.question),
    ///     }
    /// }
    /// # }
    /// ```
    pub fn ask_many<'a, I>(&self, questions: I) -> AskMany<'a>
    where
        I: IntoIterator,
        I::Item: Into<String> + 'a,
        I::IntoIter: Send + 'a,
    {
        AskMany::new(self.clone(), questions)
    }

    /// Creates a session named after `question`, asks it, and waits for the answer; follow up
    /// with [`Answer::session`]. See [`SessionClient::ask`] for what happens on faults.
    pub async fn ask(&self, question: impl Into<String>) -> Result<Answer, Error> {
        self.ask_with(question.into(), None).await
    }
}

impl WorkspaceClient {
    /// [`WorkspaceClient::ask`], telling `on_started` the evaluation's reference once it exists.
    pub(crate) async fn ask_with(
        &self,
        question: String,
        on_started: crate::ask::OnStarted<'_>,
    ) -> Result<Answer, Error> {
        let (session, ids) = RequestIds::capture(self.create_session_retrying(&question)).await;
        let session = self.session_of(&session?)?;
        let mut answer = crate::ask::ask_in(&session, question, on_started).await?;
        answer.request_ids.splice(0..0, ids);
        Ok(answer)
    }

    /// Creates the session of an `ask`, again when the outcome of a create is unknown: sessions
    /// are not billed, so at worst an empty session is left behind.
    async fn create_session_retrying(&self, question: &str) -> Result<types::Session, Error> {
        let name = session_name(question);
        crate::ask::create_once(
            &self.copilot,
            "session",
            || self.create_session(name.clone()),
            || async { Ok(None) },
        )
        .await
    }
}

/// A session's display name for its first question: the question's first line, at most 100
/// characters.
fn session_name(question: &str) -> String {
    let line = question.trim().lines().next().unwrap_or_default();
    match line.char_indices().nth(100) {
        Some((end, _)) => format!("{}…", &line[..end]),
        None => line.to_string(),
    }
}

//! [`SessionClient`]: get and rename a session, list and create its prompts, ask questions.

use copilot_api::types;

use crate::answer::Answer;
use crate::call::CallContext;
use crate::call::{map_error, run};
use crate::client::Copilot;
use crate::error::Error;
use crate::evaluations::EvaluationClient;
use crate::ids::checked;
use crate::paging::{List, Scope};
use crate::prompts::PromptClient;

/// A session, by id; cheap to clone. Nothing is sent until a method is called.
#[derive(Clone, Debug)]
pub struct SessionClient {
    copilot: Copilot,
    ws: String,
    id: String,
}

impl SessionClient {
    pub(crate) fn new(copilot: Copilot, ws: String, id: String) -> Self {
        Self { copilot, ws, id }
    }

    /// The session id.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn ids(&self) -> Result<(&str, &str), Error> {
        Ok((
            checked("workspace", &self.ws)?,
            checked("session", &self.id)?,
        ))
    }

    /// Reads the session.
    pub async fn get(&self) -> Result<types::Session, Error> {
        let (ws, id) = self.ids()?;
        run(self.copilot.api().get_session(ws, id, None)).await
    }

    /// Renames the session and returns it as updated. A `204 No Content` answer (which Graph
    /// allows for PATCH) is followed by a read, so the result is always the session.
    pub async fn rename(&self, display_name: impl Into<String>) -> Result<types::Session, Error> {
        let (ws, id) = self.ids()?;
        let body = types::SessionUpdate::rename(display_name);
        let ctx = CallContext::new();
        match ctx
            .scope(self.copilot.api().update_session(ws, id, &body))
            .await
        {
            Ok(session) => Ok(session.into_inner()),
            Err(copilot_api::Error::UnexpectedResponse(r))
                if r.status() == reqwest::StatusCode::NO_CONTENT =>
            {
                self.get().await
            }
            Err(e) => Err(map_error(e, &ctx).await),
        }
    }

    /// The session's prompts, lazily.
    pub fn prompts(&self) -> List<types::Prompt> {
        List::new(
            self.copilot.clone(),
            Scope::Prompts {
                ws: self.ws.clone(),
                session: self.id.clone(),
            },
        )
    }

    /// A prompt of this session, by id.
    pub fn prompt(&self, id: impl Into<String>) -> PromptClient {
        PromptClient::new(
            self.copilot.clone(),
            self.ws.clone(),
            self.id.clone(),
            id.into(),
        )
    }

    /// Adds a prompt (of type `prompt`, the only one the service supports) with `content`.
    pub async fn create_prompt(&self, content: impl Into<String>) -> Result<types::Prompt, Error> {
        let (ws, id) = self.ids()?;
        let body = types::PromptCreate::new(content);
        run(self.copilot.api().create_prompt(ws, id, &body)).await
    }

    /// A handle for a prompt this session listed or created; an error if it has no id.
    pub fn prompt_of(&self, prompt: &types::Prompt) -> Result<PromptClient, Error> {
        let id = prompt
            .id
            .as_deref()
            .ok_or_else(|| Error::Protocol("the prompt has no id".into()))?;
        Ok(self.prompt(id))
    }

    pub(crate) fn copilot(&self) -> &Copilot {
        &self.copilot
    }

    /// Starts a question without waiting: creates the prompt and starts its evaluation (each
    /// at most once, as [`SessionClient::ask`] does) and returns the evaluation's handle, whose
    /// [`EvaluationClient::reference`] can be saved before [`EvaluationClient::wait`] is called
    /// (e.g. to print it when the user interrupts the wait).
    pub async fn start(&self, question: impl Into<String>) -> Result<EvaluationClient, Error> {
        let question = question.into();
        crate::ask::start_in(self, &question)
            .await
            .map(|(client, _)| client)
    }

    /// Asks a question in this session (a follow-up sees the earlier prompts): creates the
    /// prompt, starts its evaluation and waits for the answer.
    ///
    /// At most one prompt and one evaluation are created per call: when a create's outcome is
    /// unknown (a dropped connection after the request left), what the service stored is read
    /// back and used. Once the evaluation exists, every error carries
    /// [`Error::evaluation_ref`] to resume the wait.
    pub async fn ask(&self, question: impl Into<String>) -> Result<Answer, Error> {
        crate::ask::ask_in(self, question.into(), None).await
    }
}

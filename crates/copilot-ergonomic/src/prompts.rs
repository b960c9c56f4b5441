//! [`PromptClient`]: get a prompt, list and start its evaluations.

use copilot_api::types;

use crate::client::{Copilot, run};
use crate::error::Error;
use crate::evaluations::{Answer, EvaluationClient};
use crate::ids::checked;
use crate::paging::{List, Scope};

/// A prompt, by id; cheap to clone. Nothing is sent until a method is called.
#[derive(Clone, Debug)]
pub struct PromptClient {
    copilot: Copilot,
    ws: String,
    session: String,
    id: String,
}

impl PromptClient {
    pub(crate) fn new(copilot: Copilot, ws: String, session: String, id: String) -> Self {
        Self {
            copilot,
            ws,
            session,
            id,
        }
    }

    /// The prompt id.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn ids(&self) -> Result<(&str, &str, &str), Error> {
        Ok((
            checked("workspace", &self.ws)?,
            checked("session", &self.session)?,
            checked("prompt", &self.id)?,
        ))
    }

    /// Reads the prompt.
    pub async fn get(&self) -> Result<types::Prompt, Error> {
        let (ws, session, id) = self.ids()?;
        run(self.copilot.api().get_prompt(ws, session, id, None)).await
    }

    /// The prompt's evaluations, lazily.
    pub fn evaluations(&self) -> List<types::Evaluation> {
        List::new(
            self.copilot.clone(),
            Scope::Evaluations {
                ws: self.ws.clone(),
                session: self.session.clone(),
                prompt: self.id.clone(),
            },
        )
    }

    /// An evaluation of this prompt, by id.
    pub fn evaluation(&self, id: impl Into<String>) -> EvaluationClient {
        EvaluationClient::new(
            self.copilot.clone(),
            self.ws.clone(),
            self.session.clone(),
            self.id.clone(),
            id.into(),
        )
    }

    /// Starts an evaluation (the body is `{}`); poll it with [`EvaluationClient::wait`].
    pub async fn create_evaluation(&self) -> Result<types::Evaluation, Error> {
        let (ws, session, id) = self.ids()?;
        run(self.copilot.api().create_evaluation(
            ws,
            session,
            id,
            &types::EvaluationCreate::default(),
        ))
        .await
    }

    /// Starts an evaluation and waits for its answer.
    pub async fn ask(&self) -> Result<Answer, Error> {
        let evaluation = self.create_evaluation().await?;
        let id = evaluation
            .id
            .clone()
            .ok_or_else(|| Error::Protocol("the created evaluation has no id".into()))?;
        self.evaluation(id).wait_from(evaluation).await
    }
}

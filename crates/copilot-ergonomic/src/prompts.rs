//! [`PromptClient`]: get a prompt, list and start its evaluations.

use copilot_api::types;

use crate::answer::Answer;
use crate::call::run;
use crate::client::Copilot;
use crate::error::Error;
use crate::evaluations::EvaluationClient;
use crate::ids::checked;
use crate::paging::{List, Scope};
use crate::reference::EvaluationRef;
use crate::request_ids::RequestIds;

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

    pub(crate) fn copilot(&self) -> &Copilot {
        &self.copilot
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
            EvaluationRef::new(&self.ws, &self.session, &self.id, id),
        )
    }

    /// A handle for an evaluation this prompt listed or created; an error if it has no id.
    pub fn evaluation_of(&self, evaluation: &types::Evaluation) -> Result<EvaluationClient, Error> {
        let id = evaluation
            .id
            .as_deref()
            .ok_or_else(|| Error::Protocol("the evaluation has no id".into()))?;
        Ok(self.evaluation(id))
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

    /// Starts an evaluation and waits for its answer. If the create's outcome is unknown (the
    /// connection dropped after the request left), the prompt's evaluations are read first, so
    /// at most one evaluation is started.
    pub async fn evaluate(&self) -> Result<Answer, Error> {
        let (answer, ids) = RequestIds::capture(crate::ask::evaluate(self)).await;
        answer.map(|mut a| {
            a.request_ids = ids;
            a
        })
    }
}

//! `ask()`: one question → at most one prompt and one evaluation → the answer.
//!
//! A create whose outcome is unknown (the connection dropped or timed out after the request
//! left, a 5xx, an unreadable success body) may have been stored. It is never sent again
//! blindly: the session's prompts (or the prompt's evaluations) are read to find what the
//! service stored, and the ask continues with that; it creates again only after seeing that
//! nothing was stored, so a question is not paid for twice.

use copilot_api::types;
use futures_util::TryStreamExt as _;

use crate::answer::Answer;
use crate::error::Error;
use crate::evaluations::EvaluationClient;
use crate::prompts::PromptClient;
use crate::request_ids::RequestIds;
use crate::sessions::SessionClient;

/// How many times a create is attempted when earlier attempts had an unknown outcome and
/// reading back showed nothing stored.
pub(crate) const CREATE_ATTEMPTS: u32 = 3;

/// Asks `question` in `session`: prompt, evaluation, wait; the answer carries every call's ids.
pub(crate) async fn ask_in(session: &SessionClient, question: String) -> Result<Answer, Error> {
    let (answer, ids) = RequestIds::capture(async {
        let (client, evaluation) = start_in(session, &question).await?;
        let options = session.copilot().inner.wait.clone();
        client.poll(Some(evaluation), &options).await
    })
    .await;
    answer.map(|mut a| {
        a.request_ids = ids;
        a
    })
}

/// Creates the prompt and starts its evaluation, each at most once; does not wait.
pub(crate) async fn start_in(
    session: &SessionClient,
    question: &str,
) -> Result<(EvaluationClient, types::Evaluation), Error> {
    let prompt = create_prompt_once(session, question).await?;
    start_evaluation(&session.prompt_of(&prompt)?).await
}

/// Starts one evaluation of `prompt` (at most one, see the module docs).
async fn start_evaluation(
    prompt: &PromptClient,
) -> Result<(EvaluationClient, types::Evaluation), Error> {
    let evaluation = create_evaluation_once(prompt).await?;
    Ok((prompt.evaluation_of(&evaluation)?, evaluation))
}

/// Starts one evaluation of `prompt` (at most one) and waits for it.
pub(crate) async fn evaluate(prompt: &PromptClient) -> Result<Answer, Error> {
    let (client, evaluation) = start_evaluation(prompt).await?;
    let options = prompt.copilot().inner.wait.clone();
    client.poll(Some(evaluation), &options).await
}

async fn create_prompt_once(
    session: &SessionClient,
    question: &str,
) -> Result<types::Prompt, Error> {
    let mut attempt = 1;
    loop {
        let error = match session.create_prompt(question).await {
            Ok(prompt) => return Ok(prompt),
            Err(e) if e.outcome_unknown() => e,
            Err(e) => return Err(e),
        };
        tracing::warn!(%error, attempt, "the prompt may have been stored; reading the session's prompts");
        if let Some(stored) = stored_prompt(session, question).await? {
            return Ok(stored);
        }
        if attempt >= CREATE_ATTEMPTS {
            return Err(error);
        }
        attempt += 1;
    }
}

/// The newest prompt of `session` with `question` as content and no evaluation yet.
async fn stored_prompt(
    session: &SessionClient,
    question: &str,
) -> Result<Option<types::Prompt>, Error> {
    let prompts: Vec<types::Prompt> = session.prompts().try_collect().await?;
    let mut candidates: Vec<types::Prompt> = prompts
        .into_iter()
        .filter(|p| p.content.as_deref() == Some(question) && p.id.is_some())
        .collect();
    candidates.sort_by_key(|p| std::cmp::Reverse(p.created_date_time));
    for prompt in candidates {
        let client = session.prompt_of(&prompt)?;
        let evaluations: Vec<types::Evaluation> = client.evaluations().top(1).try_collect().await?;
        if evaluations.is_empty() {
            return Ok(Some(prompt));
        }
    }
    Ok(None)
}

async fn create_evaluation_once(prompt: &PromptClient) -> Result<types::Evaluation, Error> {
    let mut attempt = 1;
    loop {
        let error = match prompt.create_evaluation().await {
            Ok(evaluation) => return Ok(evaluation),
            Err(e) if e.outcome_unknown() => e,
            Err(e) => return Err(e),
        };
        tracing::warn!(%error, attempt, "the evaluation may have been started; reading the prompt's evaluations");
        let mut stored: Vec<types::Evaluation> = prompt.evaluations().try_collect().await?;
        stored.sort_by_key(|e| std::cmp::Reverse(e.created_date_time));
        if let Some(evaluation) = stored.into_iter().find(|e| e.id.is_some()) {
            return Ok(evaluation);
        }
        if attempt >= CREATE_ATTEMPTS {
            return Err(error);
        }
        attempt += 1;
    }
}

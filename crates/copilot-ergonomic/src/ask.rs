//! `ask()`: one question → at most one prompt and one evaluation → the answer.
//!
//! A create whose outcome is unknown (the connection dropped or timed out after the request
//! left, a 5xx, an unreadable success body) may have been stored. It is never sent again
//! blindly: the session's prompts (or the prompt's evaluations) are read to find what the
//! service stored, and the ask continues with that; it creates again only after seeing that
//! nothing was stored, so a question is not paid for twice.

use copilot_api::types;
use futures_util::TryStreamExt as _;

use std::future::Future;

use crate::answer::Answer;
use crate::client::Copilot;
use crate::error::Error;
use crate::evaluations::EvaluationClient;
use crate::prompts::PromptClient;
use crate::random::jitter;
use crate::reference::EvaluationRef;
use crate::request_ids::RequestIds;
use crate::sessions::SessionClient;

/// Called with an evaluation's reference once it exists, before its answer is awaited.
pub(crate) type OnStarted<'a> = Option<&'a (dyn Fn(&EvaluationRef) + Send + Sync)>;

/// Asks `question` in `session`: prompt, evaluation, wait; the answer carries every call's ids.
pub(crate) async fn ask_in(
    session: &SessionClient,
    question: String,
    on_started: OnStarted<'_>,
) -> Result<Answer, Error> {
    let (answer, ids) = RequestIds::capture(async {
        let prompt = create_prompt_once(session, &question).await?;
        evaluate_with(&session.prompt_of(&prompt)?, on_started).await
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
    evaluate_with(prompt, None).await
}

/// [`evaluate`], telling `on_started` the evaluation's reference before the wait.
async fn evaluate_with(prompt: &PromptClient, on_started: OnStarted<'_>) -> Result<Answer, Error> {
    let (client, evaluation) = start_evaluation(prompt).await?;
    if let Some(started) = on_started {
        started(client.reference());
    }
    client
        .poll(Some(evaluation), &prompt.copilot().inner.wait)
        .await
}

async fn create_prompt_once(
    session: &SessionClient,
    question: &str,
) -> Result<types::Prompt, Error> {
    create_once(
        session.copilot(),
        "prompt",
        || session.create_prompt(question),
        || stored_prompt(session, question),
    )
    .await
}

/// Runs `create` until it succeeds, fails clearly, or runs out of attempts; after an unknown
/// outcome it first asks `stored` whether the service kept the entity, and returns that if so.
/// A read-back that fails transiently is tried again (an unanswered read is not "nothing
/// stored"); re-creates and re-reads back off as the client's [`crate::RetryPolicy`] says.
pub(crate) async fn create_once<T, C, CF, S, SF>(
    copilot: &Copilot,
    what: &str,
    mut create: C,
    mut stored: S,
) -> Result<T, Error>
where
    C: FnMut() -> CF,
    CF: Future<Output = Result<T, Error>>,
    S: FnMut() -> SF,
    SF: Future<Output = Result<Option<T>, Error>>,
{
    let policy = &copilot.inner.pipeline.retry;
    let mut attempt = 1;
    loop {
        let error = match create().await {
            Ok(created) => return Ok(created),
            Err(e) if e.outcome_unknown() => e,
            Err(e) => return Err(e),
        };
        tracing::warn!(%error, attempt, what, "the create may have been stored; reading back");
        let mut read = 1;
        loop {
            match stored().await {
                Ok(Some(found)) => return Ok(found),
                Ok(None) => break,
                Err(e) if e.is_retryable() => {
                    let Some(delay) = policy.recreate_delay(read, jitter()) else {
                        return Err(error);
                    };
                    tracing::warn!(error = %e, read, what, "reading back failed; reading again");
                    tokio::time::sleep(delay).await;
                    read += 1;
                }
                Err(e) => return Err(e),
            }
        }
        let Some(delay) = policy.recreate_delay(attempt, jitter()) else {
            return Err(error);
        };
        tokio::time::sleep(delay).await;
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
    create_once(
        prompt.copilot(),
        "evaluation",
        || prompt.create_evaluation(),
        || async {
            let mut stored: Vec<types::Evaluation> = prompt.evaluations().try_collect().await?;
            stored.sort_by_key(|e| std::cmp::Reverse(e.created_date_time));
            Ok(stored.into_iter().find(|e| e.id.is_some()))
        },
    )
    .await
}

//! Evaluations: [`EvaluationClient::wait`] polls until a terminal state, through transient
//! faults, and returns an [`Answer`] with a typed [`Outcome`].
//!
//! Polling interval: a fifth of the time waited so far, at least `min_interval` (500 ms) and at
//! most `max_interval` (4 s). The answer arrives within about 20 % of the evaluation's run time
//! (at most 4 s late), with a poll count that grows logarithmically up to 20 s and then by 15 a
//! minute: 4 polls for a 2 s evaluation, 13 for 10 s, 19 for 30 s, 42 for 120 s, where a fixed
//! 1 s poller needs 2, 10, 30 and 120 (Graph's throttling counts every request). Evaluations
//! take seconds to minutes, so the first polls need not be sooner. The wait is cancelled by
//! dropping the future.

use std::time::{Duration, Instant};

use copilot_api::types::{self, EvaluationResultType as ResultType, EvaluationState as State};

use crate::answer::Answer;
use crate::call::run;
use crate::client::Copilot;
use crate::error::Error;
use crate::ids::checked;
use crate::reference::EvaluationRef;
use crate::request_ids::RequestIds;

/// How `wait()` polls.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[must_use]
pub struct WaitOptions {
    /// Give up (with [`Error::WaitTimedOut`]) after this long.
    pub deadline: Duration,
    /// The shortest pause between polls.
    pub min_interval: Duration,
    /// The longest pause between polls.
    pub max_interval: Duration,
    /// The pause as a fraction of the time waited so far.
    pub growth: f64,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            deadline: Duration::from_secs(300),
            min_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(4),
            growth: 0.2,
        }
    }
}

impl WaitOptions {
    /// These options with another deadline.
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// These options with another growth: the pause as a fraction of the time waited so far
    /// (default 0.2; negative values count as 0).
    pub fn with_growth(mut self, growth: f64) -> Self {
        self.growth = growth;
        self
    }

    /// These options with other interval bounds.
    pub fn with_intervals(mut self, min: Duration, max: Duration) -> Self {
        self.min_interval = min;
        self.max_interval = max.max(min);
        self
    }

    fn pause(&self, waited: Duration) -> Duration {
        waited
            .mul_f64(self.growth.max(0.0))
            .clamp(self.min_interval, self.max_interval)
    }

    /// The pause after `failures` polls failed in a row: the usual pause doubled per failure
    /// (at most 32 times, at most a minute), or the server's `Retry-After` if longer.
    fn backoff(&self, waited: Duration, failures: u32, retry_after: Option<Duration>) -> Duration {
        let doubled = self
            .pause(waited)
            .saturating_mul(1 << failures.min(5))
            .min(Duration::from_secs(60));
        doubled.max(retry_after.unwrap_or_default())
    }
}

/// How an evaluation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The answer is in [`Answer::content`].
    Success,
    /// The evaluation failed.
    Error,
    /// The request was rejected (e.g. by responsible-AI checks).
    Rejected,
    /// The evaluation took too long on the service side.
    TimedOut,
    /// The workspace has no capacity (Security Compute Units) left.
    CapacityExceeded,
    /// The service needs more claims (consent or conditional access) from the caller.
    NeedAdditionalClaims,
    /// The evaluation was cancelled.
    Cancelled,
    /// The evaluation waits for more input (a new prompt).
    WaitingForInput,
    /// The evaluation completed without a result, or with a result of no type: nothing to read.
    CompletedWithoutResult,
    /// A result type this client does not map to a variant, as the service sent it (the
    /// documented placeholder `unknown`, or a member added after this release).
    Other(String),
}

impl Outcome {
    /// The outcome, if `evaluation` is finished; `None` while it is still in progress.
    ///
    /// Finished means `completed`, `cancelled` (or `isCancelled: true`) or `waitingForInput`
    /// (it cannot progress without a new prompt); `created`, `running`, `pending`, `deferred`
    /// and `unknown` are in progress; a state this release does not know is finished only when
    /// the result has a type other than `unknown`.
    pub fn of(evaluation: &types::Evaluation) -> Option<Outcome> {
        let result_type = evaluation.result.as_ref().and_then(|r| r.type_.as_ref());
        let from_result = || match result_type {
            Some(ResultType::Success) => Outcome::Success,
            Some(ResultType::Error) => Outcome::Error,
            Some(ResultType::Rejected) => Outcome::Rejected,
            Some(ResultType::TimedOut) => Outcome::TimedOut,
            Some(ResultType::CapacityExceeded) => Outcome::CapacityExceeded,
            Some(ResultType::NeedAdditionalClaims) => Outcome::NeedAdditionalClaims,
            Some(other) => Outcome::Other(other.to_string()),
            None => Outcome::CompletedWithoutResult,
        };
        if evaluation.is_cancelled == Some(true) {
            return Some(Outcome::Cancelled);
        }
        match evaluation.state.as_ref()? {
            State::Completed => Some(from_result()),
            State::Cancelled => Some(Outcome::Cancelled),
            State::WaitingForInput => Some(Outcome::WaitingForInput),
            State::Unknown | State::Created | State::Running | State::Pending | State::Deferred => {
                None
            }
            // A state this client does not know: finished if the service reports a real result.
            _ => match result_type {
                Some(ResultType::Unknown) | None => None,
                Some(_) => Some(from_result()),
            },
        }
    }

    /// The service's name for the outcome (`success`, `rejected`, `timedOut`, `capacityExceeded`,
    /// `needAdditionalClaims`, `error`; `cancelled` and `waitingForInput` from the state),
    /// `completedWithoutResult` (this client's name: the service sent no result type), or the
    /// other value as sent.
    pub fn as_str(&self) -> &str {
        match self {
            Outcome::Success => "success",
            Outcome::Error => "error",
            Outcome::Rejected => "rejected",
            Outcome::TimedOut => "timedOut",
            Outcome::CapacityExceeded => "capacityExceeded",
            Outcome::NeedAdditionalClaims => "needAdditionalClaims",
            Outcome::Cancelled => "cancelled",
            Outcome::WaitingForInput => "waitingForInput",
            Outcome::CompletedWithoutResult => "completedWithoutResult",
            Outcome::Other(other) => other,
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An evaluation, by id; cheap to clone.
#[derive(Clone, Debug)]
pub struct EvaluationClient {
    copilot: Copilot,
    reference: EvaluationRef,
}

impl EvaluationClient {
    pub(crate) fn new(copilot: Copilot, reference: EvaluationRef) -> Self {
        Self { copilot, reference }
    }

    /// The evaluation id.
    pub fn id(&self) -> &str {
        &self.reference.evaluation
    }

    /// The four ids of this evaluation.
    pub fn reference(&self) -> &EvaluationRef {
        &self.reference
    }

    /// Reads the evaluation once.
    pub async fn get(&self) -> Result<types::Evaluation, Error> {
        let r = &self.reference;
        let ws = checked("workspace", &r.workspace)?;
        let session = checked("session", &r.session)?;
        let prompt = checked("prompt", &r.prompt)?;
        let id = checked("evaluation", &r.evaluation)?;
        run(self
            .copilot
            .api()
            .get_evaluation(ws, session, prompt, id, None))
        .await
    }

    /// Polls until the evaluation is finished, with the client's [`WaitOptions`].
    pub async fn wait(&self) -> Result<Answer, Error> {
        let options = self.copilot.inner.wait.clone();
        self.wait_with(&options).await
    }

    /// Polls until the evaluation is finished, with `options`.
    ///
    /// Transient failures of a poll (429, 5xx, timeouts, dropped connections, an unreadable
    /// body), left after the per-request retries, do not end the wait: it backs off and polls
    /// again until the deadline. Only an error that polling cannot cure (401, 403, 404, another
    /// 4xx) ends it early, as [`Error::WaitFailed`]; the deadline ends it as
    /// [`Error::WaitTimedOut`]. Both carry [`Error::evaluation_ref`] to resume with.
    ///
    /// Dropping the future stops polling; the service may still finish (and bill) the
    /// evaluation, so keep [`EvaluationClient::reference`] to wait for it again later.
    pub async fn wait_with(&self, options: &WaitOptions) -> Result<Answer, Error> {
        let (answer, ids) = RequestIds::capture(self.poll(None, options)).await;
        answer.map(|mut a| {
            a.request_ids = ids;
            a
        })
    }

    /// Polls from an evaluation just read (or created); the caller collects the request ids.
    pub(crate) async fn poll(
        &self,
        mut evaluation: Option<types::Evaluation>,
        options: &WaitOptions,
    ) -> Result<Answer, Error> {
        let started = Instant::now();
        let (mut polls, mut failures) = (0u32, 0u32);
        let mut pause = evaluation.as_ref().map(|_| options.pause(Duration::ZERO));
        loop {
            if let Some(outcome) = evaluation.as_ref().and_then(Outcome::of)
                && let Some(evaluation) = evaluation.take()
            {
                tracing::debug!(
                    polls,
                    waited_ms = started.elapsed().as_millis() as u64,
                    ?outcome,
                    "evaluation finished"
                );
                return Ok(Answer {
                    copilot: self.copilot.clone(),
                    reference: self.reference.clone(),
                    evaluation,
                    outcome,
                    request_ids: Vec::new(),
                });
            }
            let waited = started.elapsed();
            if waited >= options.deadline {
                let last_state = evaluation
                    .as_ref()
                    .and_then(|e| e.state.as_ref())
                    .map_or("unknown".to_string(), ToString::to_string);
                return Err(Error::WaitTimedOut {
                    waited,
                    last_state,
                    reference: Box::new(self.reference.clone()),
                });
            }
            if let Some(pause) = pause {
                tokio::time::sleep(pause.min(options.deadline - waited)).await;
            }
            polls += 1;
            match self.get().await {
                Ok(read) => {
                    evaluation = Some(read);
                    failures = 0;
                    pause = Some(options.pause(started.elapsed()));
                }
                Err(error) if error.ends_wait() => {
                    return Err(Error::WaitFailed {
                        reference: Box::new(self.reference.clone()),
                        source: Box::new(error),
                    });
                }
                Err(error) => {
                    failures += 1;
                    let backoff = options.backoff(started.elapsed(), failures, error.retry_after());
                    tracing::warn!(%error, failures, backoff_ms = backoff.as_millis() as u64, "a poll failed; polling again");
                    pause = Some(backoff);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn evaluation(value: serde_json::Value) -> types::Evaluation {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn terminal_states_and_outcomes() {
        let done = |t: &str| evaluation(json!({"state": "completed", "result": {"type": t}}));
        assert_eq!(Outcome::of(&done("success")), Some(Outcome::Success));
        assert_eq!(Outcome::of(&done("rejected")), Some(Outcome::Rejected));
        assert_eq!(Outcome::of(&done("timedOut")), Some(Outcome::TimedOut));
        assert_eq!(
            Outcome::of(&done("capacityExceeded")),
            Some(Outcome::CapacityExceeded)
        );
        assert_eq!(
            Outcome::of(&done("needAdditionalClaims")),
            Some(Outcome::NeedAdditionalClaims)
        );
        assert_eq!(Outcome::of(&done("error")), Some(Outcome::Error));
        assert_eq!(
            Outcome::of(&done("brandNew")),
            Some(Outcome::Other("brandNew".into()))
        );
        // The documented placeholder member is a value like any other; no result is its own case.
        assert_eq!(
            Outcome::of(&done("unknown")),
            Some(Outcome::Other("unknown".into()))
        );
        for no_result in [json!(null), json!({"type": null, "content": "x"})] {
            assert_eq!(
                Outcome::of(&evaluation(
                    json!({"state": "completed", "result": no_result})
                )),
                Some(Outcome::CompletedWithoutResult),
                "{no_result}"
            );
        }
        assert_eq!(
            Outcome::CompletedWithoutResult.as_str(),
            "completedWithoutResult"
        );
        for state in ["created", "running", "pending", "deferred", "unknown"] {
            assert_eq!(
                Outcome::of(&evaluation(json!({"state": state, "result": null}))),
                None,
                "{state}"
            );
        }
        assert_eq!(
            Outcome::of(&evaluation(json!({"state": "cancelled"}))),
            Some(Outcome::Cancelled)
        );
        assert_eq!(
            Outcome::of(&evaluation(
                json!({"state": "running", "isCancelled": true})
            )),
            Some(Outcome::Cancelled)
        );
        assert_eq!(
            Outcome::of(&evaluation(json!({"state": "waitingForInput"}))),
            Some(Outcome::WaitingForInput)
        );
        // Unknown future states: finished only with a real result type.
        assert_eq!(
            Outcome::of(&evaluation(
                json!({"state": "paused", "result": {"type": "unknown"}})
            )),
            None
        );
        assert_eq!(
            Outcome::of(&evaluation(
                json!({"state": "archived", "result": {"type": "success"}})
            )),
            Some(Outcome::Success)
        );
    }

    #[test]
    fn pauses_grow_with_the_wait_within_bounds() {
        let o = WaitOptions::default();
        assert_eq!(o.pause(Duration::ZERO), Duration::from_millis(500));
        assert_eq!(o.pause(Duration::from_secs(5)), Duration::from_secs(1));
        assert_eq!(o.pause(Duration::from_secs(600)), Duration::from_secs(4));
        let half = WaitOptions::default().with_growth(0.5);
        assert_eq!(half.pause(Duration::from_secs(4)), Duration::from_secs(2));
        let never_below = WaitOptions::default().with_growth(-1.0);
        assert_eq!(
            never_below.pause(Duration::from_secs(60)),
            Duration::from_millis(500)
        );
    }

    /// Polls a wait makes for an evaluation that finishes after `run`, and how late the last
    /// one comes, with these options' schedule.
    fn schedule(o: &WaitOptions, run: Duration) -> (u32, Duration) {
        let (mut waited, mut polls) = (Duration::ZERO, 0);
        while waited < run {
            waited += o.pause(waited);
            polls += 1;
        }
        (polls, waited - run)
    }

    #[test]
    fn the_default_schedule_polls_little_and_answers_within_a_fifth_of_the_run() {
        let o = WaitOptions::default();
        for (seconds, polls) in [(2, 4), (10, 13), (30, 19), (120, 42)] {
            let run = Duration::from_secs(seconds);
            let (n, late) = schedule(&o, run);
            assert_eq!(n, polls, "polls for a {seconds} s evaluation");
            assert!(
                late <= (run / 5).clamp(o.min_interval, o.max_interval),
                "{late:?} late after {seconds} s"
            );
        }
    }
}

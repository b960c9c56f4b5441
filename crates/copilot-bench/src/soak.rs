//! The fault soak: many concurrent conversations against a `copilot-fake` that injects random
//! faults, proving nothing is lost and nothing is paid for twice.
//!
//! Each conversation asks a few follow-ups in one session, then checks what the service stored
//! (one prompt per question, one evaluation per prompt) and starts over in a new session. A
//! question ends answered, or — when its wait failed — resumed from its evaluation reference, or
//! reported with that reference; one that failed before its evaluation existed is *lost* (and
//! that is a failure of the soak). Resident memory is sampled on a timer.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use copilot_ergonomic::types::Prompt;
use copilot_ergonomic::{Copilot, SessionClient, WaitOptions};
use copilot_fake::{FakeConfig, Fault};
use futures_util::StreamExt as _;

use crate::rss;

/// How much the soak does.
#[derive(Debug, Clone)]
pub struct SoakPlan {
    /// Conversations running at once.
    pub conversations: usize,
    /// Questions per conversation (one session each).
    pub questions_per_conversation: usize,
    /// How long new conversations keep starting.
    pub duration: Duration,
    /// Resident memory is sampled this often.
    pub sample_every: Duration,
}

/// What the soak saw.
#[derive(Debug, Default, Clone)]
pub struct SoakReport {
    /// Questions asked.
    pub questions: u64,
    /// Answered by `ask()` itself.
    pub answered: u64,
    /// Answered after resuming from the reference an error carried.
    pub resumed: u64,
    /// Not answered, but reported with their evaluation reference.
    pub reported: u64,
    /// Failed before an evaluation existed (nothing to resume): must be 0.
    pub lost: u64,
    /// Conversations completed and checked.
    pub conversations: u64,
    /// Extra prompts found for a question (asked twice): must be 0.
    pub duplicate_prompts: u64,
    /// Extra evaluations found for a prompt (paid twice): must be 0.
    pub duplicate_evaluations: u64,
    /// Conversations whose stored prompts could not be read back (after retries).
    pub unchecked: u64,
    /// Resident memory samples, bytes, oldest first.
    pub rss: Vec<u64>,
    /// The first few errors seen, for diagnosis.
    pub errors: Vec<String>,
}

impl SoakReport {
    /// Every guarantee the soak broke (empty: it passed). `warm_up` samples are skipped before
    /// comparing the last sample with the first.
    pub fn problems(&self, warm_up: usize) -> Vec<String> {
        let mut out = Vec::new();
        if self.questions == 0 {
            out.push("no question was asked".to_string());
        }
        let accounted = self.answered + self.resumed + self.reported + self.lost;
        if accounted != self.questions {
            out.push(format!(
                "{} questions asked but {accounted} accounted for",
                self.questions
            ));
        }
        for (what, n) in [
            (
                "questions lost (failed with no evaluation reference)",
                self.lost,
            ),
            ("duplicate prompts", self.duplicate_prompts),
            ("duplicate evaluations", self.duplicate_evaluations),
            ("conversations that could not be checked", self.unchecked),
        ] {
            if n > 0 {
                out.push(format!("{n} {what}"));
            }
        }
        if let (Some(first), Some(last)) = (self.rss.get(warm_up), self.rss.last())
            && self.rss.len() > warm_up + 1
            && (*last as f64) > (*first as f64) * 1.10
        {
            out.push(format!(
                "resident memory grew from {:.1} MiB to {:.1} MiB (over 10 %)",
                mib(*first),
                mib(*last)
            ));
        }
        out
    }

    /// The report as `name: value` lines.
    pub fn lines(&self) -> Vec<String> {
        let peak = self.rss.iter().copied().max().unwrap_or(0);
        vec![
            format!("questions: {}", self.questions),
            format!("answered: {}", self.answered),
            format!("resumed: {}", self.resumed),
            format!("reported with a reference: {}", self.reported),
            format!("lost: {}", self.lost),
            format!("conversations checked: {}", self.conversations),
            format!("duplicate prompts: {}", self.duplicate_prompts),
            format!("duplicate evaluations: {}", self.duplicate_evaluations),
            format!(
                "rss: first {:.1} MiB, last {:.1} MiB, peak {:.1} MiB ({} samples)",
                mib(self.rss.first().copied().unwrap_or(0)),
                mib(self.rss.last().copied().unwrap_or(0)),
                mib(peak),
                self.rss.len()
            ),
            format!(
                "rss every minute: {}",
                self.rss
                    .iter()
                    .step_by(6)
                    .map(|b| format!("{:.1}", mib(*b)))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        ]
    }
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// The fake's side of the soak: random faults on about 6 % of requests, short evaluations, and
/// a bounded store (500 sessions, filled within the warm-up) so memory can stay flat.
pub fn fake_config(seed: u64) -> FakeConfig {
    FakeConfig::new()
        .phases(Duration::from_millis(20), Duration::from_millis(60))
        .max_sessions(500)
        .random_faults(
            seed,
            vec![
                (3, Fault::status_retry_after(429, "1")),
                (10, Fault::status(503)),
                (10, Fault::status(504)),
                (10, Fault::DropAfterStore),
                (10, Fault::DropConnection),
                (15, Fault::Latency(Duration::from_millis(300))),
            ],
        )
}

#[derive(Default)]
struct Counters {
    questions: AtomicU64,
    answered: AtomicU64,
    resumed: AtomicU64,
    reported: AtomicU64,
    lost: AtomicU64,
    conversations: AtomicU64,
    duplicate_prompts: AtomicU64,
    duplicate_evaluations: AtomicU64,
    unchecked: AtomicU64,
}

/// Runs the soak with `copilot` (a client of the faulty fake) and returns what it saw.
pub async fn run(copilot: &Copilot, plan: &SoakPlan) -> SoakReport {
    let counters = Arc::new(Counters::default());
    let errors = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let started = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (stop, every) = (Arc::clone(&stop), plan.sample_every);
        tokio::spawn(async move {
            let mut samples = Vec::new();
            while !stop.load(Ordering::SeqCst) {
                if let Some((current, _)) = rss::read() {
                    samples.push(current);
                }
                tokio::time::sleep(every).await;
            }
            samples
        })
    };
    let workers = (0..plan.conversations).map(|worker| {
        let (copilot, counters, errors) =
            (copilot.clone(), Arc::clone(&counters), Arc::clone(&errors));
        let plan = plan.clone();
        async move {
            let mut round = 0u64;
            while started.elapsed() < plan.duration {
                conversation(&copilot, &plan, worker, round, &counters, &errors).await;
                round += 1;
            }
        }
    });
    futures_util::stream::iter(workers)
        .buffer_unordered(plan.conversations.max(1))
        .collect::<Vec<()>>()
        .await;
    stop.store(true, Ordering::SeqCst);
    let rss = sampler.await.unwrap_or_default();
    let c = &counters;
    let load = |a: &AtomicU64| a.load(Ordering::SeqCst);
    SoakReport {
        questions: load(&c.questions),
        answered: load(&c.answered),
        resumed: load(&c.resumed),
        reported: load(&c.reported),
        lost: load(&c.lost),
        conversations: load(&c.conversations),
        duplicate_prompts: load(&c.duplicate_prompts),
        duplicate_evaluations: load(&c.duplicate_evaluations),
        unchecked: load(&c.unchecked),
        rss,
        errors: errors.lock().map(|e| e.clone()).unwrap_or_default(),
    }
}

fn note(errors: &std::sync::Mutex<Vec<String>>, message: String) {
    if let Ok(mut errors) = errors.lock()
        && errors.len() < 10
    {
        errors.push(message);
    }
}

/// One conversation: questions in one session, then a check of what was stored.
async fn conversation(
    copilot: &Copilot,
    plan: &SoakPlan,
    worker: usize,
    round: u64,
    c: &Counters,
    errors: &std::sync::Mutex<Vec<String>>,
) {
    let ws = copilot.workspace("default");
    let mut session: Option<SessionClient> = None;
    let mut asked = Vec::new();
    for q in 0..plan.questions_per_conversation {
        let question = format!("conversation {worker}.{round}, question {q}");
        c.questions.fetch_add(1, Ordering::SeqCst);
        let result = match &session {
            Some(s) => s.ask(question.clone()).await,
            None => ws.ask(question.clone()).await,
        };
        match result {
            Ok(answer) => {
                c.answered.fetch_add(1, Ordering::SeqCst);
                session.get_or_insert_with(|| answer.session());
            }
            Err(error) => match error.evaluation_ref().cloned() {
                Some(reference) => {
                    session.get_or_insert_with(|| ws.session(&reference.session));
                    let patient = WaitOptions::default().with_deadline(Duration::from_secs(120));
                    match copilot.evaluation(&reference).wait_with(&patient).await {
                        Ok(_) => c.resumed.fetch_add(1, Ordering::SeqCst),
                        Err(again) => {
                            note(errors, format!("resume of {reference} failed: {again}"));
                            c.reported.fetch_add(1, Ordering::SeqCst)
                        }
                    };
                }
                None => {
                    note(errors, format!("{question:?} lost: {error}"));
                    c.lost.fetch_add(1, Ordering::SeqCst);
                    continue;
                }
            },
        }
        asked.push(question);
    }
    let Some(session) = session else { return };
    match check(&session, &asked).await {
        Ok((prompts, evaluations)) => {
            c.duplicate_prompts.fetch_add(prompts, Ordering::SeqCst);
            c.duplicate_evaluations
                .fetch_add(evaluations, Ordering::SeqCst);
            c.conversations.fetch_add(1, Ordering::SeqCst);
        }
        Err(e) => {
            note(
                errors,
                format!("checking session {} failed: {e}", session.id()),
            );
            c.unchecked.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// Extra prompts per question and extra evaluations per prompt stored in `session`, read
/// through the (faulty) API, each listing tried a few times.
async fn check(session: &SessionClient, asked: &[String]) -> Result<(u64, u64), String> {
    let prompts: Vec<Prompt> = retried(|| session.prompts().to_vec()).await?;
    let mut duplicate_prompts = 0;
    for question in asked {
        let n = prompts
            .iter()
            .filter(|p| p.content.as_deref() == Some(question.as_str()))
            .count() as u64;
        duplicate_prompts += n.saturating_sub(1);
    }
    let mut duplicate_evaluations = 0;
    for prompt in &prompts {
        let handle = session.prompt_of(prompt).map_err(|e| e.to_string())?;
        let evaluations = retried(|| handle.evaluations().to_vec()).await?;
        duplicate_evaluations += (evaluations.len() as u64).saturating_sub(1);
    }
    Ok((duplicate_prompts, duplicate_evaluations))
}

async fn retried<T, F, Fut>(mut read: F) -> Result<T, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, copilot_ergonomic::Error>>,
{
    let mut last = String::new();
    for _ in 0..5 {
        match read().await {
            Ok(value) => return Ok(value),
            Err(e) => last = e.to_string(),
        }
    }
    Err(last)
}

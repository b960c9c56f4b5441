//! [`AskMany`]: many questions at once, the dominant automation pattern (one prompt over many
//! incidents, alerts or users), as a stream of results in the order they finish.
//!
//! The input is read lazily (about `concurrency` questions are held at a time, however long it
//! is); one failing question never fails the others; each question gets its own session unless
//! [`AskMany::in_session`] names one. When an answer comes back `capacityExceeded`, or throttling
//! persists past the retries, a capacity breaker stops starting new questions
//! ([`OnCapacity`]); questions it does not ask are reported as [`Error::NotAsked`], never dropped.
//! Throttling itself is handled below this layer by the client-wide throttle.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use futures_util::future::BoxFuture;
use futures_util::stream::{FuturesUnordered, StreamExt as _};

use crate::answer::Answer;
use crate::error::Error;
use crate::evaluations::Outcome;
use crate::reference::EvaluationRef;
use crate::sessions::SessionClient;
use crate::workspaces::WorkspaceClient;

/// How many questions run at once unless [`AskMany::concurrency`] says otherwise.
pub const DEFAULT_ASK_CONCURRENCY: usize = 8;

/// One question's result.
#[derive(Debug)]
#[non_exhaustive]
pub struct Asked {
    /// The question's position in the input (0-based).
    pub index: usize,
    /// The question as given.
    pub question: String,
    /// Its answer (whatever the outcome), or why there is none.
    pub result: Result<Answer, Error>,
}

/// Counts of a run so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Questions read from the input and not started yet.
    pub queued: usize,
    /// Questions being asked now.
    pub running: usize,
    /// Questions answered with [`Outcome::Success`].
    pub succeeded: usize,
    /// Questions that ended otherwise: an error, another outcome, or not asked.
    pub failed: usize,
}

/// What the capacity breaker does once it trips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OnCapacity {
    /// Start nothing more: every remaining question is reported as [`Error::NotAsked`] (default).
    Stop,
    /// Start nothing for this long, then go on (again and again if capacity runs out again).
    WaitAndContinue(Duration),
}

type Asking = BoxFuture<'static, Asked>;

/// A run of many questions: a `Stream` of [`Asked`] in the order they finish. Built by
/// [`WorkspaceClient::ask_many`]; configure it before the first poll.
///
/// The input is read lazily; one failing question never fails the others; each question gets
/// its own session unless [`AskMany::in_session`] names one. When an answer comes back
/// `capacityExceeded`, or throttling persists past the retries, the capacity breaker stops
/// starting new questions ([`OnCapacity`]); questions it does not ask are reported as
/// [`Error::NotAsked`].
#[must_use = "a run asks nothing until it is polled"]
pub struct AskMany<'a> {
    ws: WorkspaceClient,
    session: Option<SessionClient>,
    input: Box<dyn Iterator<Item = String> + Send + 'a>,
    next_index: usize,
    exhausted: bool,
    concurrency: usize,
    on_capacity: OnCapacity,
    running: FuturesUnordered<Asking>,
    /// Why the breaker tripped, while it holds.
    tripped: Option<String>,
    resume: Option<Pin<Box<tokio::time::Sleep>>>,
    counts: Arc<Counts>,
    on_started: Option<Arc<StartedHook>>,
}

/// What [`AskMany::on_started`] calls.
type StartedHook = dyn Fn(usize, &EvaluationRef) + Send + Sync;

#[derive(Debug, Default)]
struct Counts {
    running: AtomicUsize,
    succeeded: AtomicUsize,
    failed: AtomicUsize,
}

impl std::fmt::Debug for AskMany<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AskMany")
            .field("workspace", &self.ws.id())
            .field("concurrency", &self.concurrency)
            .field("progress", &self.progress())
            .finish_non_exhaustive()
    }
}

impl<'a> AskMany<'a> {
    pub(crate) fn new<I>(ws: WorkspaceClient, questions: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String> + 'a,
        I::IntoIter: Send + 'a,
    {
        Self {
            ws,
            session: None,
            input: Box::new(questions.into_iter().map(Into::into)),
            next_index: 0,
            exhausted: false,
            concurrency: DEFAULT_ASK_CONCURRENCY,
            on_capacity: OnCapacity::Stop,
            running: FuturesUnordered::new(),
            tripped: None,
            resume: None,
            counts: Arc::default(),
            on_started: None,
        }
    }

    /// At most `n` questions at once (default 8; at least 1). HTTP requests are further bounded
    /// by the client's `max_concurrent_requests`.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Asks every question in `session` instead of a new session each (follow-ups of one
    /// conversation; their order of creation is the order they start).
    pub fn in_session(mut self, session: SessionClient) -> Self {
        self.session = Some(session);
        self
    }

    /// What the capacity breaker does when it trips (default [`OnCapacity::Stop`]).
    pub fn on_capacity(mut self, mode: OnCapacity) -> Self {
        self.on_capacity = mode;
        self
    }

    /// Calls `f(index, reference)` as soon as each question's evaluation exists, before its
    /// answer is awaited. Save the references to resume waits the run cannot finish (a crash,
    /// Ctrl-C, a dropped stream): `copilot.evaluation(&reference).wait()` answers without
    /// asking again. Called from the task polling the run; keep it quick.
    pub fn on_started(mut self, f: impl Fn(usize, &EvaluationRef) + Send + Sync + 'static) -> Self {
        self.on_started = Some(Arc::new(f));
        self
    }

    /// Counts so far. The input is read only when a question can start, so `queued` is what the
    /// input says is left (its `size_hint`; 0 for inputs that cannot tell).
    pub fn progress(&self) -> Progress {
        Progress {
            queued: if self.exhausted {
                0
            } else {
                self.input.size_hint().0
            },
            running: self.counts.running.load(Ordering::Relaxed),
            succeeded: self.counts.succeeded.load(Ordering::Relaxed),
            failed: self.counts.failed.load(Ordering::Relaxed),
        }
    }

    fn start(&mut self, index: usize, question: String) {
        let (ws, session, counts, hook) = (
            self.ws.clone(),
            self.session.clone(),
            Arc::clone(&self.counts),
            self.on_started.clone(),
        );
        counts.running.fetch_add(1, Ordering::Relaxed);
        self.running.push(Box::pin(async move {
            let notify = hook.map(|f| move |reference: &EvaluationRef| f(index, reference));
            let on_started = notify
                .as_ref()
                .map(|f| f as &(dyn Fn(&EvaluationRef) + Send + Sync));
            let result = match &session {
                Some(session) => crate::ask::ask_in(session, question.clone(), on_started).await,
                None => ws.ask_with(question.clone(), on_started).await,
            };
            counts.running.fetch_sub(1, Ordering::Relaxed);
            Asked {
                index,
                question,
                result,
            }
        }));
    }

    /// Why `asked` should trip the breaker, if it should.
    fn trips(asked: &Asked) -> Option<String> {
        match &asked.result {
            Ok(answer) if *answer.outcome() == Outcome::CapacityExceeded => Some(format!(
                "capacity exceeded (question {} was answered `capacityExceeded`)",
                asked.index
            )),
            Err(e) if e.is_throttled() => Some(format!(
                "throttling persisted past the retries (question {}: {e})",
                asked.index
            )),
            _ => None,
        }
    }

    fn tally(&self, asked: &Asked) {
        let ok = matches!(&asked.result, Ok(a) if a.is_success());
        let counter = if ok {
            &self.counts.succeeded
        } else {
            &self.counts.failed
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

impl Stream for AskMany<'_> {
    type Item = Asked;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Asked>> {
        let this = &mut *self;
        // A breaker waiting to continue: resume once its time has passed.
        if let Some(sleep) = this.resume.as_mut()
            && sleep.as_mut().poll(cx).is_ready()
        {
            this.resume = None;
            this.tripped = None;
        }
        match (&this.tripped, this.on_capacity) {
            // Stopped for good: report the rest of the input as not asked, one at a time.
            (Some(reason), OnCapacity::Stop) if !this.exhausted => {
                if let Some(question) = this.input.next() {
                    let index = this.next_index;
                    this.next_index += 1;
                    let asked = Asked {
                        index,
                        question,
                        result: Err(Error::NotAsked {
                            reason: reason.clone(),
                        }),
                    };
                    this.tally(&asked);
                    return Poll::Ready(Some(asked));
                }
                this.exhausted = true;
            }
            (Some(_), _) => {}
            (None, _) => {
                while !this.exhausted && this.running.len() < this.concurrency {
                    match this.input.next() {
                        Some(question) => {
                            let index = this.next_index;
                            this.next_index += 1;
                            this.start(index, question);
                        }
                        None => this.exhausted = true,
                    }
                }
            }
        }
        match this.running.poll_next_unpin(cx) {
            Poll::Ready(Some(asked)) => {
                this.tally(&asked);
                if this.tripped.is_none()
                    && let Some(reason) = Self::trips(&asked)
                {
                    tracing::warn!(%reason, "the capacity breaker tripped: no new questions start");
                    if let OnCapacity::WaitAndContinue(wait) = this.on_capacity {
                        this.resume = Some(Box::pin(tokio::time::sleep(wait)));
                    }
                    this.tripped = Some(reason);
                }
                Poll::Ready(Some(asked))
            }
            Poll::Ready(None) if this.exhausted => Poll::Ready(None),
            Poll::Ready(None) => {
                // Nothing running and the breaker holds (waiting to continue): the sleep wakes us.
                if let Some(sleep) = this.resume.as_mut()
                    && sleep.as_mut().poll(cx).is_ready()
                {
                    this.resume = None;
                    this.tripped = None;
                    cx.waker().wake_by_ref();
                }
                Poll::Pending
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

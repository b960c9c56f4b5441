//! Progress on stderr while waiting (a spinner with the state and elapsed time, only when stderr
//! is a terminal), and what is in flight, so Ctrl-C can say what to resume.

use std::io::IsTerminal as _;
use std::sync::Mutex;
use std::time::Duration;

use copilot_ergonomic::EvaluationRef;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A spinner on stderr, or nothing when stderr is not a terminal; cleared when dropped.
pub(crate) struct Spinner(ProgressBar);

impl Spinner {
    /// Starts spinning with `message`.
    pub(crate) fn start(message: impl Into<String>) -> Self {
        if !std::io::stderr().is_terminal() {
            return Self(ProgressBar::hidden());
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_message(message.into());
        bar.enable_steady_tick(Duration::from_millis(120));
        Self(bar)
    }

    /// Changes the message.
    pub(crate) fn set(&self, message: impl Into<String>) {
        self.0.set_message(message.into());
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// What a command has started on the service and not finished waiting for.
#[derive(Debug, Default, Clone)]
pub(crate) struct InFlight {
    /// Sessions created or continued.
    pub session: Option<String>,
    /// Evaluations started whose answer has not been read.
    pub evaluations: Vec<EvaluationRef>,
    /// Questions started and not answered (`ask-many`), with or without a known evaluation.
    pub unknown: usize,
}

static IN_FLIGHT: Mutex<InFlight> = Mutex::new(InFlight {
    session: None,
    evaluations: Vec::new(),
    unknown: 0,
});

fn with<R>(f: impl FnOnce(&mut InFlight) -> R) -> R {
    f(&mut IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner()))
}

/// Records the session a command works in.
pub(crate) fn session(id: &str) {
    with(|f| f.session = Some(id.to_string()));
}

/// Records an evaluation that is being waited for.
pub(crate) fn started(reference: &EvaluationRef) {
    with(|f| f.evaluations.push(reference.clone()));
}

/// Forgets an evaluation whose answer was read.
pub(crate) fn finished(reference: &EvaluationRef) {
    with(|f| f.evaluations.retain(|r| r != reference));
}

/// Sets how many questions are in flight (`ask-many`; those with an evaluation included).
pub(crate) fn unknown(n: usize) {
    with(|f| f.unknown = n);
}

/// What is in flight now.
pub(crate) fn snapshot() -> InFlight {
    with(|f| f.clone())
}

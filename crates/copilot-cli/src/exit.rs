//! Exit codes and the failures that lead to them: what each error or outcome means for a script.

use copilot_ergonomic::{Error, EvaluationRef, Outcome};

/// Success.
pub(crate) const OK: u8 = 0;
/// Any other error.
pub(crate) const ERROR: u8 = 1;
/// A usage error (clap's code too).
pub(crate) const USAGE: u8 = 2;
/// Authentication required or refused (no credentials, 401, 403).
pub(crate) const AUTH: u8 = 4;
/// Answered, but not successfully (rejected, error, timedOut, needAdditionalClaims, …).
pub(crate) const UNSUCCESSFUL: u8 = 5;
/// Throttled (429) or out of capacity (capacityExceeded).
pub(crate) const THROTTLED: u8 = 6;
/// The wait deadline passed; the evaluation may still finish.
pub(crate) const DEADLINE: u8 = 7;
/// Interrupted (Ctrl-C).
pub(crate) const INTERRUPTED: u8 = 130;

/// The exit code for an error.
pub(crate) fn code_of(error: &Error) -> u8 {
    match error {
        Error::WaitTimedOut { .. } => return DEADLINE,
        Error::Auth(_) => return AUTH,
        // ask-many's capacity breaker stopped the run before this question.
        Error::NotAsked { .. } => return THROTTLED,
        Error::WaitFailed { source, .. } if matches!(**source, Error::Auth(_)) => return AUTH,
        _ => {}
    }
    match error.status() {
        Some(401 | 403) => AUTH,
        Some(429) => THROTTLED,
        _ => ERROR,
    }
}

/// The exit code for how an evaluation ended.
pub(crate) fn code_of_outcome(outcome: &Outcome) -> u8 {
    match outcome {
        Outcome::Success => OK,
        Outcome::CapacityExceeded => THROTTLED,
        _ => UNSUCCESSFUL,
    }
}

/// The worse of two exit codes: any failure beats success, and among failures the higher code
/// (the more specific one) wins, except that an interruption wins over everything.
pub(crate) fn worst(a: u8, b: u8) -> u8 {
    a.max(b)
}

/// How to tell someone to sign in.
pub(crate) const SIGN_IN_HINT: &str = "sign in with one of: set COPILOT_TOKEN to a Graph access token; \
run `az login` (Azure CLI, with --features azure, the default); or try `seccopilot --demo ...` \
to see it work without an account";

/// A command that did not succeed: its exit code and what to print on stderr.
#[derive(Debug)]
pub(crate) struct Failure {
    /// The exit code.
    pub code: u8,
    /// The one-line message.
    pub message: String,
    /// Further lines: hints, the resume command.
    pub hints: Vec<String>,
}

impl Failure {
    /// A failure with `code` and `message`.
    pub(crate) fn new(code: u8, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    /// A usage error (exit 2).
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::new(USAGE, message)
    }

    /// No credentials at all (exit 4).
    pub(crate) fn no_credentials(detail: &str) -> Self {
        Self::new(AUTH, format!("no credentials: {detail}")).hint(SIGN_IN_HINT)
    }

    /// With another line on stderr.
    pub(crate) fn hint(mut self, line: impl Into<String>) -> Self {
        self.hints.push(line.into());
        self
    }

    /// The failure for a library error, with the resume command when an evaluation is left.
    pub(crate) fn from_error(error: &Error) -> Self {
        let code = code_of(error);
        let mut failure = Self::new(code, error.to_string());
        if code == AUTH {
            failure = failure.hint(SIGN_IN_HINT);
        }
        if let Some(reference) = error.evaluation_ref() {
            failure = failure.resume_hint(reference);
        }
        failure
    }

    /// Adds how to resume waiting for `reference`.
    pub(crate) fn resume_hint(self, reference: &EvaluationRef) -> Self {
        let resume = format!("resume with: seccopilot resume {reference}");
        if crate::connect::is_demo() {
            self.hint(resume)
                .hint("(in --demo the embedded server stops with this process, so there is nothing to resume)")
        } else {
            self.hint(resume)
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self::from_error(&error)
    }
}

impl From<&Error> for Failure {
    fn from(error: &Error) -> Self {
        Self::from_error(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn outcomes_map_to_codes() {
        assert_eq!(code_of_outcome(&Outcome::Success), OK);
        assert_eq!(code_of_outcome(&Outcome::CapacityExceeded), THROTTLED);
        for o in [
            Outcome::Rejected,
            Outcome::Error,
            Outcome::TimedOut,
            Outcome::NeedAdditionalClaims,
            Outcome::Cancelled,
            Outcome::CompletedWithoutResult,
            Outcome::Other("new".into()),
        ] {
            assert_eq!(code_of_outcome(&o), UNSUCCESSFUL, "{o:?}");
        }
    }

    #[test]
    fn errors_map_to_codes() {
        let timed_out = Error::WaitTimedOut {
            waited: Duration::from_secs(1),
            last_state: "running".into(),
            reference: Box::new(EvaluationRef::new("w", "s", "p", "e")),
        };
        assert_eq!(code_of(&timed_out), DEADLINE);
        assert_eq!(code_of(&Error::Auth("no".into())), AUTH);
        assert_eq!(code_of(&Error::Config("bad".into())), ERROR);
        let failure = Failure::from_error(&timed_out);
        assert!(failure.hints[0].contains("seccopilot resume w/s/p/e"));
    }
}

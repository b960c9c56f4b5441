//! [`EvaluationRef`]: the four ids that name an evaluation, saved to resume a wait later (in a
//! file, a database, or on a command line as `workspace/session/prompt/evaluation`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Where an evaluation lives: enough to wait for it again with
/// [`Copilot::evaluation`](crate::Copilot::evaluation), in this process or another.
///
/// Serialises as `{"workspace": …, "session": …, "prompt": …, "evaluation": …}`; its `Display`
/// (and [`FromStr`]) form is `workspace/session/prompt/evaluation`, with `%` and `/` inside an id
/// written as `%25` and `%2F`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EvaluationRef {
    /// The workspace id, e.g. `default`.
    pub workspace: String,
    /// The session id.
    pub session: String,
    /// The prompt id.
    pub prompt: String,
    /// The evaluation id.
    pub evaluation: String,
}

impl EvaluationRef {
    /// A reference from its four ids.
    pub fn new(
        workspace: impl Into<String>,
        session: impl Into<String>,
        prompt: impl Into<String>,
        evaluation: impl Into<String>,
    ) -> Self {
        Self {
            workspace: workspace.into(),
            session: session.into(),
            prompt: prompt.into(),
            evaluation: evaluation.into(),
        }
    }
}

impl fmt::Display for EvaluationRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = [
            &self.workspace,
            &self.session,
            &self.prompt,
            &self.evaluation,
        ];
        for (i, part) in parts.into_iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            f.write_str(&part.replace('%', "%25").replace('/', "%2F"))?;
        }
        Ok(())
    }
}

impl FromStr for EvaluationRef {
    type Err = Error;

    /// Parses `workspace/session/prompt/evaluation` (the `Display` form).
    fn from_str(text: &str) -> Result<Self, Error> {
        let parts: Vec<String> = text.trim().split('/').map(unescape).collect();
        match parts.as_slice() {
            [w, s, p, e] if parts.iter().all(|x| !x.is_empty()) => Ok(Self::new(w, s, p, e)),
            _ => Err(Error::InvalidArgument(format!(
                "{text:?} is not an evaluation reference (workspace/session/prompt/evaluation)"
            ))),
        }
    }
}

fn unescape(part: &str) -> String {
    part.replace("%2F", "/")
        .replace("%2f", "/")
        .replace("%25", "%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_form_round_trips_even_with_slashes_in_ids() {
        let r = EvaluationRef::new("default", "a/b", "50%", "e");
        assert_eq!(r.to_string(), "default/a%2Fb/50%25/e");
        assert_eq!(r.to_string().parse::<EvaluationRef>().unwrap(), r);
        for bad in ["", "a/b/c", "a/b/c/d/e", "a//c/d"] {
            assert!(bad.parse::<EvaluationRef>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn serialises_with_the_four_field_names() {
        let r = EvaluationRef::new("w", "s", "p", "e");
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"workspace": "w", "session": "s", "prompt": "p", "evaluation": "e"})
        );
        assert_eq!(serde_json::from_value::<EvaluationRef>(json).unwrap(), r);
    }
}

//! [`Answer`]: a finished evaluation with the ids to follow up in its session, resume it, or
//! quote to support, and its content as text or JSON.

use chrono::{DateTime, Datelike as _, Utc};
use copilot_api::types;
use serde::de::DeserializeOwned;

use crate::client::Copilot;
use crate::error::Error;
use crate::evaluations::Outcome;
use crate::reference::EvaluationRef;
use crate::request_ids::RequestIds;
use crate::sessions::SessionClient;

/// The terminal state of an evaluation, and where it lives.
#[derive(Clone)]
pub struct Answer {
    pub(crate) copilot: Copilot,
    pub(crate) reference: EvaluationRef,
    pub(crate) evaluation: types::Evaluation,
    pub(crate) outcome: Outcome,
    pub(crate) request_ids: Vec<RequestIds>,
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answer")
            .field("reference", &self.reference)
            .field("outcome", &self.outcome)
            .field("evaluation", &self.evaluation)
            .field("request_ids", &self.request_ids)
            .finish_non_exhaustive()
    }
}

/// Equal when they name the same evaluation in the same state (the client is not compared).
impl PartialEq for Answer {
    fn eq(&self, other: &Self) -> bool {
        self.reference == other.reference
            && self.outcome == other.outcome
            && self.evaluation == other.evaluation
    }
}

impl Answer {
    /// The answer text (`result.content`), if any, as the service sent it (often Markdown).
    pub fn content(&self) -> Option<&str> {
        self.evaluation
            .result
            .as_ref()
            .and_then(|r| r.content.as_deref())
    }

    /// How the evaluation ended.
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    /// Whether the outcome is [`Outcome::Success`].
    pub fn is_success(&self) -> bool {
        self.outcome == Outcome::Success
    }

    /// The evaluation as last read.
    pub fn evaluation(&self) -> &types::Evaluation {
        &self.evaluation
    }

    /// When the evaluation completed (`None` while the service reports its `0001-01-01` sentinel).
    pub fn completed_at(&self) -> Option<DateTime<Utc>> {
        real_time(self.evaluation.completed_date_time)
    }

    /// The workspace id.
    pub fn workspace_id(&self) -> &str {
        &self.reference.workspace
    }

    /// The session the question was asked in.
    pub fn session_id(&self) -> &str {
        &self.reference.session
    }

    /// The prompt that holds the question.
    pub fn prompt_id(&self) -> &str {
        &self.reference.prompt
    }

    /// The evaluation that produced the answer.
    pub fn evaluation_id(&self) -> &str {
        &self.reference.evaluation
    }

    /// The four ids, to save and wait again later with [`Copilot::evaluation`].
    pub fn reference(&self) -> &EvaluationRef {
        &self.reference
    }

    /// The session of this answer, to ask a follow-up in the same conversation.
    pub fn session(&self) -> SessionClient {
        SessionClient::new(
            self.copilot.clone(),
            self.reference.workspace.clone(),
            self.reference.session.clone(),
        )
    }

    /// The ids of every call that produced this answer (creates and polls), in order: quote the
    /// `request-id` and `client-request-id` to Microsoft support.
    pub fn request_ids(&self) -> &[RequestIds] {
        &self.request_ids
    }

    /// The answer's JSON: the whole content when it is a JSON value, else the one fenced code
    /// block (```` ```json ```` or a bare ```` ``` ````) inside it. Decodes into any `T`
    /// (`serde_json::Value` for untyped data).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let content = self.content().ok_or_else(|| Error::AnswerNotJson {
            message: format!("the evaluation has no content (outcome {:?})", self.outcome),
        })?;
        let text = json_text(content)?;
        serde_json::from_str(text).map_err(|e| Error::AnswerNotJson {
            message: format!("{e}"),
        })
    }
}

/// The JSON text inside `content`: all of it, or its one fenced block.
fn json_text(content: &str) -> Result<&str, Error> {
    let trimmed = content.trim();
    if serde_json::from_str::<serde::de::IgnoredAny>(trimmed).is_ok() {
        return Ok(trimmed);
    }
    let blocks = fenced_blocks(content);
    let json: Vec<&(&str, &str)> = blocks
        .iter()
        .filter(|(lang, _)| lang.is_empty() || lang.eq_ignore_ascii_case("json"))
        .collect();
    match json.as_slice() {
        [(_, body)] => Ok(body.trim()),
        [] => Err(Error::AnswerNotJson {
            message: "it is neither a JSON value nor holds a ```json code block".into(),
        }),
        many => Err(Error::AnswerNotJson {
            message: format!("it holds {} JSON code blocks; expected one", many.len()),
        }),
    }
}

/// `(language, body)` of every ```` ``` ```` fenced block (unterminated ones ignored).
fn fenced_blocks(content: &str) -> Vec<(&str, &str)> {
    let mut blocks = Vec::new();
    let mut open: Option<(&str, usize)> = None;
    let mut offset = 0;
    for line in content.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let fence = line.trim();
        let Some(info) = fence.strip_prefix("```") else {
            continue;
        };
        match open {
            None => open = Some((info.trim(), offset)),
            Some((lang, body_start)) if info.trim().is_empty() => {
                blocks.push((lang, &content[body_start..start]));
                open = None;
            }
            Some(_) => {}
        }
    }
    blocks
}

/// A timestamp, or `None` for Graph's "not yet" sentinel `0001-01-01T00:00:00Z`.
pub(crate) fn real_time(t: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    t.filter(|t| t.year() > 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_values_and_one_fenced_block_are_json() {
        assert_eq!(json_text(" {\"a\": 1}\n").unwrap(), "{\"a\": 1}");
        assert_eq!(json_text("[1,2]").unwrap(), "[1,2]");
        let fenced = "Here you are:\n\n```json\n{\"user\": \"lorenz\"}\n```\nAnything else?\n";
        assert_eq!(json_text(fenced).unwrap(), "{\"user\": \"lorenz\"}");
        assert_eq!(json_text("```\n[1]\n```").unwrap(), "[1]");
        // A non-JSON block beside the JSON one does not count.
        let mixed = "```kql\nSigninLogs\n```\n```JSON\n{}\n```\n";
        assert_eq!(json_text(mixed).unwrap(), "{}");
    }

    #[test]
    fn prose_and_ambiguous_answers_are_not_json() {
        for bad in [
            "You are Lorenz.",
            "```json\n{}\n```\n```json\n[]\n```",
            "```json\n{\"unterminated\": 1}\n",
        ] {
            assert!(
                matches!(json_text(bad), Err(Error::AnswerNotJson { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_sentinel_date_reads_as_none() {
        let parse = |s: &str| Some(s.parse::<DateTime<Utc>>().unwrap());
        assert_eq!(real_time(parse("0001-01-01T00:00:00Z")), None);
        assert!(real_time(parse("2025-10-22T22:01:11.2594216Z")).is_some());
    }
}

//! What goes to stdout: answers as text or JSON records, lists as columns, JSON or NDJSON.
//! Each record is written with one `write_all`, so an interruption never leaves half a line.

use std::io::Write as _;

use copilot_ergonomic::{Answer, Error, RequestIds};
use serde::Serialize;

/// An answer as data (`--output json|ndjson`, `ask-many`).
#[derive(Debug, Serialize)]
pub(crate) struct AnswerRecord {
    pub session_id: String,
    pub prompt_id: String,
    pub evaluation_id: String,
    /// `workspace/session/prompt/evaluation`, for `seccopilot resume`.
    pub reference: String,
    pub outcome: String,
    pub content: Option<String>,
    pub completed_date_time: Option<chrono::DateTime<chrono::Utc>>,
    pub request_ids: Vec<RequestIdRecord>,
}

/// The ids of one call, to quote to Microsoft support.
#[derive(Debug, Serialize)]
pub(crate) struct RequestIdRecord {
    pub operation: String,
    pub request_id: Option<String>,
    pub client_request_id: String,
}

impl AnswerRecord {
    /// The record of `answer`, with the ids of every call that produced it.
    pub(crate) fn of(answer: &Answer, ids: &[RequestIds]) -> Self {
        Self {
            session_id: answer.session_id().to_string(),
            prompt_id: answer.prompt_id().to_string(),
            evaluation_id: answer.evaluation_id().to_string(),
            reference: answer.reference().to_string(),
            outcome: answer.outcome().to_string(),
            content: answer.content().map(str::to_string),
            completed_date_time: answer.completed_at(),
            request_ids: ids
                .iter()
                .map(|ids| RequestIdRecord {
                    operation: ids.operation.clone(),
                    request_id: ids.request_id.clone(),
                    client_request_id: ids.client_request_id.clone(),
                })
                .collect(),
        }
    }
}

/// An error as data (`ask-many`, `run-book` in NDJSON).
#[derive(Debug, Serialize)]
pub(crate) struct ErrorRecord {
    pub message: String,
    pub code: Option<String>,
    pub status: Option<u16>,
    pub reference: Option<String>,
    pub exit_code: u8,
}

impl ErrorRecord {
    /// The record of `error`.
    pub(crate) fn of(error: &Error) -> Self {
        Self {
            message: error.to_string(),
            code: error.code().map(str::to_string),
            status: error.status(),
            reference: error.evaluation_ref().map(ToString::to_string),
            exit_code: crate::exit::code_of(error),
        }
    }
}

/// One question of `ask-many` or one step of `run-book`: the answer's fields, or `error`.
#[derive(Debug, Serialize)]
pub(crate) struct ItemRecord {
    pub index: usize,
    pub question: String,
    #[serde(flatten)]
    pub answer: Option<AnswerRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorRecord>,
}

impl ItemRecord {
    /// The record of one question's result.
    pub(crate) fn of(
        index: usize,
        question: &str,
        result: &Result<(Answer, Vec<RequestIds>), Error>,
    ) -> Self {
        let (answer, error) = match result {
            Ok((answer, ids)) => (Some(AnswerRecord::of(answer, ids)), None),
            Err(e) => (None, Some(ErrorRecord::of(e))),
        };
        Self {
            index,
            question: question.to_string(),
            answer,
            error,
        }
    }

    /// The exit code this item contributes.
    pub(crate) fn exit_code(result: &Result<(Answer, Vec<RequestIds>), Error>) -> u8 {
        match result {
            Ok((answer, _)) => crate::exit::code_of_outcome(answer.outcome()),
            Err(e) => crate::exit::code_of(e),
        }
    }
}

/// Writes `text` to stdout in one piece, with a final newline.
pub(crate) fn print_text(text: &str) {
    let mut out = String::with_capacity(text.len() + 1);
    out.push_str(text);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    write_stdout(&out);
}

/// Writes `value` as pretty JSON (one object per command).
pub(crate) fn print_json<T: Serialize>(value: &T) {
    let mut text = serde_json::to_string_pretty(value).expect("records serialise");
    text.push('\n');
    write_stdout(&text);
}

/// Writes `value` as one NDJSON line.
pub(crate) fn print_line<T: Serialize>(value: &T) {
    let mut text = serde_json::to_string(value).expect("records serialise");
    text.push('\n');
    write_stdout(&text);
}

fn write_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Aligned columns for people; the last column is not padded.
pub(crate) fn columns(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..width)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                let pad = widths[i] - cell.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A timestamp, or `None` for Graph's "not yet" sentinel `0001-01-01T00:00:00Z`.
pub(crate) fn real_time(
    t: Option<chrono::DateTime<chrono::Utc>>,
) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::Datelike as _;
    t.filter(|t| t.year() > 1)
}

/// A timestamp for people, or `-`.
pub(crate) fn time(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    real_time(t)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| "-".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_all_but_the_last() {
        let rows = vec![
            vec!["ID".into(), "NAME".into()],
            vec!["abc".into(), "x y".into()],
        ];
        assert_eq!(columns(&rows), "ID   NAME\nabc  x y\n");
    }
}

//! `ask-many`: one question a line (or NDJSON `{"question": …}`), each in its own session, a
//! few at a time; one NDJSON result a line as each finishes, with its `index`.

use std::path::Path;

use copilot_ergonomic::{Answer, Error, WorkspaceClient};
use futures_util::{Stream, StreamExt as _};
use tokio::io::AsyncReadExt as _;

use crate::exit::{self, Failure};
use crate::output::{self, ItemRecord};
use crate::progress::{self, Spinner};

/// One question's result.
pub struct Asked {
    /// Its position among the questions, from 0.
    pub index: usize,
    /// The question.
    pub question: String,
    /// The answer or why there is none.
    pub result: Result<Answer, Error>,
}

/// The questions answered `concurrency` at a time, in the order they finish.
///
/// The one place that says how: becomes `ws.ask_many(questions).concurrency(n)` once
/// `WorkspaceClient::ask_many` is available.
fn ask_many(
    ws: &WorkspaceClient,
    questions: Vec<String>,
    concurrency: usize,
) -> impl Stream<Item = Asked> + '_ {
    futures_util::stream::iter(questions.into_iter().enumerate())
        .map(move |(index, question)| async move {
            let result = ws.ask(question.clone()).await;
            Asked {
                index,
                question,
                result,
            }
        })
        .buffer_unordered(concurrency)
}

/// `seccopilot ask-many [FILE|-] [--concurrency N]`.
pub async fn run(
    ws: &WorkspaceClient,
    file: Option<&Path>,
    concurrency: usize,
) -> Result<u8, Failure> {
    let text = read_input(file).await?;
    let questions = parse_questions(&text)?;
    if questions.is_empty() {
        return Err(Failure::usage("no questions: give one a line"));
    }
    let total = questions.len();
    let spinner = Spinner::start(format!("0/{total} answered"));
    let (mut done, mut failed, mut code) = (0usize, 0usize, exit::OK);
    progress::unknown(total.min(concurrency));
    let mut results = std::pin::pin!(ask_many(ws, questions, concurrency));
    while let Some(asked) = results.next().await {
        let result = asked.result.map(|answer| {
            let ids = answer.request_ids().to_vec();
            (answer, ids)
        });
        let item_code = ItemRecord::exit_code(&result);
        output::print_line(&ItemRecord::of(asked.index, &asked.question, &result));
        done += 1;
        if item_code != exit::OK {
            failed += 1;
        }
        code = exit::worst(code, item_code);
        let running = (total - done).min(concurrency);
        progress::unknown(running);
        spinner.set(format!(
            "{done}/{total} answered ({failed} unsuccessful, {running} running, {} queued)",
            total - done - running
        ));
    }
    drop(spinner);
    if failed > 0 {
        eprintln!("{failed} of {total} questions were not answered successfully");
    }
    Ok(code)
}

async fn read_input(file: Option<&Path>) -> Result<String, Failure> {
    match file {
        Some(path) if path != Path::new("-") => tokio::fs::read_to_string(path)
            .await
            .map_err(|e| Failure::new(exit::ERROR, format!("cannot read {}: {e}", path.display()))),
        _ => {
            let mut text = String::new();
            tokio::io::stdin()
                .read_to_string(&mut text)
                .await
                .map_err(|e| Failure::new(exit::ERROR, format!("cannot read stdin: {e}")))?;
            Ok(text)
        }
    }
}

/// The questions: each non-blank line, or its `question` when the line is a JSON object.
fn parse_questions(text: &str) -> Result<Vec<String>, Failure> {
    let mut questions = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('{') {
            let value: serde_json::Value = serde_json::from_str(line)
                .map_err(|e| Failure::usage(format!("line {}: not JSON: {e}", n + 1)))?;
            match value.get("question").and_then(serde_json::Value::as_str) {
                Some(q) if !q.trim().is_empty() => questions.push(q.to_string()),
                _ => {
                    return Err(Failure::usage(format!(
                        "line {}: a JSON line needs a non-empty string \"question\"",
                        n + 1
                    )));
                }
            }
        } else {
            questions.push(line.to_string());
        }
    }
    Ok(questions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_json_lines_are_questions() {
        let text = "who am I\n\n{\"question\": \"list incidents\", \"id\": 7}\n  spaced  \n";
        assert_eq!(
            parse_questions(text).unwrap(),
            ["who am I", "list incidents", "spaced"]
        );
        let err = parse_questions("{\"q\": 1}").unwrap_err();
        assert_eq!(err.code, exit::USAGE);
        assert!(err.message.contains("line 1"), "{}", err.message);
    }
}

//! `ask-many`: one question a line (or NDJSON `{"question": …}`), each in its own session, a
//! few at a time (`WorkspaceClient::ask_many`); one NDJSON result a line as each finishes,
//! with its `index`.

use std::path::Path;

use copilot_ergonomic::WorkspaceClient;
use futures_util::StreamExt as _;
use tokio::io::AsyncReadExt as _;

use crate::exit::{self, Failure};
use crate::output::{self, ItemRecord};
use crate::progress::{self, Spinner};

/// `seccopilot ask-many [FILE|-] [--concurrency N]`.
pub(crate) async fn run(
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
    let mut code = exit::OK;
    progress::unknown(total.min(concurrency));
    // Each evaluation is recorded as soon as it exists, so Ctrl-C can say what to resume.
    let mut run = ws
        .ask_many(questions)
        .concurrency(concurrency)
        .on_started(|_, reference| progress::started(reference));
    while let Some(asked) = run.next().await {
        let reference = match &asked.result {
            Ok(answer) => Some(answer.reference()),
            Err(e) => e.evaluation_ref(),
        };
        if let Some(reference) = reference {
            progress::finished(reference);
        }
        let result = asked.result.map(|answer| {
            let ids = answer.request_ids().to_vec();
            (answer, ids)
        });
        output::print_line(&ItemRecord::of(asked.index, &asked.question, &result));
        code = exit::worst(code, ItemRecord::exit_code(&result));
        let p = run.progress();
        progress::unknown(p.running);
        spinner.set(format!(
            "{}/{total} answered: {} succeeded, {} unsuccessful, {} running, {} queued",
            p.succeeded + p.failed,
            p.succeeded,
            p.failed,
            p.running,
            p.queued
        ));
    }
    let failed = run.progress().failed;
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

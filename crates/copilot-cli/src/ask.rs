//! `ask`, `resume` and `run-book`: one question (or a promptbook's prompts) in a session.
//!
//! The question is started with `SessionClient::start` and then waited for, rather than with
//! `ask()`, so the evaluation's reference is known, and recorded for Ctrl-C, before the wait
//! starts. `start` creates the prompt and the evaluation at most once, as `ask()` does: after a
//! create whose outcome is unknown it reads back what the service stored.

use std::collections::BTreeMap;
use std::path::Path;

use copilot_ergonomic::{
    Answer, Copilot, Error, EvaluationRef, RequestIds, SessionClient, WorkspaceClient,
};

use crate::cli::Output;
use crate::exit::{self, Failure};
use crate::output::{self, AnswerRecord, ItemRecord};
use crate::progress::{self, Spinner};
use crate::promptbook::Promptbook;

/// An answer and the ids of every call that produced it.
pub(crate) type Asked = (Answer, Vec<RequestIds>);

/// `seccopilot ask QUESTION [--session ID]`.
pub(crate) async fn ask(
    ws: &WorkspaceClient,
    question: &str,
    session: Option<&str>,
    output: Output,
) -> Result<u8, Failure> {
    let spinner = Spinner::start("creating a session");
    let (session, mut ids) = match session {
        Some(id) => (ws.session(id), Vec::new()),
        None => {
            let (created, ids) =
                RequestIds::capture(ws.create_session(session_name(question))).await;
            (ws.session_of(&created?)?, ids)
        }
    };
    progress::session(session.id());
    let (answer, more) = ask_in(&session, question, &spinner).await?;
    drop(spinner);
    ids.extend(more);
    Ok(report(&answer, &ids, output))
}

/// `seccopilot resume REF`.
pub(crate) async fn resume(
    copilot: &Copilot,
    reference: &EvaluationRef,
    output: Output,
) -> Result<u8, Failure> {
    let spinner = Spinner::start(format!("waiting for evaluation {}", reference.evaluation));
    progress::started(reference);
    let (answer, ids) = RequestIds::capture(copilot.evaluation(reference).wait()).await;
    drop(spinner);
    let answer = answer?;
    progress::finished(reference);
    Ok(report(&answer, &ids, output))
}

/// Asks `question` in `session`: prompt, evaluation, wait.
pub(crate) async fn ask_in(
    session: &SessionClient,
    question: &str,
    spinner: &Spinner,
) -> Result<Asked, Error> {
    let (answer, ids) = RequestIds::capture(async {
        spinner.set("creating the prompt and starting its evaluation");
        // Each created at most once (the library reads back after an unknown outcome).
        let evaluation = session.start(question).await?;
        let reference = evaluation.reference().clone();
        progress::started(&reference);
        spinner.set(format!(
            "evaluation {} started, waiting for the answer",
            reference.evaluation
        ));
        let answer = evaluation.wait().await;
        if answer.is_ok() {
            progress::finished(&reference);
        }
        answer
    })
    .await;
    answer.map(|a| (a, ids))
}

/// Prints an answer as `output` says; the exit code its outcome means.
fn report(answer: &Answer, ids: &[RequestIds], output: Output) -> u8 {
    match output {
        Output::Text => {
            if let Some(content) = answer.content() {
                output::print_text(content);
            }
        }
        Output::Json => output::print_json(&AnswerRecord::of(answer, ids)),
        Output::Ndjson => output::print_line(&AnswerRecord::of(answer, ids)),
    }
    let code = exit::code_of_outcome(answer.outcome());
    if code != exit::OK {
        eprintln!(
            "error: Security Copilot did not answer successfully: outcome {} (evaluation {})",
            answer.outcome(),
            answer.reference()
        );
    }
    code
}

/// `seccopilot run-book FILE [--var NAME=VALUE]...`.
pub(crate) async fn run_book(
    ws: &WorkspaceClient,
    file: &Path,
    vars: &[(String, String)],
    output: Output,
) -> Result<u8, Failure> {
    let text = tokio::fs::read_to_string(file)
        .await
        .map_err(|e| Failure::new(exit::ERROR, format!("cannot read {}: {e}", file.display())))?;
    let book = Promptbook::from_json(&text)
        .map_err(|e| Failure::usage(format!("{}: {e}", file.display())))?;
    let values: BTreeMap<String, String> = vars.iter().cloned().collect();
    let prompts = book.fill(&values).map_err(|e| {
        Failure::usage(format!("{}: {e}", file.display())).hint("give each with --var NAME=VALUE")
    })?;
    let name = if book.name.trim().is_empty() {
        "promptbook".to_string()
    } else {
        book.name.clone()
    };
    let spinner = Spinner::start(format!("{name}: creating a session"));
    let session = ws.session_of(&ws.create_session(&name).await?)?;
    progress::session(session.id());
    let total = prompts.len();
    let mut steps = Vec::new();
    let mut code = exit::OK;
    for (index, question) in prompts.iter().enumerate() {
        spinner.set(format!("{name}: prompt {}/{total}", index + 1));
        let result = ask_in(&session, question, &spinner).await;
        code = exit::worst(code, ItemRecord::exit_code(&result));
        match output {
            Output::Text => {
                if let Ok((answer, _)) = &result {
                    let heading = question.lines().next().unwrap_or_default();
                    let content = answer.content().unwrap_or_default().trim_end();
                    output::print_text(&format!(
                        "## {}/{total}. {heading}\n\n{content}\n",
                        index + 1
                    ));
                }
            }
            Output::Ndjson => output::print_line(&ItemRecord::of(index, question, &result)),
            Output::Json => steps.push(ItemRecord::of(index, question, &result)),
        }
        match &result {
            Ok(_) if code == exit::OK => {}
            Ok((answer, _)) => {
                eprintln!(
                    "error: prompt {}/{total} was not answered successfully: outcome {} (evaluation {}); the promptbook stops here",
                    index + 1,
                    answer.outcome(),
                    answer.reference()
                );
                break;
            }
            Err(e) => {
                if output == Output::Json {
                    print_book(&name, session.id(), steps);
                }
                drop(spinner);
                return Err(Failure::from_error(e).hint(format!(
                    "the promptbook stopped at prompt {}/{total}",
                    index + 1
                )));
            }
        }
    }
    drop(spinner);
    if output == Output::Json {
        print_book(&name, session.id(), steps);
    }
    eprintln!(
        "session {}: `seccopilot transcript {}` shows it again",
        session.id(),
        session.id()
    );
    Ok(code)
}

fn print_book(name: &str, session_id: &str, steps: Vec<ItemRecord>) {
    output::print_json(&serde_json::json!({
        "name": name,
        "session_id": session_id,
        "steps": steps,
    }));
}

/// A session's name for its first question: the first line, at most 100 characters.
pub(crate) fn session_name(question: &str) -> String {
    let line = question.trim().lines().next().unwrap_or_default();
    match line.char_indices().nth(100) {
        Some((end, _)) => format!("{}…", &line[..end]),
        None => line.to_string(),
    }
}

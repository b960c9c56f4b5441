//! `transcript`: every prompt of a session with its evaluations, in order, from the documented
//! list operations only (get the session, list its prompts, list each prompt's evaluations).

use chrono::{DateTime, Utc};
use copilot_ergonomic::types::{Evaluation, Prompt};
use copilot_ergonomic::{Error, Outcome, SessionClient};
use serde::Serialize;

use crate::cli::TranscriptFormat;
use crate::exit::{self, Failure};
use crate::output;

/// A session's conversation as data.
#[derive(Debug, Serialize)]
pub(crate) struct Transcript {
    pub session_id: String,
    pub display_name: Option<String>,
    pub created_date_time: Option<DateTime<Utc>>,
    pub prompts: Vec<PromptEntry>,
}

/// A prompt and its evaluations.
#[derive(Debug, Serialize)]
pub(crate) struct PromptEntry {
    pub prompt_id: String,
    pub content: Option<String>,
    pub created_date_time: Option<DateTime<Utc>>,
    pub evaluations: Vec<EvaluationEntry>,
}

/// One evaluation of a prompt.
#[derive(Debug, Serialize)]
pub(crate) struct EvaluationEntry {
    pub evaluation_id: String,
    /// `created`, `running`, `completed`, …
    pub state: Option<String>,
    /// `success`, `rejected`, … once finished.
    pub outcome: Option<String>,
    pub content: Option<String>,
    pub created_date_time: Option<DateTime<Utc>>,
    pub completed_date_time: Option<DateTime<Utc>>,
}

/// `seccopilot transcript SESSION_ID [--format md|json]`.
pub(crate) async fn run(session: &SessionClient, format: TranscriptFormat) -> Result<u8, Failure> {
    let transcript = read(session).await?;
    match format {
        TranscriptFormat::Md => output::print_text(&markdown(&transcript)),
        TranscriptFormat::Json => output::print_json(&transcript),
    }
    Ok(exit::OK)
}

async fn read(session: &SessionClient) -> Result<Transcript, Error> {
    let info = session.get().await?;
    let mut prompts: Vec<Prompt> = session.prompts().to_vec().await?;
    prompts.sort_by_key(|p| p.created_date_time);
    let mut entries = Vec::with_capacity(prompts.len());
    for prompt in prompts {
        let mut evaluations: Vec<Evaluation> =
            session.prompt_of(&prompt)?.evaluations().to_vec().await?;
        evaluations.sort_by_key(|e| e.created_date_time);
        entries.push(PromptEntry {
            prompt_id: prompt.id.clone().unwrap_or_default(),
            content: prompt.content.clone(),
            created_date_time: prompt.created_date_time,
            evaluations: evaluations.iter().map(entry).collect(),
        });
    }
    Ok(Transcript {
        session_id: session.id().to_string(),
        display_name: info.display_name,
        created_date_time: info.created_date_time,
        prompts: entries,
    })
}

fn entry(e: &Evaluation) -> EvaluationEntry {
    EvaluationEntry {
        evaluation_id: e.id.clone().unwrap_or_default(),
        state: e.state.as_ref().map(ToString::to_string),
        outcome: Outcome::of(e).map(|o| o.to_string()),
        content: e.result.as_ref().and_then(|r| r.content.clone()),
        created_date_time: e.created_date_time,
        completed_date_time: output::real_time(e.completed_date_time),
    }
}

/// The transcript as Markdown: a heading per prompt, each answer under it.
pub(crate) fn markdown(t: &Transcript) -> String {
    let mut md = format!(
        "# {}\n\nSession `{}`, created {}.\n",
        t.display_name.as_deref().unwrap_or("Session"),
        t.session_id,
        output::time(t.created_date_time)
    );
    for (i, prompt) in t.prompts.iter().enumerate() {
        let content = prompt.content.as_deref().unwrap_or_default();
        let mut lines = content.trim().lines();
        let heading = lines.next().unwrap_or_default();
        md.push_str(&format!("\n## {}. {heading}\n\n", i + 1));
        if lines.next().is_some() {
            for line in content.trim().lines() {
                md.push_str(&format!("> {line}\n"));
            }
            md.push('\n');
        }
        md.push_str(&format!(
            "Asked {} (prompt `{}`).\n",
            output::time(prompt.created_date_time),
            prompt.prompt_id
        ));
        if prompt.evaluations.is_empty() {
            md.push_str("\n_Not evaluated._\n");
        }
        for e in &prompt.evaluations {
            let how = e
                .outcome
                .clone()
                .or_else(|| e.state.clone())
                .unwrap_or_else(|| "unknown".into());
            md.push_str(&format!(
                "\n_Evaluation `{}`: {how}, completed {}._\n",
                e.evaluation_id,
                output::time(e.completed_date_time)
            ));
            if let Some(answer) = e.content.as_deref().filter(|c| !c.trim().is_empty()) {
                md.push('\n');
                md.push_str(demote_headings(answer.trim_end()).trim_end());
                md.push('\n');
            }
        }
    }
    md
}

/// The answer with its ATX headings two levels deeper (at most `######`, code fences
/// untouched), so they sit under the transcript's `## N.` prompt headings.
fn demote_headings(answer: &str) -> String {
    let mut out = String::with_capacity(answer.len() + 16);
    let mut in_fence = false;
    for line in answer.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        }
        let level = trimmed.chars().take_while(|c| *c == '#').count();
        let is_heading = !in_fence
            && (1..=6).contains(&level)
            && trimmed[level..].starts_with([' ', '\t', '\n'])
            && line.len() - trimmed.len() < 4;
        if is_heading {
            let deeper = (level + 2).min(6);
            out.push_str(&"#".repeat(deeper));
            out.push_str(&trimmed[level..]);
        } else {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<DateTime<Utc>> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn markdown_has_a_heading_per_prompt_and_the_answers_under_it() {
        let evaluation = |id: &str, outcome: &str, content: Option<&str>| EvaluationEntry {
            evaluation_id: id.into(),
            state: Some("completed".into()),
            outcome: Some(outcome.into()),
            content: content.map(str::to_string),
            created_date_time: at("2025-10-22T20:00:01Z"),
            completed_date_time: at("2025-10-22T20:00:09Z"),
        };
        let transcript = Transcript {
            session_id: "s1".into(),
            display_name: Some("Triage of incident 42".into()),
            created_date_time: at("2025-10-22T20:00:00Z"),
            prompts: vec![
                PromptEntry {
                    prompt_id: "p1".into(),
                    content: Some("Summarize incident 42".into()),
                    created_date_time: at("2025-10-22T20:00:00Z"),
                    evaluations: vec![evaluation(
                        "e1",
                        "success",
                        Some(
                            "## Incident 42\n\n- **Severity**: high\n\n```sh\n# not a heading\n```\n",
                        ),
                    )],
                },
                PromptEntry {
                    prompt_id: "p2".into(),
                    content: Some("Classify it.\nExplain why.".into()),
                    created_date_time: at("2025-10-22T20:01:00Z"),
                    evaluations: vec![evaluation("e2", "rejected", None)],
                },
                PromptEntry {
                    prompt_id: "p3".into(),
                    content: Some("And the user?".into()),
                    created_date_time: at("2025-10-22T20:02:00Z"),
                    evaluations: vec![],
                },
            ],
        };
        insta::assert_snapshot!("transcript_markdown", markdown(&transcript));
    }
}

//! The command line: global options and subcommands (clap derive). The interface is fixed by
//! issue #15; `tests/help.rs` snapshots every `--help`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use copilot_ergonomic::EvaluationRef;

/// Ask Microsoft Security Copilot from the command line.
#[derive(Debug, Parser)]
#[command(
    name = "seccopilot",
    version,
    after_help = "\
Credentials, in this order: COPILOT_TOKEN (a Graph access token), then the Azure CLI \
(`az login`) or Azure Developer CLI (`azd auth login`). `--demo` needs none.

Exit codes: 0 success, 1 error, 2 usage, 4 authentication required or refused, \
5 answered unsuccessfully, 6 throttled or out of capacity, 7 wait deadline passed \
(resume later), 130 interrupted."
)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub(crate) struct Global {
    /// Answer from an embedded copilot-fake instead of Security Copilot (no credentials needed)
    #[arg(long, global = true)]
    pub demo: bool,

    /// The workspace
    #[arg(
        long,
        global = true,
        env = "COPILOT_WORKSPACE",
        hide_env_values = true,
        default_value = "default",
        value_name = "ID"
    )]
    pub workspace: String,

    /// How results are printed on stdout
    #[arg(long, global = true, value_enum, default_value_t = Output::Text)]
    pub output: Output,

    /// Stop waiting for an answer after this many seconds (exit 7; resume later)
    #[arg(long, global = true, value_name = "SECS", value_parser = parse_deadline, default_value = "300")]
    pub deadline: f64,

    /// The Graph API root
    #[arg(
        long,
        global = true,
        env = "COPILOT_BASE_URL",
        hide_env_values = true,
        default_value = copilot_ergonomic::DEFAULT_BASE_URL,
        value_name = "URL"
    )]
    pub base_url: String,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Output {
    /// For people: answers as they came (Markdown stays Markdown), lists as columns
    Text,
    /// One JSON object (or array) per command
    Json,
    /// One JSON object a line
    Ndjson,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Ask a question and print the answer
    Ask {
        /// The question
        question: String,
        /// Continue this session (a follow-up sees its earlier prompts)
        #[arg(long, value_name = "ID")]
        session: Option<String>,
    },
    /// Ask many questions, one session each; results as NDJSON
    ///
    /// Whatever --output says: one JSON object a line, in the order they finish, with `index`.
    AskMany {
        /// One question a line, or NDJSON {"question": "..."}; `-` or nothing reads stdin
        file: Option<PathBuf>,
        /// Questions in flight at once
        #[arg(long, value_name = "N", default_value_t = copilot_ergonomic::DEFAULT_ASK_CONCURRENCY as u16, value_parser = clap::value_parser!(u16).range(1..=64))]
        concurrency: u16,
    },
    /// Wait for an evaluation by the reference `ask` prints on a timeout or Ctrl-C
    Resume {
        /// workspace/session/prompt/evaluation
        #[arg(value_name = "REF")]
        reference: EvaluationRef,
    },
    /// List sessions, newest first
    Sessions {
        /// At most this many
        #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=999))]
        top: u32,
    },
    /// Every prompt of a session with its answers, in order
    Transcript {
        /// The session
        session_id: String,
        /// Markdown or JSON
        #[arg(long, value_enum, default_value_t = TranscriptFormat::Md)]
        format: TranscriptFormat,
    },
    /// Run a promptbook: its prompts in order, in one session, with <NAME> filled in
    RunBook {
        /// The promptbook (Security Copilot's JSON export)
        file: PathBuf,
        /// Fills the placeholder <NAME>
        #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
        vars: Vec<(String, String)>,
    },
    /// List the workspace's plugins
    Plugins,
}

/// Transcript formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TranscriptFormat {
    /// Markdown: a heading per prompt, its answers below
    Md,
    /// The same as data
    Json,
}

fn parse_deadline(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs > 0.0 && secs < 1e9 => Ok(secs),
        _ => Err(format!("`{text}` is not a positive number of seconds")),
    }
}

fn parse_var(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("`{text}` is not NAME=VALUE")),
    }
}

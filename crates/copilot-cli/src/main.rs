//! `seccopilot`: ask Microsoft Security Copilot from the command line.
//!
//! Data goes to stdout (text, JSON or NDJSON), progress, hints and errors to stderr; the exit
//! code says what happened (see [`exit`]). Ctrl-C stops waiting and prints how to resume.

// The doc comments of `cli.rs` are clap's help texts, which write placeholders as `<NAME>`.
#![allow(rustdoc::invalid_html_tags)]

mod ask;
mod ask_many;
mod cli;
mod connect;
mod exit;
mod listing;
mod output;
mod progress;
mod promptbook;
mod transcript;

use std::process::ExitCode;

use clap::Parser as _;

use crate::cli::{Cli, Command, Output, TranscriptFormat};
use crate::exit::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::ERROR);
        }
    };
    let code = runtime.block_on(run(cli));
    ExitCode::from(code)
}

async fn run(cli: Cli) -> u8 {
    let result = tokio::select! {
        biased;
        () = interrupted() => Err(on_interrupt()),
        result = dispatch(&cli) => result,
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            for hint in &failure.hints {
                eprintln!("{hint}");
            }
            failure.code
        }
    }
}

/// Completes on Ctrl-C (never, if the handler cannot be installed). Polled first, so the
/// handler is in place before any request is sent.
async fn interrupted() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// What to say when Ctrl-C stopped a command; nothing was half-written on stdout.
fn on_interrupt() -> Failure {
    let in_flight = progress::snapshot();
    let mut failure = Failure::new(exit::INTERRUPTED, "interrupted: stopped waiting");
    for reference in &in_flight.evaluations {
        failure = failure
            .hint(format!(
                "the service may still finish evaluation {reference} (and bill it)"
            ))
            .resume_hint(reference);
    }
    let without_evaluation = in_flight
        .unknown
        .saturating_sub(in_flight.evaluations.len());
    if without_evaluation > 0 {
        failure = failure.hint(format!(
            "{without_evaluation} more questions were in flight before their evaluation \
             existed; the service may still answer them"
        ));
    } else if in_flight.evaluations.is_empty() {
        failure = failure.hint("no evaluation had been started");
    }
    if let Some(session) = in_flight.session.filter(|_| !connect::is_demo()) {
        failure = failure.hint(format!(
            "session {session}: `seccopilot transcript {session}` shows what it holds"
        ));
    }
    failure
}

async fn dispatch(cli: &Cli) -> Result<u8, Failure> {
    let global = &cli.global;
    let connected = connect::connect(global).await?;
    let copilot = &connected.copilot;
    let ws = copilot.workspace(&global.workspace);
    let out = global.output;
    match &cli.command {
        Command::Ask { question, session } => {
            ask::ask(&ws, question, session.as_deref(), out).await
        }
        Command::AskMany { file, concurrency } => {
            ask_many::run(&ws, file.as_deref(), usize::from(*concurrency)).await
        }
        Command::Resume { reference } => ask::resume(copilot, reference, out).await,
        Command::Sessions { top } => listing::sessions(&ws, *top, out).await,
        Command::Transcript { session_id, format } => {
            let format = match out {
                Output::Json | Output::Ndjson => TranscriptFormat::Json,
                Output::Text => *format,
            };
            transcript::run(&ws.session(session_id), format).await
        }
        Command::RunBook { file, vars } => ask::run_book(&ws, file, vars, out).await,
        Command::Plugins => listing::plugins(&ws, out).await,
    }
}

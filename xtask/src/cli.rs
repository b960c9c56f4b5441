//! The command line the checks share: `<task> INPUT [--format text|json] [--spec PATH]`, and
//! how a run ends: the report on stdout with exit 0 (agree) or 1 (drift), or an unreadable
//! input named by `file:line` on stderr (and as JSON on stdout with `--format json`), exit 2.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::findings::{Format, Unreadable, error_json};
use crate::spec;

/// The parsed arguments of a check.
#[derive(Debug)]
pub(crate) struct Args {
    pub input: PathBuf,
    pub format: Format,
    /// The spec file to read, and its name in messages.
    pub spec_file: PathBuf,
    pub spec_shown: String,
    /// Options the task reads itself (`--flag value` pairs it declared), in order.
    pub extra: Vec<(String, String)>,
}

/// Parses `args` for `task`, whose positional argument is called `input` in messages;
/// `extra` lists the task's own options that take a value. `Err` is the exit of a usage error.
pub(crate) fn parse(
    task: &str,
    input: &str,
    extra: &[&str],
    args: &[String],
) -> Result<Args, ExitCode> {
    let usage = |message: &str| {
        eprintln!(
            "{task}: {message}\nusage: cargo xtask {task} <{input}> [--format text|json] [--spec PATH]"
        );
        ExitCode::from(2)
    };
    let mut format = Format::Text;
    let mut positional = None;
    let mut spec_path = None;
    let mut own = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--format" => match args.next().map(String::as_str) {
                Some("text") => format = Format::Text,
                Some("json") => format = Format::Json,
                other => {
                    return Err(usage(&format!(
                        "--format takes `text` or `json`, not {other:?}"
                    )));
                }
            },
            "--spec" => match args.next() {
                Some(path) => spec_path = Some(PathBuf::from(path)),
                None => return Err(usage("--spec takes a path")),
            },
            flag if extra.contains(&flag) => match args.next() {
                Some(value) => own.push((flag.to_string(), value.clone())),
                None => return Err(usage(&format!("{flag} takes a value"))),
            },
            flag if flag.starts_with('-') => {
                return Err(usage(&format!("unknown option `{flag}`")));
            }
            path if positional.is_none() => positional = Some(PathBuf::from(path)),
            other => return Err(usage(&format!("unexpected argument `{other}`"))),
        }
    }
    let Some(input_path) = positional else {
        return Err(usage(&format!("missing {input}")));
    };
    let (spec_file, spec_shown) = match spec_path {
        Some(path) => {
            let shown = path.display().to_string();
            (path, shown)
        }
        None => (
            spec::workspace_root().join(spec::SPEC_PATH),
            spec::SPEC_PATH.to_string(),
        ),
    };
    Ok(Args {
        input: input_path,
        format,
        spec_file,
        spec_shown,
        extra: own,
    })
}

/// Prints the outcome of a run of `task` and returns its exit code: the rendered report and
/// its exit (0 or 1), or an unreadable input (2).
pub(crate) fn finish(
    task: &str,
    format: Format,
    outcome: Result<(String, u8), Unreadable>,
) -> ExitCode {
    match outcome {
        Ok((report, code)) => {
            print!("{report}");
            ExitCode::from(code)
        }
        Err(error) => {
            let place = match error.line {
                Some(line) => format!("{}:{line}", error.file),
                None => error.file.clone(),
            };
            eprintln!("{task}: error: {place}: {}", error.reason);
            if format == Format::Json {
                println!("{}", error_json(&error));
            }
            ExitCode::from(2)
        }
    }
}

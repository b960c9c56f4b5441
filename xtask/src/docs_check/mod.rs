//! `cargo xtask docs-check <DOCS_DIR> [--format text|json] [--spec PATH]`: reads Microsoft
//! Graph docs pages of the Security Copilot namespace and says exactly what the spec must change.
//!
//! Exit 0: the spec agrees with the docs (doc problems may be reported). Exit 1: drift found.
//! Exit 2: unreadable input (a missing directory, a page that cannot be parsed, a broken spec),
//! named by file and line.

mod compare;
mod docs;
mod markdown;
mod report;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::spec;

/// Why the run could not look at the input.
#[derive(Debug)]
pub struct Unreadable {
    pub file: String,
    pub line: Option<usize>,
    pub reason: String,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// Runs the task with its command-line arguments.
pub fn run(args: &[String]) -> ExitCode {
    let mut format = Format::Text;
    let mut docs_dir = None;
    let mut spec_path = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--format" => match args.next().map(String::as_str) {
                Some("text") => format = Format::Text,
                Some("json") => format = Format::Json,
                other => return usage(&format!("--format takes `text` or `json`, not {other:?}")),
            },
            "--spec" => match args.next() {
                Some(path) => spec_path = Some(PathBuf::from(path)),
                None => return usage("--spec takes a path"),
            },
            flag if flag.starts_with('-') => return usage(&format!("unknown option `{flag}`")),
            dir if docs_dir.is_none() => docs_dir = Some(PathBuf::from(dir)),
            extra => return usage(&format!("unexpected argument `{extra}`")),
        }
    }
    let Some(docs_dir) = docs_dir else {
        return usage("missing DOCS_DIR");
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
    match check(&docs_dir, &spec_file, &spec_shown) {
        Ok(report) => {
            print!("{}", report.render(format));
            if report.findings.drift.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(error) => {
            let place = match error.line {
                Some(line) => format!("{}:{line}", error.file),
                None => error.file.clone(),
            };
            eprintln!("docs-check: error: {place}: {}", error.reason);
            if format == Format::Json {
                println!("{}", report::error_json(&error));
            }
            ExitCode::from(2)
        }
    }
}

fn usage(message: &str) -> ExitCode {
    eprintln!(
        "docs-check: {message}\nusage: cargo xtask docs-check <DOCS_DIR> [--format text|json] [--spec PATH]"
    );
    ExitCode::from(2)
}

/// Reads every page under `docs_dir` and compares the Security Copilot ones with the spec.
pub fn check(
    docs_dir: &Path,
    spec_file: &Path,
    spec_shown: &str,
) -> Result<report::Report, Unreadable> {
    let spec_text = std::fs::read_to_string(spec_file).map_err(|e| Unreadable {
        file: spec_shown.to_string(),
        line: None,
        reason: format!("cannot read the spec: {e}"),
    })?;
    // Parsed once as JSON for the check; only a broken spec is parsed again, as an OpenAPI
    // document, for an error message with its line and column.
    let spec = copilot_spec::parse(&spec_text).map_err(|plain| Unreadable {
        file: spec_shown.to_string(),
        line: None,
        reason: spec::parse(&spec_text, spec_shown).err().unwrap_or(plain),
    })?;

    if !docs_dir.is_dir() {
        return Err(Unreadable {
            file: docs_dir.display().to_string(),
            line: None,
            reason: "not a directory".into(),
        });
    }
    let mut files = Vec::new();
    walk(docs_dir, &mut files).map_err(|(path, e)| Unreadable {
        file: path.display().to_string(),
        line: None,
        reason: e.to_string(),
    })?;
    files.sort();

    let mut docs = docs::Docs::default();
    let mut pages = report::Pages::default();
    for path in files {
        let shown = path
            .strip_prefix(docs_dir)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let bytes = std::fs::read(&path).map_err(|e| Unreadable {
            file: shown.clone(),
            line: None,
            reason: e.to_string(),
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            Unreadable {
                file: shown.clone(),
                line: Some(1 + valid.iter().filter(|b| **b == b'\n').count()),
                reason: "not UTF-8 text".into(),
            }
        })?;
        pages.read += 1;
        if !docs::in_namespace(&text) {
            pages.skipped += 1;
            continue;
        }
        let page = markdown::parse(&text).map_err(|e| Unreadable {
            file: shown.clone(),
            line: Some(e.line),
            reason: e.reason,
        })?;
        docs.add(&shown, &page);
        pages.checked += 1;
    }
    Ok(report::Report {
        pages,
        spec: spec_shown.to_string(),
        findings: compare::compare(&docs, &spec),
    })
}

/// Every `*.md` file under `dir`, recursively.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), (PathBuf, std::io::Error)> {
    let entries = std::fs::read_dir(dir).map_err(|e| (dir.to_path_buf(), e))?;
    for entry in entries {
        let entry = entry.map_err(|e| (dir.to_path_buf(), e))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| (path.clone(), e))?;
        if kind.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
    Ok(())
}

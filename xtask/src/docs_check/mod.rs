//! `cargo xtask docs-check <DOCS_DIR> [--format text|json] [--spec PATH]`: reads Microsoft
//! Graph docs pages of the Security Copilot namespace and says exactly what the spec must change.
//!
//! Exit 0: the spec agrees with the docs (doc problems may be reported). Exit 1: drift found.
//! Exit 2: unreadable input (a missing directory, a page that cannot be parsed, a broken spec),
//! named by file and line.

mod compare;
mod compare_resources;
mod docs;
mod markdown;
mod report;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::findings::Unreadable;
use crate::{cli, spec};

/// Runs the task with its command-line arguments.
pub(crate) fn run(args: &[String]) -> ExitCode {
    let args = match cli::parse("docs-check", "DOCS_DIR", &[], args) {
        Ok(args) => args,
        Err(exit) => return exit,
    };
    let outcome = check(&args.input, &args.spec_file, &args.spec_shown)
        .map(|report| (report.render(args.format), report.findings.exit()));
    cli::finish("docs-check", args.format, outcome)
}

/// Reads every page under `docs_dir` and compares the Security Copilot ones with the spec.
pub(crate) fn check(
    docs_dir: &Path,
    spec_file: &Path,
    spec_shown: &str,
) -> Result<report::Report, Unreadable> {
    let spec = spec::load_json(spec_file, spec_shown)?;

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

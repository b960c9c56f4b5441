//! `cargo xtask metadata-check FILE [--format text|json] [--spec PATH]`: reads Graph's
//! `$metadata` (EDMX/CSDL, streamed), keeps the Security Copilot namespace and what it uses,
//! and says exactly what the spec must change.
//!
//! Exit 0: the spec agrees with the metadata (information may be reported). Exit 1: drift.
//! Exit 2: unreadable input (not XML, not EDMX, cut short, a broken spec), named by file and line.

mod compare;
mod csdl;
mod large;
mod navigations;
mod report;

use std::path::Path;
use std::process::ExitCode;

use crate::findings::Unreadable;
use crate::{cli, spec};

/// Runs the task with its command-line arguments.
pub(crate) fn run(args: &[String]) -> ExitCode {
    let args = match cli::parse("metadata-check", "FILE", &["--write-large", "--mb"], args) {
        Ok(args) => args,
        Err(exit) => return exit,
    };
    if let Some((_, out)) = args.extra.iter().find(|(flag, _)| flag == "--write-large") {
        return large::run(&args.input, Path::new(out), &args.extra);
    }
    let shown = args.input.display().to_string();
    let outcome = check(&args.input, &shown, &args.spec_file, &args.spec_shown)
        .map(|report| (report.render(args.format), report.findings.exit()));
    cli::finish("metadata-check", args.format, outcome)
}

/// Reads the metadata at `file` (named `shown` in the report) and compares it with the spec.
pub(crate) fn check(
    file: &Path,
    shown: &str,
    spec_file: &Path,
    spec_shown: &str,
) -> Result<report::Report, Unreadable> {
    let spec = spec::load_json(spec_file, spec_shown)?;
    let model = csdl::read(file, shown)?;
    let findings = compare::compare(&model, &spec, shown);
    let namespace = |ns: &str| csdl::WHOLE.contains(&ns);
    Ok(report::Report {
        file: shown.to_string(),
        schemas: model.schemas,
        types: model
            .types
            .iter()
            .filter(|t| namespace(&t.namespace))
            .count(),
        enums: model
            .enums
            .iter()
            .filter(|e| namespace(&e.namespace))
            .count(),
        spec: spec_shown.to_string(),
        findings,
    })
}

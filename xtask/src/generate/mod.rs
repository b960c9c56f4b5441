//! `cargo xtask generate [--check] [--since REV] [-v]`: openapi/copilot.yaml →
//! `crates/copilot-api/src/` `generated.rs` (progenitor's client) and `catalogue.rs` (the
//! operation catalogue), then the breaking/additive summary of the generated surface since `REV`
//! (default `HEAD`), with `--check` too.
//!
//! One job per file: [`progenitor`] runs progenitor with every setting in one place,
//! [`open_enums`] emits the spec's string enums as open enums, [`mod@format`] lays out both files
//! (doc lines, header, prettyplease's layout; no `rustfmt` runs, so the output depends on the spec
//! and Cargo.lock only, and `cargo fmt` skips both files through `#[rustfmt::skip]` on their
//! `mod` lines in `crates/copilot-api/src/lib.rs`), [`catalogue`] builds the catalogue from the spec and the fresh surface, and [`diff`] prints
//! what changed. This file writes or checks the outputs.

mod catalogue;
mod diff;
mod format;
mod open_enums;
mod progenitor;

use std::path::Path;

use copilot_surface::catalogue::CatalogueRow;
use openapiv3::OpenAPI;

use crate::spec::{self, SPEC_PATH};

/// Where the generated client goes, relative to the workspace root.
pub(crate) const OUTPUT_PATH: &str = "crates/copilot-api/src/generated.rs";

/// Where the operation catalogue goes, relative to the workspace root.
pub(crate) const CATALOGUE_PATH: &str = "crates/copilot-api/src/catalogue.rs";

/// Both generated files, and the catalogue's rows they were written from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rendered {
    /// `generated.rs`, header included.
    pub generated: String,
    /// `catalogue.rs`, header included.
    pub catalogue: String,
    /// The catalogue as data (what the checks of `copilot_surface::follow` read).
    pub rows: Vec<CatalogueRow>,
}

impl Rendered {
    /// `(path, contents)` of each output file.
    pub(crate) fn files(&self) -> [(&'static str, &str); 2] {
        [
            (OUTPUT_PATH, self.generated.as_str()),
            (CATALOGUE_PATH, self.catalogue.as_str()),
        ]
    }
}

/// Entry point of the `generate` task.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut check = false;
    let mut verbose = false;
    let mut since: Option<String> = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "-v" | "--verbose" => verbose = true,
            "--since" => match args.next() {
                Some(rev) if !rev.starts_with('-') => since = Some(rev.clone()),
                _ => return Err("generate: --since needs a git revision (e.g. origin/main)".into()),
            },
            other => match other.strip_prefix("--since=") {
                Some(rev) if !rev.is_empty() => since = Some(rev.to_string()),
                _ => return Err(format!("generate: unknown option `{other}`")),
            },
        }
    }
    let root = spec::workspace_root();
    let started = std::time::Instant::now();
    let fresh = render(&root)?;
    let mut previous = String::new();
    let mut stale = Vec::new();
    for (path, text) in fresh.files() {
        let current = read(&root, path);
        if current == text {
            if check {
                println!("{path} is up to date with {SPEC_PATH}");
            } else {
                println!("{path}: unchanged ({:.2?})", started.elapsed());
            }
        } else if check {
            diff::print_diff(path, &current, text, verbose);
            stale.push(path);
        } else {
            std::fs::write(root.join(path), text).map_err(|e| format!("{path}: {e}"))?;
            println!(
                "{path}: written, {} lines ({:.2?})",
                text.lines().count(),
                started.elapsed()
            );
        }
        if path == OUTPUT_PATH {
            // What the summary compares with when git cannot tell: the file before this run.
            previous = current;
        }
    }
    let (baseline, label) = baseline(&root, since.as_deref(), previous)?;
    diff::print_summary(&baseline, &fresh.generated, &label);
    if !check || stale.is_empty() {
        return Ok(());
    }
    let hint = if std::env::var_os("CI").is_some() {
        "run `cargo xtask generate` locally and commit the result"
    } else {
        "run `cargo xtask generate`"
    };
    Err(format!(
        "{} is stale or was edited by hand (diff above: - checked in, + generated from \
         {SPEC_PATH}); {hint}",
        stale.join(" and ")
    ))
}

/// What the surface summary compares the fresh `generated.rs` with, and how to name it: the file
/// at `since` (an error if git does not know it, empty if the file did not exist there), or
/// without `--since` the file at `HEAD`, falling back to `previous` (the file as it was on disk)
/// when git cannot tell.
fn baseline(
    root: &Path,
    since: Option<&str>,
    previous: String,
) -> Result<(String, String), String> {
    match since {
        Some(rev) => match diff::committed(root, rev, OUTPUT_PATH) {
            Ok(Some(text)) => Ok((text, format!("`{rev}`"))),
            Ok(None) => Ok((
                String::new(),
                format!("`{rev}` (which has no {OUTPUT_PATH})"),
            )),
            Err(e) => Err(format!("generate --since {rev}: {e}")),
        },
        None => match diff::committed(root, "HEAD", OUTPUT_PATH) {
            Ok(Some(text)) => Ok((text, "the last committed version".to_string())),
            _ => Ok((previous, "the previous file".to_string())),
        },
    }
}

/// A checked-in file with LF line ends (empty when missing).
fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path))
        .unwrap_or_default()
        .replace("\r\n", "\n")
}

/// Generates both files for the workspace at `root`.
pub(crate) fn render(root: &Path) -> Result<Rendered, String> {
    let spec = spec::load(&root.join(SPEC_PATH), SPEC_PATH)?;
    render_spec(&spec, SPEC_PATH)
}

/// Generates both files for an already parsed spec; `shown` names it in errors.
pub(crate) fn render_spec(spec: &OpenAPI, shown: &str) -> Result<Rendered, String> {
    let generated = render_client(spec, shown)?;
    let rows = catalogue::build(spec, &generated, shown)?;
    let source = catalogue::source(&rows, shown)?;
    let catalogue = format!(
        "{}{}",
        format::header(shown),
        format::unparse_source(&source).map_err(|e| format!("{CATALOGUE_PATH}: {e}"))?
    );
    Ok(Rendered {
        generated,
        catalogue,
        rows,
    })
}

/// `generated.rs`: progenitor's code, doc lines, laid out by prettyplease, open enums inserted,
/// header.
fn render_client(spec: &OpenAPI, shown: &str) -> Result<String, String> {
    let enums = open_enums::string_enums(spec, shown)?;
    let tokens = progenitor::generate_guarded(spec, &enums, shown)?;
    let file: syn::File = syn::parse2(format::line_docs(tokens))
        .map_err(|e| format!("{shown}: progenitor produced code that does not parse: {e}"))?;
    let formatted = format::unparse(&file);
    let with_enums = open_enums::insert_open_enums(&formatted, &enums)?;
    Ok(format!("{}{with_enums}", format::header(shown)))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod adding_an_operation;

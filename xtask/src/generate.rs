//! `cargo xtask generate [--check] [-v]`: openapi/copilot.yaml → crates/copilot-api/src/generated.rs.
//!
//! Every progenitor setting lives in [`settings`]; nothing else decides what the output looks like.
//! The output is progenitor's code with one addition: each string enum of the spec is emitted as an
//! `open_enum!` invocation inside `types` (the macro lives in `copilot-api/src/open_enum.rs`), and
//! progenitor is told to use those types instead of its closed enums. Formatting is
//! prettyplease followed by stable `rustfmt`, so the file is deterministic and `cargo fmt` clean.

use std::io::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use openapiv3::{OpenAPI, ReferenceOr, SchemaKind, StringType, Type};
use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use quote::quote;

use crate::spec::{self, SPEC_PATH};

/// Where the generated file goes, relative to the workspace root.
pub const OUTPUT_PATH: &str = "crates/copilot-api/src/generated.rs";

/// Lines of diff shown without `--verbose`.
const DIFF_PREVIEW_LINES: usize = 200;

/// Entry point of the `generate` task.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut check = false;
    let mut verbose = false;
    for arg in args {
        match arg.as_str() {
            "--check" => check = true,
            "-v" | "--verbose" => verbose = true,
            other => return Err(format!("generate: unknown option `{other}`")),
        }
    }
    let root = spec::workspace_root();
    let started = std::time::Instant::now();
    let fresh = render(&root)?;
    let out_path = root.join(OUTPUT_PATH);
    let current = std::fs::read_to_string(&out_path).unwrap_or_default();
    let current = current.replace("\r\n", "\n");

    if check {
        if current == fresh {
            println!("{OUTPUT_PATH} is up to date with {SPEC_PATH}");
            return Ok(());
        }
        print_diff(&current, &fresh, verbose);
        let hint = if std::env::var_os("CI").is_some() {
            "run `cargo xtask generate` locally and commit the result"
        } else {
            "run `cargo xtask generate`"
        };
        return Err(format!(
            "{OUTPUT_PATH} is stale or was edited by hand (diff above: - checked in, + generated \
             from {SPEC_PATH}); {hint}"
        ));
    }

    if current == fresh {
        println!("{OUTPUT_PATH}: unchanged ({:.2?})", started.elapsed());
    } else {
        std::fs::write(&out_path, &fresh).map_err(|e| format!("{OUTPUT_PATH}: {e}"))?;
        println!(
            "{OUTPUT_PATH}: written, {} lines ({:.2?})",
            fresh.lines().count(),
            started.elapsed()
        );
    }
    let (baseline, label) = match committed_output(&root) {
        Some(text) => (text, "the last committed version"),
        None => (current, "the previous file"),
    };
    print_summary(&baseline, &fresh, label);
    Ok(())
}

/// `generated.rs` as committed at `HEAD`, if git can tell.
fn committed_output(root: &Path) -> Option<String> {
    let output = Command::new("git")
        .args(["show", &format!("HEAD:{OUTPUT_PATH}")])
        .current_dir(root)
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n"))
}

/// Prints what changed in the generated surface, each change marked breaking or additive.
fn print_summary(baseline: &str, fresh: &str, label: &str) {
    let (Ok(old), Ok(new)) = (
        copilot_surface::client_surface::parse(baseline),
        copilot_surface::client_surface::parse(fresh),
    ) else {
        println!("surface summary: {label} does not parse; nothing to compare");
        return;
    };
    let changes = copilot_surface::changes::changes(&old, &new);
    if changes.is_empty() {
        println!("surface: no change since {label}");
        return;
    }
    let breaking = changes.iter().filter(|c| c.breaking).count();
    println!(
        "surface changes since {label}: {} ({breaking} breaking, {} additive)",
        changes.len(),
        changes.len() - breaking
    );
    for change in &changes {
        println!("  {change}");
    }
}

/// Generates the complete file contents (header included) for the workspace at `root`.
pub fn render(root: &Path) -> Result<String, String> {
    let spec = spec::load(&root.join(SPEC_PATH), SPEC_PATH)?;
    render_spec(&spec, SPEC_PATH)
}

/// Generates the file contents for an already parsed spec; `shown` names it in errors.
pub fn render_spec(spec: &OpenAPI, shown: &str) -> Result<String, String> {
    let enums = string_enums(spec, shown)?;
    let tokens = generate_guarded(spec, &enums, shown)?;
    let file: syn::File = syn::parse2(line_docs(tokens))
        .map_err(|e| format!("{shown}: progenitor produced code that does not parse: {e}"))?;
    let formatted = rustfmt(&prettyplease::unparse(&file))?;
    let with_enums = insert_open_enums(&formatted, &enums)?;
    Ok(format!("{}{with_enums}", header(shown)))
}

/// Splits every multi-line `#[doc = "…"]` into one attribute per line, so the output uses `///`
/// lines (prettyplease prints multi-line docs as `/** */` blocks whose indented lines rustdoc
/// would take for code blocks).
fn line_docs(tokens: TokenStream) -> TokenStream {
    use proc_macro2::{Delimiter, Group, TokenTree};
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(trees.len());
    let mut i = 0;
    while i < trees.len() {
        if let (TokenTree::Punct(p), Some(TokenTree::Group(g))) = (&trees[i], trees.get(i + 1))
            && p.as_char() == '#'
            && g.delimiter() == Delimiter::Bracket
            && let Ok(syn::MetaNameValue { path, value, .. }) = syn::parse2(g.stream())
            && path.is_ident("doc")
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) = value
        {
            for line in text.value().lines() {
                let line = if line.is_empty() || line.starts_with(' ') {
                    line.to_string()
                } else {
                    format!(" {line}")
                };
                out.extend(quote!(#[doc = #line]));
            }
            i += 2;
            continue;
        }
        match &trees[i] {
            TokenTree::Group(g) => {
                let mut inner = Group::new(g.delimiter(), line_docs(g.stream()));
                inner.set_span(g.span());
                out.push(TokenTree::Group(inner));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out.into_iter().collect()
}

/// The file header: marks the file as generated and names the command and the input.
fn header(spec_path: &str) -> String {
    format!(
        "// @generated by `cargo xtask generate` from {spec_path} (progenitor 0.15.1).\n\
         // DO NOT EDIT: change the spec and run `cargo xtask generate`; \
         `cargo xtask generate --check` fails on any difference.\n\n"
    )
}

/// The progenitor settings, in one place.
fn settings(enums: &[OpenEnum]) -> GenerationSettings {
    let mut settings = GenerationSettings::default();
    settings
        // Positional: required arguments are checked at compile time and the output is small;
        // the builder-style API lives in copilot-ergonomic.
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged)
        // copilot-api carries `impl ClientHooks<Hooks> for Client` (src/hooks.rs); Expected turns
        // a missing impl into one compile error.
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote!(crate::Hooks))
        .with_derive("PartialEq")
        // Users embed the types in their own JSON Schemas (tool definitions, config validation).
        .with_derive("::schemars::JsonSchema")
        .with_timeout(100);
    for e in enums {
        settings.with_replacement(
            &e.name,
            format!("crate::types::{}", e.name),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    settings
}

/// A string enum of the spec, emitted as an open enum.
struct OpenEnum {
    name: String,
    description: Option<String>,
    members: Vec<String>,
}

/// Every component schema that is a string enum, in document order.
fn string_enums(spec: &OpenAPI, shown: &str) -> Result<Vec<OpenEnum>, String> {
    let Some(components) = &spec.components else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (name, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let SchemaKind::Type(Type::String(StringType { enumeration, .. })) = &schema.schema_kind
        else {
            continue;
        };
        if enumeration.is_empty() {
            continue;
        }
        let mut members = Vec::new();
        for member in enumeration {
            match member {
                Some(m) => members.push(m.clone()),
                None => {
                    return Err(format!(
                        "{shown}: components.schemas.{name}: `null` as an enum member is not \
                         supported; use `nullable: true` on the property instead"
                    ));
                }
            }
        }
        out.push(OpenEnum {
            name: name.clone(),
            description: schema.schema_data.description.clone(),
            members,
        });
    }
    Ok(out)
}

/// Runs progenitor, turning its panics into an error that names the failing operation.
fn generate_guarded(
    spec: &OpenAPI,
    enums: &[OpenEnum],
    shown: &str,
) -> Result<TokenStream, String> {
    match catch_panic(|| Generator::new(&settings(enums)).generate_tokens(spec)) {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(format!("{shown}: progenitor rejected the spec: {e}")),
        Err(panic) => Err(locate_panic(spec, enums, shown, &panic)),
    }
}

/// Generates each operation alone to find the ones that make progenitor panic.
fn locate_panic(spec: &OpenAPI, enums: &[OpenEnum], shown: &str, panic: &str) -> String {
    let mut culprits = Vec::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, operation) in item.iter() {
            let mut single = spec.clone();
            let mut only = item.clone();
            for (m, op) in only.iter_mut() {
                if m != method {
                    *op = None;
                }
            }
            single.paths.paths.clear();
            single
                .paths
                .paths
                .insert(path.clone(), ReferenceOr::Item(only));
            let outcome = catch_panic(|| Generator::new(&settings(enums)).generate_tokens(&single));
            if let Err(message) = outcome {
                let id = operation
                    .operation_id
                    .as_deref()
                    .unwrap_or("<no operationId>");
                culprits.push(format!(
                    "  paths.{path}.{method} ({id}): {message}",
                    method = method.to_lowercase()
                ));
            }
        }
    }
    if culprits.is_empty() {
        format!("{shown}: components: progenitor panicked: {panic}")
    } else {
        format!(
            "{shown}: progenitor panicked on these operations (see openapi/README.md for the \
             constructs it cannot handle):\n{}",
            culprits.join("\n")
        )
    }
}

/// Extension: clear the operations of a path item one method at a time.
trait PathItemExt {
    fn iter_mut(&mut self) -> Vec<(&'static str, &mut Option<openapiv3::Operation>)>;
}

impl PathItemExt for openapiv3::PathItem {
    fn iter_mut(&mut self) -> Vec<(&'static str, &mut Option<openapiv3::Operation>)> {
        vec![
            ("get", &mut self.get),
            ("put", &mut self.put),
            ("post", &mut self.post),
            ("delete", &mut self.delete),
            ("options", &mut self.options),
            ("head", &mut self.head),
            ("patch", &mut self.patch),
            ("trace", &mut self.trace),
        ]
    }
}

/// Runs `f`, returning a panic's message instead of unwinding; the default hook stays quiet.
fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let message = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&message);
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let text = if let Some(s) = info.payload().downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "unknown panic".to_string()
        };
        if let Ok(mut slot) = sink.lock() {
            *slot = text;
        }
    }));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    panic::set_hook(previous);
    result.map_err(|_| message.lock().map(|m| m.clone()).unwrap_or_default())
}

/// Adds one `open_enum!` block per string enum at the top of `pub mod types`.
///
/// Inserted as laid-out text after formatting: rustfmt leaves brace-delimited macro bodies alone,
/// so each member stays on its own line and diffs stay one line per member.
fn insert_open_enums(formatted: &str, enums: &[OpenEnum]) -> Result<String, String> {
    const ANCHOR: &str = "\npub mod types {\n";
    let at = formatted
        .find(ANCHOR)
        .ok_or("progenitor output has no `pub mod types`")?
        + ANCHOR.len();
    let mut blocks = String::new();
    for e in enums {
        blocks.push_str(&open_enum_block(e));
    }
    Ok(format!("{}{blocks}{}", &formatted[..at], &formatted[at..]))
}

/// The `open_enum!` invocation for one enum, indented for `mod types`.
fn open_enum_block(e: &OpenEnum) -> String {
    let mut out = String::from("    open_enum! {\n");
    let doc = e
        .description
        .as_deref()
        .unwrap_or("An enumeration of the API.");
    for line in doc.lines() {
        out.push_str(&format!("        /// {}\n", line.trim()));
    }
    out.push_str(&format!("        {} {{\n", e.name));
    for wire in &e.members {
        out.push_str(&format!(
            "            {} = {wire:?},\n",
            member_variant(wire)
        ));
    }
    out.push_str("        }\n    }\n");
    out
}

/// The variant for a documented member: [`variant_name`], except that a member which would be
/// called `Other` (pluginCategory has one) becomes `OtherValue`, because `Other(String)` is the
/// catch-all every open enum has.
fn member_variant(wire: &str) -> String {
    match variant_name(wire) {
        name if name == "Other" => "OtherValue".to_string(),
        name => name,
    }
}

/// `unknownFutureValue` → `UnknownFutureValue`, `aPIKey` → `ApiKey`: upper camel case of the wire name.
fn variant_name(wire: &str) -> String {
    // Split into words at lower→upper boundaries and at the end of an upper-case run.
    // The first letter is capitalised first, so `aPIKey` reads as `APIKey`.
    let mut chars: Vec<char> = wire.chars().filter(|c| c.is_alphanumeric()).collect();
    if let Some(first) = chars.first_mut() {
        *first = first.to_ascii_uppercase();
    }
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let boundary = match prev {
            None => false,
            Some(p) => {
                (p.is_lowercase() && c.is_uppercase())
                    || (p.is_uppercase()
                        && c.is_uppercase()
                        && next.is_some_and(|n| n.is_lowercase()))
            }
        };
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    let mut name = String::new();
    for word in words {
        let mut cs = word.chars();
        if let Some(first) = cs.next() {
            name.extend(first.to_uppercase());
            name.push_str(&cs.as_str().to_lowercase());
        }
    }
    if name.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    name
}

/// Formats with the stable toolchain's rustfmt (edition 2024), reading stdin, writing stdout.
fn rustfmt(source: &str) -> Result<String, String> {
    let rustfmt = std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".to_string());
    let mut child = Command::new(&rustfmt)
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!("cannot run `{rustfmt}` (install it with `rustup component add rustfmt`): {e}")
        })?;
    let mut stdin = child.stdin.take().ok_or("rustfmt: no stdin")?;
    let input = source.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt: {e}"))?;
    writer
        .join()
        .map_err(|_| "rustfmt: writer thread panicked".to_string())?
        .map_err(|e| format!("rustfmt: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "rustfmt failed on the generated code: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = String::from_utf8(output.stdout).map_err(|e| format!("rustfmt: {e}"))?;
    Ok(text.replace("\r\n", "\n"))
}

/// Prints a unified diff of the checked-in file (`-`) against the fresh output (`+`).
fn print_diff(current: &str, fresh: &str, verbose: bool) {
    let diff = similar::TextDiff::from_lines(current, fresh);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("{OUTPUT_PATH} (checked in)"),
            &format!("{OUTPUT_PATH} (generated)"),
        )
        .to_string();
    let total = text.lines().count();
    if verbose || total <= DIFF_PREVIEW_LINES {
        print!("{text}");
    } else {
        for line in text.lines().take(DIFF_PREVIEW_LINES) {
            println!("{line}");
        }
        println!(
            "… {} more diff lines; rerun with -v for all",
            total - DIFF_PREVIEW_LINES
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checked-in generated code matches the spec (the same check as `generate --check`).
    #[test]
    fn generated_code_is_fresh() {
        let root = spec::workspace_root();
        let fresh = render(&root).unwrap();
        let current = std::fs::read_to_string(root.join(OUTPUT_PATH))
            .unwrap()
            .replace("\r\n", "\n");
        if current != fresh {
            print_diff(&current, &fresh, false);
            panic!("{OUTPUT_PATH} is stale or hand-edited: run `cargo xtask generate`");
        }
    }

    #[test]
    fn generation_is_deterministic() {
        let root = spec::workspace_root();
        assert_eq!(render(&root).unwrap(), render(&root).unwrap());
    }

    #[test]
    fn header_marks_the_file_as_generated() {
        let text = render(&spec::workspace_root()).unwrap();
        let head: String = text.lines().take(3).collect::<Vec<_>>().join("\n");
        for needle in [
            "@generated",
            "DO NOT EDIT",
            "cargo xtask generate",
            SPEC_PATH,
        ] {
            assert!(head.contains(needle), "header lacks {needle:?}: {head}");
        }
    }

    #[test]
    fn variant_names_follow_upper_camel_case() {
        let cases = [
            ("unknownFutureValue", "UnknownFutureValue"),
            ("aPIKey", "ApiKey"),
            ("ga", "Ga"),
            ("oAuthAuthorizationCodeFlow", "OAuthAuthorizationCodeFlow"),
            ("geoGlobal", "GeoGlobal"),
            ("secretString", "SecretString"),
            ("other", "OtherValue"),
        ];
        for (wire, expected) in cases {
            assert_eq!(member_variant(wire), expected, "{wire}");
        }
    }

    fn spec_with(edit: impl FnOnce(&mut String)) -> Result<String, String> {
        let root = spec::workspace_root();
        let mut text = std::fs::read_to_string(root.join(SPEC_PATH)).unwrap();
        edit(&mut text);
        let parsed = spec::parse(&text, "mutated.yaml")?;
        render_spec(&parsed, "mutated.yaml")
    }

    #[test]
    fn bad_yaml_is_reported_with_file_line_and_column() {
        let err = spec_with(|t| t.push_str("\n  : : bad\n")).unwrap_err();
        assert!(err.starts_with("mutated.yaml:"), "{err}");
        let line = err.split(':').nth(1).unwrap();
        assert!(line.parse::<usize>().is_ok(), "no line number in {err}");
    }

    #[test]
    fn a_construct_progenitor_panics_on_names_the_operation() {
        // Two request media types make progenitor hit a `todo!()`.
        let err = spec_with(|t| {
            let needle =
                "            schema:\n              $ref: '#/components/schemas/PromptCreate'\n";
            let extra = "          text/plain:\n            schema:\n              type: string\n";
            let at = t.find(needle).unwrap() + needle.len();
            t.insert_str(at, extra);
        })
        .unwrap_err();
        assert!(err.contains("createPrompt"), "{err}");
        assert!(err.contains("mutated.yaml"), "{err}");
        assert!(!err.contains("stack backtrace"), "{err}");
    }

    #[test]
    fn a_missing_operation_id_is_a_clear_error() {
        let err = spec_with(|t| {
            let line = "    get:\n      operationId: getSession\n";
            assert!(t.contains(line));
            *t = t.replacen(line, "    get:\n", 1);
        })
        .unwrap_err();
        assert!(err.contains("mutated.yaml"), "{err}");
        assert!(err.contains("operation ID"), "{err}");
    }
}

//! The generator's own tests: both outputs are fresh and deterministic, carry the header, and a
//! broken spec is reported with file, line or operation.

use super::*;

/// The checked-in generated code matches the spec (the same check as `generate --check`).
#[test]
fn generated_code_is_fresh() {
    let root = spec::workspace_root();
    let fresh = render(&root).unwrap();
    for (path, text) in fresh.files() {
        let current = read(&root, path);
        if current != text {
            diff::print_diff(path, &current, text, false);
            panic!("{path} is stale or hand-edited: run `cargo xtask generate`");
        }
    }
}

#[test]
fn generation_is_deterministic() {
    let root = spec::workspace_root();
    assert_eq!(render(&root).unwrap(), render(&root).unwrap());
}

#[test]
fn header_marks_the_file_as_generated() {
    let rendered = render(&spec::workspace_root()).unwrap();
    for (path, text) in rendered.files() {
        let head: String = text.lines().take(3).collect::<Vec<_>>().join("\n");
        for needle in [
            "@generated",
            "DO NOT EDIT",
            "cargo xtask generate",
            SPEC_PATH,
        ] {
            assert!(
                head.contains(needle),
                "{path}: header lacks {needle:?}: {head}"
            );
        }
    }
}

fn spec_with(edit: impl FnOnce(&mut String)) -> Result<Rendered, String> {
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

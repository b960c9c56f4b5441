//! Proof that the API guard sees what a semver check sees, on copies of
//! `copilot-ergonomic/src` in a temporary directory (the crate itself is never edited): a
//! derive taken off a re-exported type, `#[non_exhaustive]` taken off an enum, and a variant
//! added to it each come out as exactly the expected change; a `pub` item no public path
//! re-exports is not listed.

use std::path::{Path, PathBuf};

use copilot_surface::crate_api::{changes, list_public_api};

const CRATE: &str = "copilot_ergonomic";

/// A copy of `copilot-ergonomic/src`, removed on drop.
struct Copy {
    root: PathBuf,
    src: PathBuf,
}

impl Copy {
    fn new(test: &str) -> Copy {
        let root = std::env::temp_dir().join(format!(
            "copilot-surface-ergonomic-api-{}-{test}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&root);
        let src = root.join("src");
        copy_dir(&original(), &src);
        Copy { root, src }
    }

    fn listing(&self) -> String {
        list_public_api(&self.src, CRATE).unwrap_or_else(|e| panic!("cannot list the copy: {e}"))
    }

    /// Replaces the one occurrence of `from` in `file` by `to`.
    fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.src.join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            text.matches(from).count(),
            1,
            "{file} must hold `{from}` once"
        );
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap_or_else(|e| panic!("{file}: {e}"));
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.src.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn original() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../copilot-ergonomic/src")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    let entries = std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}

fn rendered(old: &str, new: &str) -> Vec<String> {
    changes(old, new).iter().map(ToString::to_string).collect()
}

/// The `#[derive(..)]` line right above `header` in `text`.
fn derive_above<'a>(text: &'a str, header: &str) -> &'a str {
    let at = text
        .find(header)
        .unwrap_or_else(|| panic!("`{header}` not found"));
    let start = text[..at]
        .rfind("#[derive(")
        .unwrap_or_else(|| panic!("no derive on `{header}`"));
    let end = start + text[start..].find(")]").unwrap_or(0) + 2;
    &text[start..end]
}

#[test]
fn removing_a_derive_from_a_re_exported_type_is_breaking() {
    let copy = Copy::new("derive");
    let old = copy.listing();
    assert!(
        old.contains("# copilot_ergonomic::EvaluationRef\n")
            && old.contains("    impl Clone for EvaluationRef\n"),
        "EvaluationRef derives Clone today:\n{old}"
    );
    let text = copy.read("reference.rs");
    let derive = derive_above(&text, "pub struct EvaluationRef").to_string();
    let without = derive.replace("Clone, ", "").replace(", Clone", "");
    copy.edit("reference.rs", &derive, &without);
    let new = copy.listing();
    let got = rendered(&old, &new);
    let expected = [
        "breaking  `copilot_ergonomic::EvaluationRef` no longer implements `Clone` (`impl Clone for EvaluationRef` removed)",
    ];
    assert_eq!(got, expected, "changes: {got:#?}\nnew listing:\n{new}");
}

/// The real `Outcome` is `#[non_exhaustive]` (its variants grow with the service's result types).
fn outcome_is_non_exhaustive(copy: &Copy) {
    let text = copy.read("evaluations.rs");
    assert!(
        text.contains("#[non_exhaustive]\npub enum Outcome"),
        "copilot-ergonomic's Outcome is expected to be #[non_exhaustive]:\n{text}"
    );
}

#[test]
fn removing_non_exhaustive_from_an_enum_is_breaking() {
    let copy = Copy::new("non-exhaustive");
    outcome_is_non_exhaustive(&copy);
    let old = copy.listing();
    assert!(
        old.contains("#[non_exhaustive] pub enum Outcome\n"),
        "{old}"
    );
    copy.edit(
        "evaluations.rs",
        "#[non_exhaustive]\npub enum Outcome",
        "pub enum Outcome",
    );
    let new = copy.listing();
    let got = rendered(&old, &new);
    let expected = [
        "breaking  `copilot_ergonomic::Outcome` is no longer #[non_exhaustive]: a commitment that freezes the enum: adding a variant later breaks users' exhaustive `match`es",
    ];
    assert_eq!(got, expected, "changes: {got:#?}\nnew listing:\n{new}");
}

#[test]
fn a_new_variant_breaks_only_an_exhaustive_enum() {
    let copy = Copy::new("variant");
    outcome_is_non_exhaustive(&copy);
    let before = copy.listing();
    copy.edit(
        "evaluations.rs",
        "pub enum Outcome {",
        "pub enum Outcome {\n    Paused,",
    );
    let grown = copy.listing();
    let got = rendered(&before, &grown);
    assert_eq!(
        got,
        ["additive  `copilot_ergonomic::Outcome`: `Paused` added"],
        "{grown}"
    );

    copy.edit(
        "evaluations.rs",
        "#[non_exhaustive]\npub enum Outcome",
        "pub enum Outcome",
    );
    let exhaustive = copy.listing();
    copy.edit("evaluations.rs", "    Paused,", "    Paused,\n    Resumed,");
    let got = rendered(&exhaustive, &copy.listing());
    let expected = [
        "breaking  variant `Resumed` added to `copilot_ergonomic::Outcome`, which is not #[non_exhaustive]: users' exhaustive `match`es stop compiling",
    ];
    assert_eq!(got, expected, "{exhaustive}");
}

#[test]
fn pub_items_no_public_path_re_exports_are_not_listed() {
    let copy = Copy::new("reachability");
    copy.edit(
        "paging.rs",
        "pub struct ListOptions {",
        "pub struct NotReExported;\n\npub struct ListOptions {",
    );
    let listing = copy.listing();
    assert!(!listing.contains("NotReExported"), "{listing}");
    assert!(
        listing.contains("# copilot_ergonomic::ListOptions\n"),
        "{listing}"
    );

    // Every top-level `pub` type of a module that lib.rs does not re-export (`paging::Scope`
    // today) stays out of the real listing.
    let lib = copy.read("lib.rs");
    let real = list_public_api(&original(), CRATE).unwrap_or_else(|e| panic!("{e}"));
    for entry in std::fs::read_dir(&copy.src).into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        for line in text.lines() {
            let Some(rest) = ["pub struct ", "pub enum ", "pub trait "]
                .iter()
                .find_map(|p| line.strip_prefix(p))
            else {
                continue;
            };
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name.is_empty() || lib.contains(&name) {
                continue;
            }
            assert!(
                !real.contains(&format!("::{name}\n")),
                "`{name}` is not re-exported from lib.rs but is listed:\n{real}"
            );
        }
    }
}

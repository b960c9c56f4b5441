//! Proof that the API guard sees what a semver check sees, on copies in memory of
//! `copilot-ergonomic/src` and its `Cargo.toml` (the crate itself is never edited): a derive
//! taken off a re-exported type, `#[non_exhaustive]` taken off an enum, and a variant added to
//! it each come out as exactly the expected change; a `pub` item no public path re-exports is
//! not listed.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use copilot_surface::crate_api::{changes, list_public_api, list_public_api_of};

const CRATE: &str = "copilot_ergonomic";

/// `copilot-ergonomic/src` by path relative to `src/`, and its `Cargo.toml`: read from disk once.
struct Original {
    files: BTreeMap<PathBuf, String>,
    manifest: Option<String>,
}

fn original_sources() -> &'static Original {
    static ORIGINAL: OnceLock<Original> = OnceLock::new();
    ORIGINAL.get_or_init(|| {
        let mut files = BTreeMap::new();
        read_dir(&original(), Path::new(""), &mut files);
        let path = original().join("../Cargo.toml");
        let manifest = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => panic!("{}: {e}", path.display()),
        };
        Original { files, manifest }
    })
}

/// A copy in memory of `copilot-ergonomic/src` (and its `Cargo.toml`).
struct Copy {
    files: RefCell<BTreeMap<PathBuf, String>>,
    manifest: Option<&'static str>,
}

impl Copy {
    fn new() -> Copy {
        let original = original_sources();
        Copy {
            files: RefCell::new(original.files.clone()),
            manifest: original.manifest.as_deref(),
        }
    }

    fn listing(&self) -> String {
        list_public_api_of(&self.files.borrow(), self.manifest, CRATE)
            .unwrap_or_else(|e| panic!("cannot list the copy: {e}"))
    }

    /// Replaces the one occurrence of `from` in `file` by `to`.
    fn edit(&self, file: &str, from: &str, to: &str) {
        let mut files = self.files.borrow_mut();
        let text = files
            .get_mut(Path::new(file))
            .unwrap_or_else(|| panic!("{file}: not in the copy"));
        assert_eq!(
            text.matches(from).count(),
            1,
            "{file} must hold `{from}` once"
        );
        *text = text.replacen(from, to, 1);
    }

    fn read(&self, file: &str) -> String {
        self.files
            .borrow()
            .get(Path::new(file))
            .cloned()
            .unwrap_or_else(|| panic!("{file}: not in the copy"))
    }
}

fn original() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../copilot-ergonomic/src")
}

/// Reads every file under `dir` into `files`, by path relative to `src/` (`prefix` so far).
fn read_dir(dir: &Path, prefix: &Path, files: &mut BTreeMap<PathBuf, String>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        let relative = prefix.join(entry.file_name());
        if path.is_dir() {
            read_dir(&path, &relative, files);
        } else {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            files.insert(relative, text);
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
    let copy = Copy::new();
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
    let copy = Copy::new();
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
    let copy = Copy::new();
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
    let copy = Copy::new();
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
    for text in copy.files.borrow().values() {
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

#[test]
fn the_listing_in_memory_equals_the_one_on_disk() {
    let on_disk = list_public_api(&original(), CRATE).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(Copy::new().listing(), on_disk);
}

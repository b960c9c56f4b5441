//! `cargo xtask api-diff [--base REV]`: what a change does to the public API of the published
//! hand-written crates, `copilot-ergonomic` and `copilot-fake`, for reviewers and for the
//! pull-request workflow's job summary.
//!
//! For each crate, lists the API (`copilot_surface::crate_api`: what `src/` makes public, and
//! the `[features]` of its `Cargo.toml`) of the working tree and of the same files at `REV`
//! (default `HEAD`; they come from `git ls-tree` and `git show`, held in memory), and prints a
//! `copilot-ergonomic:` heading, then each change as `breaking  ...` or `additive  ...`
//! (breaking first), or `no change to copilot-ergonomic's public API`; a blank line between
//! crates. Exit 0 whatever changed: the listing decides nothing, the reviewer does. Exit 2,
//! with the reason on stderr, if git fails (an unknown revision, no repository) or a file does
//! not parse. A revision without a crate's `src/` lists it as an empty API (everything is
//! added).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use copilot_surface::crate_api::{changes, list_public_api, list_public_api_of};

use crate::git;

/// A published hand-written crate.
#[derive(Debug, Clone, Copy)]
struct Published {
    /// Its directory, relative to the workspace root (`src/` and `Cargo.toml` are in it).
    dir: &'static str,
    /// Its directory's name, as the report names it.
    shown: &'static str,
    /// Its library's name, the root of its paths.
    krate: &'static str,
}

/// The crates the report covers, in its order.
const CRATES: [Published; 2] = [
    Published {
        dir: "crates/copilot-ergonomic",
        shown: "copilot-ergonomic",
        krate: "copilot_ergonomic",
    },
    Published {
        dir: "crates/copilot-fake",
        shown: "copilot-fake",
        krate: "copilot_fake",
    },
];

/// Runs the task with its command-line arguments.
pub(crate) fn run(args: &[String]) -> ExitCode {
    let outcome = base_of(args).and_then(|base| against(&crate::spec::workspace_root(), &base));
    match outcome {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("api-diff: {message}");
            ExitCode::from(2)
        }
    }
}

/// The revision `--base REV` (or `--base=REV`) names; `HEAD` without one.
fn base_of(args: &[String]) -> Result<String, String> {
    let usage = "usage: cargo xtask api-diff [--base REV]";
    let mut base = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "--base" => args.next().cloned(),
            other => match other.strip_prefix("--base=") {
                Some(v) => Some(v.to_string()),
                None => return Err(format!("unexpected argument `{other}`\n{usage}")),
            },
        };
        match value {
            Some(v) if !v.is_empty() => base = Some(v),
            _ => return Err(format!("--base needs a revision\n{usage}")),
        }
    }
    Ok(base.unwrap_or_else(|| "HEAD".to_string()))
}

/// The report for the working tree under `root` against `base`: one section per crate of
/// [`CRATES`].
fn against(root: &Path, base: &str) -> Result<String, String> {
    let (top, prefix) = resolve(root, base)?;
    let mut sections = Vec::new();
    for published in CRATES {
        let src = format!("{}/src", published.dir);
        let (files, manifest) = crate_at(&top, base, &format!("{prefix}{}", published.dir))?;
        let old = if files.is_empty() {
            String::new()
        } else {
            list_public_api_of(&files, manifest.as_deref(), published.krate)
                .map_err(|e| format!("{src} at {base}: {e}"))?
        };
        let new = list_public_api(&root.join(&src), published.krate)
            .map_err(|e| format!("{src} in the working tree: {e}"))?;
        sections.push(section(published, &old, &new));
    }
    Ok(sections.join("\n"))
}

/// The repository's top and `root`'s path inside it (`crates/`, or empty at the top), from one
/// `git rev-parse` that also checks that `base` names a commit.
fn resolve(root: &Path, base: &str) -> Result<(PathBuf, String), String> {
    let commit = format!("{base}^{{commit}}");
    let args = [
        "rev-parse",
        "--show-toplevel",
        "--show-prefix",
        "--verify",
        "--quiet",
        &commit,
    ];
    let output = git::output(root, &args)?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut lines = stdout.lines();
    let (top, prefix) = (lines.next(), lines.next());
    match (output.status.success(), top, prefix) {
        (true, Some(top), Some(prefix)) => {
            Ok((PathBuf::from(top.trim()), prefix.trim().to_string()))
        }
        // The top is printed before the revision is verified: a repository without `base`.
        (false, Some(_), _) => Err(format!("`{base}` is not a revision of this repository")),
        _ => Err(git::failure(&args, &output)),
    }
}

/// The section for two source directories (`src/` of the old and of the new crate, each with
/// its `Cargo.toml` beside it).
#[cfg(test)]
fn between(published: Published, old: &Path, new: &Path) -> Result<String, String> {
    let old = list_public_api(old, published.krate)?;
    let new = list_public_api(new, published.krate)?;
    Ok(section(published, &old, &new))
}

/// The crate's heading, then one line per change, or the line that says there is none.
fn section(published: Published, old: &str, new: &str) -> String {
    let found = changes(old, new);
    let mut out = format!("{}:\n", published.shown);
    if found.is_empty() {
        out.push_str(&format!("no change to {}'s public API\n", published.shown));
    }
    for change in found {
        out.push_str(&format!("{change}\n"));
    }
    out
}

/// The crate in `dir` (relative to the repository's top, `top`) at `rev`, from one `git
/// ls-tree`: the `.rs` files under its `src/` by path relative to `src/`, and its `Cargo.toml` if
/// it has one.
fn crate_at(
    top: &Path,
    rev: &str,
    dir: &str,
) -> Result<(BTreeMap<PathBuf, String>, Option<String>), String> {
    let listed = git::git(top, &["ls-tree", "-r", "-z", "--name-only", rev, "--", dir])?;
    let (src, manifest_path) = (format!("{dir}/src/"), format!("{dir}/Cargo.toml"));
    let mut files = BTreeMap::new();
    let mut manifest = None;
    for path in listed.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        let path = String::from_utf8_lossy(path).into_owned();
        let source = path
            .strip_prefix(&src)
            .filter(|relative| relative.ends_with(".rs"));
        if source.is_none() && path != manifest_path {
            continue;
        }
        let text = git::show(top, rev, &path)?
            .ok_or_else(|| format!("`git show {rev}:{path}` failed: listed but not shown"))?;
        match source {
            Some(relative) => {
                files.insert(PathBuf::from(relative), text);
            }
            None => manifest = Some(text),
        }
    }
    Ok((files, manifest))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ERGONOMIC: Published = CRATES[0];

    /// A directory of its own under the system's temp dir, with `files`; removed on drop.
    struct Dir(PathBuf);

    impl Dir {
        fn new(name: &str, files: &[(&str, &str)]) -> Dir {
            let dir =
                std::env::temp_dir().join(format!("xtask-api-diff-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            let made = Dir(dir);
            made.write(files);
            made
        }

        fn write(&self, files: &[(&str, &str)]) {
            for (path, text) in files {
                let path = self.0.join(path);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, text).unwrap();
            }
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn two_directories_give_one_line_per_change() {
        let lib = "mod a;\npub use a::{Kind, Thing};";
        let old = Dir::new(
            "old",
            &[
                ("src/lib.rs", lib),
                (
                    "src/a.rs",
                    "pub enum Kind { A }\n#[derive(Clone)] pub struct Thing;",
                ),
            ],
        );
        let new = Dir::new(
            "new",
            &[
                ("src/lib.rs", lib),
                (
                    "src/a.rs",
                    "pub enum Kind { A, B }\npub struct Thing;\npub fn extra() {}",
                ),
            ],
        );
        let (old_src, new_src) = (old.0.join("src"), new.0.join("src"));
        let report = between(ERGONOMIC, &old_src, &new_src).unwrap();
        assert_eq!(
            report,
            "copilot-ergonomic:\n\
             breaking  variant `B` added to `copilot_ergonomic::Kind`, which is not #[non_exhaustive]: users' exhaustive `match`es stop compiling\n\
             breaking  `copilot_ergonomic::Thing` no longer implements `Clone` (`impl Clone for Thing` removed)\n",
            "{report}"
        );
        let same = between(ERGONOMIC, &old_src, &old_src).unwrap();
        assert_eq!(
            same, "copilot-ergonomic:\nno change to copilot-ergonomic's public API\n",
            "{same}"
        );
        let err = between(ERGONOMIC, &old_src, &old_src.join("missing")).unwrap_err();
        assert!(err.contains("lib.rs"), "{err}");
    }

    /// Runs git in `dir` with a throwaway identity; panics with git's stderr if it fails.
    fn git_in(dir: &Path, args: &[&str]) {
        let mut all = vec![
            "-c",
            "user.name=xtask test",
            "-c",
            "user.email=xtask@test.invalid",
            "-c",
            "commit.gpgsign=false",
        ];
        all.extend_from_slice(args);
        git::git(dir, &all).unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn each_published_crate_is_reported_against_a_revision_with_its_features() {
        let repo = Dir::new(
            "repo",
            &[
                (
                    "crates/copilot-ergonomic/Cargo.toml",
                    "[package]\nname = \"x\"\n\n[features]\ndefault = []\njson = []\n",
                ),
                ("crates/copilot-ergonomic/src/lib.rs", "pub struct Kept;\n"),
            ],
        );
        git_in(&repo.0, &["init", "-q"]);
        git_in(&repo.0, &["add", "-A"]);
        git_in(&repo.0, &["commit", "-q", "-m", "base"]);
        // The working tree drops a feature, adds a function and the fake, which HEAD lacks.
        repo.write(&[
            (
                "crates/copilot-ergonomic/Cargo.toml",
                "[package]\nname = \"x\"\n\n[features]\ndefault = []\n",
            ),
            (
                "crates/copilot-ergonomic/src/lib.rs",
                "pub struct Kept;\npub fn added() {}\n",
            ),
            ("crates/copilot-fake/src/lib.rs", "pub struct FakeServer;\n"),
        ]);
        let report = against(&repo.0, "HEAD").unwrap_or_else(|e| panic!("{e}"));
        let expected = "copilot-ergonomic:\n\
             breaking  feature `json` removed: users' `features = [\"json\"]` stop resolving (`feature json = []`)\n\
             additive  `copilot_ergonomic::added` added: `pub fn added()`\n\
             \n\
             copilot-fake:\n\
             additive  `copilot_fake::FakeServer` added: `pub struct FakeServer`\n";
        assert_eq!(report, expected, "{report}");

        git_in(&repo.0, &["add", "-A"]);
        git_in(&repo.0, &["commit", "-q", "-m", "next"]);
        let report = against(&repo.0, "HEAD").unwrap_or_else(|e| panic!("{e}"));
        let expected = "copilot-ergonomic:\n\
             no change to copilot-ergonomic's public API\n\
             \n\
             copilot-fake:\n\
             no change to copilot-fake's public API\n";
        assert_eq!(report, expected, "{report}");

        let err = against(&repo.0, "no-such-rev").unwrap_err();
        assert!(err.contains("is not a revision"), "{err}");
    }

    #[test]
    fn the_base_defaults_to_head() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(base_of(&[]).unwrap(), "HEAD");
        assert_eq!(
            base_of(&args(&["--base", "origin/main"])).unwrap(),
            "origin/main"
        );
        assert_eq!(base_of(&args(&["--base=v0.1.0"])).unwrap(), "v0.1.0");
        assert!(
            base_of(&args(&["--base"]))
                .unwrap_err()
                .contains("needs a revision")
        );
        assert!(
            base_of(&args(&["--bse", "x"]))
                .unwrap_err()
                .contains("unexpected argument")
        );
    }
}

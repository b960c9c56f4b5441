//! Guards of the reviewed artefacts: every `.snap` file in the workspace belongs to a test
//! that still writes it (an orphaned snapshot fails here, as `cargo insta test
//! --unreferenced=reject` would), and the fault matrix copied into RELIABILITY.md is the one the
//! snapshot holds.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the workspace")
        .to_path_buf()
}

/// Every `snapshots` folder below `dir` (outside `target`).
fn snapshot_dirs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if !path.is_dir() || name == "target" || name.to_string_lossy().starts_with('.') {
            continue;
        }
        if name == "snapshots" {
            out.push(path);
        } else {
            snapshot_dirs(&path, out);
        }
    }
}

/// Why the snapshot `file` (in `dir`) has no test writing it, or `None` if one does.
fn orphaned(dir: &Path, file: &str) -> Option<String> {
    let stem = file.strip_suffix(".snap")?;
    let parts: Vec<&str> = stem.split("__").collect();
    let sources = dir.parent()?;
    // `tests/x.rs` writes `x__name`; `src/a/b.rs` of a crate writes `crate__a__b__tests__name`.
    let (source, name) = match parts.as_slice() {
        [file, name] => (sources.join(format!("{file}.rs")), *name),
        [_, module @ .., "tests", name] => {
            (sources.join(format!("{}.rs", module.join("/"))), *name)
        }
        _ => return Some(format!("{file}: not a name insta writes")),
    };
    let Ok(text) = std::fs::read_to_string(&source) else {
        return Some(format!("{file}: {} does not exist", source.display()));
    };
    let literal = text.contains(&format!("fn {name}(")) || text.contains(&format!("\"{name}\""));
    // Names computed at run time (`assert_snapshot!(name, …)`) cannot be checked here.
    let computed = text.contains("_snapshot!(name") || text.contains("_snapshot!(&name");
    (!literal && !computed)
        .then(|| format!("{file}: no test in {} writes `{name}`", source.display()))
}

#[test]
fn every_snapshot_belongs_to_a_test() {
    let mut dirs = Vec::new();
    snapshot_dirs(&root(), &mut dirs);
    assert!(dirs.len() >= 5, "found only {dirs:?}");
    let mut problems = Vec::new();
    let mut seen = 0;
    for dir in &dirs {
        for entry in std::fs::read_dir(dir).expect("a snapshot folder").flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            if file.ends_with(".snap.new") || file.ends_with(".pending-snap") {
                problems.push(format!(
                    "{}: an unreviewed snapshot",
                    entry.path().display()
                ));
            } else if file.ends_with(".snap") {
                seen += 1;
                problems.extend(orphaned(dir, &file));
            }
        }
    }
    assert!(seen > 20, "only {seen} snapshots found");
    assert!(
        problems.is_empty(),
        "orphaned or unreviewed snapshots:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_fault_matrix_in_reliability_md_is_the_snapshot() {
    let root = root();
    let snap = std::fs::read_to_string(
        root.join("crates/copilot-ergonomic/tests/snapshots/matrix__faults.snap"),
    )
    .expect("the fault matrix snapshot");
    let table: Vec<&str> = snap.lines().filter(|l| l.starts_with('|')).collect();
    assert!(table.len() > 10, "the snapshot holds a table");
    let doc = std::fs::read_to_string(root.join("RELIABILITY.md")).expect("RELIABILITY.md");
    let lines: Vec<&str> = doc.lines().collect();
    let start = lines
        .iter()
        .position(|l| *l == table[0])
        .expect("RELIABILITY.md has the fault matrix's header row");
    let copy: Vec<&str> = lines[start..]
        .iter()
        .take_while(|l| l.starts_with('|'))
        .copied()
        .collect();
    assert_eq!(
        copy, table,
        "RELIABILITY.md's fault matrix differs from matrix__faults.snap: copy the snapshot's table"
    );
}

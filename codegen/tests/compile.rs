//! Every snapshot, as the `models` module of a crate of its own, passes
//! `cargo clippy -- -D warnings` (so it compiles, without warnings) and `cargo doc` with
//! `-D warnings` (so no description can break the documentation). A snapshot with a file of
//! the same name under `tests/wire/` also runs it as a test of the crate, to check what the
//! models write and read. The crates are members of one temporary workspace, so one cargo
//! run checks them all.

mod support;

use std::path::PathBuf;

#[test]
fn snapshots_pass_clippy_rustdoc_and_their_wire_tests() {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut snapshots: Vec<PathBuf> = std::fs::read_dir(manifest.join("tests/snapshots"))
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    snapshots.sort();
    assert!(snapshots.len() >= 10, "snapshots missing");

    let mut files: Vec<(String, String)> = Vec::new();
    let mut members = Vec::new();
    let mut wire_tests = 0;
    for snapshot in &snapshots {
        let stem = snapshot
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("snapshot")
            .to_string();
        let models = std::fs::read_to_string(snapshot)
            .unwrap_or_else(|e| panic!("{}: {e}", snapshot.display()));
        let package = format!("snapshot-{}", stem.replace('_', "-"));
        files.push((
            format!("{stem}/Cargo.toml"),
            format!(
                "[package]\nname = \"{package}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
                 publish = false\n\n[dependencies]\n\
                 serde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n"
            ),
        ));
        files.push((
            format!("{stem}/src/lib.rs"),
            format!("//! The `{stem}` snapshot.\n#![deny(warnings)]\npub mod models;\n"),
        ));
        files.push((format!("{stem}/src/models.rs"), models));
        let wire = manifest.join(format!("tests/wire/{stem}.rs"));
        if let Ok(test) = std::fs::read_to_string(&wire) {
            files.push((format!("{stem}/tests/wire.rs"), test));
            wire_tests += 1;
        }
        members.push(format!("{stem:?}"));
    }
    files.push((
        "Cargo.toml".to_string(),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    ));

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    support::write_tree(
        dir.path(),
        files
            .iter()
            .map(|(path, text)| (path.clone(), text.as_str())),
    );
    support::cargo(
        dir.path(),
        &["clippy", "--quiet", "--workspace", "--", "-D", "warnings"],
    );
    support::cargo(dir.path(), &["doc", "--quiet", "--workspace", "--no-deps"]);
    assert!(wire_tests > 0, "no wire test found under tests/wire/");
    support::cargo(dir.path(), &["test", "--quiet", "--workspace", "--tests"]);
}

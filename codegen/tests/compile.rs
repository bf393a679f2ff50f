//! Every snapshot, as the `models` module of a crate of its own, passes
//! `cargo clippy -- -D warnings` (so it compiles, without warnings) and `cargo doc` with
//! `-D warnings` (so no description can break the documentation). A snapshot with a client
//! snapshot of the same name under `tests/snapshots/client/` gets it as its `operations`
//! module, with the runtime as its `runtime` module and the client's dependencies, as
//! `--out` writes a crate. A snapshot with a file of the same name under `tests/wire/` also
//! runs it as a test of the crate, to check what the models write and read and what the
//! client sends and decodes (client crates get `tests/wire/support/`, a scripted HTTP server
//! on 127.0.0.1, as the test's `support` module). The crates are members of one temporary
//! workspace, so one cargo run checks them all.

mod support;

use std::path::PathBuf;

#[test]
fn snapshots_pass_clippy_rustdoc_and_their_wire_tests() {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut snapshots: Vec<PathBuf> = std::fs::read_dir(manifest.join("tests/snapshots"))
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    snapshots.retain(|path| path.is_file() && path.extension().is_some_and(|e| e == "rs"));
    snapshots.sort();
    assert!(snapshots.len() >= 10, "snapshots missing");
    let server = std::fs::read_to_string(manifest.join("tests/wire/support/mod.rs"))
        .unwrap_or_else(|e| panic!("tests/wire/support/mod.rs: {e}"));

    let mut files: Vec<(String, String)> = Vec::new();
    let mut members = Vec::new();
    let mut wire_tests = 0;
    let mut clients = 0;
    for snapshot in &snapshots {
        let stem = snapshot
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("snapshot")
            .to_string();
        let models = std::fs::read_to_string(snapshot)
            .unwrap_or_else(|e| panic!("{}: {e}", snapshot.display()));
        let package = format!("snapshot-{}", stem.replace('_', "-"));
        let client =
            std::fs::read_to_string(manifest.join(format!("tests/snapshots/client/{stem}.rs")))
                .ok();
        let mut manifest_text = format!(
            "[package]\nname = \"{package}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
             publish = false\n\n[dependencies]\n"
        );
        for dependency in dynroute_codegen::krate::MODEL_DEPENDENCIES {
            manifest_text.push_str(&dependency.toml_line());
        }
        let mut lib = format!("//! The `{stem}` snapshot.\n#![deny(warnings)]\npub mod models;\n");
        if let Some(operations) = client {
            clients += 1;
            for dependency in dynroute_codegen::krate::CLIENT_DEPENDENCIES {
                manifest_text.push_str(&dependency.toml_line());
            }
            manifest_text.push('\n');
            manifest_text.push_str(dynroute_codegen::krate::CLIENT_FEATURES);
            manifest_text.push_str(
                "\n[dev-dependencies]\ntokio = { version = \"1\", features = \
                 [\"macros\", \"rt-multi-thread\", \"net\", \"io-util\"] }\n",
            );
            lib.push_str("pub mod operations;\npub mod runtime;\n");
            files.push((format!("{stem}/src/operations.rs"), operations));
            for (path, text) in dynroute_codegen::emit_client::RUNTIME_FILES {
                files.push((format!("{stem}/src/{path}"), text.to_string()));
            }
            files.push((format!("{stem}/tests/support/mod.rs"), server.clone()));
        }
        files.push((format!("{stem}/Cargo.toml"), manifest_text));
        files.push((format!("{stem}/src/lib.rs"), lib));
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
    assert!(clients >= 3, "client snapshots missing");
    support::cargo(dir.path(), &["test", "--quiet", "--workspace", "--tests"]);
}

//! The pre-commit hook's binaries as built: `dynroute-hook` finds what the validator finds in
//! its own process, asking `dynroute-hook-reasons` why a file fails the route schema.
//!
//! That the hook leaves the JSON Schema compiler out is checked on the binary pre-commit
//! installs (`scripts/pre-commit-test`): built here, in one call with the rest of the
//! workspace, the hook gets the `dynroute` command's default features, so what it links is
//! not what pre-commit builds.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use dynroute_validator::{Config, check_bytes};
use serde_json::Value;

const HOOK: &str = env!("CARGO_BIN_EXE_dynroute-hook");

fn examples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/examples");
    let mut files = Vec::new();
    for folder in ["valid", "invalid"] {
        for entry in std::fs::read_dir(root.join(folder)).expect("the examples are there") {
            let path = entry.expect("an entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn run(program: &str, args: &[&str], files: &[PathBuf]) -> Output {
    Command::new(program)
        .args(args)
        .args(files)
        .output()
        .expect("the program runs")
}

/// The diagnostics of `dynroute validate --format json`, or of the validator in this
/// process, as JSON values.
fn diagnostics(json: &[u8]) -> Vec<Value> {
    let value: Value = serde_json::from_slice(json).expect("JSON output");
    value["diagnostics"]
        .as_array()
        .expect("a diagnostics array")
        .clone()
}

fn in_process(files: &[PathBuf]) -> Vec<Value> {
    let mut all = Vec::new();
    for file in files {
        let bytes = std::fs::read(file).expect("readable");
        let name = file.display().to_string();
        let report = check_bytes(&name, bytes, &Config::default()).expect("checked");
        for d in &report.diagnostics {
            all.push(serde_json::to_value(d).expect("serializes"));
        }
    }
    all
}

#[test]
fn the_hook_finds_what_the_validator_finds_in_its_own_process() {
    let files = examples();
    assert!(files.len() > 15, "{files:?}");
    let schema_errors = in_process(&files)
        .iter()
        .filter(|d| d["rule"] == "schema")
        .count();
    assert!(schema_errors > 3, "the examples hold schema errors");
    for jobs in ["1", "3"] {
        let out = run(
            HOOK,
            &[
                "validate",
                "--no-config",
                "--format",
                "json",
                "--jobs",
                jobs,
            ],
            &files,
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            diagnostics(&out.stdout),
            in_process(&files),
            "--jobs {jobs}"
        );
    }
}

#[test]
fn many_files_that_fail_the_schema_on_four_threads_get_the_validators_findings() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/examples/invalid/schema.json");
    let text = std::fs::read_to_string(example).expect("readable");
    let files: Vec<PathBuf> = (0..60)
        .map(|i| {
            let path = folder.path().join(format!("r{i:02}.json"));
            let text = text.replace("\"window\"", &format!("\"w{i}\""));
            std::fs::write(&path, text).expect("written");
            path
        })
        .collect();
    let out = run(
        HOOK,
        &["validate", "--no-config", "--format", "json", "--jobs", "4"],
        &files,
    );
    assert_eq!(out.status.code(), Some(1));
    let found = diagnostics(&out.stdout);
    assert!(found.len() >= 60, "{found:?}");
    assert_eq!(found, in_process(&files));
}

#[test]
fn without_its_helper_the_hook_passes_valid_files_and_names_what_is_missing() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let alone = folder.path().join("dynroute-hook");
    std::fs::copy(HOOK, &alone).expect("copied");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/examples");
    let alone = alone.to_str().expect("a UTF-8 path");
    let valid = run(
        alone,
        &["validate", "--no-config"],
        &[examples.join("valid/support-route.json")],
    );
    assert_eq!(valid.status.code(), Some(0));
    // A graph rule needs no reasons either.
    let dangling = run(
        alone,
        &["validate", "--no-config"],
        &[examples.join("invalid/dangling-reference.json")],
    );
    assert_eq!(dangling.status.code(), Some(1));
    let schema = run(
        alone,
        &["validate", "--no-config"],
        &[examples.join("invalid/schema.json")],
    );
    assert_eq!(schema.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&schema.stderr);
    assert!(
        stderr.contains(
            "cannot say why the file does not match the route schema: dynroute-hook-reasons, \
             which is installed beside this program, cannot be started"
        ),
        "{stderr}"
    );
}

#[test]
fn a_route_test_on_a_route_that_fails_the_schema_gives_the_schemas_reason() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/examples/invalid/schema.json");
    std::fs::copy(example, folder.path().join("bad.json")).expect("copied");
    let test = folder.path().join("bad.test.yaml");
    std::fs::write(
        &test,
        "route: bad.json\ncases:\n  - name: any\n    request: {}\n    expect: {provider: openai}\n",
    )
    .expect("written");
    let out = run(HOOK, &["test"], &[test]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("error[schema]: \"window\" is a required property"),
        "{text}"
    );
}

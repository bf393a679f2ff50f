//! The SARIF output checked by Microsoft's SARIF Multitool (`validate`, with the SARIF 2.1.0
//! JSON Schema and GitHub code scanning's ingestion rules): no error and no warning for the
//! output over every example route, and a deliberately broken log is caught, so the check is
//! live.
//!
//! Needs `DYNROUTE_SARIF_MULTITOOL` (`scripts/install-node-tool sarif-multitool`); fails without
//! it when `CI=true`, says it skipped otherwise.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn multitool() -> Option<PathBuf> {
    match std::env::var_os("DYNROUTE_SARIF_MULTITOOL").filter(|v| !v.is_empty()) {
        Some(path) => Some(PathBuf::from(path)),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => panic!(
            "DYNROUTE_SARIF_MULTITOOL is not set but CI=true: the SARIF check must run in CI. \
             Run `export DYNROUTE_SARIF_MULTITOOL=\"$(scripts/install-node-tool sarif-multitool)\"` first."
        ),
        None => {
            eprintln!(
                "skipped: set DYNROUTE_SARIF_MULTITOOL to run the SARIF check \
                 (export DYNROUTE_SARIF_MULTITOOL=\"$(scripts/install-node-tool sarif-multitool)\")"
            );
            None
        }
    }
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/examples")
}

/// `dynroute validate --format sarif` over every example (relative paths, run from
/// spec/examples, as in a repository) and one absolute path (a `file://` URI).
fn our_log() -> Value {
    let mut files = Vec::new();
    for dir in ["valid", "invalid"] {
        let mut names: Vec<String> = std::fs::read_dir(examples().join(dir))
            .expect("examples")
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".json"))
            .map(|name| format!("{dir}/{name}"))
            .collect();
        names.sort();
        files.extend(names);
    }
    let absolute = examples().join("invalid/cycle.json");
    let out = Command::new(env!("CARGO_BIN_EXE_dynroute"))
        .args(["validate", "--format", "sarif"])
        .args(&files)
        .arg(&absolute)
        .current_dir(examples())
        .output()
        .expect("dynroute runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "the invalid examples have errors"
    );
    let log: Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    let results = log["runs"][0]["results"].as_array().map_or(0, Vec::len);
    assert!(results >= files.len() / 2, "{results} results");
    log
}

/// The Multitool's findings (rule id and message) of level error or warning on `log`.
fn findings(tool: &Path, log: &Value, name: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sarif-multitool");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let input = dir.join(format!("{name}.sarif"));
    let report = dir.join(format!("{name}.report.sarif"));
    std::fs::write(&input, format!("{log:#}")).expect("write log");
    let out = Command::new(tool)
        .arg("validate")
        .arg(&input)
        .args(["--rule-kind", "Sarif;Gh", "--level", "Error;Warning"])
        .arg("--output")
        .arg(&report)
        .args(["--log", "ForceOverwrite"])
        .output()
        .expect("the Multitool runs");
    assert!(
        out.status.success(),
        "the Multitool failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value =
        serde_json::from_slice(&std::fs::read(&report).expect("report written")).expect("report");
    let run = &report["runs"][0];
    run["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|result| format!("{}: {}", result["ruleId"], message(run, result)))
        .collect()
}

/// A result's message: its text, or the rule's message string with the arguments filled in
/// (the Multitool writes `{"id": ..., "arguments": [...]}`).
fn message(run: &Value, result: &Value) -> String {
    if let Some(text) = result.pointer("/message/text").and_then(Value::as_str) {
        return text.to_owned();
    }
    let rule = run["tool"]["driver"]["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|rule| rule["id"] == result["ruleId"]);
    let id = result["message"]["id"].as_str().unwrap_or_default();
    let mut text = rule
        .and_then(|rule| rule["messageStrings"][id]["text"].as_str())
        .unwrap_or(id)
        .to_owned();
    let arguments = result["message"]["arguments"]
        .as_array()
        .into_iter()
        .flatten();
    for (index, argument) in arguments.enumerate() {
        text = text.replace(
            &format!("{{{index}}}"),
            argument.as_str().unwrap_or_default(),
        );
    }
    text
}

#[test]
fn sarif_output_passes_the_official_validator() {
    let Some(tool) = multitool() else { return };
    let found = findings(&tool, &our_log(), "dynroute");
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_official_validator_catches_a_broken_log() {
    let Some(tool) = multitool() else { return };
    let mut log = our_log();
    if let Some(driver) = log
        .pointer_mut("/runs/0/tool/driver")
        .and_then(Value::as_object_mut)
    {
        driver.remove("name");
    }
    if let Some(level) = log.pointer_mut("/runs/0/results/0/level") {
        *level = "fatal".into();
    }
    let found = findings(&tool, &log, "broken");
    assert!(
        found.iter().any(|f| f.contains("'name' is missing")),
        "{found:?}"
    );
    assert!(found.iter().any(|f| f.contains("\"fatal\"")), "{found:?}");
}

//! `dynroute trace` end to end: the JSON contract, the human and mermaid formats, the
//! convenience flags and the exit codes (0 traced, 1 invalid route, 2 usage or I/O).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn example(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../spec/examples")
        .join(path)
}

fn dynroute(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dynroute"))
        .args(args)
        .output()
        .expect("dynroute runs")
}

fn support() -> String {
    example("valid/support-route.json").display().to_string()
}

fn json(args: &[&str]) -> Value {
    let out = dynroute(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the json format is JSON")
}

#[test]
fn the_json_format_carries_the_contract_fields() {
    let route = support();
    let t = json(&[
        "trace",
        &route,
        "--request",
        r#"{"metadata": {"plan": "paid"}}"#,
        "--format",
        "json",
    ]);
    for field in [
        "outcome",
        "element",
        "provider",
        "model",
        "path",
        "steps",
        "distribution",
    ] {
        assert!(t.get(field).is_some(), "missing `{field}` in {t}");
    }
    assert_eq!(t["outcome"], "served");
    assert_eq!(
        t["path"],
        serde_json::json!(["start", "plan", "split", "gpt-4o", "end"])
    );
    let distribution = t["distribution"].as_array().expect("an array");
    let first = &distribution[0];
    assert_eq!(first["model"], "gpt-4o-mini");
    assert_eq!(first["element"], "gpt-4o-mini");
    assert!((first["probability"].as_f64().expect("a number") - 0.9).abs() < 1e-12);
}

#[test]
fn flags_pin_the_draw_failures_and_counters() {
    let route = support();
    let t = json(&[
        "trace",
        &route,
        "--metadata",
        "plan=paid",
        "--draw",
        "50",
        "--format",
        "json",
    ]);
    assert_eq!(t["model"], "gpt-4o-mini");
    assert!(
        t.get("distribution").is_none(),
        "a pinned draw has no distribution"
    );
    let t = json(&[
        "trace",
        &route,
        "--metadata",
        "plan=paid",
        "--draw",
        "split=5",
        "--fail",
        "gpt-4o",
        "--format",
        "json",
    ]);
    assert_eq!(
        t["path"],
        serde_json::json!(["start", "plan", "split", "gpt-4o", "gpt-4o-mini", "end"])
    );
    let t = json(&[
        "trace",
        &route,
        "--metadata",
        "plan=paid",
        "--draw",
        "5",
        "--attempts",
        "openai/gpt-4o=error,error,ok",
        "--format",
        "json",
    ]);
    assert_eq!(t["model"], "gpt-4o", "the third of three attempts answers");
    let t = json(&[
        "trace",
        &route,
        "--metadata",
        "plan=free",
        "--metadata",
        "user_id=42",
        "--used",
        "budget:42=100",
        "--format",
        "json",
    ]);
    assert_eq!(t["outcome"], "failed");
    let t = json(&[
        "trace",
        &route,
        "--metadata",
        "plan=free",
        "--metadata",
        "user_id=7",
        "--used",
        "budget:42=100",
        "--format",
        "json",
    ]);
    assert_eq!(t["outcome"], "served", "another user's counter");
}

#[test]
fn metadata_values_keep_their_json_type() {
    let route = support();
    // "plan" is compared type-strictly: the number 1 is not "free", and neither is "1".
    let t = json(&[
        "trace",
        &route,
        "--metadata",
        "plan=\"free\"",
        "--format",
        "json",
    ]);
    assert_eq!(t["path"][2], "budget");
    let t = json(&["trace", &route, "--metadata", "plan=1", "--format", "json"]);
    assert_eq!(t["steps"][1]["condition"]["checks"][0]["actual"], 1);
}

#[test]
fn human_and_mermaid_formats() {
    let route = support();
    let out = dynroute(&["trace", &route, "--metadata", "plan=paid"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(": served by openai/gpt-4o (element gpt-4o)"),
        "{text}"
    );
    assert!(text.contains("distribution (no draw pinned):"), "{text}");
    let out = dynroute(&[
        "trace",
        &route,
        "--metadata",
        "plan=free",
        "--format",
        "mermaid",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("flowchart TD\n"), "{text}");
    // start, plan, budget, workers-ai, end are elements 0, 1, 2, 6, 7.
    assert!(text.ends_with("  class n0,n1,n2,n6,n7 taken\n"), "{text}");
}

#[test]
fn exit_codes() {
    let route = support();
    let invalid = example("invalid/cycle.json").display().to_string();
    let out = dynroute(&["trace", &invalid]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "diagnostics go to standard error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[cycle]"));
    for bad in [
        vec!["trace", &route, "--draw", "100"],
        vec!["trace", &route, "--request", r#"{"meta": {}}"#],
        vec!["trace", &route, "--metadata", "plan"],
        vec!["trace", &route, "--attempts", "gpt-4o=fine"],
        vec!["trace", "no-such-route.json"],
    ] {
        let out = dynroute(&bad);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{bad:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A route whose condition cannot be read is refused with the validator's diagnostic.
    let dir = std::env::temp_dir().join(format!("dynroute-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("unreadable.json");
    std::fs::write(
        &file,
        r#"{"name": "r", "elements": [
  {"id": "s", "type": "start", "outputs": {"next": {"elementId": "c"}}},
  {"id": "c", "type": "conditional", "properties": {"conditions": {"user.plan": "free"}},
   "outputs": {"true": {"elementId": "e"}, "false": {"elementId": "f"}}},
  {"id": "e", "type": "end", "outputs": {}},
  {"id": "f", "type": "end", "outputs": {}}
]}"#,
    )
    .expect("written");
    let out = dynroute(&["trace", &file.display().to_string(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error[unreadable-condition]"), "{stderr}");
    assert!(stderr.contains("`metadata.`"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

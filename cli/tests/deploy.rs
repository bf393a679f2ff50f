//! `dynroute plan`, `apply`, `pull`, `rollback` and `history` as a user runs them, against a
//! `dynroute serve` process on 127.0.0.1: exit codes, formats, the saved plan, the tests and
//! the validator that gate a plan, and credentials that never show.
#![cfg(all(feature = "serve", feature = "deploy"))]

mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};
use support::Serve;

const TOKEN: &str = "super-secret-token-3f9a";

fn dynroute(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dynroute"))
        .args(args)
        .current_dir(dir)
        .env("CLOUDFLARE_API_TOKEN", TOKEN)
        .env_remove("CLOUDFLARE_EMAIL")
        .env_remove("CLOUDFLARE_API_KEY")
        .env_remove("CLOUDFLARE_BASE_URL")
        .env_remove("CLOUDFLARE_ACCOUNT_ID")
        .env_remove("CLOUDFLARE_GATEWAY_ID")
        .stdin(Stdio::null())
        .output()
        .expect("dynroute runs")
}

fn text(out: &Output) -> String {
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains(TOKEN), "the token leaked: {all}");
    all
}

fn route(model: &str) -> Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/examples/valid/support-route.json");
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("example")).expect("JSON");
    doc.as_object_mut().expect("object").remove("$schema");
    doc["elements"][4]["properties"]["model"] = json!(model);
    doc
}

/// A routes folder for a running emulator: `.dynroute.json`, the route, a passing test.
fn folder(serve: &Serve) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("folder");
    std::fs::write(
        dir.path().join(".dynroute.json"),
        json!({"account_id": "acc", "gateway_id": "gw", "base_url": format!("http://{}/client/v4", serve.addr)}).to_string(),
    )
    .expect("config");
    std::fs::write(dir.path().join("support.json"), route("gpt-4o").to_string()).expect("route");
    std::fs::write(
        dir.path().join("support.test.yaml"),
        "route: support.json\ncases:\n  - name: free users\n    request: {metadata: {plan: free, user_id: \"1\"}}\n    expect: {provider: workers-ai}\n",
    )
    .expect("test file");
    dir
}

#[test]
fn plan_apply_plan_pull_history_rollback() {
    let serve = Serve::start(&[]);
    let dir = folder(&serve);
    let d = dir.path();

    let out = dynroute(d, &["plan", ".", "--out", ".plan.json"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "changes: {shown}");
    assert!(shown.contains("support: create"), "{shown}");
    assert!(shown.contains("1 route test cases passed"), "{shown}");
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join(".plan.json")).expect("plan"))
            .expect("JSON");
    assert_eq!(saved["format_version"], json!(1));
    assert_eq!(saved["changes"][0]["action"], json!("create"));

    let out = dynroute(d, &["apply", ".", "--plan", ".plan.json"]);
    assert_eq!(out.status.code(), Some(1), "no --yes without a terminal");
    assert!(text(&out).contains("--yes"));
    let out = dynroute(d, &["apply", ".", "--plan", ".plan.json", "--yes"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(shown.contains("1 created"), "{shown}");

    let out = dynroute(d, &["plan", "."]);
    assert_eq!(out.status.code(), Some(0), "no changes: {}", text(&out));

    std::fs::write(d.join("support.json"), route("gpt-4.1").to_string()).expect("edit");
    let out = dynroute(d, &["plan", ".", "--format", "markdown"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(shown.contains("| `support` | update"), "{shown}");
    assert!(shown.contains("/properties/model"), "{shown}");
    let out = dynroute(d, &["apply", ".", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // A pull into an empty folder plans no change.
    let pulled = tempfile::tempdir().expect("folder");
    std::fs::copy(
        d.join(".dynroute.json"),
        pulled.path().join(".dynroute.json"),
    )
    .expect("config");
    let out = dynroute(pulled.path(), &["pull", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let file: Value = serde_json::from_str(
        &std::fs::read_to_string(pulled.path().join("support.json")).expect("pulled"),
    )
    .expect("JSON");
    assert!(
        file["$schema"]
            .as_str()
            .expect("schema")
            .ends_with("route.schema.json")
    );
    assert_eq!(
        dynroute(pulled.path(), &["plan", "."]).status.code(),
        Some(0)
    );

    let out = dynroute(d, &["history", "support"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(shown.contains("~ `gpt-4o` /properties/model"), "{shown}");
    let out = dynroute(d, &["rollback", "support"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = dynroute(d, &["plan", "."]);
    let shown = text(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the rollback shows as drift: {shown}"
    );
    assert!(shown.contains("deploy an existing version"), "{shown}");
}

#[test]
fn invalid_files_and_failing_tests_stop_the_plan() {
    let serve = Serve::start(&[]);
    let dir = folder(&serve);
    let d = dir.path();
    std::fs::write(
        d.join("support.test.yaml"),
        "route: support.json\ncases:\n  - name: wrong\n    request: {metadata: {plan: free, user_id: \"1\"}}\n    expect: {provider: anthropic}\n",
    )
    .expect("failing test");
    let out = dynroute(d, &["plan", "."]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("FAIL  wrong"), "{shown}");

    std::fs::remove_file(d.join("support.test.yaml")).expect("removed");
    std::fs::write(
        d.join("broken.json"),
        r#"{"name": "b", "elements": [{"id": "s"}]}"#,
    )
    .expect("broken");
    let out = dynroute(d, &["plan", "."]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("broken.json"), "{shown}");
}

#[test]
fn missing_settings_are_named() {
    let dir = tempfile::tempdir().expect("folder");
    let out = dynroute(dir.path(), &["plan", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("CLOUDFLARE_ACCOUNT_ID"));
}

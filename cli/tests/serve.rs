//! `dynroute serve` as users start it: a real process on a free port of 127.0.0.1, seeded
//! from route files, answering over HTTP; an acknowledged write survives `kill -9`.
#![cfg(feature = "serve")]

mod support;

use std::path::Path;
use std::process::Command;

use support::Serve;

use serde_json::{Value, json};

const ROUTES: &str = "/client/v4/accounts/local/ai-gateway/gateways/default/routes";

fn example_route() -> Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/examples/valid/support-route.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("the example")).expect("JSON")
}

#[test]
fn seeded_routes_are_deployed_and_writes_survive_kill_9() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let routes = dir.path().join("routes");
    std::fs::create_dir(&routes).expect("routes folder");
    let mut route = example_route();
    route.as_object_mut().expect("object").remove("$schema");
    std::fs::write(routes.join("support.json"), route.to_string()).expect("route written");
    let data = dir.path().join("state.db");
    let data = data.to_str().expect("UTF-8 path");
    let routes = routes.to_str().expect("UTF-8 path");

    let created_id = {
        let serve = Serve::start(&["--data", data, "--routes", routes]);
        let (status, body) = serve.call("GET", ROUTES, None);
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["routes"][0]["name"], json!("support"));
        assert_eq!(body["data"]["routes"][0]["elements"], route["elements"]);
        let (status, body) = serve.call(
            "POST",
            ROUTES,
            Some(&json!({"name": "written", "elements": route["elements"]})),
        );
        assert_eq!(status, 200, "{body}");
        body["result"]["id"].as_str().expect("an id").to_string()
        // Dropped here: SIGKILL, no chance to flush anything.
    };

    let serve = Serve::start(&["--data", data, "--routes", routes]);
    let (status, body) = serve.call("GET", &format!("{ROUTES}/{created_id}"), None);
    assert_eq!(status, 200, "acknowledged before the kill: {body}");
    assert_eq!(body["result"]["name"], json!("written"));
    let (_, body) = serve.call("GET", ROUTES, None);
    assert_eq!(
        body["data"]["routes"].as_array().map(Vec::len),
        Some(2),
        "seeding an unchanged file again adds nothing: {body}"
    );
}

#[test]
fn an_undeployable_route_file_stops_the_start() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(
        dir.path().join("broken.json"),
        r#"{"name": "broken", "elements": [{"id": "s", "type": "start"}]}"#,
    )
    .expect("written");
    let out = Command::new(env!("CARGO_BIN_EXE_dynroute"))
        .args(["serve", "--listen", "127.0.0.1:0", "--routes"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.json"), "{stderr}");
    assert!(
        stderr.contains("outputs"),
        "the schema error is shown: {stderr}"
    );
}

#[test]
fn a_malformed_fault_is_a_usage_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_dynroute"))
        .args(["serve", "--fault", r#"{"status": 200}"#])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an error status"));
}

#[test]
fn cloudflares_python_sdk_runs_every_operation() {
    let python = match std::env::var_os("DYNROUTE_PYTHON_SDK").filter(|v| !v.is_empty()) {
        Some(python) => python,
        None if std::env::var("CI").is_ok_and(|v| v == "true") => panic!(
            "DYNROUTE_PYTHON_SDK is not set but CI=true: scripts/test installs the SDK and sets it"
        ),
        None => {
            eprintln!(
                "skipped: set DYNROUTE_PYTHON_SDK to a python with `cloudflare==5.9.0` installed"
            );
            return;
        }
    };
    let serve = Serve::start(&[]);
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/tests/sdk/python_lifecycle.py");
    let out = Command::new(python)
        .arg(script)
        .arg(format!("http://{}/client/v4", serve.addr))
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("every operation passed"), "{stdout}");
}

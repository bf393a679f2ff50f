//! `dynroute serve` as users start it: a real process on a free port of 127.0.0.1, seeded
//! from route files, answering over HTTP; an acknowledged write survives `kill -9`.
#![cfg(feature = "serve")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

/// A running `dynroute serve`, killed (SIGKILL) when dropped.
struct Serve {
    child: Child,
    addr: String,
}

impl Serve {
    fn start(args: &[&str]) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dynroute"))
            .arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dynroute serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the ready line");
        let addr = line
            .trim()
            .strip_prefix("dynroute serve: http://")
            .and_then(|rest| rest.strip_suffix("/client/v4"))
            .unwrap_or_else(|| {
                let mut err = String::new();
                let _ = child.stderr.take().map(|mut e| e.read_to_string(&mut err));
                panic!("unexpected ready line {line:?}; stderr: {err}")
            })
            .to_string();
        Serve { child, addr }
    }

    /// One HTTP/1.1 exchange: (status, JSON body).
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let mut stream = TcpStream::connect(&self.addr).expect("connects");
        let body = body.map(Value::to_string).unwrap_or_default();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .expect("request written");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("response read");
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("a status line in {response:?}"));
        let (_, text) = response.split_once("\r\n\r\n").expect("headers end");
        (
            status,
            serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text:?}")),
        )
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

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

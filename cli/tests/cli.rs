//! The `dynroute` binary end to end: exit codes, stdin, severity flags, explain, graph.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod support;

fn example(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../spec/examples")
        .join(path)
}

fn dynroute(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dynroute"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dynroute runs");
    match stdin {
        Some(input) => support::feed(&mut child, input.as_bytes()),
        None => drop(child.stdin.take()),
    }
    child.wait_with_output().expect("dynroute finishes")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn exit_codes_clean_errors_and_io() {
    let valid = example("valid/support-route.json");
    let invalid = example("invalid/cycle.json");
    assert_eq!(
        code(&dynroute(
            &["validate", valid.to_str().expect("utf-8")],
            None
        )),
        0
    );
    assert_eq!(
        code(&dynroute(
            &["validate", invalid.to_str().expect("utf-8")],
            None
        )),
        1
    );
    let missing = dynroute(&["validate", "/nonexistent/route.json"], None);
    assert_eq!(code(&missing), 2);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/route.json"));
    // A folder is walked for route files: the valid examples pass, the invalid ones fail.
    let dir = example("valid");
    let directory = dynroute(&["validate", dir.to_str().expect("utf-8")], None);
    assert_eq!(code(&directory), 0);
    let dir = example("invalid");
    let directory = dynroute(&["validate", dir.to_str().expect("utf-8")], None);
    assert_eq!(code(&directory), 1);
    // A missing file does not stop the others from being checked.
    let both = dynroute(
        &[
            "validate",
            "--format",
            "short",
            "/nonexistent/route.json",
            invalid.to_str().expect("utf-8"),
        ],
        None,
    );
    assert_eq!(code(&both), 2);
    assert!(stdout(&both).contains("error[cycle]"));
    assert_eq!(code(&dynroute(&["validate", "--format", "xml"], None)), 2);
    assert_eq!(code(&dynroute(&["frobnicate"], None)), 2);
}

#[test]
fn reads_stdin_without_files_or_with_dash() {
    let text = r#"[{"id": "s", "type": "start", "outputs": {"next": {"elementId": "x"}}}]"#;
    for args in [
        &["validate", "--format", "short"][..],
        &["validate", "--format", "short", "-"],
    ] {
        let out = dynroute(args, Some(text));
        assert_eq!(code(&out), 1);
        assert!(
            stdout(&out).contains("<stdin>:1:65: error[dangling-reference]:"),
            "{}",
            stdout(&out)
        );
    }
}

#[test]
fn empty_standard_input_is_invalid_json() {
    let out = dynroute(&["validate", "--format", "short"], Some(""));
    assert_eq!(code(&out), 1);
    assert_eq!(
        stdout(&out),
        "<stdin>:1:1: error[invalid-json]: the file holds no JSON value\n"
    );
}

#[test]
fn warnings_pass_unless_denied_and_severities_can_change() {
    let file = example("invalid/unknown-operator.json");
    let file = file.to_str().expect("utf-8");
    assert_eq!(code(&dynroute(&["validate", file], None)), 0);
    assert_eq!(
        code(&dynroute(&["validate", "--deny-warnings", file], None)),
        1
    );
    assert_eq!(
        code(&dynroute(
            &["validate", "--deny", "unknown-operator", file],
            None
        )),
        1
    );

    let cycle = example("invalid/cycle.json");
    let cycle = cycle.to_str().expect("utf-8");
    let warned = dynroute(
        &["validate", "--format", "short", "--warn", "cycle", cycle],
        None,
    );
    assert_eq!(code(&warned), 0);
    assert!(stdout(&warned).contains("warning[cycle]"));
    let allowed = dynroute(
        &["validate", "--format", "short", "--allow", "cycle", cycle],
        None,
    );
    assert_eq!(code(&allowed), 0);
    assert_eq!(stdout(&allowed), "");
    assert_eq!(
        code(&dynroute(
            &["validate", "--allow", "no-such-rule", cycle],
            None
        )),
        2
    );
}

#[test]
fn json_format_is_the_documented_contract() {
    let file = example("invalid/dangling-reference.json");
    let out = dynroute(
        &[
            "validate",
            "--format",
            "json",
            file.to_str().expect("utf-8"),
        ],
        None,
    );
    assert_eq!(code(&out), 1);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json output");
    let items = doc["diagnostics"].as_array().expect("diagnostics array");
    assert!(!items.is_empty());
    for item in items {
        for key in ["file", "rule", "message", "pointer"] {
            assert!(item[key].is_string(), "{key} in {item}");
        }
        assert!(["error", "warning"].contains(&item["severity"].as_str().unwrap_or("")));
        assert!(item["line"].as_u64().is_some_and(|l| l >= 1));
        assert!(item["column"].as_u64().is_some_and(|c| c >= 1));
    }
}

#[test]
fn sarif_has_the_fields_code_scanning_requires() {
    let file = example("invalid/schema.json");
    let out = dynroute(
        &[
            "validate",
            "--format",
            "sarif",
            file.to_str().expect("utf-8"),
        ],
        None,
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif output");
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    for rule in run["tool"]["driver"]["rules"].as_array().expect("rules") {
        for p in [
            "/id",
            "/shortDescription/text",
            "/fullDescription/text",
            "/help/text",
        ] {
            assert!(
                rule.pointer(p)
                    .and_then(|v| v.as_str())
                    .is_some_and(|s| !s.is_empty())
            );
        }
    }
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for r in results {
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .expect("uri");
        assert!(
            uri.starts_with("file:///") && uri.ends_with("/spec/examples/invalid/schema.json"),
            "an absolute path is a file URI: {uri}"
        );
        assert!(r.pointer("/message/text").is_some());
        assert!(
            r.pointer("/partialFingerprints/primaryLocationLineHash")
                .is_some()
        );
        let region = &r["locations"][0]["physicalLocation"]["region"];
        for k in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region[k].as_u64().is_some_and(|v| v >= 1), "{k}");
        }
    }
}

#[test]
fn sarif_uris_of_relative_paths_stay_relative() {
    let out = Command::new(env!("CARGO_BIN_EXE_dynroute"))
        .args(["validate", "--format", "sarif", "invalid/schema.json"])
        .current_dir(example(""))
        .output()
        .expect("dynroute runs");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif output");
    let uri = &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, "invalid/schema.json");
}

#[test]
fn explain_describes_rules_and_rejects_unknown_ones() {
    let out = dynroute(&["explain", "percentage-sum"], None);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("33.5%"));
    let list = dynroute(&["explain"], None);
    for rule in dynroute_validator::RULES {
        assert!(stdout(&list).contains(rule.name));
    }
    assert_eq!(code(&dynroute(&["explain", "nope"], None)), 2);
}

#[test]
fn graph_draws_labelled_nodes_and_edges() {
    let file = example("valid/support-route.json");
    let file = file.to_str().expect("utf-8");
    let mermaid = stdout(&dynroute(&["graph", file, "--format", "mermaid"], None));
    assert!(mermaid.starts_with("flowchart TD\n"));
    assert!(
        mermaid.contains("n4[\"gpt-4o<br/>model: openai / gpt-4o\"]"),
        "{mermaid}"
    );
    assert!(
        mermaid.contains("n2[\"budget<br/>rate: count 100 per 3600 s\"]"),
        "{mermaid}"
    );
    assert!(mermaid.contains("n3 -->|\"10%\"| n4"));
    assert!(mermaid.contains("n1 -->|\"true\"| n2"));
    let dot = stdout(&dynroute(&["graph", file, "--format", "dot"], None));
    assert!(dot.starts_with("digraph route {"));
    assert!(dot.contains("n4 -> n7 [label=\"success\"];"), "{dot}");
    assert!(dot.contains("n4 -> n5 [label=\"fallback\"];"), "{dot}");
    let broken = dynroute(&["graph", "-"], Some("{"));
    assert_eq!(code(&broken), 1);
}

#[test]
fn a_closed_output_pipe_is_not_an_error() {
    use std::io::Read;
    // Far more output than a pipe buffers, so the writer meets the closed pipe.
    let elements: Vec<String> = (0..500)
        .map(|i| format!(r#"{{"id": "s{i}", "type": "start", "outputs": {{"next": {{"elementId": "x{i}"}}}}}}"#))
        .collect();
    let text = format!("[\n{}\n]", elements.join(",\n"));
    for color in ["always", "never"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dynroute"))
            .args(["validate", "--color", color, "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dynroute runs");
        let mut stdin = child.stdin.take().expect("stdin is piped");
        stdin
            .write_all(text.as_bytes())
            .expect("stdin accepts input");
        drop(stdin);
        let mut first = [0u8; 64];
        child
            .stdout
            .take()
            .expect("stdout is piped")
            .read_exact(&mut first)
            .expect("some output");
        // stdout is dropped (closed) here, long before the output ends.
        let out = child.wait_with_output().expect("dynroute finishes");
        assert_eq!(
            code(&out),
            1,
            "--color {color}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn explain_shows_the_rule_s_failing_example_after_its_explanation() {
    for rule in dynroute_validator::RULES {
        let out = dynroute(&["explain", rule.name], None);
        assert_eq!(code(&out), 0);
        let text = stdout(&out);
        let explanation = text
            .find(rule.explanation)
            .unwrap_or_else(|| panic!("{}: no explanation in {text}", rule.name));
        let example = std::fs::read_to_string(example(&format!("invalid/{}.json", rule.name)))
            .expect("example");
        assert!(
            text.ends_with(&example) && text.len() - example.len() > explanation,
            "{}: the example does not follow the explanation:\n{text}",
            rule.name
        );
        assert!(text.contains(&format!("spec/examples/invalid/{}.json", rule.name)));
    }
}

/// Runs `dynroute` with bytes on standard input.
fn dynroute_bytes(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dynroute"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dynroute runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(input)
        .expect("stdin accepts input");
    child.wait_with_output().expect("dynroute finishes")
}

#[test]
fn graph_reports_why_there_is_nothing_to_draw_as_validate_does() {
    let cases: [(&[u8], &str); 5] = [
        (
            b"{",
            "<stdin>:1:1: error[invalid-json]: this object is never closed: the file ends before its `}`\n",
        ),
        (
            b"\xff[]",
            "<stdin>:1:1: error[invalid-json]: the file is not valid UTF-8\n",
        ),
        (
            b"5",
            "<stdin>:1:1: error[schema]: the file is not a route\n",
        ),
        (
            br#"{"name": "r"}"#,
            "<stdin>:1:1: error[schema]: \"elements\" is a required property\n",
        ),
        (
            br#"{"success": true, "result": {}}"#,
            "<stdin>:1:29: error[schema]: the API response holds no route elements\n",
        ),
    ];
    for (input, expected) in cases {
        let out = dynroute_bytes(&["graph", "-"], input);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(code(&out), 1, "{stderr}");
        assert_eq!(stdout(&out), "");
        assert!(stderr.starts_with(expected), "{input:?}: {stderr}");
        // The errors `validate --format short` prints for the same input.
        let validated = dynroute_bytes(&["validate", "--format", "short", "-"], input);
        let errors: String = stdout(&validated)
            .lines()
            .filter(|line| line.contains(": error["))
            .map(|line| format!("{line}\n"))
            .collect();
        assert_eq!(stderr, errors, "{input:?}");
    }
}

/// Puts a hard link to (or else a copy of) `program` at `to`: the running program's path is
/// where `dynroute` looks for `dynroute-full`.
fn place(program: &str, to: &Path) {
    if std::fs::hard_link(program, to).is_err() {
        std::fs::copy(program, to).expect("program copied");
    }
}

#[test]
fn serve_deploy_and_generate_run_dynroute_full_from_the_same_folder() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temporary folder");
    let alone = dir
        .path()
        .join(format!("dynroute{}", std::env::consts::EXE_SUFFIX));
    place(env!("CARGO_BIN_EXE_dynroute"), &alone);
    let description = dir.path().join("description.json");
    std::fs::write(&description, r#"{"openapi": "5.0.0"}"#).expect("description written");
    let out = dir.path().join("out");
    let generate = [
        "generate",
        description.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ];
    // A run that does not end within a minute (a program starting itself over and over) is
    // stopped and fails the test.
    let run = |args: &[&str]| {
        let mut child = Command::new(&alone)
            .args(args)
            .env_remove("DYNROUTE_STARTED_BESIDE")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        let started = std::time::Instant::now();
        while child.try_wait().expect("waited").is_none() {
            if started.elapsed() > std::time::Duration::from_secs(60) {
                let _ = child.kill();
                panic!("{args:?} did not end within a minute");
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        child.wait_with_output().expect("output")
    };
    // Runs `args`: the exit status must be `status` and standard error hold each of `texts`.
    let fails = |args: &[&str], status: i32, texts: &[&str]| {
        let out = run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(code(&out), status, "{args:?}: {stderr}");
        for text in texts {
            assert!(stderr.contains(text), "{args:?}: {stderr}");
        }
    };

    // Without dynroute-full, the subcommand fails and says what is missing, and where.
    let expected = dir
        .path()
        .join(format!("dynroute-full{}", std::env::consts::EXE_SUFFIX));
    let path = expected.to_string_lossy().into_owned();
    let missing = [path.as_str(), "cannot be started"];
    fails(&generate, 2, &missing);
    // Parsing, help and the offline subcommands are dynroute's own.
    assert_eq!(code(&run(&["serve", "--no-such-flag"])), 2);
    let help = run(&["serve", "--help"]);
    assert_eq!(code(&help), 0);
    assert!(stdout(&help).contains("Usage: dynroute serve"));
    let valid = example("valid/support-route.json");
    assert_eq!(code(&run(&["validate", valid.to_str().expect("utf-8")])), 0);
    // dynroute-full also says why a file fails the route schema: without it, such a file
    // ends the run with exit status 2, naming it.
    let failing = dir.path().join("failing.json");
    std::fs::write(
        &failing,
        r#"{"name": "r", "elements": [{"id": "start", "type": "begin"}]}"#,
    )
    .expect("written");
    let failing = failing.to_str().expect("utf-8").to_string();
    fails(&["validate", &failing], 2, &missing);

    // A dynroute-full that is really dynroute would hand the subcommand on again and again:
    // it stops, naming the program. It cannot say why a file fails the schema either.
    place(env!("CARGO_BIN_EXE_dynroute"), &expected);
    fails(&generate, 2, &["handed the subcommand on again"]);
    fails(&["validate", &failing], 2, &["ended without an answer"]);
    std::fs::remove_file(&expected).expect("removed");

    // Beside it, dynroute-full runs the subcommand: its own error and exit status.
    place(env!("CARGO_BIN_EXE_dynroute-full"), &expected);
    fails(&generate, 1, &["unsupported OpenAPI version \"5.0.0\""]);
    assert!(!out.exists());
    // ... and the findings of the route schema come from it, as dynroute-full's own are.
    let explained = run(&["validate", "--format", "json", &failing]);
    let in_full = Command::new(&expected)
        .args(["validate", "--format", "json", &failing])
        .output()
        .expect("runs");
    assert_eq!(
        code(&explained),
        1,
        "{}",
        String::from_utf8_lossy(&explained.stderr)
    );
    assert!(
        stdout(&explained).contains("\"schema\""),
        "{}",
        stdout(&explained)
    );
    assert_eq!(stdout(&explained), stdout(&in_full));
}

#[test]
fn dynroute_leaves_the_json_schema_compiler_to_dynroute_full() {
    // One of the compiler's messages is in a binary only if its code is: `dynroute` starts
    // for every commit and CI run, and asks dynroute-full why a file fails the schema. Nor
    // does it link a regular expression engine, whose Unicode tables the loader would
    // relocate at every start (a name of regex-syntax's property tables stands for them).
    for message in [
        &b"Additional properties are not allowed"[..],
        &b"Changes_When_Casemapped"[..],
    ] {
        let holds = |binary: &str| {
            let bytes = std::fs::read(binary).expect("the binary");
            (0..bytes.len()).any(|i| bytes[i] == message[0] && bytes[i..].starts_with(message))
        };
        assert!(!holds(env!("CARGO_BIN_EXE_dynroute")));
        assert!(holds(env!("CARGO_BIN_EXE_dynroute-full")));
    }
}

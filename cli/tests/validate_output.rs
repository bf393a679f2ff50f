//! What `dynroute validate` prints when the input is hostile or large: text from the file
//! made safe, a bounded number of findings per file, unreadable files recorded in every
//! machine format, rule settings read in command-line order, and colour as the environment
//! asks.

use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod support;

fn run(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dynroute"));
    command
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("dynroute runs");
    support::feed(&mut child, stdin);
    child.wait_with_output().expect("dynroute finishes")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A route whose start points at an element id made of `id` (written with JSON escapes).
fn dangling(id: &str) -> Vec<u8> {
    format!(
        r#"{{"name": "r", "elements": [{{"id": "s", "type": "start", "outputs": {{"next": {{"elementId": "{id}"}}}}}}]}}"#
    )
    .into_bytes()
}

#[test]
fn short_output_cannot_be_forged_by_the_file() {
    // A newline in an id would otherwise start a line of its own that reads as a finding.
    let forged = r"x\nroutes/other.json:1:1: error[schema]: forged\u001b[2J\u202e";
    let out = run(
        &["validate", "--format", "short", "-"],
        &dangling(forged),
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.lines().all(|l| l.starts_with("<stdin>:")),
        "every line is a finding of the file read: {text}"
    );
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text:?}"
    );
    assert!(text.contains(r"x\u{a}routes/other.json"), "{text}");
}

#[test]
fn github_annotations_carry_no_terminal_controls() {
    let out = run(
        &["validate", "--format", "github", "-"],
        &dangling(r"\u001b[31mred"),
        &[],
    );
    let text = stdout(&out);
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(text.contains(r"\u{1b}[31mred"), "{text}");
}

/// A route with `n` model elements whose fallbacks all point nowhere.
fn many_dangling(n: usize) -> Vec<u8> {
    let mut elements = vec![
        r#"{"id": "s", "type": "start", "outputs": {"next": {"elementId": "m0"}}}"#.to_string(),
        r#"{"id": "e", "type": "end", "outputs": {}}"#.to_string(),
    ];
    for i in 0..n {
        let next = if i + 1 < n {
            format!("m{}", i + 1)
        } else {
            "e".to_string()
        };
        elements.push(format!(
            r#"{{"id": "m{i}", "type": "model", "properties": {{"provider": "p", "model": "m", "timeout": 1000, "retries": 0}}, "outputs": {{"success": {{"elementId": "{next}"}}, "fallback": {{"elementId": "gone{i}"}}}}}}"#
        ));
    }
    format!(r#"{{"name": "r", "elements": [{}]}}"#, elements.join(",")).into_bytes()
}

#[test]
fn findings_per_file_are_capped_unless_the_flag_lifts_the_cap() {
    let input = many_dangling(300);
    let capped = run(&["validate", "--format", "json", "-"], &input, &[]);
    assert_eq!(capped.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&capped.stdout).expect("json");
    assert_eq!(doc["diagnostics"].as_array().expect("array").len(), 200);
    assert_eq!(doc["summary"]["errors"], 300);
    assert_eq!(doc["summary"]["omitted"], 100);

    let all = run(
        &[
            "validate",
            "--format",
            "json",
            "--max-diagnostics",
            "0",
            "-",
        ],
        &input,
        &[],
    );
    let doc: Value = serde_json::from_slice(&all.stdout).expect("json");
    assert_eq!(doc["diagnostics"].as_array().expect("array").len(), 300);
    assert_eq!(doc["summary"]["omitted"], 0);

    let short = run(
        &[
            "validate",
            "--format",
            "short",
            "--max-diagnostics",
            "5",
            "-",
        ],
        &input,
        &[],
    );
    let text = stdout(&short);
    assert_eq!(text.lines().count(), 6, "{text}");
    assert!(
        text.ends_with("<stdin>: note: 295 more finding(s) not shown (295 error(s), 0 warning(s)): --max-diagnostics 0 shows all\n"),
        "{text}"
    );
}

#[test]
fn errors_are_kept_before_warnings_when_findings_are_capped() {
    // Unknown properties (warnings) come first in the file; the error comes last.
    let mut text = String::from(r#"{"name": "r", "#);
    for i in 0..10 {
        text.push_str(&format!(r#""k{i}": 1, "#));
    }
    text.push_str(
        r#""elements": [{"id": "s", "type": "start", "outputs": {"next": {"elementId": "x"}}}]}"#,
    );
    let out = run(
        &[
            "validate",
            "--format",
            "short",
            "--max-diagnostics",
            "2",
            "-",
        ],
        text.as_bytes(),
        &[],
    );
    let shown = stdout(&out);
    let findings: Vec<&str> = shown.lines().filter(|l| !l.contains("note:")).collect();
    assert_eq!(findings.len(), 2, "{shown}");
    assert!(
        findings.iter().all(|l| l.contains(": error[")),
        "errors win the places: {shown}"
    );
}

#[test]
fn a_missing_file_is_recorded_in_machine_formats() {
    let valid = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/examples/valid/support-route.json"
    );
    let missing = "/nonexistent/route.json";

    let out = run(&["validate", "--format", "json", valid, missing], b"", &[]);
    assert_eq!(out.status.code(), Some(2));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["summary"]["files"], 1);
    assert_eq!(doc["summary"]["failures"], 1);
    assert_eq!(doc["failures"][0]["file"], missing);
    assert!(
        doc["failures"][0]["message"]
            .as_str()
            .expect("message")
            .starts_with("cannot read /nonexistent/route.json: "),
        "{doc}"
    );

    let out = run(&["validate", "--format", "sarif", valid, missing], b"", &[]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("sarif");
    let invocation = &doc["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    assert_eq!(
        notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "file:///nonexistent/route.json"
    );

    let out = run(
        &["validate", "--format", "github", valid, missing],
        b"",
        &[],
    );
    assert!(
        stdout(&out)
            .starts_with("::error file=/nonexistent/route.json,title=dynroute::cannot read"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn rule_settings_follow_the_command_line_order() {
    let cycle = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/examples/invalid/cycle.json"
    );
    let code = |args: &[&str]| {
        let mut all = vec!["validate", "--format", "short"];
        all.extend_from_slice(args);
        all.push(cycle);
        run(&all, b"", &[]).status.code()
    };
    assert_eq!(code(&["--deny", "cycle", "--allow", "cycle"]), Some(0));
    assert_eq!(code(&["--allow", "cycle", "--deny", "cycle"]), Some(1));
    assert_eq!(code(&["--allow", "cycle", "--warn", "cycle"]), Some(0));
    assert_eq!(
        code(&["--allow", "cycle", "--warn", "cycle", "--deny-warnings"]),
        Some(1)
    );
}

#[test]
fn a_file_that_is_not_a_route_never_passes() {
    for (rule, input) in [
        ("invalid-json", &b"\x00\xff random bytes"[..]),
        ("schema", &b"\"hello\""[..]),
    ] {
        for flag in ["--allow", "--warn"] {
            let out = run(&["validate", flag, rule, "-"], input, &[]);
            assert_eq!(out.status.code(), Some(2), "{flag} {rule}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.contains(&format!("rule `{rule}` is always an error")),
                "{err}"
            );
        }
        let out = run(&["validate", "--deny", rule, "-"], input, &[]);
        assert_eq!(out.status.code(), Some(1), "--deny {rule}");
    }
}

#[test]
fn unknown_rule_names_get_a_suggestion() {
    let out = run(
        &["validate", "--allow", "dangling-refrence", "-"],
        b"[]",
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown rule `dangling-refrence` (did you mean `dangling-reference`?)"),
        "{err}"
    );
}

#[test]
fn colour_follows_force_color_and_no_color() {
    let input = dangling("nowhere");
    let coloured =
        |env: &[(&str, &str)]| stdout(&run(&["validate", "-"], &input, env)).contains('\u{1b}');
    // Standard output is a pipe here: no colour unless forced.
    assert!(!coloured(&[]));
    assert!(coloured(&[("FORCE_COLOR", "1")]));
    assert!(coloured(&[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(&[("CLICOLOR_FORCE", "0")]));
    assert!(!coloured(&[("FORCE_COLOR", "")]));
    // Forcing wins over NO_COLOR, as clap's own colour handling does.
    assert!(coloured(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]));
    // The flag wins over the environment.
    assert!(
        !stdout(&run(
            &["validate", "--color", "never", "-"],
            &input,
            &[("FORCE_COLOR", "1")]
        ))
        .contains('\u{1b}')
    );
}

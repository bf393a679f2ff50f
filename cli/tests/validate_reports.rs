//! What `dynroute validate` reports and how: `--statistics`, `--exit-zero`, `--quiet`,
//! `--output-file`, `--stdin-filename`, the JUnit XML and GitLab Code Quality formats (with
//! unreadable inputs in both), and the "did you mean" of an unknown rule.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod support;

fn run_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dynroute"))
        .current_dir(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dynroute runs");
    support::feed(&mut child, stdin);
    child.wait_with_output().expect("dynroute finishes")
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/examples")
}

/// Runs in `spec/examples`, where `valid/` and `invalid/` are.
fn run(args: &[&str]) -> Output {
    run_in(&examples(), args, b"")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn statistics_count_findings_per_rule_instead_of_listing_them() {
    let args = [
        "validate",
        "--statistics",
        "invalid/cycle.json",
        "invalid/independent-errors.json",
        "invalid/unknown-operator.json",
    ];
    let out = run(&args);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let rows: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().take(3).collect())
        .collect();
    assert!(rows.contains(&vec!["1", "cycle", "error"]), "{text}");
    assert!(
        rows.contains(&vec!["1", "unknown-operator", "warning"]),
        "{text}"
    );
    let counts: Vec<usize> = rows
        .iter()
        .map(|r| r[0].parse().expect("a count"))
        .collect();
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "most first: {text}"
    );
    assert!(!text.contains("invalid/"), "no findings listed: {text}");

    let json = run(&[&args[..], &["--format", "json"]].concat());
    let rows: Value = serde_json::from_slice(&json.stdout).expect("json");
    let total: u64 = rows
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["count"].as_u64().expect("count"))
        .sum();
    let short = run(&[
        "validate",
        "--format",
        "short",
        "--max-diagnostics",
        "0",
        "invalid/cycle.json",
        "invalid/independent-errors.json",
        "invalid/unknown-operator.json",
    ]);
    assert_eq!(total as usize, stdout(&short).lines().count());

    let sarif = run(&[
        "validate",
        "--statistics",
        "--format",
        "sarif",
        "invalid/cycle.json",
    ]);
    assert_eq!(sarif.status.code(), Some(2));
    assert!(
        stderr(&sarif).contains("--statistics"),
        "{}",
        stderr(&sarif)
    );
}

#[test]
fn exit_zero_passes_findings_but_not_unreadable_inputs() {
    assert_eq!(
        run(&["validate", "--exit-zero", "invalid/cycle.json"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(&[
            "validate",
            "--exit-zero",
            "--deny-warnings",
            "invalid/unknown-operator.json"
        ])
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        run(&["validate", "--exit-zero", "missing.json"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn quiet_prints_the_findings_without_the_summary_line() {
    let loud = run(&["validate", "--color", "never", "invalid/cycle.json"]);
    assert!(stderr(&loud).contains("1 error(s), 0 warning(s) in 1 file(s)"));
    let quiet = run(&["validate", "-q", "--color", "never", "invalid/cycle.json"]);
    assert_eq!(quiet.status.code(), Some(1));
    assert_eq!(stderr(&quiet), "");
    assert_eq!(stdout(&quiet), stdout(&loud));
}

#[test]
fn the_output_file_gets_what_standard_output_would() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let file = dir.path().join("reports/deep/out.txt");
    let file_arg = file.to_str().expect("utf-8");
    let to_file = run(&[
        "validate",
        "--format",
        "short",
        "-o",
        file_arg,
        "invalid/cycle.json",
    ]);
    assert_eq!(to_file.status.code(), Some(1));
    assert_eq!(stdout(&to_file), "");
    let to_stdout = run(&["validate", "--format", "short", "invalid/cycle.json"]);
    assert_eq!(
        std::fs::read_to_string(&file).expect("written"),
        stdout(&to_stdout)
    );
    // `auto` colour is off in a file; `always` is honoured.
    run(&["validate", "--output-file", file_arg, "invalid/cycle.json"]);
    assert!(
        !std::fs::read_to_string(&file)
            .expect("written")
            .contains('\u{1b}')
    );
    run(&[
        "validate",
        "--color",
        "always",
        "-o",
        file_arg,
        "invalid/cycle.json",
    ]);
    assert!(
        std::fs::read_to_string(&file)
            .expect("written")
            .contains('\u{1b}')
    );

    // A file that cannot be written is an I/O error naming it.
    let blocked = dir.path().join("plain");
    std::fs::write(&blocked, "").expect("written");
    let inside = blocked.join("out.txt");
    let out = run(&[
        "validate",
        "-o",
        inside.to_str().expect("utf-8"),
        "valid/support-route.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("cannot write {}", inside.display())),
        "{}",
        stderr(&out)
    );
}

#[test]
fn standard_input_is_shown_under_the_given_name() {
    let text = std::fs::read(examples().join("invalid/cycle.json")).expect("example");
    let out = run_in(
        &examples(),
        &[
            "validate",
            "--format",
            "short",
            "--stdin-filename",
            "routes/main.json",
        ],
        &text,
    );
    assert!(
        stdout(&out).starts_with("routes/main.json:15:82: error[cycle]"),
        "{}",
        stdout(&out)
    );
}

/// A route whose start element points at an id made of `id` (JSON escapes allowed).
fn dangling(id: &str) -> Vec<u8> {
    format!(
        r#"{{"name": "r", "elements": [{{"id": "s", "type": "start", "outputs": {{"next": {{"elementId": "{id}"}}}}}}, {{"id": "e", "type": "end", "outputs": {{}}}}]}}"#
    )
    .into_bytes()
}

#[test]
fn junit_has_a_suite_per_file_a_case_per_finding_and_a_passing_case_for_a_clean_file() {
    let out = run(&[
        "validate",
        "--format",
        "junit",
        "valid/support-route.json",
        "invalid/independent-errors.json",
        "missing.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    let names: Vec<&str> = suites.iter().filter_map(|s| s.attribute("name")).collect();
    assert_eq!(
        names,
        [
            "valid/support-route.json",
            "invalid/independent-errors.json",
            "missing.json"
        ]
    );
    let cases = |suite: &roxmltree::Node| -> Vec<(String, Option<String>)> {
        suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .map(|case| {
                let outcome = case
                    .children()
                    .find(|n| n.is_element())
                    .map(|n| n.tag_name().name().to_string());
                (
                    case.attribute("name").unwrap_or_default().to_string(),
                    outcome,
                )
            })
            .collect()
    };
    assert_eq!(cases(&suites[0]), [("no findings".to_string(), None)]);
    let failing = cases(&suites[1]);
    assert_eq!(failing.len(), 4, "{text}");
    assert!(
        failing.iter().all(|(_, o)| o.as_deref() == Some("failure")),
        "{text}"
    );
    assert_eq!(suites[1].attribute("failures"), Some("4"));
    assert_eq!(
        cases(&suites[2]),
        [("read".to_string(), Some("error".to_string()))]
    );
    let error = suites[2]
        .descendants()
        .find(|n| n.has_tag_name("error"))
        .expect("error");
    assert!(
        error
            .attribute("message")
            .expect("message")
            .contains("cannot read missing.json")
    );
    assert_eq!(root.attribute("tests"), Some("6"));
    assert_eq!(root.attribute("failures"), Some("4"));
    assert_eq!(root.attribute("errors"), Some("1"));
}

#[test]
fn junit_stays_well_formed_whatever_the_file_holds() {
    let hostile = dangling(r#"<a href=\"x\">&amp;\u0000\u001b[2J\u202e\uffff\ufffe]]>"#);
    let out = run_in(
        &examples(),
        &[
            "validate",
            "--format",
            "junit",
            "--stdin-filename",
            "a<b>&\"c'.json",
        ],
        &hostile,
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure") && n.attribute("type") == Some("dangling-reference"))
        .expect("the dangling reference fails");
    let body = failure.text().expect("a body");
    assert!(body.starts_with("a<b>&\"c'.json:1:"), "{body}");
    assert!(
        body.contains(r"\u{0}\u{1b}[2J\u{202e}\u{ffff}\u{fffe}]]>"),
        "{body}"
    );
    assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'));
}

#[test]
fn gitlab_code_quality_has_the_fields_gitlab_reads() {
    let args = [
        "validate",
        "--format",
        "gitlab",
        "invalid/cycle.json",
        "invalid/unknown-operator.json",
        "missing.json",
    ];
    let out = run(&args);
    assert_eq!(out.status.code(), Some(2));
    let issues: Value = serde_json::from_slice(&out.stdout).expect("json");
    let issues = issues.as_array().expect("an array");
    assert_eq!(issues.len(), 3, "{issues:?}");
    for issue in issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(issue[key].is_string(), "{key} in {issue}");
        }
        assert!(issue["location"]["path"].is_string(), "{issue}");
        assert!(
            issue["location"]["lines"]["begin"]
                .as_u64()
                .is_some_and(|l| l >= 1)
        );
        assert_eq!(issue["fingerprint"].as_str().map(str::len), Some(32));
    }
    let by_check = |name: &str| {
        issues
            .iter()
            .find(|i| i["check_name"] == name)
            .unwrap_or_else(|| panic!("{name} in {issues:?}"))
    };
    assert_eq!(by_check("cycle")["severity"], "major");
    assert_eq!(by_check("cycle")["location"]["path"], "invalid/cycle.json");
    assert_eq!(by_check("cycle")["location"]["lines"]["begin"], 15);
    assert_eq!(by_check("unknown-operator")["severity"], "minor");
    let unreadable = by_check("unreadable-file");
    assert_eq!(unreadable["location"]["path"], "missing.json");
    assert!(
        unreadable["description"]
            .as_str()
            .expect("text")
            .contains("cannot read missing.json")
    );

    // Fingerprints are distinct, and the same on every run.
    let mut prints: Vec<&str> = issues
        .iter()
        .filter_map(|i| i["fingerprint"].as_str())
        .collect();
    let again: Value = serde_json::from_slice(&run(&args).stdout).expect("json");
    let again: Vec<&str> = again
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|i| i["fingerprint"].as_str())
        .collect();
    assert_eq!(prints, again);
    prints.sort_unstable();
    prints.dedup();
    assert_eq!(prints.len(), issues.len());
}

#[test]
fn unknown_rule_names_get_a_suggestion_everywhere() {
    for args in [
        &["explain", "dangling-refrence"][..],
        &[
            "validate",
            "--deny",
            "dangling-refrence",
            "valid/support-route.json",
        ],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out)
                .contains("unknown rule `dangling-refrence` (did you mean `dangling-reference`?)"),
            "{}",
            stderr(&out)
        );
    }
}

//! `dynroute test` end to end: the example test files pass; failures say expected vs actual
//! at the case's line:column; the four formats; coverage and --fail-under; malformed test
//! files and invalid routes; discovery of test files in folders.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/examples")
}

fn dynroute(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dynroute"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("dynroute runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A folder with the support route and the given test files.
fn workspace(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("dynroute-test-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("routes/nested")).expect("folders");
    std::fs::copy(
        examples().join("valid/support-route.json"),
        dir.join("routes/support.json"),
    )
    .expect("route copied");
    for (path, text) in files {
        std::fs::write(dir.join(path), text).expect("test file written");
    }
    dir
}

#[test]
fn the_example_test_files_pass_with_full_coverage() {
    let out = dynroute(&["test", "tests", "--fail-under", "100"], &examples());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    assert!(text.contains("12 passed, 0 failed, 0 errors"), "{text}");
    assert!(
        text.contains("100.00 %  valid/support-route.json  (13 of 13)"),
        "{text}"
    );
}

const FAILING: &str = "route: support.json
cases:
  - name: passes
    request: {metadata: {plan: free}}
    expect: {provider: workers-ai}
  - name: wrong model
    request: {metadata: {plan: paid}}
    draw: 50
    expect:
      model: gpt-4o
      path: [start, plan, split, gpt-4o, end]
";

#[test]
fn a_failing_case_says_expected_and_actual_at_its_position() {
    let dir = workspace("failing", &[("routes/support.test.yaml", FAILING)]);
    let out = dynroute(&["test"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("PASS  passes"), "{text}");
    assert!(
        text.contains("FAIL  wrong model  (routes/support.test.yaml:6:5)"),
        "{text}"
    );
    assert!(
        text.contains("model: expected \"gpt-4o\", got \"gpt-4o-mini\""),
        "{text}"
    );
    assert!(
        text.contains("path: expected start -> plan -> split -> gpt-4o -> end, got start -> plan -> split -> gpt-4o-mini -> end"),
        "{text}"
    );

    let json: Value = serde_json::from_slice(&dynroute(&["test", "--format", "json"], &dir).stdout)
        .expect("json");
    assert_eq!(
        json["summary"],
        serde_json::json!({"passed": 1, "failed": 1, "errors": 0})
    );
    let failed = &json["cases"][1];
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["line"], 6);
    assert_eq!(failed["mismatches"][0]["field"], "model");

    let junit = stdout(&dynroute(&["test", "--format", "junit"], &dir));
    assert!(
        junit.contains(
            "<testsuites name=\"dynroute test\" tests=\"2\" failures=\"1\" errors=\"0\">"
        ),
        "{junit}"
    );
    assert!(
        junit.contains(
            "<failure message=\"model: expected &quot;gpt-4o&quot;, got &quot;gpt-4o-mini&quot;\">"
        ),
        "{junit}"
    );

    let github = stdout(&dynroute(&["test", "--format", "github"], &dir));
    assert!(
        github.starts_with("::error file=routes/support.test.yaml,line=6,col=5,title=dynroute test%3A wrong model::model: expected"),
        "{github}"
    );
}

#[test]
fn coverage_lists_uncovered_edges_at_their_place_in_the_route() {
    let one = "route: support.json\ncases:\n  - name: free\n    request: {metadata: {plan: free}}\n    expect: {outcome: served}\n";
    let dir = workspace("coverage", &[("routes/one.test.yaml", one)]);
    let out = dynroute(&["test", "--coverage"], &dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "coverage alone does not fail the run"
    );
    let text = stdout(&out);
    // start->plan, plan->true, budget->success, workers-ai->success: 4 of 13.
    assert!(
        text.contains("30.77 %  routes/support.json  (4 of 13)"),
        "{text}"
    );
    assert!(
        text.contains("routes/support.json:18:33: `plan` -> false -> `split` is never taken"),
        "{text}"
    );
    let out = dynroute(&["test", "--fail-under", "50"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("coverage 30.77 % is below --fail-under 50 %")
    );
    assert_eq!(
        dynroute(&["test", "--fail-under", "30"], &dir)
            .status
            .code(),
        Some(0)
    );
    let github = stdout(&dynroute(
        &["test", "--format", "github", "--coverage"],
        &dir,
    ));
    assert!(
        github.contains("::notice file=routes/support.json,line=18,col=33,title=uncovered edge::"),
        "{github}"
    );
}

#[test]
fn malformed_test_files_are_usage_errors_with_positions() {
    for (name, text, expected) in [
        (
            "key",
            "route: support.json\ncases:\n  - name: x\n    expct: {}\n",
            "routes/bad.test.yaml:4:5: unknown key `expct`",
        ),
        ("yaml", "cases: [\n", "routes/bad.test.yaml:2:1"),
        (
            "placeholder",
            "route: support.json\ncases:\n  - name: \"{a}\"\n    expect: {model: \"{b}\"}\n    rows: [{a: 1}]\n",
            "the placeholder `{b}` names no column",
        ),
        (
            "draw",
            "route: support.json\ncases:\n  - name: x\n    draw: 100\n    expect: {}\n",
            "routes/bad.test.yaml:4:11",
        ),
    ] {
        let dir = workspace(
            &format!("malformed-{name}"),
            &[("routes/bad.test.yaml", text)],
        );
        let out = dynroute(&["test"], &dir);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{name}: {stderr}");
    }
}

#[test]
fn a_case_whose_route_is_invalid_or_missing_is_an_error() {
    let text = "cases:\n  - name: missing\n    route: nowhere.json\n    expect: {}\n  - name: invalid\n    route: invalid.json\n    expect: {}\n";
    let dir = workspace("invalid-route", &[("routes/x.test.yaml", text)]);
    std::fs::copy(
        examples().join("invalid/cycle.json"),
        dir.join("routes/invalid.json"),
    )
    .expect("copied");
    let out = dynroute(&["test"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("ERROR missing"), "{text}");
    assert!(text.contains("error[cycle]"), "{text}");
    assert!(text.contains("0 passed, 0 failed, 2 errors"), "{text}");
}

#[test]
fn folders_are_searched_for_test_files_only() {
    let pass = "route: ../support.json\ncases:\n  - name: nested\n    expect: {}\n";
    let dir = workspace(
        "discovery",
        &[
            (
                "routes/nested/a.test.json",
                "{\"route\": \"../support.json\", \"cases\": [{\"name\": \"json\", \"expect\": {}}]}",
            ),
            ("routes/nested/b.test.yml", pass),
            ("routes/notes.yaml", "not: a test"),
        ],
    );
    let out = dynroute(&["test", "routes"], &dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains("2 passed"), "{}", stdout(&out));
    let out = dynroute(&["test", "no-such-folder"], &dir);
    assert_eq!(out.status.code(), Some(2));
    let empty = workspace("empty", &[]);
    assert_eq!(
        dynroute(&["test"], &empty).status.code(),
        Some(2),
        "no test files is a usage error"
    );
}

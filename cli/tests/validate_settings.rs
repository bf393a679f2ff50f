//! The settings file of `dynroute validate`: the `validate` object of the nearest
//! `.dynroute.json` (beside the deploy settings), overridden by flags, and every mistake in
//! it reported with the file, the position and the JSON pointer.

mod support;

use std::path::Path;
use std::process::Output;

use support::{stderr, stdout};

fn run(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    support::run_in(dir, args, stdin)
}

fn example(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../spec/examples/invalid")
            .join(name),
    )
    .expect("example")
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("folder created");
    std::fs::write(path, text).expect("file written");
}

/// `(file, severity, rule)` of each finding in short-format output.
fn findings(out: &Output) -> Vec<(String, String, String)> {
    stdout(out)
        .lines()
        .filter(|l| !l.contains(": note: "))
        .map(|line| {
            let file = line.split(':').next().unwrap_or_default().to_string();
            let tail = line.split(": ").nth(1).unwrap_or_default();
            let (severity, rule) = tail.split_once('[').unwrap_or_default();
            (
                file,
                severity.to_string(),
                rule.trim_end_matches(']').to_string(),
            )
        })
        .collect()
}

fn finding(file: &str, severity: &str, rule: &str) -> (String, String, String) {
    (file.to_string(), severity.to_string(), rule.to_string())
}

/// `routes/cycle.json` (one `cycle` error), `routes/legacy/cycle.json` and
/// `routes/operator.json` (`unknown-operator` warnings).
fn routes() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    write(dir.path(), "routes/cycle.json", &example("cycle.json"));
    write(
        dir.path(),
        "routes/legacy/cycle.json",
        &example("cycle.json"),
    );
    write(
        dir.path(),
        "routes/operator.json",
        &example("unknown-operator.json"),
    );
    dir
}

#[test]
fn rule_severities_and_per_file_ignores_apply_and_flags_override_the_rules() {
    let dir = routes();
    write(
        dir.path(),
        ".dynroute.json",
        r#"{
          "account_id": "acc", "gateway_id": "gw",
          "validate": {
            "rules": {"cycle": "warning", "unknown-operator": "error"},
            "per_file_ignores": {"routes/legacy/": ["cycle"]}
          }
        }"#,
    );
    let out = run(
        dir.path(),
        &["validate", "--format", "short", "routes"],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let found = findings(&out);
    assert!(found.contains(&finding("routes/cycle.json", "warning", "cycle")));
    assert!(found.contains(&finding(
        "routes/operator.json",
        "error",
        "unknown-operator"
    )));
    assert!(
        !found.iter().any(|f| f.0 == "routes/legacy/cycle.json"),
        "{found:?}"
    );

    let out = run(
        dir.path(),
        &[
            "validate",
            "--format",
            "short",
            "--deny",
            "cycle",
            "--allow",
            "unknown-operator",
            "routes",
        ],
        None,
    );
    let found = findings(&out);
    assert!(found.contains(&finding("routes/cycle.json", "error", "cycle")));
    assert!(
        !found.iter().any(|f| f.2 == "unknown-operator"),
        "{found:?}"
    );
    // Per-file ignores still apply: the flag changes the rule, the file stays exempt.
    assert!(!found.iter().any(|f| f.0 == "routes/legacy/cycle.json"));

    // Without settings everything is reported with its default severity.
    let out = run(
        dir.path(),
        &["validate", "--format", "short", "--no-config", "routes"],
        None,
    );
    assert!(findings(&out).contains(&finding("routes/legacy/cycle.json", "error", "cycle")));
}

#[test]
fn the_nearest_settings_file_with_a_validate_object_applies_whole() {
    let dir = routes();
    write(
        dir.path(),
        ".dynroute.json",
        r#"{"validate": {"rules": {"cycle": "off"}}}"#,
    );
    // Deploy settings only: passed over on the way up.
    write(
        dir.path(),
        "routes/.dynroute.json",
        r#"{"gateway_id": "gw"}"#,
    );
    // Its own validate object: the top one does not apply below it.
    write(
        dir.path(),
        "routes/legacy/.dynroute.json",
        r#"{"validate": {"rules": {"unknown-operator": "off"}}}"#,
    );
    let out = run(dir.path(), &["validate", "--format", "short"], None);
    let found = findings(&out);
    assert_eq!(
        found,
        [
            finding("routes/legacy/cycle.json", "error", "cycle"),
            finding("routes/operator.json", "warning", "unknown-operator"),
        ],
        "{}",
        stdout(&out)
    );

    // Run from inside a folder: the search starts from each file's folder all the same.
    let out = run(
        &dir.path().join("routes/legacy"),
        &[
            "validate",
            "--format",
            "short",
            "cycle.json",
            "../cycle.json",
        ],
        None,
    );
    assert_eq!(
        findings(&out),
        [finding("cycle.json", "error", "cycle")],
        "{}",
        stdout(&out)
    );
}

#[test]
fn excludes_of_the_settings_file_are_relative_to_its_folder() {
    let dir = routes();
    write(
        dir.path(),
        "routes/.dynroute.json",
        r#"{"validate": {"exclude": ["legacy/", "operator.json"]}}"#,
    );
    let out = run(dir.path(), &["validate", "--format", "short"], None);
    assert_eq!(
        findings(&out),
        [finding("routes/cycle.json", "error", "cycle")]
    );
    let out = run(
        dir.path(),
        &[
            "validate",
            "--format",
            "short",
            "--force-exclude",
            "routes/operator.json",
        ],
        None,
    );
    assert_eq!(stdout(&out), "");
}

#[test]
fn max_diagnostics_comes_from_the_file_unless_the_flag_says() {
    let dir = routes();
    write(
        dir.path(),
        ".dynroute.json",
        r#"{"validate": {"max_diagnostics": 1}}"#,
    );
    write(
        dir.path(),
        "routes/four.json",
        &example("independent-errors.json"),
    );
    let shown = |args: &[&str]| {
        let out = run(
            dir.path(),
            &[&["validate", "--format", "short"][..], args].concat(),
            None,
        );
        findings(&out).len()
    };
    assert_eq!(shown(&["routes/four.json"]), 1);
    assert_eq!(shown(&["--max-diagnostics", "0", "routes/four.json"]), 4);
    assert_eq!(shown(&["--max-diagnostics", "2", "routes/four.json"]), 2);
}

#[test]
fn standard_input_is_governed_from_the_current_folder_or_its_given_name() {
    let dir = routes();
    write(
        dir.path(),
        ".dynroute.json",
        r#"{"validate": {"per_file_ignores": {"legacy/*.json": ["cycle"]}}}"#,
    );
    let cycle = example("cycle.json");
    let args = ["validate", "--format", "short", "--stdin-filename"];
    let out = run(
        dir.path(),
        &[&args[..], &["legacy/x.json"]].concat(),
        Some(cycle.as_bytes()),
    );
    assert_eq!((out.status.code(), stdout(&out)), (Some(0), String::new()));
    let out = run(
        dir.path(),
        &[&args[..], &["routes/x.json"]].concat(),
        Some(cycle.as_bytes()),
    );
    assert_eq!(findings(&out), [finding("routes/x.json", "error", "cycle")]);
}

#[test]
fn a_settings_file_named_on_the_command_line_governs_everything() {
    let dir = routes();
    write(
        dir.path(),
        "elsewhere/strict.json",
        r#"{"validate": {"rules": {"unknown-operator": "error"}}}"#,
    );
    write(
        dir.path(),
        ".dynroute.json",
        r#"{"validate": {"rules": {"unknown-operator": "off"}}}"#,
    );
    let out = run(
        dir.path(),
        &[
            "validate",
            "--format",
            "short",
            "--config",
            "elsewhere/strict.json",
            "routes/operator.json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = run(
        dir.path(),
        &["validate", "--config", "missing.json", "routes"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read "), "{}", stderr(&out));
}

#[test]
fn every_mistake_names_the_file_the_position_and_the_pointer() {
    for (text, expected) in [
        (
            "{\"validate\": {\"rules\": {\"cylce\": \"off\"}}}",
            ".dynroute.json:1:25: /validate/rules/cylce: unknown rule `cylce` (did you mean `cycle`?)",
        ),
        (
            "{\n  \"validate\": {\"exclude\": [], \"ignore\": []}\n}",
            ".dynroute.json:2:31: /validate/ignore: unknown key `ignore`",
        ),
        (
            "{\"validate\": {\"rules\": {\"invalid-json\": \"warning\"}}}",
            ".dynroute.json:1:25: /validate/rules/invalid-json: rule `invalid-json` is always an error",
        ),
        (
            "{\"validate\": {\"per_file_ignores\": {\"*.json\": [\"schema\"]}}}",
            ".dynroute.json:1:47: /validate/per_file_ignores/*.json/0: rule `schema` is always an error",
        ),
        (
            "{\"validate\": {\"rules\": {\"cycle\": \"warn\"}}}",
            "/validate/rules/cycle: the severity of `cycle` must be \"off\", \"warning\" or \"error\"",
        ),
        (
            "{\"validate\": {\"max_diagnostics\": \"10\"}}",
            "/validate/max_diagnostics: must be a whole number",
        ),
        (
            "{\"validat\": {}}",
            ".dynroute.json:1:2: /validat: unknown key `validat`",
        ),
        ("{\"validate\": {}} x", ".dynroute.json:1:18: "),
    ] {
        let dir = routes();
        write(dir.path(), ".dynroute.json", text);
        let out = run(dir.path(), &["validate", "routes"], None);
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = stderr(&out);
        assert!(err.starts_with("dynroute: /"), "{err}");
        assert!(err.contains(expected), "{text}: {err}");
        assert_eq!(stdout(&out), "", "nothing is checked with broken settings");
    }
}

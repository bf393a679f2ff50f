//! Every file in spec/examples/ is validated and its diagnostics compared with a snapshot in
//! tests/snapshots/ (regenerate with `EXPECTORATE=overwrite cargo test -p dynroute-validator`).
//! Valid examples must be clean; each invalid example named after a rule must trigger it.

use std::path::{Path, PathBuf};

use dynroute_validator::output::{Format, render_string};
use dynroute_validator::{Config, Diagnostic, RULES, Report, check_source};

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/examples")
}

fn examples(kind: &str) -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(examples_dir().join(kind))
        .expect("spec/examples exists")
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = format!(
                "spec/examples/{kind}/{}",
                p.file_name().expect("file name").to_string_lossy()
            );
            (name, std::fs::read_to_string(&p).expect("readable example"))
        })
        .collect()
}

fn check(name: &str, text: &str) -> Vec<Diagnostic> {
    check_source(name, text, &Config::default()).expect("embedded schema compiles")
}

fn snapshot_text(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}:{} {}[{}] at {:?}\n  {}\n  help: {}\n",
                d.line,
                d.column,
                d.severity.as_str(),
                d.rule,
                d.pointer,
                d.message,
                d.help
            )
        })
        .collect()
}

#[test]
fn valid_examples_have_no_diagnostics() {
    let valid = examples("valid");
    assert!(valid.len() >= 3);
    for (name, text) in valid {
        let diagnostics = check(&name, &text);
        assert!(
            diagnostics.is_empty(),
            "{name}:\n{}",
            snapshot_text(&diagnostics)
        );
    }
}

/// Rules an example cannot avoid besides its own: a non-end element with no way out needs
/// either empty percentage outputs, a loop or a dangling reference, each a finding of its own.
const COMPANIONS: &[(&str, &str)] = &[("dead-end", "percentage-sum")];

#[test]
fn every_rule_has_an_invalid_example_that_triggers_only_it() {
    let invalid = examples("invalid");
    for rule in RULES {
        let file = format!("spec/examples/invalid/{}.json", rule.name);
        let (_, text) = invalid
            .iter()
            .find(|(n, _)| *n == file)
            .unwrap_or_else(|| panic!("missing example {file}"));
        let diagnostics = check(&file, text);
        assert!(
            diagnostics.iter().any(|d| d.rule == rule.name),
            "{file} does not trigger {}:\n{}",
            rule.name,
            snapshot_text(&diagnostics)
        );
        let expected = |r: &str| r == rule.name || COMPANIONS.contains(&(rule.name, r));
        assert!(
            diagnostics.iter().all(|d| expected(d.rule)),
            "{file} triggers other rules:\n{}",
            snapshot_text(&diagnostics)
        );
    }
}

#[test]
fn invalid_examples_match_snapshots() {
    for (name, text) in examples("invalid") {
        let diagnostics = check(&name, &text);
        let stem = Path::new(&name)
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        expectorate::assert_contents(
            format!("tests/snapshots/{stem}.txt"),
            &snapshot_text(&diagnostics),
        );
    }
}

#[test]
fn a_schema_error_does_not_hide_graph_errors() {
    let name = "spec/examples/invalid/independent-errors.json";
    let text = std::fs::read_to_string(examples_dir().join("invalid/independent-errors.json"))
        .expect("example");
    let rules: Vec<&str> = check(name, &text).iter().map(|d| d.rule).collect();
    assert!(rules.contains(&"schema"));
    assert!(rules.contains(&"dangling-reference"));
}

#[test]
fn output_formats_match_snapshots() {
    let name = "spec/examples/invalid/independent-errors.json";
    let text = std::fs::read_to_string(examples_dir().join("invalid/independent-errors.json"))
        .expect("example");
    let diagnostics = check(name, &text);
    let reports = [Report {
        file: name.to_string(),
        text,
        diagnostics,
        omitted: Default::default(),
    }];
    for (format, ext) in [
        (Format::Human, "human.txt"),
        (Format::Short, "short.txt"),
        (Format::Json, "json"),
        (Format::Sarif, "sarif.json"),
        (Format::Github, "github.txt"),
    ] {
        let rendered = render_string(format, &reports).expect("renders");
        expectorate::assert_contents(format!("tests/snapshots/format.{ext}"), &rendered);
    }
}

/// Every `$schema` of an example (route or test file) names a file that exists, relative to
/// the example, so editors complete the showcase files.
#[test]
fn example_schema_references_resolve() {
    let mut checked = 0;
    let mut dirs = vec![examples_dir()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("examples dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let Ok(serde_json::Value::Object(doc)) = serde_json::from_str(&text) else {
                continue;
            };
            if let Some(schema) = doc.get("$schema").and_then(|s| s.as_str()) {
                let target = path.parent().expect("parent").join(schema);
                assert!(
                    target.is_file(),
                    "{}: $schema {schema} does not exist",
                    path.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 2, "the showcase files name their schema");
}

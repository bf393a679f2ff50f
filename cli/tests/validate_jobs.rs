//! `dynroute validate --jobs N`: files are checked on N threads, and the output, standard
//! error and exit status are the same for every N, files reported in the order given or
//! walked, unreadable files where they stand.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use support::{short_files as files, stderr, stdout};

/// Files generated: more than one round of files at `-j 1` (64 files a round per thread).
const FILES: usize = 150;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/examples")
}

/// A chain of `n` models whose last success points at an element that does not exist: slow
/// enough to check that, on several threads, it finishes after the files behind it.
fn slow_route(n: usize) -> String {
    let mut elements = vec![
        r#"{"id": "start", "type": "start", "outputs": {"next": {"elementId": "m0"}}}"#.to_string(),
    ];
    for i in 0..n {
        let next = if i + 1 < n {
            format!("m{}", i + 1)
        } else {
            "nowhere".to_string()
        };
        elements.push(format!(
            r#"{{"id": "m{i}", "type": "model", "properties": {{"provider": "openai", "model": "gpt-4o", "timeout": 1000, "retries": 1}}, "outputs": {{"success": {{"elementId": "{next}"}}, "fallback": {{"elementId": "end"}}}}}}"#
        ));
    }
    elements.push(r#"{"id": "end", "type": "end", "outputs": {}}"#.to_string());
    format!(
        "{{\"name\": \"slow\", \"elements\": [\n{}\n]}}\n",
        elements.join(",\n")
    )
}

/// A folder of `FILES` route files, `f000.json` onwards: the first is a large route with an
/// error, the others copies of the valid and invalid examples in turn (clean files, errors,
/// warnings, text that is not JSON), one of them not UTF-8.
fn routes() -> tempfile::TempDir {
    let mut templates: Vec<Vec<u8>> = Vec::new();
    for kind in ["valid", "invalid"] {
        let mut names: Vec<PathBuf> = std::fs::read_dir(examples().join(kind))
            .expect("the examples")
            .map(|entry| entry.expect("an example").path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .collect();
        names.sort();
        templates.extend(
            names
                .iter()
                .map(|path| std::fs::read(path).expect("an example")),
        );
    }
    assert!(templates.len() > 10, "the examples are there");
    let dir = tempfile::tempdir().expect("a temporary folder");
    for i in 0..FILES {
        let bytes = match i {
            0 => slow_route(3_000).into_bytes(),
            7 => b"{\"name\": \"\xff\", \"elements\": []}".to_vec(),
            _ => templates[i % templates.len()].clone(),
        };
        std::fs::write(dir.path().join(format!("f{i:03}.json")), bytes).expect("a route file");
    }
    dir
}

/// Runs `dynroute validate ARGS --jobs N` for each N and checks that standard output,
/// standard error and the exit status are the same; returns the output of the first N.
fn same_for_every_n(dir: &Path, args: &[&str], expected_status: i32) -> Output {
    let runs: Vec<(&str, Output)> = ["1", "4", "2"]
        .into_iter()
        .map(|jobs| {
            let mut full = vec!["validate", "--jobs", jobs];
            full.extend_from_slice(args);
            (jobs, support::run_in(dir, &full, None))
        })
        .collect();
    let (_, first) = &runs[0];
    assert_eq!(
        first.status.code(),
        Some(expected_status),
        "{args:?}: {}",
        stderr(first)
    );
    for (jobs, out) in &runs[1..] {
        assert_eq!(out.status.code(), first.status.code(), "{args:?} -j {jobs}");
        assert!(
            out.stdout == first.stdout,
            "{args:?}: standard output of -j {jobs} differs from -j 1:\n{}\n---\n{}",
            stdout(out),
            stdout(first)
        );
        assert_eq!(stderr(out), stderr(first), "{args:?} -j {jobs}");
    }
    runs.into_iter().next().map(|(_, out)| out).expect("a run")
}

#[test]
fn a_walked_folder_gives_the_same_output_on_any_number_of_threads() {
    let dir = routes();
    for format in ["json", "short", "human"] {
        let out = same_for_every_n(dir.path(), &["--format", format, "."], 1);
        assert!(!out.stdout.is_empty(), "{format}: findings are reported");
        if format == "json" {
            let doc: serde_json::Value =
                serde_json::from_slice(&out.stdout).expect("a json document");
            assert_eq!(doc["summary"]["files"], FILES, "{doc}");
            assert_eq!(doc["diagnostics"][0]["file"], "./f000.json", "{doc}");
        }
    }
    let out = same_for_every_n(dir.path(), &["--format", "short", "."], 1);
    let shown = files(&out);
    let mut sorted = shown.clone();
    sorted.sort();
    assert_eq!(shown, sorted, "walked files are reported in sorted order");
    assert_eq!(shown.first().map(String::as_str), Some("./f000.json"));
    same_for_every_n(dir.path(), &["--statistics", "--format", "json", "."], 1);
}

#[test]
fn files_named_in_any_order_are_reported_in_that_order_with_unreadable_ones_in_place() {
    let dir = routes();
    // Every file once, in an order that is not sorted, the large one first, a missing
    // file in the middle.
    let mut names: Vec<String> = (0..FILES)
        .map(|i| format!("f{:03}.json", (i * 7) % FILES))
        .collect();
    names.insert(FILES / 2, "missing.json".to_string());
    let mut args: Vec<&str> = vec!["--format", "short"];
    args.extend(names.iter().map(String::as_str));
    let out = same_for_every_n(dir.path(), &args, 2);
    let shown = files(&out);
    let expected: Vec<&String> = names.iter().filter(|n| shown.contains(n)).collect();
    assert_eq!(shown.iter().collect::<Vec<_>>(), expected);
    assert_eq!(shown.first().map(String::as_str), Some("f000.json"));
    assert!(
        stderr(&out).contains("cannot read missing.json"),
        "{}",
        stderr(&out)
    );
    args[1] = "json";
    let out = same_for_every_n(dir.path(), &args, 2);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a json document");
    assert_eq!(doc["summary"]["files"], FILES, "{doc}");
    assert_eq!(doc["failures"][0]["file"], "missing.json", "{doc}");
    args[1] = "human";
    same_for_every_n(dir.path(), &args, 2);
}

#[test]
fn jobs_zero_means_one_thread_per_core_and_other_values_are_usage_errors() {
    let dir = routes();
    let out = support::run_in(
        dir.path(),
        &["validate", "-j", "0", "--format", "short", "f001.json"],
        None,
    );
    let one = support::run_in(
        dir.path(),
        &["validate", "-j", "1", "--format", "short", "f001.json"],
        None,
    );
    assert_eq!(out.status.code(), one.status.code(), "{}", stderr(&out));
    assert_eq!(stdout(&out), stdout(&one));
    for bad in ["many", "", "-1"] {
        let out = support::run_in(dir.path(), &["validate", "--jobs", bad, "."], None);
        assert_eq!(out.status.code(), Some(2), "--jobs {bad:?}");
        assert!(
            stdout(&out).is_empty(),
            "--jobs {bad:?}: nothing is checked"
        );
    }
}

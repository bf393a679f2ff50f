//! Wall time of whole `dynroute` processes, measured in one run so that ratios hold on a
//! noisy machine:
//!
//! * `process/validate_typical_route`: `dynroute validate` on
//!   spec/examples/valid/support-route.json (start-up, schema compilation, checks, output);
//! * `process/test_10000_cases`: `dynroute test --coverage` on a YAML file of 10,000 written-out
//!   cases (conditions, pinned and unpinned draws with distributions, failures, counters)
//!   against the same route: reading the file with positions, validating the route once,
//!   running every case, coverage.
//!
//! Run: `cargo bench -p dynroute --bench process`

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use criterion::{Criterion, criterion_group, criterion_main};

/// A test file of `n` cases over `support-route.json`, five kinds in turn.
fn test_file(n: usize) -> String {
    let mut out = String::from("route: support-route.json\ncases:\n");
    for i in 0..n {
        let user = i % 97;
        let case = match i % 5 {
            0 => format!(
                "  - name: free user {i}\n    request: {{metadata: {{plan: free, user_id: \"{user}\"}}}}\n    expect: {{outcome: served, model: \"@cf/meta/llama-3.1-8b-instruct\"}}\n"
            ),
            1 => format!(
                "  - name: free user {i} over the limit\n    request: {{metadata: {{plan: free, user_id: \"{user}\"}}}}\n    used: {{budget: {{\"{user}\": 100}}}}\n    expect: {{outcome: failed}}\n"
            ),
            2 => format!(
                "  - name: paid split {i}\n    request: {{metadata: {{plan: paid}}, headers: {{x-request: \"{i}\"}}}}\n    expect:\n      distribution:\n        - {{model: gpt-4o, probability: 0.1}}\n        - {{model: gpt-4o-mini, probability: 0.9}}\n"
            ),
            3 => format!(
                "  - name: draw {i}\n    request: {{metadata: {{plan: paid}}}}\n    draw: {}\n    expect: {{model: {}}}\n",
                i % 100,
                if i % 100 < 10 {
                    "gpt-4o"
                } else {
                    "gpt-4o-mini"
                }
            ),
            _ => format!(
                "  - name: failover {i}\n    request: {{metadata: {{plan: paid}}}}\n    draw: 5\n    fail: [gpt-4o]\n    attempts: {{gpt-4o-mini: [error, ok]}}\n    expect: {{element: gpt-4o-mini, path: [start, plan, split, gpt-4o, gpt-4o-mini, end]}}\n"
            ),
        };
        out.push_str(&case);
    }
    out
}

fn workspace(root: &Path) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dynroute-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    std::fs::copy(
        root.join("spec/examples/valid/support-route.json"),
        dir.join("support-route.json"),
    )
    .expect("the example route");
    std::fs::write(dir.join("cases.test.yaml"), test_file(10_000)).expect("the test file");
    dir
}

fn run(exe: &str, args: &[&Path], extra: &[&str]) {
    let status = Command::new(exe)
        .args(args)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("dynroute runs");
    assert!(status.success(), "{args:?} {extra:?}: {status}");
}

fn process(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let file = root.join("spec/examples/valid/support-route.json");
    let exe = env!("CARGO_BIN_EXE_dynroute");
    let dir = workspace(&root);
    let cases = dir.join("cases.test.yaml");
    let mut group = c.benchmark_group("process");
    group.sample_size(10);
    group.bench_function("validate_typical_route", |b| {
        b.iter(|| run(exe, &[Path::new("validate"), &file], &[]));
    });
    group.bench_function("test_10000_cases", |b| {
        b.iter(|| run(exe, &[Path::new("test"), &cases], &["--coverage"]));
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, process);
criterion_main!(benches);

//! Test files: the published JSON Schema agrees with the reader (same keys, the examples
//! valid under both), rows expand with typed placeholders, and malformed files are refused
//! at the right place.

use std::path::Path;

use dynroute_engine::suite::{self, CASE_KEYS, EXPECT_KEYS, FILE_KEYS, SHARE_KEYS, TIMED_KEYS};
use dynroute_engine::text;
use serde_json::{Value, json};

fn spec(path: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../spec")
        .join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn schema() -> Value {
    serde_json::from_str(&spec("route-test.schema.json")).expect("the schema is JSON")
}

fn property_names(schema: &Value, pointer: &str) -> Vec<String> {
    let mut names: Vec<String> = schema
        .pointer(pointer)
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("no properties at {pointer}"))
        .keys()
        .cloned()
        .collect();
    names.sort();
    names
}

fn sorted(keys: &[&str]) -> Vec<String> {
    let mut keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    keys.sort();
    keys
}

#[test]
fn the_schema_and_the_reader_accept_the_same_keys() {
    let schema = schema();
    assert_eq!(property_names(&schema, "/properties"), sorted(FILE_KEYS));
    assert_eq!(
        property_names(&schema, "/$defs/case/properties"),
        sorted(CASE_KEYS)
    );
    assert_eq!(
        property_names(&schema, "/$defs/expect/properties"),
        sorted(EXPECT_KEYS)
    );
    assert_eq!(
        property_names(
            &schema,
            "/$defs/expect/properties/distribution/items/properties"
        ),
        sorted(SHARE_KEYS)
    );
    assert_eq!(
        property_names(&schema, "/$defs/timed/properties"),
        sorted(TIMED_KEYS)
    );
}

#[test]
fn the_example_test_files_are_valid_under_the_schema_and_the_reader() {
    let validator = jsonschema::draft202012::options()
        .build(&schema())
        .expect("the schema compiles");
    for file in [
        "examples/tests/support.test.yaml",
        "examples/tests/plans.test.json",
    ] {
        let document = text::parse(&spec(file)).unwrap_or_else(|e| panic!("{file}: {e:?}"));
        let errors: Vec<String> = validator
            .iter_errors(&document.value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
        let cases = suite::read(&document).unwrap_or_else(|e| panic!("{file}: {e:?}"));
        assert!(!cases.is_empty());
    }
    // The schema is not a rubber stamp: a misspelt key fails it.
    let bad = json!({"cases": [{"name": "x", "expct": {}}]});
    assert!(validator.validate(&bad).is_err());
}

#[test]
fn rows_expand_with_typed_placeholders_and_their_own_positions() {
    let document = text::parse(
        "route: r.json\ncases:\n  - name: \"{plan} -> {n}\"\n    request: {metadata: {plan: \"{plan}\", n: \"{n}\"}}\n    expect: {path: \"{path}\"}\n    rows:\n      - {plan: free, n: 1, path: [a, b]}\n      - {plan: paid, n: 2.5, path: [a]}\n  - name: plain\n    expect: {}\n    rows: [{}, {}]\n",
    )
    .expect("parses");
    let cases = suite::read(&document).expect("reads");
    assert_eq!(cases.len(), 4);
    assert_eq!(cases[0].name, "free -> 1");
    assert_eq!(
        cases[0].request.metadata["n"],
        json!(1),
        "a whole placeholder keeps its type"
    );
    assert_eq!(cases[1].request.metadata["n"], json!(2.5));
    assert_eq!(
        cases[0].expect.as_ref().and_then(|e| e.path.as_deref()),
        Some(&["a".to_string(), "b".to_string()][..])
    );
    assert_eq!((cases[1].line, cases[1].column), (8, 9));
    assert_eq!(cases[1].pointer, "/cases/0/rows/1");
    assert_eq!(cases[2].name, "plain [row 1]");
    assert_eq!(cases[3].name, "plain [row 2]");
    assert_eq!(cases[3].route, "r.json");
}

#[test]
fn malformed_files_are_refused_where_the_problem_is() {
    let refuse =
        |text: &str| suite::read(&text::parse(text).expect("parses")).expect_err("refused");
    let e = refuse("cases:\n  - name: x\n    expect: {}\n");
    assert!(e.message.contains("names no `route`"), "{e:?}");
    let e = refuse("route: r\ncases:\n  - name: x\n    expect: {outcome: maybe}\n");
    assert_eq!(e.pointer, "/cases/0/expect/outcome");
    assert_eq!((e.line, e.column), (4, 23));
    let e = refuse("route: r\ncases:\n  - name: x\n    attempts: {m: [fine]}\n    expect: {}\n");
    assert_eq!(e.pointer, "/cases/0/attempts/m/0");
    let e = refuse("route: r\ncases:\n  - name: x\n    used: {budget: -1}\n    expect: {}\n");
    assert!(e.message.contains("non-negative"), "{e:?}");
    let e = refuse("route: r\ncases:\n  - name: x\n    expect: {distribution: [{model: m}]}\n");
    assert!(e.message.contains("probability"), "{e:?}");
    let e = refuse("route: r\ncases:\n  - name: x\n    request: {meta: {}}\n    expect: {}\n");
    assert!(e.message.contains("unknown field `meta`"), "{e:?}");
    let e =
        refuse("{\"route\": \"r\", \"cases\": [{\"name\": \"x\", \"expect\": {}, \"extra\": 1}]}");
    assert_eq!((e.line, e.column), (1, 54), "unknown keys point at the key");
}

/// A route with a count limit (3 per 60 s per user) before `primary`, and a cost budget
/// (1.0 per 60 s per team) before `premium`.
fn limited_route() -> suite::Route {
    let text = json!({"name": "limits", "elements": [
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "tier"}}},
        {"id": "tier", "type": "conditional",
         "properties": {"conditions": {"metadata.tier": {"$eq": "premium"}}},
         "outputs": {"true": {"elementId": "budget"}, "false": {"elementId": "per_user"}}},
        {"id": "per_user", "type": "rate",
         "properties": {"limitType": "count", "key": "metadata.user", "limit": 3, "window": 60},
         "outputs": {"success": {"elementId": "primary"}, "fallback": {"elementId": "cheap"}}},
        {"id": "budget", "type": "rate",
         "properties": {"limitType": "cost", "key": "metadata.team", "limit": 1.0, "window": 60},
         "outputs": {"success": {"elementId": "premium"}, "fallback": {"elementId": "cheap"}}},
        {"id": "primary", "type": "model",
         "properties": {"provider": "openai", "model": "gpt-4o", "timeout": 1000, "retries": 0},
         "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "end"}}},
        {"id": "premium", "type": "model",
         "properties": {"provider": "anthropic", "model": "claude", "timeout": 1000, "retries": 0},
         "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "end"}}},
        {"id": "cheap", "type": "model",
         "properties": {"provider": "workers-ai", "model": "llama", "timeout": 1000, "retries": 0},
         "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "end"}}},
        {"id": "end", "type": "end", "outputs": {}}
    ]});
    let graph = dynroute_engine::load(
        "limits.json",
        text.to_string().into_bytes(),
        &dynroute_validator::schema::Compiled,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    suite::Route { graph }
}

/// Runs the one case of a YAML test file (route `limits.json`) and returns its mismatches.
fn run_sequence(case: &str) -> Vec<String> {
    let text = format!("route: limits.json\ncases:\n{case}");
    let document = text::parse(&text).unwrap_or_else(|e| panic!("{e:?}"));
    let cases = suite::read(&document).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
    assert_eq!(cases.len(), 1);
    match suite::run_case(&cases[0], &limited_route()).status {
        suite::Status::Passed => Vec::new(),
        suite::Status::Failed { mismatches } => {
            mismatches.iter().map(ToString::to_string).collect()
        }
        suite::Status::Error { message } => panic!("{message}"),
    }
}

#[test]
fn fixed_windows_empty_at_each_multiple_of_the_window() {
    let mismatches = run_sequence(
        "  - name: three per minute
    request: {metadata: {user: a}}
    sequence:
      - {at: 0, times: 3, expect: {model: gpt-4o}}
      - {at: 59.9, expect: {model: llama, path: [start, tier, per_user, cheap, end]}}
      - {at: 60, times: 3, expect: {model: gpt-4o}}
      - {at: 119, expect: {model: llama}}
",
    );
    assert_eq!(mismatches, Vec::<String>::new());
}

#[test]
fn sliding_windows_reach_back_one_window_from_each_request() {
    let mismatches = run_sequence(
        "  - name: three in any minute
    request: {metadata: {user: a}}
    window: sliding
    sequence:
      - {at: 0, times: 2, expect: {model: gpt-4o}}
      - {at: 30, expect: {model: gpt-4o}}
      - {at: 59.9, expect: {model: llama}}
      - {at: 60, expect: {model: gpt-4o}}   # the two at 0 left the window
      - {at: 60.5, expect: {model: gpt-4o}}
      - {at: 61, expect: {model: llama}}    # 30, 60 and 60.5 are in it
",
    );
    assert_eq!(mismatches, Vec::<String>::new());
    // The same requests in fixed windows: the window starting at 60 is empty.
    let mismatches = run_sequence(
        "  - name: fixed
    request: {metadata: {user: a}}
    sequence:
      - {at: 0, times: 3}
      - {at: 61, times: 3, expect: {model: gpt-4o}}
",
    );
    assert_eq!(mismatches, Vec::<String>::new());
}

#[test]
fn each_key_value_has_its_own_counter_and_limited_requests_spend_nothing() {
    let mismatches = run_sequence(
        "  - name: users apart
    request: {metadata: {user: a}}
    window: sliding
    sequence:
      - {at: 0, times: 3}
      - {at: 1, times: 50, expect: {model: llama}}
      - {at: 2, request: {metadata: {user: b}}, times: 3, expect: {model: gpt-4o}}
      - {at: 60, expect: {model: gpt-4o}}  # user a's rejected requests did not count
",
    );
    assert_eq!(mismatches, Vec::<String>::new());
}

#[test]
fn cost_limits_spend_the_cost_of_served_requests() {
    let mismatches = run_sequence(
        "  - name: budget
    request: {metadata: {tier: premium, team: t}}
    attempts: {premium: [ok]}
    sequence:
      - {at: 0, cost: 0.4, times: 3, expect: {model: claude}}  # 0, 0.4, 0.8 spent before each
      - {at: 1, cost: 0.4, expect: {model: llama}}              # 1.2 spent
      - {at: 60, expect: {model: claude}}
",
    );
    assert_eq!(mismatches, Vec::<String>::new());
    let mismatches = run_sequence(
        "  - name: a request that fails costs nothing
    request: {metadata: {tier: premium, team: t}}
    sequence:
      - {at: 0, cost: 5, request: {metadata: {team: t}}}
      - {at: 1, expect: {model: llama}}
",
    );
    assert_eq!(mismatches, Vec::<String>::new(), "served: its cost counts");
    let mismatches = run_sequence(
        "  - name: failures cost nothing
    request: {metadata: {tier: premium, team: t}}
    fail: [premium, cheap]
    sequence:
      - {at: 0, cost: 5, times: 4, expect: {outcome: failed, path: [start, tier, budget, premium, end]}}
",
    );
    assert_eq!(mismatches, Vec::<String>::new());
}

#[test]
fn pinned_counters_are_spent_at_time_zero() {
    let mismatches = run_sequence(
        "  - name: two already used
    request: {metadata: {user: a}}
    used: {per_user: {a: 2}}
    sequence:
      - {at: 10, expect: {model: gpt-4o}}
      - {at: 20, expect: {model: llama}}
      - {at: 60, times: 3, expect: {model: gpt-4o}}
",
    );
    assert_eq!(mismatches, Vec::<String>::new());
}

#[test]
fn sequence_mismatches_name_the_request_and_the_case_expect_checks_the_last() {
    let mismatches = run_sequence(
        "  - name: wrong
    request: {metadata: {user: a}}
    sequence:
      - {at: 0, times: 5, expect: {model: gpt-4o}}
      - {at: 1}
    expect: {model: gpt-4o}
",
    );
    assert_eq!(
        mismatches,
        [
            "request 4 (at 0 s, line 6): model: expected \"gpt-4o\", got \"llama\"",
            "request 6 (at 1 s, line 7): model: expected \"gpt-4o\", got \"llama\"",
        ],
        "one mismatch per item, the case's expect on the last request"
    );
}

#[test]
fn a_sequence_covers_both_outputs_of_a_rate_element() {
    let route = limited_route();
    let document = text::parse(
        "route: limits.json\ncases:\n  - name: s\n    request: {metadata: {user: a}}\n    sequence: [{times: 4}]\n    expect: {model: llama}\n",
    )
    .expect("parses");
    let cases = suite::read(&document).expect("reads");
    let result = suite::run_case(&cases[0], &route);
    assert_eq!(result.status, suite::Status::Passed);
    let taken: std::collections::BTreeSet<_> = result.edges.iter().cloned().collect();
    let index = route.graph.index("per_user").expect("per_user");
    assert!(taken.contains(&(index, "success".to_string())));
    assert!(taken.contains(&(index, "fallback".to_string())));
}

#[test]
fn malformed_sequences_are_refused_where_the_problem_is() {
    let refuse = |case: &str| {
        let text = format!("route: r\ncases:\n  - name: x\n{case}");
        suite::read(&text::parse(&text).expect("parses")).expect_err("refused")
    };
    let e = refuse("    sequence: [{at: 5}, {at: 4}]\n    expect: {}\n");
    assert_eq!(e.pointer, "/cases/0/sequence/1/at");
    assert!(e.message.contains("goes back in time"), "{e:?}");
    let e = refuse("    sequence: [{times: 0}]\n    expect: {}\n");
    assert_eq!(e.pointer, "/cases/0/sequence/0/times");
    let e = refuse("    sequence: []\n    expect: {}\n");
    assert!(e.message.contains("empty"), "{e:?}");
    let e = refuse("    sequence: [{at: 0, wait: 1}]\n    expect: {}\n");
    assert_eq!(e.pointer, "/cases/0/sequence/0/wait");
    let e = refuse("    sequence: [{times: 999999}, {times: 2}]\n    expect: {}\n");
    assert_eq!(e.pointer, "/cases/0/sequence/1/times");
    assert!(e.message.contains("at most 1000000"), "{e:?}");
    let e = refuse("    window: rolling\n    sequence: [{}]\n    expect: {}\n");
    assert_eq!(e.pointer, "/cases/0/window");
    let e = refuse("    sequence: [{at: 1}]\n");
    assert!(e.message.contains("has `expect`"), "{e:?}");
    let e = refuse("    sequence: [{request: {metadata: 5}}]\n    expect: {}\n");
    assert_eq!(e.pointer, "/cases/0/sequence/0/request");
}

//! Test files: the published JSON Schema agrees with the reader (same keys, the examples
//! valid under both), rows expand with typed placeholders, and malformed files are refused
//! at the right place.

use std::path::Path;

use dynroute_engine::suite::{self, CASE_KEYS, EXPECT_KEYS, FILE_KEYS, SHARE_KEYS};
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
        cases[0].expect.path.as_deref(),
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

use serde_json::Value;

use super::*;
use crate::{Config, check_bytes};

fn report(text: &str) -> Report {
    check_bytes("<stdin>", text.as_bytes().to_vec(), &Config::default())
        .expect("embedded schema compiles")
}

#[test]
fn a_json_item_is_the_diagnostic_serialized() {
    let reports = [
        report(r#"[{"id": "s", "type": "start", "outputs": {"next": {"elementId": "x"}}}]"#),
        check_bytes("bad.json", b"\xff".to_vec(), &Config::default()).expect("schema"),
    ];
    let text = render_string(Format::Json, &reports).expect("renders");
    let doc: Value = serde_json::from_str(&text).expect("json");
    let items = doc["diagnostics"].as_array().expect("diagnostics");
    let diagnostics: Vec<&Diagnostic> = reports.iter().flat_map(|r| &r.diagnostics).collect();
    assert_eq!(items.len(), diagnostics.len());
    for (item, d) in items.iter().zip(diagnostics) {
        assert_eq!(*item, serde_json::to_value(d).expect("serializes"));
        let keys: Vec<&str> = item
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "file",
                "rule",
                "severity",
                "message",
                "help",
                "pointer",
                "line",
                "column",
                "end_line",
                "end_column"
            ]
        );
    }
    // A finding without a span (the first invalid UTF-8 byte) has no end.
    assert_eq!(items.last().expect("item")["end_line"], Value::Null);
    assert_eq!(items.last().expect("item")["severity"], "error");
}

#[test]
fn human_snippets_come_from_the_report_of_the_same_input() {
    // `dynroute validate - -`: two inputs with one name; the second is empty.
    let reports = [report("[1]"), report("")];
    let text = render_string(Format::Human, &reports).expect("renders");
    let (first, second) = text
        .split_once("error[invalid-json]")
        .expect("the empty input is reported");
    assert!(first.contains("[1]"), "{text}");
    assert!(!second.contains("[1]"), "{text}");
}

//! Awkward inputs: empty text, byte order marks, CRLF, non-ASCII text before an error,
//! invalid UTF-8, values of the wrong JSON type where the route expects objects, strings or
//! arrays. Each must give diagnostics at the right place, never a panic.

use dynroute_validator::{Config, Diagnostic, check_bytes};

fn check(text: &[u8]) -> Vec<Diagnostic> {
    check_bytes("in.json", text.to_vec(), &Config::default())
        .expect("embedded schema compiles")
        .diagnostics
}

/// `line:column rule pointer` of every diagnostic, in output order.
fn summary(text: &[u8]) -> Vec<String> {
    check(text)
        .iter()
        .map(|d| format!("{}:{} {} {}", d.line, d.column, d.rule, d.pointer))
        .collect()
}

#[test]
fn empty_and_blank_files_hold_no_json_value() {
    assert_eq!(summary(b""), ["1:1 invalid-json "]);
    assert_eq!(summary(b"  \r\n\t"), ["2:2 invalid-json "]);
}

#[test]
fn a_byte_order_mark_is_named_as_such() {
    let found = check(b"\xef\xbb\xbf{\"name\": \"r\", \"elements\": []}");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].rule, found[0].line, found[0].column),
        ("invalid-json", 1, 1)
    );
    assert!(
        found[0].message.contains("byte order mark"),
        "{}",
        found[0].message
    );
}

#[test]
fn invalid_utf8_is_reported_where_it_starts() {
    let found = check(b"{\"name\": \"\xc3\xa9\xff\", \"elements\": []}");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule, "invalid-json");
    assert_eq!((found[0].line, found[0].column), (1, 12));
    assert!(found[0].message.contains("UTF-8"));
}

#[test]
fn columns_count_characters_after_non_ascii_text_on_the_same_line() {
    // "é€😀" is 2 + 3 + 4 bytes but three characters: the dangling elementId value starts
    // at character 85 (byte 90).
    let text = r#"{"name":"é€😀", "elements": [{"id":"s","type":"start","outputs":{"next":{"elementId":"x"}}}]}"#;
    let found = check(text.as_bytes());
    let dangling = found
        .iter()
        .find(|d| d.rule == "dangling-reference")
        .expect("dangling reference found");
    assert_eq!((dangling.line, dangling.column), (1, 85));
    assert_eq!(dangling.offset, 90);
    assert_eq!(dangling.end.map(|e| e.column), Some(88));
}

#[test]
fn crlf_line_endings_do_not_shift_lines_or_columns() {
    let lf = "{\"name\": \"r\",\n \"elements\": [\n  {\"id\": \"s\", \"type\": \"start\", \"outputs\": {\"next\": {\"elementId\": \"x\"}}}\n]}";
    let crlf = lf.replace('\n', "\r\n");
    assert_eq!(summary(crlf.as_bytes()), summary(lf.as_bytes()));
    assert!(
        summary(lf.as_bytes())
            .contains(&"3:66 dangling-reference /elements/0/outputs/next/elementId".to_string())
    );
}

#[test]
fn a_route_without_elements_has_only_the_missing_start() {
    assert_eq!(
        summary(br#"{"name": "r", "elements": []}"#),
        ["1:27 single-start /elements"]
    );
    assert_eq!(summary(b"[]"), ["1:1 single-start "]);
}

#[test]
fn elements_that_are_not_an_array_are_one_schema_error() {
    for elements in ["5", "\"x\"", "{}", "null"] {
        let text = format!(r#"{{"name": "r", "elements": {elements}}}"#);
        assert_eq!(
            summary(text.as_bytes()),
            ["1:27 schema /elements"],
            "elements = {elements}"
        );
    }
}

#[test]
fn elements_that_are_not_objects_are_schema_errors_only() {
    let text = br#"[1, "x", null, [], {"id": "s", "type": "start", "outputs": {"next": {"elementId": "e"}}}, {"id": "e", "type": "end", "outputs": {}}]"#;
    assert_eq!(
        summary(text),
        [
            "1:2 schema /0",
            "1:5 schema /1",
            "1:10 schema /2",
            "1:16 schema /3"
        ]
    );
}

#[test]
fn ids_and_element_ids_that_are_not_strings_are_schema_errors() {
    let text = br#"[{"id": 5, "type": "start", "outputs": {"next": {"elementId": 7}}}, {"id": ["e"], "type": "end", "outputs": {}}]"#;
    let found = check(text);
    let schema: Vec<&str> = found
        .iter()
        .filter(|d| d.rule == "schema")
        .map(|d| d.pointer.as_str())
        .collect();
    assert_eq!(schema, ["/0/id", "/0/outputs/next/elementId", "/1/id"]);
}

#[test]
fn numbers_beyond_f64_are_invalid_json_and_large_ones_are_checked() {
    let too_big =
        br#"[{"id": "s", "type": "start", "outputs": {"next": {"elementId": "e"}}, "x": 1e400}]"#;
    let found = check(too_big);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].rule, found[0].column), ("invalid-json", 77));

    let text = br#"[{"id": "s", "type": "start", "outputs": {"next": {"elementId": "m"}}},
{"id": "m", "type": "model", "properties": {"provider": "p", "model": "m", "timeout": 123456789012345678901234567890, "retries": -99999999999999999999},
 "outputs": {"success": {"elementId": "e"}, "fallback": {"elementId": "e"}}},
{"id": "e", "type": "end", "outputs": {}}]"#;
    let found = check(text);
    let rules: Vec<(&str, &str)> = found.iter().map(|d| (d.rule, d.pointer.as_str())).collect();
    assert_eq!(rules, [("implausible-value", "/1/properties/retries")]);
}

#[test]
fn a_duplicated_id_is_not_also_reported_unreachable() {
    let text = br#"[{"id": "s", "type": "start", "outputs": {"next": {"elementId": "e"}}},
{"id": "e", "type": "end", "outputs": {}}, {"id": "e", "type": "end", "outputs": {}}]"#;
    assert_eq!(summary(text), ["2:51 duplicate-id /2/id"]);
}

//! A description written in YAML generates exactly what its JSON original does: every
//! fixture, the spec of this repository (with its route schema) and Cloudflare's official
//! description, written out as YAML here, give the same output byte for byte; so does a
//! YAML fixture written by hand in the style people write (comments, plain scalars,
//! unquoted `200:` keys, an anchor and its alias, a block scalar).

use dynroute_codegen::skip::Reason;
use dynroute_codegen::{Output, Settings, generate};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The output, with the positions of what was left out cleared (lines and columns of a
/// JSON text and of its YAML copy differ; the rest must not).
fn output(text: &str, settings: &Settings) -> Output {
    let mut output =
        generate(text, settings).unwrap_or_else(|e| panic!("{}: {e}", settings.spec_path));
    for skipped in &mut output.skipped {
        match &mut skipped.reason {
            Reason::Holds(constructs) => constructs.iter_mut().for_each(|c| c.position = None),
            Reason::Uses { construct, .. } => construct.position = None,
        }
    }
    output
}

/// `value` as block-style YAML: keys plain where YAML reads them as written, strings plain
/// where the core schema reads them back as the same string, double-quoted otherwise.
fn to_yaml(value: &Value) -> String {
    let mut out = String::from("# Written from JSON by the test.\n---\n");
    match value {
        Value::Object(map) if !map.is_empty() => members(map, 0, &mut out),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn members(map: &serde_json::Map<String, Value>, indent: usize, out: &mut String) {
    for (index, (key, value)) in map.iter().enumerate() {
        // The first member of a sequence item shares the line of its `- `.
        if index > 0 || indent == 0 || !out.ends_with("- ") {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&if plain_key(key) {
            key.clone()
        } else {
            quoted(key)
        });
        out.push(':');
        node(value, indent, out);
    }
}

/// The value of a member or an item, after its `key:` or `-`.
fn node(value: &Value, indent: usize, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            members(map, indent + 2, out);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            for item in items {
                out.push_str(&" ".repeat(indent + 2));
                out.push_str("- ");
                match item {
                    Value::Object(map) if !map.is_empty() => members(map, indent + 4, out),
                    Value::Array(inner) if !inner.is_empty() => {
                        out.pop();
                        node(item, indent + 2, out);
                    }
                    other => {
                        out.push_str(&scalar(other));
                        out.push('\n');
                    }
                }
            }
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) if plain_value(text) => text.clone(),
        Value::String(text) => quoted(text),
        Value::Object(_) => "{}".to_string(),
        Value::Array(_) => "[]".to_string(),
        other => other.to_string(),
    }
}

fn safe_chars(text: &str) -> bool {
    !text.is_empty()
        && !text.ends_with(' ')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " _./$-".contains(c))
}

/// A key YAML takes as written (a number is fine: keys are their text).
fn plain_key(key: &str) -> bool {
    safe_chars(key) && !key.starts_with(['-', ' '])
}

/// A string the core schema reads back as itself.
fn plain_value(text: &str) -> bool {
    safe_chars(text)
        && text.starts_with(|c: char| c.is_ascii_alphabetic() || "_/$".contains(c))
        && !matches!(
            text,
            "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
        )
}

/// A YAML double-quoted scalar: JSON's escapes, and every character YAML may not hold
/// literally (or may read as a line break) escaped too.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Every JSON fixture, then the spec and Cloudflare's description, with their settings.
fn originals() -> Vec<(PathBuf, Settings)> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(manifest.join("tests/fixtures"))
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    fixtures.retain(|path| path.extension().is_some_and(|ext| ext == "json"));
    fixtures.sort();
    assert!(fixtures.len() >= 13, "fixtures missing");
    let mut all: Vec<(PathBuf, Settings)> = fixtures
        .into_iter()
        .map(|path| {
            let mut settings = Settings::new("fixture.json");
            // The fixture with unsupported constructs generates what it can.
            settings.skip_unsupported = true;
            (path, settings)
        })
        .collect();
    let mut spec = Settings::new("spec/dynamic-routing.openapi.json");
    spec.document_component = Some("RouteDefinition".to_string());
    all.push((manifest.join("../spec/dynamic-routing.openapi.json"), spec));
    all.push((
        manifest.join("../../shared/reference/cloudflare-dynamic-routing.openapi.json"),
        Settings::new("official.json"),
    ));
    all
}

#[test]
fn every_description_written_as_yaml_generates_the_same_bytes() {
    for (path, settings) in originals() {
        let json = read(&path);
        let value: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        let yaml = to_yaml(&value);
        let (from_json, from_yaml) = (output(&json, &settings), output(&yaml, &settings));
        assert!(!from_json.src.is_empty());
        assert!(
            from_json == from_yaml,
            "{} differs when written as YAML",
            path.display()
        );
    }
}

#[test]
fn the_yaml_writer_of_this_test_keeps_every_value() {
    let value = serde_json::json!({
        "200": {"a b": [1, -2.5, true, null, "true", "10", "x: y", "", [], {}, [["n"]],
                        [{"k": "v", "l": ["w"]}], "é\u{2028}\u{0}\t\r"]},
        "/things/{id}": {"$ref": "#/components/schemas/A"},
        "-k": "Null"
    });
    let yaml = to_yaml(&value);
    let spec = serde_json::json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
                                  "paths": {}, "x-value": value});
    let text = to_yaml(&spec);
    let read_back = dynroute_codegen::parse::read(&text).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    assert_eq!(read_back.value, spec, "{text}");
}

#[test]
fn a_hand_written_yaml_fixture_generates_what_its_json_original_does() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let settings = Settings::new("operations");
    let json = output(
        &read(&manifest.join("tests/fixtures/operations.json")),
        &settings,
    );
    let yaml = output(
        &read(&manifest.join("tests/fixtures/operations.yaml")),
        &settings,
    );
    assert!(json == yaml, "operations.yaml differs from operations.json");
}

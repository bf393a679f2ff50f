//! Spec text -> `openapiv3::OpenAPI`, through the JSON value it denotes, with the version
//! checked first so that a 2.0 (or 3.2, ...) document gets a clear error instead of a
//! confusing shape error. A 3.1 document is first made the 3.0 document that says the same
//! ([`crate::downgrade`]), or refused for what 3.0 cannot say.
//!
//! A description is JSON when its first character (after a byte order mark and white
//! space) is `{`, else YAML (read by [`crate::yaml`]): the text decides, not the file name,
//! so [`crate::generate`] takes text alone and a description is read the same under any
//! name. Flow-style YAML that starts with `{` is therefore read as JSON.
//!
//! A key given twice in one object is an error (at the second key's line:column): a plain
//! JSON parse keeps the last value and hides the mistake, and openapiv3 panics on some of
//! those documents (a schema with a repeated key fails as a schema, then parses as one from
//! the deduplicated value).
//!
//! The document is then read from the value, with the JSON pointer of what does not fit the
//! OpenAPI model ([`Error::Shape`]); [`Error::located`] adds its line and column.

use crate::error::Error;
use crate::pointer::Pointer;
use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// A description read: the document and the JSON value it was read from (for the exports
/// that work on the raw JSON, so that keywords `openapiv3` does not model survive).
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The document.
    pub spec: openapiv3::OpenAPI,
    /// The JSON value the document was read from: the whole text (its 3.0 form for a 3.1
    /// description, [`crate::downgrade`]), with the values that references outside
    /// `#/components` point at moved into it ([`crate::hoist`]).
    pub value: Value,
    /// What [`crate::hoist`] moved, to name places as the text has them.
    pub moves: crate::hoist::Moves,
}

/// Parses JSON or YAML into an OpenAPI 3.0.x document (a 3.1.x one is made 3.0 first). A
/// leading byte order mark is ignored (see [`without_bom`]).
pub fn parse(text: &str) -> Result<openapiv3::OpenAPI, Error> {
    read(text).map(|parsed| parsed.spec)
}

/// Parses JSON or YAML into an OpenAPI 3.0.x document and the value it was read from (a
/// 3.1.x description is made 3.0 first, see [`crate::downgrade`]).
pub fn read(text: &str) -> Result<Parsed, Error> {
    let text = without_bom(text);
    let mut value = object(text)?;
    if check_version(&value)? == Version::V3_1 {
        value = crate::downgrade::downgrade(value);
    }
    let moves = crate::hoist::hoist(&mut value);
    let spec = serde_path_to_error::deserialize(&value).map_err(|e| {
        let mut pointer = Pointer::root();
        for segment in e.path().iter() {
            pointer = match segment {
                serde_path_to_error::Segment::Seq { index } => pointer.index(*index),
                serde_path_to_error::Segment::Map { key } => pointer.push(key.clone()),
                serde_path_to_error::Segment::Enum { .. }
                | serde_path_to_error::Segment::Unknown => pointer,
            };
        }
        Error::Shape {
            message: e.into_inner().to_string(),
            pointer: moves.original(&pointer),
            position: None,
        }
    })?;
    Ok(Parsed { spec, value, moves })
}

/// `text` without a leading UTF-8 byte order mark, which some editors write at the start
/// of JSON files and which JSON parsers may ignore (RFC 8259, section 8.1). Line:column
/// positions are then those an editor shows, which hides the mark.
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// The document as a JSON object, read as JSON or YAML, with a message that fits when it
/// is not one: empty, white space only, or another value.
fn object(text: &str) -> Result<Value, Error> {
    let rest = text.trim_start();
    let skipped = &text[..text.len() - rest.len()];
    let line = 1 + skipped.matches('\n').count();
    let column = 1 + skipped
        .rsplit('\n')
        .next()
        .map_or(0, |last| last.chars().count());
    let here = |line, column, message: String| Error::Parse {
        line,
        column,
        message,
    };
    if text.is_empty() {
        return Err(here(line, column, "the file is empty".to_string()));
    }
    if rest.is_empty() {
        return Err(here(
            line,
            column,
            "the file holds only whitespace".to_string(),
        ));
    }
    if rest.starts_with('{') {
        return serde_json::from_str::<UniqueKeys>(text)
            .map(|parsed| parsed.0)
            .map_err(|e| json_error(text, e));
    }
    match crate::yaml::read(text)? {
        value @ Value::Object(_) => Ok(value),
        other => {
            let at = crate::yaml::locate(text, &[Pointer::root()])
                .into_iter()
                .flatten()
                .next();
            Err(here(
                at.map_or(line, |at| at.line),
                at.map_or(column, |at| at.column),
                format!(
                    "expected an object (an OpenAPI document), found {}",
                    kind(&other)
                ),
            ))
        }
    }
}

/// What a JSON value is, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A serde_json error in `text` as [`Error::Parse`]: the position is kept apart from the
/// message and its column counted in characters, as for YAML (serde_json counts bytes).
fn json_error(text: &str, e: serde_json::Error) -> Error {
    let message = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    let line_text = text
        .split('\n')
        .nth(e.line().saturating_sub(1))
        .unwrap_or("");
    let mut bytes = e.column().min(line_text.len());
    while !line_text.is_char_boundary(bytes) {
        bytes -= 1;
    }
    let column = if e.column() > line_text.len() {
        e.column() - line_text.len() + line_text.chars().count()
    } else {
        line_text[..bytes].chars().count() + usize::from(bytes < e.column())
    };
    Error::Parse {
        line: e.line(),
        column,
        message: message
            .strip_suffix(&position)
            .unwrap_or(&message)
            .to_owned(),
    }
}

/// A JSON value whose objects have no repeated key.
struct UniqueKeys(Value);

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(UniqueKeysVisitor)
            .map(UniqueKeys)
    }
}

struct UniqueKeysVisitor;

impl<'de> Visitor<'de> for UniqueKeysVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(UniqueKeys(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(A::Error::custom(format_args!(
                    "duplicate key `{key}` (a JSON object keeps only one of them)"
                )));
            }
            let UniqueKeys(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// An OpenAPI version this generator reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    V3_0,
    V3_1,
}

/// The document must declare `openapi: 3.0.x` or `3.1.x`. The error names the field that
/// declares another version: `#/swagger` for Swagger 2.0 (which has no `openapi`), else
/// `#/openapi`.
fn check_version(value: &Value) -> Result<Version, Error> {
    let (field, declared) = match (value.get("openapi"), value.get("swagger")) {
        (None, Some(swagger)) => ("swagger", Some(swagger)),
        (openapi, _) => ("openapi", openapi),
    };
    let found = match declared {
        Some(Value::String(version)) => version.clone(),
        Some(other) => other.to_string(),
        None => "(missing)".to_string(),
    };
    match (field, declared) {
        ("openapi", Some(Value::String(v))) if v.starts_with("3.0.") => Ok(Version::V3_0),
        ("openapi", Some(Value::String(v))) if v.starts_with("3.1.") => Ok(Version::V3_1),
        _ => Err(Error::Version {
            found,
            pointer: Pointer::root().push(field),
            position: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_3_1_and_rejects_later_versions() {
        let doc = |version: &str| {
            format!(
                r#"{{"openapi":"{version}","info":{{"title":"t","version":"1"}},"paths":{{}}}}"#
            )
        };
        for version in ["3.2.0", "4.0.0", "3.1", "3.10.0"] {
            assert_eq!(
                parse(&doc(version)).map(|_| ()),
                Err(Error::Version {
                    found: version.into(),
                    pointer: Pointer::root().push("openapi"),
                    position: None,
                })
            );
        }
        assert_eq!(
            parse(r#"{"openapi":3.1,"paths":{}}"#).map(|_| ()),
            Err(Error::Version {
                found: "3.1".into(),
                pointer: Pointer::root().push("openapi"),
                position: None,
            })
        );
        // The value read is the 3.0 form of the 3.1 document.
        let parsed = read(&doc("3.1.0")).map(|p| p.value["openapi"].clone());
        assert_eq!(parsed.ok(), Some(Value::String("3.0.3".into())));
    }

    #[test]
    fn a_3_1_document_without_paths_is_read() {
        let parsed =
            parse(r#"{"openapi":"3.1.0","info":{"title":"t","version":"1"},"webhooks":{}}"#);
        assert!(parsed.is_ok_and(|spec| spec.paths.paths.is_empty()));
    }

    #[test]
    fn a_3_1_refusal_has_the_line_and_column_of_its_keyword() {
        let yaml = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    T:\n      prefixItems:\n        - type: string\n";
        // Read, then refused where the schema is used.
        assert!(parse(yaml).is_ok());
        assert_eq!(
            crate::generate(yaml, &crate::Settings::new("t.yaml"))
                .err()
                .map(|e| e.to_string())
                .as_deref(),
            Some(
                "unsupported: JSON Schema keyword `prefixItems` (a tuple) at #/components/schemas/T/prefixItems (line 6, column 7)"
            )
        );
    }

    #[test]
    fn rejects_a_repeated_key_where_it_is() {
        let text = "{\"openapi\":\"3.0.3\",\"paths\":{},\"components\":{\"schemas\":{\n  \"A\":{\"type\":\"object\",\"description\":\"a\",\"description\":\"b\"}}}}";
        match parse(text) {
            Err(Error::Parse {
                line,
                column,
                message,
            }) => {
                // Just after the second `"description"`.
                assert_eq!((line, column), (2, 54), "{message}");
                assert!(message.contains("duplicate key `description`"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let text = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{}}"#;
        assert_eq!(parse(&format!("\u{feff}{text}")).ok(), parse(text).ok());
        assert!(parse(text).is_ok());
    }

    #[test]
    fn empty_whitespace_and_other_values_get_their_own_messages() {
        let message = |text: &str| match parse(text) {
            Err(Error::Parse {
                line,
                column,
                message,
            }) => format!("{line}:{column} {message}"),
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(message(""), "1:1 the file is empty");
        assert_eq!(message("\u{feff}"), "1:1 the file is empty");
        assert_eq!(message(" \n\t"), "2:2 the file holds only whitespace");
        assert_eq!(
            message("\n  \"3.0.3\""),
            "2:3 expected an object (an OpenAPI document), found a string"
        );
        assert_eq!(
            message("# a list\n- openapi: 3.0.3\n"),
            "2:1 expected an object (an OpenAPI document), found an array"
        );
        assert_eq!(
            message("[1, 2]"),
            "1:1 expected an object (an OpenAPI document), found an array"
        );
    }

    #[test]
    fn yaml_and_json_give_the_same_document() {
        let json = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
          "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}}}"#;
        let yaml = "# YAML\nopenapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\n";
        let (json, yaml) = (read(json), read(yaml));
        assert!(json.is_ok(), "{json:?}");
        assert_eq!(
            json.as_ref().ok().map(|p| &p.value),
            yaml.as_ref().ok().map(|p| &p.value)
        );
        assert_eq!(json.ok().map(|p| p.spec), yaml.ok().map(|p| p.spec));
    }

    #[test]
    fn what_does_not_fit_the_model_is_named_by_its_pointer() {
        let yaml = "openapi: 3.0.3\ninfo:\n  title: t\n  version: 1.0\npaths: {}\n";
        assert_eq!(
            parse(yaml)
                .err()
                .map(|e| e.located(yaml).to_string())
                .as_deref(),
            Some(
                "invalid OpenAPI document at #/info/version (line 4, column 3): invalid type: floating point `1.0`, expected a string"
            )
        );
        let json = "{\"openapi\": \"3.0.3\", \"paths\": {}}";
        assert_eq!(
            parse(json)
                .err()
                .map(|e| e.located(json).to_string())
                .as_deref(),
            Some("invalid OpenAPI document at # (line 1, column 1): missing field `info`")
        );
    }

    #[test]
    fn json_columns_count_characters() {
        // serde_json says column 19: `é` is two bytes.
        let err = parse("{\"openapi\": \"é\", oops}");
        match err {
            Err(Error::Parse { line, column, .. }) => assert_eq!((line, column), (1, 18)),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn reports_line_and_column() {
        let err = parse("{\n  \"openapi\": \"3.0.3\",\n  oops\n}");
        match err {
            Err(Error::Parse { line, column, .. }) => assert_eq!((line, column), (3, 3)),
            other => panic!("unexpected {other:?}"),
        }
    }
}

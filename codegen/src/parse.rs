//! Spec text -> `openapiv3::OpenAPI`, with the version checked first so that a
//! 2.0 or 3.1 document gets a clear error instead of a confusing shape error.
//!
//! A key given twice in one object is an error (at the second key's line:column): a plain
//! JSON parse keeps the last value and hides the mistake, and openapiv3 panics on some of
//! those documents (a schema with a repeated key fails as a schema, then parses as one from
//! the deduplicated value).

use crate::error::Error;
use crate::pointer::Pointer;
use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Parses JSON into an OpenAPI 3.0.x document. A leading byte order mark is ignored (see
/// [`without_bom`]); YAML is refused with a message that says so.
pub fn parse(text: &str) -> Result<openapiv3::OpenAPI, Error> {
    let text = without_bom(text);
    let value = json_object(text)?;
    check_version(&value)?;
    // Deserializing from text (not from the Value) keeps line:column in shape errors.
    serde_json::from_str(text).map_err(parse_error)
}

/// `text` without a leading UTF-8 byte order mark, which some editors write at the start
/// of JSON files and which JSON parsers may ignore (RFC 8259, section 8.1). Line:column
/// positions are then those an editor shows, which hides the mark.
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// The document as a JSON object, with a message that fits when it is not one: empty,
/// another JSON value, or not JSON at all (most likely YAML).
fn json_object(text: &str) -> Result<Value, Error> {
    let rest = text.trim_start();
    let skipped = &text[..text.len() - rest.len()];
    let line = 1 + skipped.matches('\n').count();
    let column = 1 + skipped
        .rsplit('\n')
        .next()
        .map_or(0, |last| last.chars().count());
    let here = |message: String| Error::Parse {
        line,
        column,
        message,
    };
    if text.is_empty() {
        return Err(here("the file is empty".to_string()));
    }
    if rest.is_empty() {
        return Err(here("the file holds only whitespace".to_string()));
    }
    if rest.starts_with('{') {
        return serde_json::from_str::<UniqueKeys>(text)
            .map(|parsed| parsed.0)
            .map_err(parse_error);
    }
    Err(here(match serde_json::from_str::<Value>(text) {
        Ok(value) => format!("expected a JSON object, found {}", kind(&value)),
        Err(_) => "expected a JSON object (YAML descriptions are not supported; convert to JSON)"
            .to_string(),
    }))
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

/// A serde_json error as [`Error::Parse`]; the position is kept apart from the message.
fn parse_error(e: serde_json::Error) -> Error {
    let message = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    Error::Parse {
        line: e.line(),
        column: e.column(),
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

/// The document must declare `openapi: 3.0.x`. The error names the field that declares
/// another version: `#/swagger` for Swagger 2.0 (which has no `openapi`), else `#/openapi`.
fn check_version(value: &Value) -> Result<(), Error> {
    let (field, declared) = match (value.get("openapi"), value.get("swagger")) {
        (None, Some(swagger)) => ("swagger", Some(swagger)),
        (openapi, _) => ("openapi", openapi),
    };
    let found = match declared {
        Some(Value::String(version)) => version.clone(),
        Some(other) => other.to_string(),
        None => "(missing)".to_string(),
    };
    if field == "openapi" && found.starts_with("3.0.") {
        Ok(())
    } else {
        Err(Error::Version {
            found,
            pointer: Pointer::root().push(field),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_3_1() {
        let err = parse(r#"{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{}}"#);
        assert_eq!(
            err.map(|_| ()),
            Err(Error::Version {
                found: "3.1.0".into(),
                pointer: Pointer::root().push("openapi")
            })
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
    fn empty_whitespace_other_json_and_yaml_get_their_own_messages() {
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
            "2:3 expected a JSON object, found a string"
        );
        assert_eq!(
            message("openapi: 3.0.3\n"),
            "1:1 expected a JSON object (YAML descriptions are not supported; convert to JSON)"
        );
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

//! Strict JSON parsing with source positions.
//!
//! jsonc-parser, with every JSONC extension switched off, gives an AST with byte ranges for
//! every key and value. The `serde_json::Value` the schema validator needs is built from that
//! AST (one parse, not two), and duplicate keys, which `serde_json` would silently collapse,
//! are reported on the way. jsonc-parser refuses nesting deeper than 512 levels with an error,
//! which bounds the recursion in `to_value`; route documents nest about six levels.

use jsonc_parser::ast::{ObjectPropName, Value as Ast};
use jsonc_parser::{CollectOptions, ParseOptions};
use serde_json::{Map, Number, Value};

use crate::diagnostic::Finding;
use crate::pointer::push_token_in_place;
use crate::registry::names;

/// A parsed file: its AST (for positions) and its value (for the checks).
pub struct Parsed<'a> {
    /// The AST with byte ranges.
    pub ast: Ast<'a>,
    /// The same document as a `serde_json::Value`; for duplicate keys the last one wins,
    /// as in `serde_json`.
    pub value: Value,
    /// `duplicate-key` findings.
    pub duplicates: Vec<Finding>,
}

/// Why a text is not a JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte range of the offending token.
    pub start: usize,
    /// Exclusive end of the range.
    pub end: usize,
    /// What the parser expected or found.
    pub message: String,
}

fn strict() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// Parses `text` as strict RFC 8259 JSON.
pub fn parse(text: &str) -> Result<Parsed<'_>, SyntaxError> {
    foreign_whitespace(text)?;
    let result =
        jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &strict()).map_err(|e| {
            SyntaxError {
                start: e.range().start,
                end: e.range().end,
                message: e.kind().to_string(),
            }
        })?;
    let Some(ast) = result.value else {
        return Err(SyntaxError {
            start: text.len(),
            end: text.len(),
            message: "the file holds no JSON value".to_string(),
        });
    };
    let mut duplicates = Vec::new();
    let mut path = String::new();
    let value = to_value(text, &ast, &mut path, &mut duplicates)?;
    Ok(Parsed {
        ast,
        value,
        duplicates,
    })
}

/// Converts the AST to a `serde_json::Value`, reporting duplicate keys. Recursion depth is
/// bounded by the parser's nesting limit.
fn to_value(
    text: &str,
    node: &Ast<'_>,
    path: &mut String,
    duplicates: &mut Vec<Finding>,
) -> Result<Value, SyntaxError> {
    Ok(match node {
        Ast::NullKeyword(_) => Value::Null,
        Ast::BooleanLit(b) => Value::Bool(b.value),
        Ast::StringLit(s) => {
            raw_string_ok(text, s.range)?;
            Value::String(s.value.to_string())
        }
        Ast::NumberLit(n) => Value::Number(number(n.value).ok_or_else(|| SyntaxError {
            start: n.range.start,
            end: n.range.end,
            message: format!("number `{}` is out of range", n.value),
        })?),
        Ast::Array(a) => {
            let mut items = Vec::with_capacity(a.elements.len());
            let len = path.len();
            for (i, el) in a.elements.iter().enumerate() {
                path.push('/');
                path.push_str(&i.to_string());
                items.push(to_value(text, el, path, duplicates)?);
                path.truncate(len);
            }
            Value::Array(items)
        }
        Ast::Object(o) => {
            let mut map = Map::new();
            let len = path.len();
            for prop in &o.properties {
                let name = prop_name(&prop.name);
                if let ObjectPropName::String(s) = &prop.name {
                    raw_string_ok(text, s.range)?;
                }
                push_token_in_place(path, name);
                let value = to_value(text, &prop.value, path, duplicates)?;
                if map.insert(name.to_string(), value).is_some() {
                    duplicates.push(
                        Finding::new(
                            names::DUPLICATE_KEY,
                            path.clone(),
                            format!("key `{name}` appears more than once in this object"),
                            "JSON parsers keep only one of the values (usually the last) and \
                             drop the others without a word: remove or rename the duplicate",
                        )
                        .at_key(),
                    );
                }
                path.truncate(len);
            }
            Value::Object(map)
        }
    })
}

/// jsonc-parser skips any Unicode whitespace between tokens (vertical tab, form feed,
/// no-break space, a byte order mark...), but JSON allows only space, tab, CR and LF.
/// Outside strings, every other control or non-ASCII character is an error.
fn foreign_whitespace(text: &str) -> Result<(), SyntaxError> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            ' ' | '\t' | '\n' | '\r' => {}
            '\u{feff}' if i == 0 => {
                return Err(SyntaxError {
                    start: 0,
                    end: c.len_utf8(),
                    message: "the file starts with a byte order mark (U+FEFF), which JSON \
                              text must not have: save it as UTF-8 without BOM"
                        .to_string(),
                });
            }
            c if c.is_control() || !c.is_ascii() => {
                return Err(SyntaxError {
                    start: i,
                    end: i + c.len_utf8(),
                    message: format!(
                        "unexpected character U+{:04X}: only space, tab, CR and LF may separate JSON tokens",
                        u32::from(c)
                    ),
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// RFC 8259 forbids unescaped control characters in strings; jsonc-parser lets them through.
fn raw_string_ok(text: &str, range: jsonc_parser::common::Range) -> Result<(), SyntaxError> {
    let raw = text
        .as_bytes()
        .get(range.start..range.end)
        .unwrap_or_default();
    match raw.iter().position(|&b| b < 0x20) {
        None => Ok(()),
        Some(i) => Err(SyntaxError {
            start: range.start + i,
            end: range.start + i + 1,
            message: "control character in a string: write it as an escape such as \\n or \\t"
                .to_string(),
        }),
    }
}

/// The name of an object property. Strict parsing only admits quoted names.
pub fn prop_name<'b>(name: &'b ObjectPropName<'_>) -> &'b str {
    match name {
        ObjectPropName::String(s) => s.value.as_ref(),
        ObjectPropName::Word(w) => w.value,
    }
}

/// Converts a JSON number literal the way `serde_json` does: integers stay integers,
/// everything else becomes a finite `f64`.
fn number(raw: &str) -> Option<Number> {
    let is_float = raw.contains(['.', 'e', 'E']);
    if !is_float {
        if let Ok(i) = raw.parse::<i64>() {
            return Some(i.into());
        }
        if let Ok(u) = raw.parse::<u64>() {
            return Some(u.into());
        }
    }
    raw.parse::<f64>().ok().and_then(Number::from_f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(text: &str) -> bool {
        parse(text).is_ok()
    }

    #[test]
    fn agrees_with_serde_json_on_edge_cases() {
        let cases = [
            "{}",
            "[]",
            "{\"a\":1,}",
            "[1,]",
            "// c\n{}",
            "{'a':1}",
            "{a:1}",
            "0x10",
            "+1",
            ".5",
            "5.",
            "01",
            "-0",
            "1e5",
            "1E+2",
            "NaN",
            "Infinity",
            "\"\\x41\"",
            "\"\\u00e9\"",
            "\"a\tb\"",
            "\"\\ud800\"",
            "[1 2]",
            "{\"a\":1 \"b\":2}",
            "1 2",
            "",
            "   ",
            "tru",
            "null",
            "\"\\/\"",
            "\u{b}{}",
            "{}\u{c}",
            "\u{feff}{}",
            "[1,\u{a0}2]",
            "[\"\u{a0}\"]",
            "1e400",
            "18446744073709551615",
            "-9223372036854775808",
        ];
        for case in cases {
            let ours = accepts(case);
            let serde = serde_json::from_str::<serde_json::Value>(case).is_ok();
            assert_eq!(ours, serde, "disagreement on {case:?}");
        }
    }

    #[test]
    fn reports_duplicate_keys_with_pointer_and_keeps_last_value() {
        let parsed = parse(r#"{"a": {"b~/": 1, "b~/": 2}}"#).map_err(|e| e.message);
        let Ok(parsed) = parsed else {
            panic!("valid JSON rejected")
        };
        assert_eq!(parsed.duplicates.len(), 1);
        assert_eq!(parsed.duplicates[0].pointer, "/a/b~0~1");
        assert_eq!(parsed.value["a"]["b~/"], 2);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse(&text).is_err());
    }
}

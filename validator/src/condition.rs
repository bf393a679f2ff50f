//! The condition language of conditional elements, read into a tree before anything is
//! evaluated, so that a condition that cannot be read is an error with a JSON pointer, never
//! a guess. The validator reports such conditions (`unreadable-condition`) and conditions that
//! can never change (`constant-condition`); the route engine evaluates the tree.
//!
//! A path starts with its root: `metadata.` (the `cf-aig-metadata` object, flat: the rest of
//! the path is one key, dots included), `headers.` (one header, its name compared without
//! regard to case, as HTTP does) or `body.` (the JSON body: the rest is split on dots and
//! walks into objects, and into arrays by decimal index, as MongoDB paths do). Any other
//! root is an error.
//!
//! Cloudflare documents "MongoDB-like operators such as `$eq`, `$ne`, `$in`, `$and`, and
//! `$or`" on dotted request paths such as `metadata.plan`. Where the documentation is silent
//! the language follows MongoDB's query semantics; each such choice is listed in the README
//! ("Condition semantics") and reported on the trace step that relied on it.

use serde_json::{Map, Value};

/// The part of the request a path reads from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    /// `metadata.KEY`
    Metadata,
    /// `headers.NAME`
    Headers,
    /// `body.A.B.0`
    Body,
}

/// A parsed request path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// Where the path starts.
    pub root: Root,
    /// The segments after the root: one for metadata and headers (lower-cased for
    /// headers), one per dot for the body.
    pub segments: Vec<String>,
}

impl Path {
    /// Reads `metadata.plan`, `headers.x-team` or `body.messages.0.role`.
    pub fn parse(written: &str) -> Result<Path, String> {
        let (root, rest) = written.split_once('.').unwrap_or((written, ""));
        let root = match root {
            "metadata" => Root::Metadata,
            "headers" => Root::Headers,
            "body" => Root::Body,
            _ => {
                return Err(format!(
                    "`{written}` does not start with a request part: paths start with \
                     `metadata.`, `headers.` or `body.`"
                ));
            }
        };
        if rest.is_empty() {
            return Err(format!(
                "`{written}` names no field: write `{}.<name>`",
                written.trim_end_matches('.')
            ));
        }
        let segments = match root {
            Root::Metadata => vec![rest.to_string()],
            Root::Headers => vec![rest.to_ascii_lowercase()],
            Root::Body => {
                let segments: Vec<String> = rest.split('.').map(str::to_string).collect();
                if segments.iter().any(String::is_empty) {
                    return Err(format!("`{written}` has an empty segment between dots"));
                }
                segments
            }
        };
        Ok(Path { root, segments })
    }
}

/// A condition tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// Every part holds: `$and`, or (`implicit`) an object with several keys. Empty: always
    /// true.
    All {
        /// The parts.
        parts: Vec<Condition>,
        /// Written as several keys of one object rather than `$and`.
        implicit: bool,
    },
    /// At least one part holds (`$or`).
    Any(Vec<Condition>),
    /// No part holds (`$nor`, MongoDB's meaning).
    None(Vec<Condition>),
    /// A test of one request field.
    Field(FieldTest),
}

/// A test of the value at one request path.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldTest {
    /// Where the value is read.
    pub path: Path,
    /// The path as written (`metadata.plan`).
    pub written: String,
    /// The JSON pointer of the test, relative to the conditions object.
    pub pointer: String,
    /// What the value must satisfy (all of them).
    pub ops: Vec<Op>,
    /// Written as a bare value (`"metadata.plan": "free"`), meaning `$eq`.
    pub bare: bool,
}

/// One operator applied to a field value.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// `$eq` (or a bare value): equal, type included.
    Eq(Value),
    /// `$ne`: not equal; true for a missing field.
    Ne(Value),
    /// `$in`: equal to one of the values.
    In(Vec<Value>),
    /// `$nin`: equal to none of the values; true for a missing field.
    Nin(Vec<Value>),
    /// `$gt`, `$gte`, `$lt`, `$lte`: ordered comparison within one type (numbers with
    /// numbers, strings with strings).
    Compare(Ordering, Value),
    /// `$exists`: the field is present (`true`) or absent (`false`).
    Exists(bool),
    /// `$not`: the operators inside do not all hold; true for a missing field.
    Not(Vec<Op>),
}

/// The ordered comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ordering {
    /// `$gt`
    Greater,
    /// `$gte`
    GreaterOrEqual,
    /// `$lt`
    Less,
    /// `$lte`
    LessOrEqual,
}

impl Op {
    /// The operator as written in a condition.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Eq(_) => "$eq",
            Op::Ne(_) => "$ne",
            Op::In(_) => "$in",
            Op::Nin(_) => "$nin",
            Op::Compare(Ordering::Greater, _) => "$gt",
            Op::Compare(Ordering::GreaterOrEqual, _) => "$gte",
            Op::Compare(Ordering::Less, _) => "$lt",
            Op::Compare(Ordering::LessOrEqual, _) => "$lte",
            Op::Exists(_) => "$exists",
            Op::Not(_) => "$not",
        }
    }

    /// Whether Cloudflare documents the operator (`$eq`, `$ne`, `$in`); the others are
    /// evaluated with MongoDB's meaning and marked as assumed.
    pub fn is_documented(&self) -> bool {
        matches!(self, Op::Eq(_) | Op::Ne(_) | Op::In(_))
    }
}

/// A condition the engine cannot read as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionError {
    /// JSON pointer of the offending part, relative to the conditions object.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ConditionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.pointer.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{} (at {})", self.message, self.pointer)
        }
    }
}

impl std::error::Error for ConditionError {}

/// Reads a conditions object. A missing `conditions` property is an empty object (always
/// true), as in MongoDB, where an empty filter matches every document.
pub fn parse(conditions: &Map<String, Value>) -> Result<Condition, ConditionError> {
    object(conditions, "")
}

fn object(map: &Map<String, Value>, at: &str) -> Result<Condition, ConditionError> {
    let mut parts = Vec::with_capacity(map.len());
    for (key, value) in map {
        let pointer = format!("{at}/{}", escape(key));
        parts.push(match key.as_str() {
            "$and" => Condition::All {
                parts: list(key, value, &pointer)?,
                implicit: false,
            },
            "$or" => Condition::Any(list(key, value, &pointer)?),
            "$nor" => Condition::None(list(key, value, &pointer)?),
            _ if key.starts_with('$') => {
                return Err(error(
                    &pointer,
                    format!(
                        "`{key}` cannot stand at the top of a condition: only `$and`, `$or` and \
                         `$nor` combine conditions; field operators go inside a path, as in \
                         {{\"metadata.plan\": {{\"{key}\": ...}}}}"
                    ),
                ));
            }
            _ => Condition::Field(field(key, value, &pointer)?),
        });
    }
    Ok(if parts.len() == 1 {
        parts.remove(0)
    } else {
        Condition::All {
            parts,
            implicit: true,
        }
    })
}

/// The operand of `$and`, `$or` and `$nor`: a non-empty array of condition objects.
fn list(op: &str, value: &Value, at: &str) -> Result<Vec<Condition>, ConditionError> {
    let Value::Array(items) = value else {
        return Err(error(
            at,
            format!(
                "`{op}` takes an array of condition objects, not {}",
                describe(value)
            ),
        ));
    };
    if items.is_empty() {
        return Err(error(
            at,
            format!("`{op}` takes a non-empty array (MongoDB rejects an empty one)"),
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let pointer = format!("{at}/{i}");
            match item {
                Value::Object(map) => object(map, &pointer),
                other => Err(error(
                    &pointer,
                    format!(
                        "each item of `{op}` is a condition object, not {}",
                        describe(other)
                    ),
                )),
            }
        })
        .collect()
}

fn field(written: &str, value: &Value, at: &str) -> Result<FieldTest, ConditionError> {
    let path = Path::parse(written).map_err(|message| error(at, message))?;
    let bare = !matches!(value, Value::Object(map) if map.keys().any(|k| k.starts_with('$')));
    let ops = match value {
        Value::Object(map) if !bare => operators(map, at)?,
        Value::Object(map) if map.is_empty() => {
            return Err(error(
                at,
                "an empty object tests nothing: write an operator such as {\"$eq\": ...}",
            ));
        }
        // A bare value, an array or an object without operators means equality with it.
        other => vec![Op::Eq(other.clone())],
    };
    Ok(FieldTest {
        path,
        written: written.to_string(),
        pointer: at.to_string(),
        ops,
        bare,
    })
}

fn operators(map: &Map<String, Value>, at: &str) -> Result<Vec<Op>, ConditionError> {
    map.iter()
        .map(|(key, operand)| operator(key, operand, &format!("{at}/{}", escape(key))))
        .collect()
}

fn operator(key: &str, operand: &Value, at: &str) -> Result<Op, ConditionError> {
    Ok(match key {
        "$eq" => Op::Eq(operand.clone()),
        "$ne" => Op::Ne(operand.clone()),
        "$in" => Op::In(array(key, operand, at)?),
        "$nin" => Op::Nin(array(key, operand, at)?),
        "$gt" => Op::Compare(Ordering::Greater, operand.clone()),
        "$gte" => Op::Compare(Ordering::GreaterOrEqual, operand.clone()),
        "$lt" => Op::Compare(Ordering::Less, operand.clone()),
        "$lte" => Op::Compare(Ordering::LessOrEqual, operand.clone()),
        "$exists" => match operand {
            Value::Bool(b) => Op::Exists(*b),
            other => {
                return Err(error(
                    at,
                    format!("`$exists` takes true or false, not {}", describe(other)),
                ));
            }
        },
        "$not" => match operand {
            Value::Object(map) if !map.is_empty() && map.keys().all(|k| k.starts_with('$')) => {
                Op::Not(operators(map, at)?)
            }
            other => {
                return Err(error(
                    at,
                    format!(
                        "`$not` takes an operator object such as {{\"$eq\": ...}}, not {}",
                        describe(other)
                    ),
                ));
            }
        },
        "$and" | "$or" | "$nor" => {
            return Err(error(
                at,
                format!(
                    "`{key}` combines whole conditions and cannot be applied to a field: \
                     write {{\"{key}\": [{{...}}, {{...}}]}} at the top of the condition"
                ),
            ));
        }
        _ if key.starts_with('$') => {
            return Err(error(
                at,
                format!(
                    "unknown operator `{key}` (the engine knows $eq, $ne, $in, $nin, $gt, $gte, \
                     $lt, $lte, $exists, $not, $and, $or, $nor)"
                ),
            ));
        }
        _ => {
            return Err(error(
                at,
                format!(
                    "`{key}` is not an operator: an object that holds operators holds only \
                     operators (keys starting with `$`)"
                ),
            ));
        }
    })
}

fn array(op: &str, operand: &Value, at: &str) -> Result<Vec<Value>, ConditionError> {
    match operand {
        Value::Array(items) => Ok(items.clone()),
        other => Err(error(
            at,
            format!("`{op}` takes an array of values, not {}", describe(other)),
        )),
    }
}

fn error(pointer: &str, message: impl Into<String>) -> ConditionError {
    ConditionError {
        pointer: pointer.to_string(),
        message: message.into(),
    }
}

/// How a JSON value is named in messages.
pub fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// RFC 6901 escaping of one reference token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(value: Value) -> Result<Condition, ConditionError> {
        match value {
            Value::Object(map) => parse(&map),
            _ => unreachable!("tests pass objects"),
        }
    }

    fn err(value: Value) -> ConditionError {
        read(value).expect_err("the condition is refused")
    }

    #[test]
    fn a_bare_value_is_equality_and_several_operators_all_apply() {
        let Condition::Field(test) = read(json!({"metadata.plan": "free"})).expect("reads") else {
            panic!("one field test")
        };
        assert_eq!(test.ops, [Op::Eq(json!("free"))]);
        assert!(test.bare);
        let Condition::Field(test) =
            read(json!({"metadata.n": {"$gt": 1, "$lt": 5}})).expect("reads")
        else {
            panic!("one field test")
        };
        assert_eq!(test.ops.len(), 2);
    }

    #[test]
    fn several_keys_are_all_of_them_and_logical_operators_nest() {
        let c = read(json!({
            "metadata.plan": "free",
            "$or": [{"headers.x-team": "a"}, {"$and": [{"body.model": "x"}, {"metadata.n": 1}]}]
        }))
        .expect("reads");
        let Condition::All {
            parts,
            implicit: true,
        } = c
        else {
            panic!("an object with two keys is an implicit All")
        };
        assert!(matches!(&parts[1], Condition::Any(items)
            if matches!(&items[1], Condition::All { parts: inner, implicit: false } if inner.len() == 2)));
    }

    #[test]
    fn unreadable_conditions_are_errors_with_pointers() {
        let e = err(json!({"metadata.plan": {"$in": "free"}}));
        assert_eq!(e.pointer, "/metadata.plan/$in");
        assert!(e.message.contains("array of values"), "{e}");
        let e = err(json!({"$and": "x"}));
        assert_eq!(e.pointer, "/$and");
        let e = err(json!({"$or": []}));
        assert!(e.message.contains("non-empty"), "{e}");
        let e = err(json!({"$or": [1]}));
        assert_eq!(e.pointer, "/$or/0");
        let e = err(json!({"metadata.plan": {}}));
        assert!(e.message.contains("tests nothing"), "{e}");
        let e = err(json!({"user.plan": "free"}));
        assert!(e.message.contains("metadata."), "{e}");
        let e = err(json!({"metadata.plan": {"$eq": "a", "other": 1}}));
        assert_eq!(e.pointer, "/metadata.plan/other");
        let e = err(json!({"metadata.plan": {"$regexp": "a"}}));
        assert!(e.message.contains("unknown operator `$regexp`"), "{e}");
        let e = err(json!({"$eq": "a"}));
        assert!(e.message.contains("cannot stand at the top"), "{e}");
        let e = err(json!({"metadata.a/b": {"$exists": 1}}));
        assert_eq!(e.pointer, "/metadata.a~1b/$exists");
    }

    #[test]
    fn documented_operators_are_told_apart() {
        assert!(Op::In(vec![]).is_documented());
        assert!(!Op::Nin(vec![]).is_documented());
        assert!(!Op::Compare(Ordering::Greater, json!(1)).is_documented());
        assert_eq!(Op::Compare(Ordering::LessOrEqual, json!(1)).name(), "$lte");
    }

    #[test]
    fn unknown_roots_and_empty_names_are_errors() {
        assert!(
            Path::parse("user.plan")
                .unwrap_err()
                .contains("`metadata.`")
        );
        assert!(
            Path::parse("metadata")
                .unwrap_err()
                .contains("names no field")
        );
        assert!(
            Path::parse("metadata.")
                .unwrap_err()
                .contains("names no field")
        );
        assert!(
            Path::parse("body.a..b")
                .unwrap_err()
                .contains("empty segment")
        );
    }
}

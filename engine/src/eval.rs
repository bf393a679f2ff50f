//! Evaluation of a condition tree against a request, with MongoDB's meaning where
//! Cloudflare's documentation is silent, and a record of every field test so a trace can
//! say why a branch was taken.

use serde::Serialize;
use serde_json::Value;

use crate::condition::{Condition, FieldTest, Op, Ordering};
use crate::request::Request;

/// The result of a condition, with the tests that decided it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Whether the condition holds.
    pub matched: bool,
    /// Every field test, in the order written.
    pub checks: Vec<Check>,
    /// Choices the result relied on that Cloudflare does not document.
    pub assumed: Vec<String>,
}

/// One field test.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// The path as written.
    pub path: String,
    /// The operator (`$eq` for a bare value).
    pub op: &'static str,
    /// The operand as written.
    pub operand: Value,
    /// The request's value, `None` when the field is missing.
    pub actual: Option<Value>,
    /// Whether the test held.
    pub result: bool,
}

/// Evaluates `condition` for `request`.
pub fn evaluate(condition: &Condition, request: &Request) -> Evaluation {
    let mut out = Evaluation {
        matched: false,
        checks: Vec::new(),
        assumed: Vec::new(),
    };
    out.matched = node(condition, request, &mut out);
    out
}

fn node(condition: &Condition, request: &Request, out: &mut Evaluation) -> bool {
    match condition {
        Condition::All { parts, implicit } => {
            if *implicit {
                assume(
                    out,
                    "several keys in one condition object must all hold, as in MongoDB",
                );
            }
            every(parts, request, out).iter().all(|&b| b)
        }
        Condition::Any(parts) => every(parts, request, out).iter().any(|&b| b),
        Condition::None(parts) => {
            assume(
                out,
                "`$nor` is not documented by Cloudflare; MongoDB's meaning is used",
            );
            !every(parts, request, out).iter().any(|&b| b)
        }
        Condition::Field(test) => field(test, request, out),
    }
}

/// The result of every part, each evaluated (no short cut) so the trace records each test.
fn every(parts: &[Condition], request: &Request, out: &mut Evaluation) -> Vec<bool> {
    parts.iter().map(|p| node(p, request, out)).collect()
}

fn field(test: &FieldTest, request: &Request, out: &mut Evaluation) -> bool {
    let actual = request.get(&test.path);
    if test.bare {
        assume(out, "a bare value means `$eq`, as in MongoDB");
    }
    let mut all = true;
    for op in &test.ops {
        if !op.is_documented() {
            assume(
                out,
                &format!(
                    "`{}` is not documented by Cloudflare; MongoDB's meaning is used",
                    op.name()
                ),
            );
        }
        if actual.is_none() && matches!(op, Op::Ne(_) | Op::Nin(_) | Op::Not(_)) {
            assume(
                out,
                &format!(
                    "`{}` on a missing field ({}) is true, as in MongoDB",
                    op.name(),
                    test.written
                ),
            );
        }
        if let Some(actual) = actual
            && differs_only_in_type(op, actual)
        {
            assume(
                out,
                &format!(
                    "comparison is type-strict, as in MongoDB: {} is {actual}, which does not \
                     equal the operand of `{}` written with another type",
                    test.written,
                    op.name()
                ),
            );
        }
        let result = apply(op, actual);
        out.checks.push(Check {
            path: test.written.clone(),
            op: op.name(),
            operand: operand(op),
            actual: actual.cloned(),
            result,
        });
        all &= result;
    }
    all
}

fn assume(out: &mut Evaluation, note: &str) {
    if !out.assumed.iter().any(|n| n == note) {
        out.assumed.push(note.to_string());
    }
}

/// The operand of an operator as JSON, for the record.
fn operand(op: &Op) -> Value {
    match op {
        Op::Eq(v) | Op::Ne(v) | Op::Compare(_, v) => v.clone(),
        Op::In(vs) | Op::Nin(vs) => Value::Array(vs.clone()),
        Op::Exists(b) => Value::Bool(*b),
        Op::Not(ops) => Value::Object(
            ops.iter()
                .map(|op| (op.name().to_string(), operand(op)))
                .collect(),
        ),
    }
}

/// Whether an operator applies to a field value (`None`: the field is missing).
pub fn apply(op: &Op, actual: Option<&Value>) -> bool {
    match op {
        Op::Eq(expected) => matches_eq(actual, expected),
        Op::Ne(expected) => !matches_eq(actual, expected),
        Op::In(list) => list.iter().any(|expected| matches_eq(actual, expected)),
        Op::Nin(list) => !list.iter().any(|expected| matches_eq(actual, expected)),
        Op::Compare(ordering, bound) => actual.is_some_and(|actual| {
            each(actual).any(|value| compare(value, bound).is_some_and(|o| holds(*ordering, o)))
        }),
        Op::Exists(wanted) => actual.is_some() == *wanted,
        Op::Not(ops) => !ops.iter().all(|op| apply(op, actual)),
    }
}

/// MongoDB's equality: `null` matches a missing field; an array field matches when it equals
/// the operand as a whole or when one of its items does.
fn matches_eq(actual: Option<&Value>, expected: &Value) -> bool {
    match actual {
        None => expected.is_null(),
        Some(actual) => {
            equal(actual, expected)
                || matches!(actual, Value::Array(items) if items.iter().any(|i| equal(i, expected)))
        }
    }
}

/// The value, or the items of an array (and the array itself), as MongoDB compares them.
fn each(value: &Value) -> Box<dyn Iterator<Item = &Value> + '_> {
    match value {
        Value::Array(items) => Box::new(items.iter()),
        other => Box::new(std::iter::once(other)),
    }
}

/// Type-strict equality; numbers compare by value (`1` equals `1.0`).
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64() && x.as_f64().is_some(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| equal(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|other| equal(v, other)))
        }
        _ => a == b,
    }
}

/// Ordering within one type: numbers by value, strings by code point, booleans false <
/// true. Values of different types do not compare (MongoDB's type brackets).
fn compare(actual: &Value, bound: &Value) -> Option<std::cmp::Ordering> {
    match (actual, bound) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn holds(ordering: Ordering, result: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    match ordering {
        Ordering::Greater => result == Greater,
        Ordering::GreaterOrEqual => matches!(result, Greater | Equal),
        Ordering::Less => result == Less,
        Ordering::LessOrEqual => matches!(result, Less | Equal),
    }
}

/// Whether an equality operator failed only because the value has another type than the
/// operand (`"1"` against `1`, `true` against `"true"`): a result worth a note.
fn differs_only_in_type(op: &Op, actual: &Value) -> bool {
    let loose = |expected: &Value| {
        !equal(actual, expected)
            && scalar_text(actual).is_some()
            && scalar_text(actual) == scalar_text(expected)
    };
    match op {
        Op::Eq(e) | Op::Ne(e) => loose(e),
        Op::In(list) | Op::Nin(list) => list.iter().any(loose),
        _ => false,
    }
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => n.as_f64().map(|f| f.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::condition::parse;
    use serde_json::json;

    fn request(metadata: Value) -> Request {
        serde_json::from_value(json!({
            "metadata": metadata,
            "headers": {"X-Team": "search"},
            "body": {"tags": ["a", "b"], "n": 3}
        }))
        .expect("a request")
    }

    fn eval(condition: Value, metadata: Value) -> Evaluation {
        let Value::Object(map) = condition else {
            unreachable!("tests pass objects")
        };
        evaluate(&parse(&map).expect("readable"), &request(metadata))
    }

    fn holds(condition: Value, metadata: Value) -> bool {
        eval(condition, metadata).matched
    }

    #[test]
    fn documented_operators() {
        let m = json!({"plan": "free"});
        assert!(holds(json!({"metadata.plan": {"$eq": "free"}}), m.clone()));
        assert!(!holds(json!({"metadata.plan": {"$eq": "paid"}}), m.clone()));
        assert!(holds(json!({"metadata.plan": {"$ne": "paid"}}), m.clone()));
        assert!(holds(
            json!({"metadata.plan": {"$in": ["free", "trial"]}}),
            m.clone()
        ));
        assert!(!holds(json!({"metadata.plan": {"$in": []}}), m.clone()));
        assert!(holds(
            json!({"$or": [{"metadata.plan": "paid"}, {"metadata.plan": "free"}]}),
            m.clone()
        ));
        assert!(!holds(
            json!({"$and": [{"metadata.plan": "free"}, {"headers.x-team": "ads"}]}),
            m
        ));
    }

    #[test]
    fn a_missing_field_follows_mongodb() {
        let m = json!({});
        assert!(!holds(json!({"metadata.plan": {"$eq": "free"}}), m.clone()));
        assert!(holds(json!({"metadata.plan": {"$ne": "free"}}), m.clone()));
        assert!(!holds(
            json!({"metadata.plan": {"$in": ["free"]}}),
            m.clone()
        ));
        assert!(holds(
            json!({"metadata.plan": {"$nin": ["free"]}}),
            m.clone()
        ));
        assert!(
            holds(json!({"metadata.plan": {"$eq": null}}), m.clone()),
            "null matches missing"
        );
        assert!(!holds(json!({"metadata.n": {"$gt": 0}}), m.clone()));
        assert!(holds(json!({"metadata.n": {"$exists": false}}), m.clone()));
        assert!(holds(
            json!({"metadata.n": {"$not": {"$gt": 0}}}),
            m.clone()
        ));
        let e = eval(json!({"metadata.plan": {"$ne": "free"}}), m);
        assert!(
            e.assumed.iter().any(|a| a.contains("missing field")),
            "{:?}",
            e.assumed
        );
    }

    #[test]
    fn comparison_is_type_strict_and_numbers_compare_by_value() {
        assert!(!holds(json!({"metadata.tier": 1}), json!({"tier": "1"})));
        assert!(!holds(
            json!({"metadata.beta": "true"}),
            json!({"beta": true})
        ));
        assert!(holds(json!({"metadata.tier": 1}), json!({"tier": 1.0})));
        let e = eval(json!({"metadata.tier": {"$eq": 1}}), json!({"tier": "1"}));
        assert!(
            e.assumed.iter().any(|a| a.contains("type-strict")),
            "{:?}",
            e.assumed
        );
        assert!(!holds(
            json!({"metadata.tier": {"$gt": 0}}),
            json!({"tier": "5"})
        ));
        assert!(holds(
            json!({"metadata.tier": {"$gte": "b"}}),
            json!({"tier": "b"})
        ));
        assert!(holds(
            json!({"metadata.n": {"$gt": 1, "$lt": 5}}),
            json!({"n": 3})
        ));
        assert!(!holds(
            json!({"metadata.n": {"$gt": 1, "$lt": 5}}),
            json!({"n": 5})
        ));
    }

    #[test]
    fn several_keys_mean_all_and_logical_operators_nest() {
        let m = json!({"plan": "free", "region": "eu"});
        assert!(holds(
            json!({"metadata.plan": "free", "metadata.region": "eu"}),
            m.clone()
        ));
        assert!(!holds(
            json!({"metadata.plan": "free", "metadata.region": "us"}),
            m.clone()
        ));
        assert!(holds(
            json!({"$or": [{"metadata.region": "us"}, {"$and": [{"metadata.plan": "free"}, {"headers.X-TEAM": "search"}]}]}),
            m.clone()
        ));
        assert!(holds(
            json!({"$nor": [{"metadata.region": "us"}]}),
            m.clone()
        ));
        assert!(!holds(json!({"$nor": [{"metadata.region": "eu"}]}), m));
    }

    #[test]
    fn array_fields_match_by_item_or_as_a_whole() {
        let m = json!({});
        assert!(holds(json!({"body.tags": "a"}), m.clone()));
        assert!(holds(json!({"body.tags": ["a", "b"]}), m.clone()));
        assert!(!holds(json!({"body.tags": ["b", "a"]}), m.clone()));
        assert!(holds(json!({"body.tags": {"$in": ["z", "b"]}}), m.clone()));
        assert!(!holds(json!({"body.tags": {"$ne": "a"}}), m.clone()));
        assert!(holds(json!({"body.n": {"$lte": 3}}), m));
    }

    #[test]
    fn every_test_is_recorded_and_assumptions_are_named() {
        let e = eval(
            json!({"metadata.plan": "free", "metadata.n": {"$gte": 2}}),
            json!({"plan": "free", "n": 1}),
        );
        assert!(!e.matched);
        assert_eq!(e.checks.len(), 2);
        assert_eq!(e.checks[1].op, "$gte");
        assert_eq!(e.checks[1].actual, Some(json!(1)));
        assert!(!e.checks[1].result);
        assert!(
            e.assumed
                .iter()
                .any(|a| a.contains("`$gte` is not documented"))
        );
        let documented = eval(
            json!({"metadata.plan": {"$in": ["free"]}}),
            json!({"plan": "free"}),
        );
        assert!(documented.assumed.is_empty(), "{:?}", documented.assumed);
    }
}

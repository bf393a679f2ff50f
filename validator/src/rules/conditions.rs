//! Checks of conditional elements that read their conditions as the route engine does
//! (`crate::condition`): `unreadable-condition`, `constant-condition` and `same-branch`.

use serde_json::Value;

use crate::condition::{self, Condition, FieldTest, Op, Root};
use crate::diagnostic::Finding;
use crate::pointer::push_token;
use crate::registry::names;
use crate::route::Route;
use crate::rules::Context;

/// A conditional element's `properties.conditions`, read once (as a `serde_json::Value`,
/// which `crate::condition` reads) for the checks that need it.
pub struct Conditional {
    /// The element's index.
    pub index: usize,
    /// Whether it has `properties.conditions`.
    pub present: bool,
    /// What reading the conditions gave, when they are an object.
    pub read: Option<Result<Condition, condition::ConditionError>>,
}

/// The conditional elements of `route`, in order.
pub fn conditionals(route: &Route<'_>) -> Vec<Conditional> {
    route
        .elements
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == Some("conditional"))
        .map(|(index, e)| {
            let conditions = e.properties.and_then(|p| p.get("conditions"));
            let read = match conditions.map(|c| c.to_value()) {
                Some(Value::Object(map)) => Some(condition::parse(&map)),
                _ => None,
            };
            Conditional {
                index,
                present: conditions.is_some(),
                read,
            }
        })
        .collect()
}

fn conditions_pointer(cx: &Context<'_>, i: usize) -> String {
    let element = cx.graph.as_ref().map(|r| r.pointer(i)).unwrap_or_default();
    push_token(&push_token(&element, "properties"), "conditions")
}

/// `unreadable-condition`: a conditions object the engine cannot read (an operand of the
/// wrong type, `$or: []`, an operator object without operators, an unknown path root or
/// operator). A `conditions` that is not an object is a `schema` error instead.
pub fn unreadable_condition(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for conditional in cx.conditionals() {
        if let Some(Err(e)) = &conditional.read {
            out.push(Finding::new(
                names::UNREADABLE_CONDITION,
                format!("{}{}", conditions_pointer(cx, conditional.index), e.pointer),
                e.message.clone(),
                "write the condition as documented: {\"metadata.plan\": {\"$eq\": \"free\"}}, \
                 with $and/$or taking a non-empty array of such objects",
            ));
        }
    }
}

/// `constant-condition`: a readable condition whose result does not depend on the request,
/// so one output of the element is never taken.
pub fn constant_condition(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for conditional in cx.conditionals() {
        let i = conditional.index;
        let misspelt = cx.graph.as_ref().is_some_and(|route| {
            route.elements[i]
                .properties
                .is_some_and(|p| p.get("condition").is_some())
        });
        let present = conditional.present;
        let (value, why) = match &conditional.read {
            // A misspelt `condition` is reported by `ignored-property`, whose fix (rename it)
            // also fixes this: one finding per cause.
            None if !present && misspelt => continue,
            None if !present => (
                true,
                "there is no `conditions`, which always holds".to_string(),
            ),
            Some(Ok(tree)) => match constant(tree) {
                Some((value, why)) => (value, why),
                None => continue,
            },
            // Not an object (a `schema` error), or unreadable (`unreadable-condition`).
            _ => continue,
        };
        let (never, output) = if value {
            ("false", "false")
        } else {
            ("true", "true")
        };
        out.push(Finding::new(
            names::CONSTANT_CONDITION,
            if present {
                conditions_pointer(cx, i)
            } else {
                cx.graph.as_ref().map(|r| r.pointer(i)).unwrap_or_default()
            },
            format!("the condition can never be {never}: {why}; output `{output}` is never taken"),
            "make the condition depend on the request, or replace the conditional with its one \
             branch",
        ));
    }
}

/// `same-branch`: a conditional whose `true` and `false` lead to the same element.
pub fn same_branch(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(route) = &cx.graph else { return };
    for (i, element) in route.elements.iter().enumerate() {
        if element.kind != Some("conditional") {
            continue;
        }
        let target = |label: &str| {
            element
                .edges
                .iter()
                .find(|e| e.label == label)
                .map(|e| e.target)
        };
        if let (Some(on_true), Some(on_false)) = (target("true"), target("false"))
            && on_true == on_false
        {
            out.push(Finding::new(
                names::SAME_BRANCH,
                route.edge_pointer(i, "false"),
                format!(
                    "`true` and `false` both lead to `{on_true}`: the condition decides nothing"
                ),
                "point one of the outputs at another element, or remove the conditional",
            ));
        }
    }
}

/// `Some((value, why))` when `condition` has the same result for every request.
pub fn constant(condition: &Condition) -> Option<(bool, String)> {
    match condition {
        Condition::All { parts, .. } => {
            if parts.is_empty() {
                return Some((true, "an empty condition always holds".into()));
            }
            if let Some(why) = parts.iter().find_map(|p| match constant(p) {
                Some((false, why)) => Some(why),
                _ => None,
            }) {
                return Some((false, why));
            }
            let tests: Vec<&FieldTest> = parts
                .iter()
                .filter_map(|p| match p {
                    Condition::Field(test) => Some(test),
                    _ => None,
                })
                .collect();
            if let Some(why) = contradiction(&tests) {
                return Some((false, why));
            }
            let all: Option<Vec<String>> = parts
                .iter()
                .map(|p| match constant(p) {
                    Some((true, why)) => Some(why),
                    _ => None,
                })
                .collect();
            all.map(|whys| (true, whys.join("; ")))
        }
        Condition::Any(parts) => {
            if let Some(why) = parts.iter().find_map(|p| match constant(p) {
                Some((true, why)) => Some(why),
                _ => None,
            }) {
                return Some((true, why));
            }
            let all: Option<Vec<String>> = parts
                .iter()
                .map(|p| match constant(p) {
                    Some((false, why)) => Some(why),
                    _ => None,
                })
                .collect();
            all.map(|whys| (false, whys.join("; ")))
        }
        Condition::None(parts) => {
            constant(&Condition::Any(parts.clone())).map(|(v, why)| (!v, why))
        }
        Condition::Field(test) => field(test),
    }
}

fn field(test: &FieldTest) -> Option<(bool, String)> {
    if let Some(why) = contradiction(&[test]) {
        return Some((false, why));
    }
    for op in &test.ops {
        match op {
            Op::In(values) if values.is_empty() => {
                return Some((false, format!("`{}` is `$in` an empty list", test.written)));
            }
            _ => {}
        }
    }
    let always = test
        .ops
        .iter()
        .all(|op| matches!(op, Op::Nin(values) if values.is_empty()));
    always.then(|| (true, format!("`{}` is `$nin` an empty list", test.written)))
}

/// Two tests of one metadata or header field, joined by "and", that no value can pass:
/// `$eq` of two different values, or `$eq` and `$ne` of the same one. Body fields are left
/// out: an array in the body can equal two values at once (MongoDB matches its items).
fn contradiction(fields: &[&FieldTest]) -> Option<String> {
    let tests: Vec<(&FieldTest, &Op)> = fields
        .iter()
        .filter(|test| test.path.root != Root::Body)
        .flat_map(|test| test.ops.iter().map(move |op| (*test, op)))
        .collect();
    for (i, (a, op_a)) in tests.iter().enumerate() {
        for (b, op_b) in &tests[i + 1..] {
            if a.path != b.path {
                continue;
            }
            match (op_a, op_b) {
                (Op::Eq(x), Op::Eq(y)) if !same(x, y) => {
                    return Some(format!("`{}` cannot equal both {x} and {y}", a.written));
                }
                (Op::Eq(x), Op::Ne(y)) | (Op::Ne(y), Op::Eq(x)) if same(x, y) => {
                    return Some(format!(
                        "`{}` cannot both equal and not equal {x}",
                        a.written
                    ));
                }
                _ => {}
            }
        }
    }
    None
}

/// Equality as conditions compare: numbers by value (`1` is `1.0`), the rest exactly.
fn same(x: &Value, y: &Value) -> bool {
    match (x.as_f64(), y.as_f64()) {
        (Some(a), Some(b)) => a == b,
        _ => x == y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn constant_of(value: Value) -> Option<bool> {
        let Value::Object(map) = value else {
            unreachable!("tests pass objects")
        };
        constant(&condition::parse(&map).expect("readable")).map(|(v, _)| v)
    }

    #[test]
    fn conditions_that_cannot_change_are_found() {
        assert_eq!(constant_of(json!({})), Some(true));
        assert_eq!(
            constant_of(json!({"metadata.plan": {"$in": []}})),
            Some(false)
        );
        assert_eq!(
            constant_of(json!({"metadata.plan": {"$nin": []}})),
            Some(true)
        );
        assert_eq!(
            constant_of(json!({"$and": [{"metadata.plan": "a"}, {"metadata.plan": "b"}]})),
            Some(false)
        );
        assert_eq!(
            constant_of(json!({"metadata.plan": {"$eq": "a", "$ne": "a"}})),
            Some(false)
        );
        assert_eq!(
            constant_of(
                json!({"$and": [{"metadata.plan": {"$eq": "a"}}, {"metadata.plan": {"$ne": "a"}}]})
            ),
            Some(false)
        );
        assert_eq!(
            constant_of(
                json!({"$or": [{"metadata.plan": {"$in": []}}, {"metadata.x": {"$nin": []}}]})
            ),
            Some(true)
        );
        assert_eq!(
            constant_of(json!({"$nor": [{"metadata.plan": {"$in": []}}]})),
            Some(true)
        );
    }

    #[test]
    fn and_or_combine_constant_parts_with_request_dependent_ones() {
        // One part that never holds makes `$and` never hold, whatever the other part says.
        assert_eq!(
            constant_of(json!({"$and": [{"metadata.plan": {"$in": []}}, {"metadata.x": 1}]})),
            Some(false)
        );
        // Every part always holding makes `$and` always hold.
        assert_eq!(
            constant_of(
                json!({"$and": [{"metadata.x": {"$nin": []}}, {"metadata.y": {"$nin": []}}]})
            ),
            Some(true)
        );
        // One part that always holds makes `$or` always hold.
        assert_eq!(
            constant_of(json!({"$or": [{"metadata.x": {"$nin": []}}, {"metadata.plan": "a"}]})),
            Some(true)
        );
        // `$in` a non-empty list depends on the request.
        assert_eq!(constant_of(json!({"metadata.plan": {"$in": ["a"]}})), None);
    }

    #[test]
    fn conditions_that_depend_on_the_request_are_left_alone() {
        assert_eq!(constant_of(json!({"metadata.plan": "free"})), None);
        assert_eq!(
            constant_of(json!({"$and": [{"metadata.n": 1}, {"metadata.n": 1.0}]})),
            None,
            "1 and 1.0 are one value"
        );
        assert_eq!(
            constant_of(json!({"$and": [{"metadata.plan": "a"}, {"metadata.tier": "b"}]})),
            None
        );
        assert_eq!(
            constant_of(json!({"$and": [{"body.tags": "a"}, {"body.tags": "b"}]})),
            None,
            "a body array can hold both values"
        );
        assert_eq!(
            constant_of(json!({"$or": [{"metadata.plan": {"$in": []}}, {"metadata.x": 1}]})),
            None
        );
    }
}

//! The quick verdict of the route schema: whether a value is valid under it, from functions
//! generated at build time (`generated.rs`, written by `cargo xtask generate` from
//! spec/route.schema.json through `dynroute_codegen::predicate`), reading the parsed tree
//! directly.
//!
//! A file that passes needs no compiled validator: the `schema` module compiles the JSON
//! Schema only for a file that fails, to say why. The predicates answer exactly as the
//! compiled schema does (a test and the `validate` fuzz target hold them to it).

pub(crate) use crate::tree::Json;
use crate::tree::{Kind, number};

#[cfg(feature = "generated")]
#[rustfmt::skip]
#[allow(clippy::match_like_matches_macro)]
mod generated;

#[cfg(feature = "generated")]
pub(crate) use generated::{element, route};

/// Without the generated predicates (see the crate's `generated` feature), no value is known
/// to be valid: every file goes to the compiled schema, which then finds it valid or not.
#[cfg(not(feature = "generated"))]
pub(crate) fn route(_: Json<'_>) -> bool {
    false
}

/// See [`route`].
#[cfg(not(feature = "generated"))]
pub(crate) fn element(_: Json<'_>) -> bool {
    false
}

// Predicates of a schema with every keyword the generator checks, for the tests.
#[cfg(all(test, feature = "generated"))]
#[rustfmt::skip]
#[allow(clippy::match_like_matches_macro)]
mod keywords;

/// A JSON Schema type. The predicates use the types the schema names, not always all.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Type {
    Null,
    Boolean,
    Object,
    Array,
    Number,
    Integer,
    String,
}

/// Whether the value has the type, as the JSON Schema validator sees the value that
/// [`Json::to_value`] makes of it: an integer is a number without a fractional part, however
/// written (`1.0` and `1e3` too), as in draft 2020-12.
#[cfg_attr(not(feature = "generated"), allow(dead_code))]
pub(crate) fn is_type(v: Json<'_>, t: Type) -> bool {
    match (v.kind(), t) {
        (Kind::Null, Type::Null)
        | (Kind::Bool, Type::Boolean)
        | (Kind::Object, Type::Object)
        | (Kind::Array, Type::Array)
        | (Kind::String, Type::String) => true,
        (Kind::Number, Type::Number) => number(v.raw()).is_some(),
        (Kind::Number, Type::Integer) => number(v.raw()).is_some_and(|n| {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }),
        _ => false,
    }
}

/// The quick verdicts of a JSON text and the compiled route schema's, as pairs (quick,
/// compiled): the text as a route, and as one element. `None` when the text is not JSON. For
/// the tests and the `validate` fuzz target, which hold the two to agree.
#[cfg(all(any(test, fuzzing), feature = "generated"))]
pub fn verdicts(text: &str) -> Option<[(bool, bool); 2]> {
    use std::sync::OnceLock;
    static FULL: OnceLock<jsonschema::Validator> = OnceLock::new();
    let full = FULL.get_or_init(|| {
        let schema: serde_json::Value =
            serde_json::from_str(crate::schema::ROUTE_SCHEMA).expect("the embedded schema is JSON");
        jsonschema::draft202012::new(&schema).expect("the embedded schema compiles")
    });
    let parsed = crate::parse::parse(text).ok()?;
    let root = parsed.root();
    let value = root.to_value();
    // An element is valid where a route holding only it is.
    let wrapped = serde_json::json!({"name": "n", "elements": [value]});
    Some([
        (route(root), full.is_valid(&value)),
        (element(root), full.is_valid(&wrapped)),
    ])
}

#[cfg(all(test, feature = "generated"))]
mod tests {
    use super::*;
    use crate::parse::parse;
    use serde_json::{Value, json};

    fn type_of(text: &str) -> Vec<Type> {
        let tree = parse(text).expect("valid JSON");
        let all = [
            Type::Null,
            Type::Boolean,
            Type::Object,
            Type::Array,
            Type::Number,
            Type::Integer,
            Type::String,
        ];
        all.into_iter()
            .filter(|t| is_type(tree.root(), *t))
            .collect()
    }

    #[test]
    fn types_follow_the_value_the_schema_validator_sees() {
        assert_eq!(type_of("null"), [Type::Null]);
        assert_eq!(type_of("true"), [Type::Boolean]);
        assert_eq!(type_of("{}"), [Type::Object]);
        assert_eq!(type_of("[]"), [Type::Array]);
        assert_eq!(type_of("\"x\""), [Type::String]);
        assert_eq!(type_of("12"), [Type::Number, Type::Integer]);
        assert_eq!(type_of("-12"), [Type::Number, Type::Integer]);
        assert_eq!(
            type_of("18446744073709551615"),
            [Type::Number, Type::Integer]
        );
        // Whole numbers written as floats are integers too (draft 2020-12).
        assert_eq!(type_of("1.5"), [Type::Number]);
        assert_eq!(type_of("1.0"), [Type::Number, Type::Integer]);
        assert_eq!(type_of("1e3"), [Type::Number, Type::Integer]);
        assert_eq!(type_of("-2.5e-1"), [Type::Number]);
    }

    /// Every variant of `value` one change away: each member removed, each value replaced
    /// by each of `replacements`, each discriminator (`type`) set to every route tag and an
    /// unknown one.
    fn one_change_away(value: &Value, replacements: &[Value], out: &mut Vec<Value>) {
        let tags = [
            "start",
            "conditional",
            "percentage",
            "rate",
            "model",
            "end",
            "nope",
        ];
        fn paths(value: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
            out.push(at.clone());
            let children: Vec<(String, &Value)> = match value {
                Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (i.to_string(), v))
                    .collect(),
                _ => Vec::new(),
            };
            for (key, child) in children {
                at.push(key);
                paths(child, at, out);
                at.pop();
            }
        }
        let mut all = Vec::new();
        paths(value, &mut Vec::new(), &mut all);
        for path in all.iter().filter(|p| !p.is_empty()) {
            let pointer: String = path.iter().map(|t| format!("/{t}")).collect();
            let (parent, last) = pointer.rsplit_once('/').unwrap_or_default();
            let mut removed = value.clone();
            match removed.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.remove(last);
                }
                Some(Value::Array(items)) => {
                    items.remove(last.parse::<usize>().unwrap_or_default());
                }
                _ => {}
            }
            out.push(removed);
            let mut swaps: Vec<Value> = replacements.to_vec();
            if last == "type" {
                swaps.extend(tags.iter().map(|t| json!(t)));
            }
            for swap in swaps {
                let mut changed = value.clone();
                if let Some(slot) = changed.pointer_mut(&pointer) {
                    *slot = swap;
                }
                out.push(changed);
            }
        }
        // A member the schema does not name, on every object.
        for path in &all {
            let pointer: String = path.iter().map(|t| format!("/{t}")).collect();
            let mut extra = value.clone();
            if let Some(Value::Object(map)) = extra.pointer_mut(&pointer) {
                map.insert("extra".to_string(), json!(1));
                out.push(extra);
            }
        }
    }

    fn of_each_type() -> Vec<Value> {
        vec![
            Value::Null,
            json!(true),
            json!(1),
            json!(1.5),
            json!("s"),
            json!([]),
            json!({}),
        ]
    }

    /// The quick verdict agrees with the compiled schema on every example file, on each of
    /// their elements, and on every variant one change away from them (thousands of
    /// documents, valid and not).
    #[test]
    fn the_quick_verdict_agrees_with_the_compiled_schema() {
        let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/examples");
        let mut documents = Vec::new();
        for folder in ["valid", "invalid"] {
            let dir = std::fs::read_dir(format!("{examples}/{folder}")).expect("examples");
            for entry in dir {
                let path = entry.expect("entry").path();
                let text = std::fs::read_to_string(&path).expect("readable");
                let Ok(value) = serde_json::from_str::<Value>(&text) else {
                    continue;
                };
                // A saved API response holds its route in `result`.
                let route = value.get("result").cloned().unwrap_or(value);
                if let Some(Value::Array(elements)) = route.get("elements") {
                    documents.extend(elements.iter().cloned());
                }
                one_change_away(&route, &of_each_type(), &mut documents);
                documents.push(route);
            }
        }
        let (mut valid, mut compared) = ([0; 2], 0);
        for document in &documents {
            let text = document.to_string();
            let pairs = verdicts(&text).expect("JSON");
            for (i, (quick, compiled)) in pairs.into_iter().enumerate() {
                assert_eq!(
                    quick,
                    compiled,
                    "verdicts differ ({}) on {text}",
                    ["route", "element"][i]
                );
                valid[i] += usize::from(quick);
                compared += 1;
            }
        }
        assert!(compared > 2_000, "only {compared} comparisons");
        assert!(
            valid[0] > 50 && valid[1] > 50,
            "too few valid documents: {valid:?}"
        );
        assert!(valid[0] * 2 < documents.len(), "too few invalid routes");
    }

    /// The predicates of a schema holding every keyword the generator checks agree with a
    /// JSON Schema validator on a valid document and on every variant one change away from
    /// it, with replacements chosen to hit each keyword's edges (`1.0` is an integer, a
    /// `oneOf` matched twice fails, a discriminated union without its tag fails...).
    #[test]
    fn every_generated_keyword_answers_as_a_validator_does() {
        let schema: Value = serde_json::from_str(include_str!(
            "../tests/fixtures/predicate-keywords.schema.json"
        ))
        .expect("JSON");
        let validator = jsonschema::draft202012::new(&schema).expect("compiles");
        let valid = json!({
            "kind": "k", "count": 3, "ratio": 0.5, "flag": true, "nothing": null,
            "mixed": "a", "tags": ["x", "y"], "either": "s", "both": {"a": "s"},
            "neither": 1.5, "one": 2.5, "shape": {"is": "square", "w": 2},
            "loose": {"is": "solo"}, "closed": {"x": 1}, "typed_map": {"k": "v"},
            "anything": [1], "untyped": {"z": null}, "self": {"kind": "k"}, "extra": "s"
        });
        let mut replacements = of_each_type();
        replacements.extend([
            json!(1.0),
            json!(-0.0),
            json!(2e3),
            json!(-7),
            json!(""),
            json!("a"),
            json!("b"),
            json!("k"),
            json!("x"),
            json!("z"),
            json!(false),
            json!(["x"]),
            json!(["q"]),
            json!({"a": 1}),
            json!({"is": "circle"}),
            json!({"is": "circle", "r": "big"}),
            json!({"is": "square"}),
            json!({"is": "square", "w": 2.0}),
            json!({"is": "square", "w": 2.5}),
            json!({"is": "solo"}),
            json!({"is": 1}),
            json!({"x": 1, "y": 2}),
            json!({"z": null}),
            json!({"z": 1}),
            json!({"kind": "k", "count": 1.5}),
            json!({"kind": "other"}),
        ]);
        let mut documents = Vec::new();
        one_change_away(&valid, &replacements, &mut documents);
        documents.push(valid);
        let (mut passed, mut failed) = (0, 0);
        for document in &documents {
            let text = document.to_string();
            let tree = parse(&text).expect("JSON");
            let quick = keywords::keywords(tree.root());
            assert_eq!(
                quick,
                validator.is_valid(document),
                "verdicts differ on {text}"
            );
            if quick {
                passed += 1;
            } else {
                failed += 1;
            }
        }
        assert!(
            passed > 100 && failed > 100,
            "{passed} passed, {failed} failed"
        );
    }
}

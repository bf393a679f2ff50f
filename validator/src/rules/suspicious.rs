//! Warnings for documents the API accepts but that cannot do what their author meant:
//! ignored-property, unknown-operator and implausible-value.

use crate::diagnostic::Finding;
use crate::fields::Names;
use crate::pointer::push_token;
use crate::registry::names;
use crate::rules::Context;
use crate::tree::{Json, Kind};

/// Condition operators the documentation lists.
pub const OPERATORS: &[&str] = &["$eq", "$ne", "$in", "$and", "$or"];

/// `ignored-property`: keys the schema does not declare, on the route document and on each
/// element, its `properties` and its fixed-shape `outputs`.
pub fn ignored_property(cx: &Context<'_>, out: &mut Vec<Finding>) {
    if let Some((route, base)) = cx.document {
        for (key, _) in route.members() {
            if !cx.fields.is_route_field(key) {
                out.push(ignored(push_token(base, key), key, &cx.fields.route));
            }
        }
    }
    let Some(route) = &cx.graph else { return };
    for (i, element) in route.elements.iter().enumerate() {
        let Some(fields) = element.kind.and_then(|k| cx.fields.element(k)) else {
            continue;
        };
        let obj = element.value;
        if !obj.is_object() {
            continue;
        }
        unknown_keys(obj, &fields.element, || route.pointer(i), out);
        if let (Some(known), Some(props)) = (
            &fields.properties,
            element.properties.filter(|p| p.is_object()),
        ) {
            unknown_keys(props, known, || route.field(i, "properties"), out);
        }
        if let (Some(known), Some(outputs)) =
            (&fields.outputs, element.outputs.filter(|o| o.is_object()))
        {
            unknown_keys(outputs, known, || route.field(i, "outputs"), out);
        }
    }
}

/// `unknown-operator`: condition operators of conditional elements outside [`OPERATORS`].
pub fn unknown_operator(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(route) = &cx.graph else { return };
    for (i, element) in route.elements.iter().enumerate() {
        if element.kind != Some("conditional") {
            continue;
        }
        if let Some(conditions) = element.properties.and_then(|p| p.get("conditions")) {
            let properties = push_token(&route.pointer(i), "properties");
            operators(conditions, &push_token(&properties, "conditions"), out);
        }
    }
}

/// `implausible-value`: numbers of model and rate elements that cannot be meant.
pub fn implausible_value(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(route) = &cx.graph else { return };
    for (i, element) in route.elements.iter().enumerate() {
        let props = element.properties;
        // Pointers are made only for a finding: most elements have none.
        let p = || route.field(i, "properties");
        match element.kind {
            Some("model") => {
                implausible(props, &p, "retries", out, |v| {
                    (v < 0.0 || v.fract() != 0.0)
                        .then_some("retries must be a whole number of retry attempts, 0 or more")
                });
                implausible(props, &p, "timeout", out, |v| {
                    (v <= 0.0)
                        .then_some("timeout is in milliseconds and must be positive, e.g. 60000")
                });
            }
            Some("rate") => {
                implausible(props, &p, "window", out, |v| {
                    (v <= 0.0).then_some("window is in seconds and must be positive, e.g. 3600")
                });
                implausible(props, &p, "limit", out, |v| {
                    (v <= 0.0).then_some(
                        "a limit of zero or less sends every request to the fallback: use a positive limit",
                    )
                });
            }
            _ => {}
        }
    }
}

/// The keys of `obj` outside `known`; `base` makes the object's pointer when one is found.
fn unknown_keys(obj: Json<'_>, known: &Names, base: impl Fn() -> String, out: &mut Vec<Finding>) {
    for (key, _) in obj.members() {
        if !known.contains(key) {
            out.push(ignored(push_token(&base(), key), key, known));
        }
    }
}

fn ignored(pointer: String, key: &str, known: &Names) -> Finding {
    let help = match key {
        "condition" => {
            "the API only reads `conditions` and drops `condition` silently: rename it".to_string()
        }
        "technique" => {
            "the window technique is not configurable on rate elements and the API drops it: \
             remove it"
                .to_string()
        }
        "interval" => "the time window field is `window` (seconds): rename it".to_string(),
        _ => match crate::suggest::closest(key, known.iter()) {
            Some(s) => format!("did you mean `{s}`? the API drops unknown properties silently"),
            None => format!(
                "known properties here: {}; the API drops unknown ones silently",
                known.iter().collect::<Vec<_>>().join(", ")
            ),
        },
    };
    Finding::new(
        names::IGNORED_PROPERTY,
        pointer,
        format!("property `{key}` is ignored by the API"),
        help,
    )
    .at_key()
}

/// Walks a condition tree (iteratively) and warns on `$` keys outside the documented set.
fn operators(conditions: Json<'_>, base: &str, out: &mut Vec<Finding>) {
    let mut stack = vec![(conditions, base.to_string())];
    while let Some((value, pointer)) = stack.pop() {
        match value.kind() {
            Kind::Object => {
                for (key, child) in value.members() {
                    let child_pointer = push_token(&pointer, key);
                    if key.starts_with('$') && !OPERATORS.contains(&key) {
                        out.push(
                            Finding::new(
                                names::UNKNOWN_OPERATOR,
                                child_pointer.clone(),
                                format!("condition operator `{key}` is not documented"),
                                format!("documented operators: {}", OPERATORS.join(", ")),
                            )
                            .at_key(),
                        );
                    }
                    stack.push((child, child_pointer));
                }
            }
            Kind::Array => {
                for (i, child) in value.items().enumerate() {
                    stack.push((child, format!("{pointer}/{i}")));
                }
            }
            _ => {}
        }
    }
}

fn implausible(
    props: Option<Json<'_>>,
    base: &impl Fn() -> String,
    field: &str,
    out: &mut Vec<Finding>,
    why: impl Fn(f64) -> Option<&'static str>,
) {
    let Some(value) = props.and_then(|p| p.get(field)) else {
        return;
    };
    let Some(v) = value.as_f64() else { return };
    if let Some(help) = why(v) {
        out.push(Finding::new(
            names::IMPLAUSIBLE_VALUE,
            push_token(&base(), field),
            format!("`{field}` is {}, which cannot be meant", value.raw()),
            help,
        ));
    }
}

//! Boundaries of the graph, percentage and condition rules: the documented maximum of five
//! percentage outputs, the elision of long loops in `cycle` messages, "did you mean" on every
//! dangling reference of a route (not only the first), and the conditions that can or cannot
//! change.

use dynroute_validator::{Config, Diagnostic, check_bytes};
use serde_json::{Value, json};

fn check(route: &Value) -> Vec<Diagnostic> {
    check_bytes(
        "in.json",
        route.to_string().into_bytes(),
        &Config::default(),
    )
    .expect("schema")
    .diagnostics
}

fn model(id: &str, success: &str, fallback: &str) -> Value {
    json!({"id": id, "type": "model",
           "properties": {"provider": "openai", "model": "m", "timeout": 1000, "retries": 0},
           "outputs": {"success": {"elementId": success}, "fallback": {"elementId": fallback}}})
}

fn split(shares: &[&str]) -> Value {
    let mut elements =
        vec![json!({"id": "start", "type": "start", "outputs": {"next": {"elementId": "split"}}})];
    let outputs: serde_json::Map<String, Value> = shares
        .iter()
        .map(|s| (s.to_string(), json!({"elementId": "m"})))
        .collect();
    elements.push(json!({"id": "split", "type": "percentage", "outputs": outputs}));
    elements.push(model("m", "end", "end"));
    elements.push(json!({"id": "end", "type": "end", "outputs": {}}));
    json!({"name": "r", "elements": elements})
}

#[test]
fn five_percentage_outputs_are_allowed_and_six_are_not() {
    let five = check(&split(&["20%", "20.0%", "20.00%", "20.000%", "20.0000%"]));
    assert!(five.iter().all(|d| d.rule != "percentage-sum"), "{five:?}");
    let six = check(&split(&[
        "20%", "20.0%", "20.00%", "20.000%", "10%", "10.0%",
    ]));
    let found: Vec<&str> = six
        .iter()
        .filter(|d| d.rule == "percentage-sum")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(found.len(), 1, "{six:?}");
    assert!(found[0].contains("has 6 outputs"), "{}", found[0]);
}

/// A loop of `n` models: m0 -> m1 -> ... -> m{n-1} -> m0 (fallbacks to end).
fn ring(n: usize) -> Value {
    let mut elements =
        vec![json!({"id": "start", "type": "start", "outputs": {"next": {"elementId": "m0"}}})];
    for i in 0..n {
        elements.push(model(&format!("m{i}"), &format!("m{}", (i + 1) % n), "end"));
    }
    elements.push(json!({"id": "end", "type": "end", "outputs": {}}));
    json!({"name": "r", "elements": elements})
}

fn loop_message(n: usize) -> String {
    let found = check(&ring(n));
    let cycles: Vec<&Diagnostic> = found.iter().filter(|d| d.rule == "cycle").collect();
    assert_eq!(cycles.len(), 1, "{found:?}");
    cycles[0].message.clone()
}

#[test]
fn loops_up_to_twelve_elements_are_shown_whole_and_longer_ones_elided() {
    let twelve = loop_message(12);
    assert!(!twelve.contains("more"), "{twelve}");
    assert_eq!(twelve.matches(" -> ").count(), 12, "{twelve}");
    let thirteen = loop_message(13);
    assert!(thirteen.contains("-> ... (1 more) ->"), "{thirteen}");
    assert!(thirteen.starts_with("loop: `m0` -> `m1`"), "{thirteen}");
    assert!(thirteen.ends_with("`m11` -> `m12` -> `m0`"), "{thirteen}");
    let long = loop_message(40);
    assert!(long.contains("(28 more)"), "{long}");
    assert!(
        !long.contains("`m6`") && !long.contains("`m33`"),
        "the middle is elided: {long}"
    );
}

#[test]
fn every_dangling_reference_gets_its_suggestion() {
    let route = json!({"name": "r", "elements": [
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "primry"}}},
        model("primary", "ennd", "backupp"),
        model("backup", "end", "end"),
        {"id": "end", "type": "end", "outputs": {}}
    ]});
    let hints: Vec<String> = check(&route)
        .iter()
        .filter(|d| d.rule == "dangling-reference")
        .map(|d| d.help.clone())
        .collect();
    assert_eq!(hints.len(), 3, "{hints:?}");
    for (hint, wanted) in hints.iter().zip(["`primary`", "`end`", "`backup`"]) {
        assert!(hint.contains(&format!("did you mean {wanted}?")), "{hint}");
    }
}

#[test]
fn a_dozen_typos_all_get_their_suggestion() {
    // Each suggestion spends some of a budget of comparisons; a dozen on a small route are
    // far within it.
    let mut elements =
        vec![json!({"id": "start", "type": "start", "outputs": {"next": {"elementId": "m0"}}})];
    for i in 0..12 {
        elements.push(model(&format!("m{i}"), &format!("m{}", i + 1), "endd"));
    }
    elements.push(model("m12", "end", "end"));
    elements.push(json!({"id": "end", "type": "end", "outputs": {}}));
    let hints: Vec<String> = check(&json!({"name": "r", "elements": elements}))
        .iter()
        .filter(|d| d.rule == "dangling-reference")
        .map(|d| d.help.clone())
        .collect();
    assert_eq!(hints.len(), 12, "{hints:?}");
    assert!(
        hints.iter().all(|h| h.starts_with("did you mean `end`?")),
        "{hints:?}"
    );
}

fn conditional(conditions: Option<Value>) -> Value {
    let mut properties = json!({});
    if let Some(c) = conditions {
        properties["conditions"] = c;
    }
    json!({"name": "r", "elements": [
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "c"}}},
        {"id": "c", "type": "conditional", "properties": properties,
         "outputs": {"true": {"elementId": "a"}, "false": {"elementId": "b"}}},
        model("a", "end", "end"),
        model("b", "end", "end"),
        {"id": "end", "type": "end", "outputs": {}}
    ]})
}

fn constant(route: &Value) -> Vec<(String, String)> {
    check(route)
        .into_iter()
        .filter(|d| d.rule == "constant-condition")
        .map(|d| (d.pointer, d.message))
        .collect()
}

#[test]
fn a_conditional_without_conditions_always_takes_true() {
    let found = constant(&conditional(None));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "/elements/1");
    assert!(found[0].1.contains("there is no `conditions`"), "{found:?}");
    assert!(
        found[0].1.contains("output `false` is never taken"),
        "{found:?}"
    );
}

#[test]
fn equal_to_one_value_and_unequal_to_another_can_hold() {
    let both = json!({"metadata.plan": {"$eq": "a", "$ne": "b"}});
    assert_eq!(constant(&conditional(Some(both))), []);
    let same = json!({"metadata.plan": {"$eq": "a", "$ne": "a"}});
    let found = constant(&conditional(Some(same)));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "/elements/1/properties/conditions");
}

#[test]
fn same_branch_reads_the_true_and_false_outputs_by_name() {
    // An output of another name, written first and leading where `true` leads, is not the
    // `false` output.
    let mut route = conditional(Some(json!({"metadata.plan": "a"})));
    route["elements"][1]["outputs"] = json!({
        "maybe": {"elementId": "a"}, "true": {"elementId": "a"}, "false": {"elementId": "b"}});
    assert!(check(&route).iter().all(|d| d.rule != "same-branch"));
    route["elements"][1]["outputs"]["false"] = json!({"elementId": "a"});
    let found: Vec<String> = check(&route)
        .into_iter()
        .filter(|d| d.rule == "same-branch")
        .map(|d| d.pointer)
        .collect();
    assert_eq!(found, ["/elements/1/outputs/false/elementId"]);
}

#[test]
fn only_conditional_elements_have_their_operators_checked() {
    let mut route = conditional(Some(json!({"metadata.plan": {"$regex": "a"}})));
    let operators = |route: &Value| -> Vec<String> {
        check(route)
            .into_iter()
            .filter(|d| d.rule == "unknown-operator")
            .map(|d| d.pointer)
            .collect()
    };
    assert_eq!(
        operators(&route),
        ["/elements/1/properties/conditions/metadata.plan/$regex"]
    );
    // The same object on a model element is an ignored property, not a condition.
    route["elements"][2]["properties"]["conditions"] = json!({"metadata.plan": {"$regex": "a"}});
    assert_eq!(operators(&route).len(), 1);
}

#[test]
fn a_share_that_is_not_a_percentage_is_named_in_the_message() {
    let messages: Vec<(String, String)> = check(&split(&["50%", "half"]))
        .into_iter()
        .filter(|d| d.rule == "percentage-sum")
        .map(|d| (d.message, d.help))
        .collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0].0, "output key `half` is not a percentage");
    assert!(messages[0].1.contains("e.g. \"25%\""), "{messages:?}");
    let r#else: Vec<String> = check(&split(&["50%", "else"]))
        .into_iter()
        .filter(|d| d.rule == "percentage-sum")
        .map(|d| d.help)
        .collect();
    assert!(r#else[0].starts_with("the API rejects `else`"), "{else:?}");
}

#[test]
fn the_fields_of_the_old_documentation_get_their_own_help() {
    let route = json!({"name": "r", "elements": [
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "budget"}}},
        {"id": "budget", "type": "rate",
         "properties": {"key": "metadata.user", "limit": 10, "limitType": "count", "window": 60,
                        "interval": 60, "technique": "sliding"},
         "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "end"}}},
        {"id": "end", "type": "end", "outputs": {}}
    ]});
    let found = check(&route);
    let help = |field: &str| {
        found
            .iter()
            .find(|d| d.rule == "ignored-property" && d.pointer.ends_with(field))
            .map(|d| d.help.clone())
            .unwrap_or_else(|| panic!("no finding for {field}: {found:?}"))
    };
    assert!(help("/interval").contains("`window` (seconds)"));
    assert!(help("/technique").contains("not configurable"));
}

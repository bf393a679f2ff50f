//! Traces and distributions over whole routes: the example support route, draws, failures,
//! counters, the "last model that answered" rule, refusals, loops and large routes.

use std::path::Path;

use dynroute_engine::{
    Attempt, Draw, Graph, Outcome, Pins, Refusal, Request, Script, distribution, load, trace,
};
use serde_json::{Value, json};

fn support() -> Graph {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/examples/valid/support-route.json");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    load(
        "support-route.json",
        bytes,
        &dynroute_validator::schema::Compiled,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn request(value: Value) -> Request {
    serde_json::from_value(value).unwrap_or_else(|e| panic!("{e}"))
}

fn graph(elements: Value) -> Graph {
    let Value::Array(items) = elements else {
        panic!("an array")
    };
    Graph::new(&items, "/elements").unwrap_or_else(|e| panic!("{e}"))
}

fn model(id: &str, name: &str, retries: u64, success: &str, fallback: &str) -> Value {
    json!({"id": id, "type": "model",
        "properties": {"provider": "p", "model": name, "timeout": 1000, "retries": retries},
        "outputs": {"success": {"elementId": success}, "fallback": {"elementId": fallback}}})
}

fn start(next: &str) -> Value {
    json!({"id": "start", "type": "start", "outputs": {"next": {"elementId": next}}})
}

fn end() -> Value {
    json!({"id": "end", "type": "end", "outputs": {}})
}

fn pins_with_draw(draw: &str) -> Pins {
    Pins {
        draw: Some(Draw::parse(draw).unwrap_or_else(|e| panic!("{e}"))),
        ..Pins::default()
    }
}

#[test]
fn a_free_user_under_the_limit_is_served_by_workers_ai() {
    let t = trace(
        &support(),
        &request(json!({"metadata": {"plan": "free", "user_id": "42"}})),
        &Pins::default(),
    );
    assert_eq!(t.outcome, Outcome::Served);
    assert_eq!(t.element.as_deref(), Some("workers-ai"));
    assert_eq!(t.provider.as_deref(), Some("workers-ai"));
    assert_eq!(t.path, ["start", "plan", "budget", "workers-ai", "end"]);
    assert_eq!(t.steps[1].output.as_deref(), Some("true"));
    assert!(
        t.steps[1].reason.contains("metadata.plan $eq \"free\""),
        "{}",
        t.steps[1].reason
    );
    assert_eq!(t.distribution, None, "no percentage on the way");
}

#[test]
fn a_free_user_over_the_limit_falls_back_and_nothing_serves() {
    let mut pins = Pins::default();
    pins.used
        .entry("budget".into())
        .or_default()
        .insert("42".into(), 100.0);
    let t = trace(
        &support(),
        &request(json!({"metadata": {"plan": "free", "user_id": "42"}})),
        &pins,
    );
    assert_eq!(t.outcome, Outcome::Failed);
    assert_eq!(t.model, None);
    assert_eq!(t.path, ["start", "plan", "budget", "end"]);
    let counter = t.steps[2].counter.as_ref().expect("a counter");
    assert!(counter.limited);
    assert_eq!(counter.used, 100.0);
    // Another user's counter is untouched.
    let other = trace(
        &support(),
        &request(json!({"metadata": {"plan": "free", "user_id": "7"}})),
        &pins,
    );
    assert_eq!(other.outcome, Outcome::Served);
    // One request short of the limit still passes.
    pins.used
        .entry("budget".into())
        .or_default()
        .insert("42".into(), 99.0);
    let under = trace(
        &support(),
        &request(json!({"metadata": {"plan": "free", "user_id": "42"}})),
        &pins,
    );
    assert_eq!(under.outcome, Outcome::Served);
}

#[test]
fn a_pinned_draw_takes_the_output_whose_range_holds_it() {
    let paid = request(json!({"metadata": {"plan": "paid"}}));
    let below = trace(&support(), &paid, &pins_with_draw("9.999999"));
    assert_eq!(below.model.as_deref(), Some("gpt-4o"));
    let draw = below.steps[2].draw.as_ref().expect("a draw");
    assert_eq!(draw.range, [0.0, 10.0]);
    assert!(draw.pinned);
    assert_eq!(below.distribution, None, "a pinned draw gives one outcome");
    let at_boundary = trace(&support(), &paid, &pins_with_draw("10"));
    assert_eq!(at_boundary.model.as_deref(), Some("gpt-4o-mini"));
}

#[test]
fn without_a_draw_the_distribution_gives_every_outcome() {
    let t = trace(
        &support(),
        &request(json!({"metadata": {"plan": "paid"}})),
        &Pins::default(),
    );
    assert_eq!(
        t.model.as_deref(),
        Some("gpt-4o"),
        "draw 0: the first output"
    );
    let d = t.distribution.expect("a distribution");
    let shares: Vec<(Option<&str>, f64)> = d
        .iter()
        .map(|s| (s.model.as_deref(), s.probability))
        .collect();
    assert_eq!(shares.len(), 2);
    assert_eq!(shares[0].0, Some("gpt-4o-mini"));
    assert!((shares[0].1 - 0.9).abs() < 1e-12);
    assert_eq!(shares[1].0, Some("gpt-4o"));
    assert!((shares[1].1 - 0.1).abs() < 1e-12);
}

#[test]
fn failures_move_requests_to_the_fallback_and_into_the_distribution() {
    let mut pins = Pins::default();
    pins.scripts
        .insert("gpt-4o".into(), Script::always_failing());
    let paid = request(json!({"metadata": {"plan": "paid"}}));
    let t = trace(&support(), &paid, &pins);
    assert_eq!(
        t.path,
        ["start", "plan", "split", "gpt-4o", "gpt-4o-mini", "end"]
    );
    assert_eq!(t.model.as_deref(), Some("gpt-4o-mini"));
    assert_eq!(
        t.steps[3].attempts.len(),
        1,
        "one record stands for the repeated outcome"
    );
    assert!(
        t.steps[3].reason.contains("failed all 3 attempt(s)"),
        "{}",
        t.steps[3].reason
    );
    let d = t.distribution.expect("a distribution");
    assert_eq!(d.len(), 1);
    assert!((d[0].probability - 1.0).abs() < 1e-12);

    // Every model failing: the route ends with nothing served.
    for id in ["gpt-4o-mini", "workers-ai"] {
        pins.scripts.insert(id.into(), Script::always_failing());
    }
    let t = trace(&support(), &paid, &pins);
    assert_eq!(t.outcome, Outcome::Failed);
    let d = t.distribution.expect("a distribution");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].outcome, Outcome::Failed);
    assert!((d[0].probability - 1.0).abs() < 1e-12);
}

#[test]
fn a_retry_that_answers_serves_the_request() {
    let mut pins = pins_with_draw("0");
    pins.scripts.insert(
        "openai/gpt-4o".into(),
        Script {
            attempts: vec![Attempt::Error, Attempt::Timeout],
            then: Attempt::Ok,
        },
    );
    let t = trace(
        &support(),
        &request(json!({"metadata": {"plan": "paid"}})),
        &pins,
    );
    assert_eq!(t.model.as_deref(), Some("gpt-4o"));
    let outcomes: Vec<Attempt> = t.steps[3].attempts.iter().map(|a| a.outcome).collect();
    assert_eq!(outcomes, [Attempt::Error, Attempt::Timeout, Attempt::Ok]);
    // With one attempt fewer allowed (retries 2 = 3 attempts), three failures exhaust it.
    pins.scripts.insert(
        "openai/gpt-4o".into(),
        Script {
            attempts: vec![Attempt::Error; 3],
            then: Attempt::Ok,
        },
    );
    let t = trace(
        &support(),
        &request(json!({"metadata": {"plan": "paid"}})),
        &pins,
    );
    assert_eq!(t.model.as_deref(), Some("gpt-4o-mini"));
}

#[test]
fn the_last_model_that_answered_serves() {
    // `first` answers and hands over to `second`, which fails: the end returns `first`.
    let g = graph(json!([
        start("first"),
        model("first", "a", 0, "second", "end"),
        model("second", "b", 0, "end", "end"),
        end(),
    ]));
    let mut pins = Pins::default();
    pins.scripts
        .insert("second".into(), Script::always_failing());
    let t = trace(&g, &Request::default(), &pins);
    assert_eq!(t.outcome, Outcome::Served);
    assert_eq!(t.element.as_deref(), Some("first"));
    let d = distribution(&g, &Request::default(), &pins).expect("no loop");
    assert_eq!(d.shares.len(), 1);
    assert_eq!(d.shares[0].element.as_deref(), Some("first"));
    // When `second` answers too, it serves.
    let t = trace(&g, &Request::default(), &Pins::default());
    assert_eq!(t.element.as_deref(), Some("second"));
}

#[test]
fn nested_splits_multiply_and_the_shares_sum_to_one() {
    // Two equal keys must differ as strings: "50%" and "50.0%".
    let g = graph(json!([
        start("outer"),
        {"id": "outer", "type": "percentage", "outputs": {
            "50%": {"elementId": "inner"}, "50.0%": {"elementId": "c"}}},
        {"id": "inner", "type": "percentage", "outputs": {
            "25%": {"elementId": "a"}, "75%": {"elementId": "b"}}},
        model("a", "a", 0, "end", "end"),
        model("b", "b", 0, "end", "c"),
        model("c", "c", 0, "end", "end"),
        end(),
    ]));
    let mut pins = Pins::default();
    pins.scripts.insert("b".into(), Script::always_failing());
    let d = distribution(&g, &Request::default(), &pins).expect("no loop");
    let p = |id: &str| {
        d.shares
            .iter()
            .find(|s| s.element.as_deref() == Some(id))
            .map_or(0.0, |s| s.probability)
    };
    assert!((p("a") - 0.125).abs() < 1e-12);
    assert!(
        (p("c") - 0.875).abs() < 1e-12,
        "b fails over to c: 0.375 + 0.5"
    );
    assert_eq!(p("b"), 0.0);
    let total: f64 = d.shares.iter().map(|s| s.probability).sum();
    assert!((total - 1.0).abs() < 1e-12);
    assert!(d.percentage_reached);
    // A pinned draw per element: outer 60 -> c.
    let mut pinned = pins.clone();
    pinned
        .draws
        .insert("outer".into(), Draw::parse("60").expect("a draw"));
    assert_eq!(
        trace(&g, &Request::default(), &pinned).element.as_deref(),
        Some("c")
    );
}

#[test]
fn a_condition_the_engine_cannot_read_is_an_error_outcome() {
    let g = graph(json!([
        start("check"),
        {"id": "check", "type": "conditional",
         "properties": {"conditions": {"user.plan": "free"}},
         "outputs": {"true": {"elementId": "m"}, "false": {"elementId": "end"}}},
        model("m", "m", 0, "end", "end"),
        end(),
    ]));
    let t = trace(&g, &Request::default(), &Pins::default());
    assert_eq!(t.outcome, Outcome::Error);
    assert_eq!(t.path, ["start", "check"]);
    let error = t.error.expect("an error message");
    assert!(
        error.contains("/elements/1/properties/conditions/user.plan"),
        "{error}"
    );
    assert!(error.contains("metadata."), "{error}");
    let d = distribution(&g, &Request::default(), &Pins::default()).expect("no loop");
    assert_eq!(d.shares[0].outcome, Outcome::Error);
    assert_eq!(d.shares[0].element.as_deref(), Some("check"));
}

#[test]
fn an_invalid_route_is_refused_with_the_validators_diagnostics() {
    let text = br#"{"name": "r", "elements": [
      {"id": "s", "type": "start", "outputs": {"next": {"elementId": "nowhere"}}}
    ]}"#;
    match load(
        "bad.json",
        text.to_vec(),
        &dynroute_validator::schema::Compiled,
    ) {
        Err(Refusal::Invalid(report)) => {
            assert!(
                report
                    .diagnostics
                    .iter()
                    .any(|d| d.rule == "dangling-reference")
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_cyclic_graph_from_a_library_caller_ends_in_an_error() {
    let g = graph(json!([
        start("a"),
        model("a", "a", 0, "b", "b"),
        model("b", "b", 0, "a", "a"),
        end(),
    ]));
    let t = trace(&g, &Request::default(), &Pins::default());
    assert_eq!(t.outcome, Outcome::Error);
    assert!(t.error.expect("a message").contains("loops back to `a`"));
    assert!(distribution(&g, &Request::default(), &Pins::default()).is_err());
}

#[test]
fn a_200000_element_chain_is_traced_and_distributed() {
    let n = 200_000;
    let mut text =
        String::from(r#"[{"id":"start","type":"start","outputs":{"next":{"elementId":"m0"}}}"#);
    for i in 0..n {
        let next = if i + 1 < n {
            format!("m{}", i + 1)
        } else {
            "end".to_string()
        };
        text.push_str(&format!(
            r#",{{"id":"m{i}","type":"model","properties":{{"provider":"p","model":"x","timeout":1000,"retries":0}},"outputs":{{"success":{{"elementId":"{next}"}},"fallback":{{"elementId":"{next}"}}}}}}"#
        ));
    }
    text.push_str(r#",{"id":"end","type":"end","outputs":{}}]"#);
    let g = graph(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}")));
    let t = trace(&g, &Request::default(), &Pins::default());
    assert_eq!(t.path.len(), n + 2);
    assert_eq!(t.steps.len(), n + 2);
    assert_eq!(t.element.as_deref(), Some(format!("m{}", n - 1).as_str()));
    let d = distribution(&g, &Request::default(), &Pins::default()).expect("no loop");
    assert_eq!(d.shares.len(), 1);
    assert_eq!(
        d.shares[0].element.as_deref(),
        Some(format!("m{}", n - 1).as_str())
    );
}

#[test]
fn the_human_rendering_names_the_outcome_each_step_and_the_assumptions() {
    let t = trace(
        &support(),
        &request(json!({"metadata": {"plan": "paid"}})),
        &Pins::default(),
    );
    let text = dynroute_engine::render::human("support.json", &t);
    assert!(
        text.starts_with("support.json: served by openai/gpt-4o (element gpt-4o)\n"),
        "{text}"
    );
    assert!(
        text.contains("\n  plan    conditional  -> false      the condition does not hold"),
        "{text}"
    );
    assert!(
        text.contains("90.000000 %  openai/gpt-4o-mini (gpt-4o-mini)"),
        "{text}"
    );
    let bare = trace(
        &graph(json!([
            start("c"),
            {"id": "c", "type": "conditional", "properties": {"conditions": {"metadata.plan": "free"}},
             "outputs": {"true": {"elementId": "end"}, "false": {"elementId": "end"}}},
            end(),
        ])),
        &Request::default(),
        &Pins::default(),
    );
    let text = dynroute_engine::render::human("r.json", &bare);
    assert!(
        text.contains("- a bare value means `$eq`, as in MongoDB [c]"),
        "{text}"
    );
}

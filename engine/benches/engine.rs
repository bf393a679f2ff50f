//! The route engine's speed, measured in one run so that ratios hold on a noisy machine:
//!
//! * `trace/typical_route`: one trace of `spec/examples/valid/support-route.json` for a paid
//!   request (a condition, a percentage split with its exact distribution, a model), next to
//!   `trace/parse_request`, serde_json reading the same request: what any gateway pays per
//!   request anyway.
//! * `distribution/*`: the exact distribution of a request over every draw on routes of 5,000
//!   and 50,000 elements (conditionals, rate limits, percentage splits, models): linear time
//!   shows as a ratio of about 10 between the two. `compile/50000` is `Graph::new` on the
//!   same elements.
//!
//! The whole `dynroute test` process on a 10,000-case file is the `process` bench of the
//! `dynroute` package.
//!
//! Run: `cargo bench -p dynroute-engine --bench engine`

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use dynroute_engine::{Graph, Pins, Request, distribution, load, trace};
use dynroute_validator::schema::Compiled;
use serde_json::{Value, json};

/// `blocks` blocks of four elements: a conditional on the plan, a count limit per user, a
/// 30/70 split and a model; each falls through to the next block, the last to `end`.
fn large_route(blocks: usize) -> Vec<Value> {
    let mut elements =
        vec![json!({"id": "start", "type": "start", "outputs": {"next": {"elementId": "c0"}}})];
    for i in 0..blocks {
        let next = if i + 1 < blocks {
            format!("c{}", i + 1)
        } else {
            "end".to_string()
        };
        elements.push(json!({"id": format!("c{i}"), "type": "conditional",
            "properties": {"conditions": {"metadata.plan": {"$in": ["free", format!("p{}", i % 7)]}}},
            "outputs": {"true": {"elementId": format!("r{i}")}, "false": {"elementId": format!("s{i}")}}}));
        elements.push(json!({"id": format!("r{i}"), "type": "rate",
            "properties": {"limitType": "count", "key": "metadata.user", "limit": 100, "window": 60},
            "outputs": {"success": {"elementId": format!("s{i}")}, "fallback": {"elementId": next}}}));
        elements.push(json!({"id": format!("s{i}"), "type": "percentage",
            "outputs": {"30%": {"elementId": format!("m{i}")}, "70%": {"elementId": next}}}));
        elements.push(json!({"id": format!("m{i}"), "type": "model",
            "properties": {"provider": "openai", "model": format!("model-{}", i % 13), "timeout": 1000, "retries": 1},
            "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": next}}}));
    }
    elements.push(json!({"id": "end", "type": "end", "outputs": {}}));
    elements
}

fn benches(c: &mut Criterion) {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/examples/valid/support-route.json");
    let bytes = std::fs::read(&path).expect("the example route");
    let support = load("support-route.json", bytes, &Compiled).expect("a valid route");
    let request_text =
        r#"{"metadata": {"plan": "paid", "user_id": "42"}, "headers": {"x-team": "search"}}"#;
    let request: Request = serde_json::from_str(request_text).expect("a request");
    let pins = Pins::default();
    assert!(trace(&support, &request, &pins).distribution.is_some());

    let mut group = c.benchmark_group("trace");
    group.bench_function("typical_route", |b| {
        b.iter(|| trace(black_box(&support), black_box(&request), &pins));
    });
    group.bench_function("parse_request", |b| {
        b.iter(|| serde_json::from_str::<Request>(black_box(request_text)).expect("a request"));
    });
    group.finish();

    let free: Request = serde_json::from_value(json!({"metadata": {"plan": "free", "user": "u1"}}))
        .expect("a request");
    let mut group = c.benchmark_group("distribution");
    group.sample_size(20);
    for blocks in [1_250, 12_500] {
        let elements = large_route(blocks);
        let graph = Graph::new(&elements, "/elements").expect("compiles");
        let d = distribution(&graph, &free, &pins).expect("no loop");
        let total: f64 = d.shares.iter().map(|s| s.probability).sum();
        assert!((total - 1.0).abs() < 1e-9, "shares sum to {total}");
        group.bench_function(format!("{}", elements.len() - 2), |b| {
            b.iter(|| distribution(black_box(&graph), black_box(&free), &pins).expect("no loop"));
        });
        if blocks == 12_500 {
            group.bench_function("compile_50000", |b| {
                b.iter(|| Graph::new(black_box(&elements), "/elements").expect("compiles"));
            });
        }
    }
    group.finish();
}

criterion_group!(engine, benches);
criterion_main!(engine);

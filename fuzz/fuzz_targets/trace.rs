//! A route and a request through the engine: nothing may panic or hang, on a validated route
//! (`load`) or on any elements array handed to `Graph::new` directly, as a library caller
//! may (cycles, dangling outputs and unreadable conditions included). The input is the route
//! text, then optionally a NUL byte and the request as JSON.
#![no_main]

use dynroute_engine::{Draw, Graph, Outcome, Pins, Request, distribution, load, render, trace};
use libfuzzer_sys::fuzz_target;

fn exercise(graph: &Graph, request: &Request) {
    let pins = [
        Pins::default(),
        Pins {
            draw: Some(Draw(99_999_999)),
            ..Pins::default()
        },
    ];
    for pins in &pins {
        let t = trace(graph, request, pins);
        assert!(t.path.len() <= graph.nodes.len(), "each element is visited at most once");
        assert_eq!(t.outcome == Outcome::Served, t.model.is_some());
        let _ = render::human("fuzz.json", &t);
        let _ = serde_json::to_string(&t);
    }
    if let Ok(d) = distribution(graph, request, &Pins::default()) {
        let total: f64 = d.shares.iter().map(|s| s.probability).sum();
        assert!((total - 1.0).abs() < 1e-9, "shares sum to {total}");
    }
}

fuzz_target!(|data: &[u8]| {
    let (route, request) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let request: Request = serde_json::from_slice(request).unwrap_or_default();
    if let Ok(graph) = load("fuzz.json", route.to_vec(), &dynroute_validator::schema::Compiled) {
        exercise(&graph, &request);
    }
    if let Ok(serde_json::Value::Array(items)) = serde_json::from_slice(route)
        && let Ok(graph) = Graph::new(&items, "")
    {
        exercise(&graph, &request);
    }
});

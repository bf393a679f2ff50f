//! A route test file, JSON or YAML, through the reader `dynroute test` uses: nothing may
//! panic, hang or exhaust memory (nested aliases, deep nesting, odd scalars), and every
//! position it reports lies inside the text. The cases it reads then run against a route
//! with a rate element of each limit type, so timed sequences meet real counters.
#![no_main]

use std::sync::OnceLock;

use dynroute_engine::{load, suite, text};
use libfuzzer_sys::fuzz_target;

/// Requests a case may send here, so that one input stays fast.
const MAX_REQUESTS: u64 = 10_000;

fn route() -> &'static suite::Route {
    static ROUTE: OnceLock<suite::Route> = OnceLock::new();
    ROUTE.get_or_init(|| {
        let text = br#"{"name": "limits", "elements": [
          {"id": "start", "type": "start", "outputs": {"next": {"elementId": "tier"}}},
          {"id": "tier", "type": "conditional",
           "properties": {"conditions": {"metadata.tier": {"$in": ["premium", 1]}}},
           "outputs": {"true": {"elementId": "budget"}, "false": {"elementId": "per_user"}}},
          {"id": "per_user", "type": "rate",
           "properties": {"limitType": "count", "key": "metadata.user", "limit": 3, "window": 60},
           "outputs": {"success": {"elementId": "split"}, "fallback": {"elementId": "cheap"}}},
          {"id": "budget", "type": "rate",
           "properties": {"limitType": "cost", "key": "headers.x-team", "limit": 1.5, "window": 0.5},
           "outputs": {"success": {"elementId": "premium"}, "fallback": {"elementId": "cheap"}}},
          {"id": "split", "type": "percentage",
           "outputs": {"30%": {"elementId": "premium"}, "70%": {"elementId": "cheap"}}},
          {"id": "premium", "type": "model",
           "properties": {"provider": "anthropic", "model": "claude", "timeout": 1000, "retries": 2},
           "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "cheap"}}},
          {"id": "cheap", "type": "model",
           "properties": {"provider": "workers-ai", "model": "llama", "timeout": 1000, "retries": 0},
           "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "end"}}},
          {"id": "end", "type": "end", "outputs": {}}
        ]}"#;
        let graph = load("limits.json", text.to_vec(), &dynroute_validator::schema::Compiled).expect("the fuzz route is valid");
        suite::Route { graph }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let lines = source.split('\n').count();
    match text::parse(source) {
        Ok(document) => match suite::read(&document) {
            Err(e) => assert!(e.line >= 1 && e.line <= lines, "{e:?} outside {lines} lines"),
            Ok(cases) => {
                for case in &cases {
                    let requests: u64 = case.sequence.iter().map(|t| t.times).sum();
                    if requests <= MAX_REQUESTS {
                        suite::run_case(case, route());
                    }
                }
            }
        },
        Err(e) => assert!(e.line >= 1 && e.line <= lines + 1, "{e:?} outside {lines} lines"),
    }
});

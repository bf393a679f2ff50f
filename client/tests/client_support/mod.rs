//! Shared helpers of the client tests: a scripted HTTP server, a Prism launcher and a route
//! that uses all six element types.

#![allow(dead_code)]

pub mod prism;
pub mod scripted;

use dynroute_client::models::Element;
use serde_json::Value;

/// A realistic route graph using all six element types (start, conditional, percentage,
/// rate, model, end), wire names and numbers as Cloudflare documents them.
pub fn six_element_graph() -> Value {
    serde_json::from_str(SIX_ELEMENT_GRAPH).expect("the fixture is JSON")
}

/// The text of `tests/fixtures/six-element-graph.json` (the benchmark reads it too).
pub const SIX_ELEMENT_GRAPH: &str = include_str!("../fixtures/six-element-graph.json");

/// [`six_element_graph`] as typed elements.
pub fn six_elements() -> Vec<Element> {
    serde_json::from_value(six_element_graph()).expect("the sample graph matches the models")
}

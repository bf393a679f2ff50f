//! Shared helpers of the client tests: a scripted HTTP server, a Prism launcher and a route
//! that uses all six element types.

#![allow(dead_code)]

pub mod prism;
pub mod scripted;

use dynroute_client::models::Element;
use serde_json::{Value, json};

/// A realistic route graph using all six element types (start, conditional, percentage,
/// rate, model, end), wire names and numbers as Cloudflare documents them.
pub fn six_element_graph() -> Value {
    json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "plan"}}},
        {"id": "plan", "type": "conditional",
         "properties": {"conditions": {"metadata.plan": {"$eq": "free"}}},
         "outputs": {"true": {"elementId": "budget"}, "false": {"elementId": "split"}}},
        {"id": "budget", "type": "rate",
         "properties": {"key": "metadata.user_id", "limit": 100, "limitType": "count", "window": 3600},
         "outputs": {"success": {"elementId": "cheap"}, "fallback": {"elementId": "end"}}},
        {"id": "split", "type": "percentage",
         "outputs": {"30%": {"elementId": "cheap"}, "70%": {"elementId": "strong"}}},
        {"id": "cheap", "type": "model",
         "properties": {"provider": "workers-ai", "model": "@cf/meta/llama-3.1-8b-instruct", "timeout": 30000, "retries": 2},
         "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "strong"}}},
        {"id": "strong", "type": "model",
         "properties": {"provider": "openai", "model": "gpt-4o-mini", "timeout": 60000, "retries": 4},
         "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "end"}}},
        {"id": "end", "type": "end", "outputs": {}}
    ])
}

/// [`six_element_graph`] as typed elements.
pub fn six_elements() -> Vec<Element> {
    serde_json::from_value(six_element_graph()).expect("the sample graph matches the models")
}

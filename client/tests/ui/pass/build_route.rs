#![deny(warnings)]
//! A route built in Rust, matched, and encoded: the names users write.

use dynroute_client::models::{
    Element, EndElement, FallbackOutputs, ModelElement, ModelProperties, PercentageElement,
    RouteDefinition, StartElement, StartOutputs, Target, VersionActive,
};
use std::collections::BTreeMap;

fn target(id: &str) -> Target {
    Target { element_id: id.to_string() }
}

fn main() {
    let mut split = BTreeMap::new();
    split.insert("10%".to_string(), target("cheap"));
    split.insert("90%".to_string(), target("end"));
    let route = RouteDefinition {
        name: "support".to_string(),
        elements: vec![
            Element::Start(StartElement { id: "start".into(), outputs: StartOutputs { next: target("split") } }),
            Element::Percentage(PercentageElement { id: "split".into(), outputs: split }),
            Element::Model(ModelElement {
                id: "cheap".into(),
                properties: ModelProperties {
                    provider: "openai".into(),
                    model: "gpt-4o-mini".into(),
                    timeout: 60000.0,
                    retries: 2.0,
                },
                outputs: FallbackOutputs { success: target("end"), fallback: target("end") },
            }),
            Element::End(EndElement { id: "end".into(), outputs: BTreeMap::new() }),
        ],
    };
    let models = route
        .elements
        .iter()
        .filter(|e| matches!(e, Element::Model(_)))
        .count();
    let json = serde_json::to_string(&route).unwrap_or_default();
    assert!(json.contains("\"elementId\"") && models == 1);
    assert_eq!(VersionActive::True.as_str(), "true");
}

//! Serde round trips of the published examples: every JSON example of the API reference
//! pages in `../shared/seeds` and every element example of the product docs quoted in
//! `../shared/reference/cloudflare-wire-format.md` decodes into the models, encodes
//! again, and compares equal to the original as a JSON value.

use dynroute_client::models::{
    Element, RouteListResponse, RouteResponse, RouteSummaryResponse, RouteVersionResponse,
};
use serde_json::Value;
use std::path::Path;

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared");

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(value: &Value, what: &str) {
    let typed: T =
        serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{what}: {e}\n{value:#}"));
    let back = serde_json::to_value(&typed).unwrap_or_else(|e| panic!("{what}: {e}"));
    // Exact: `serde_json` tells `100` from `100.0`, and whole numbers must come back as
    // they were written even though `number` properties are `f64` in the models.
    assert_eq!(&back, value, "{what}: round trip changed the value");
}

/// Top-level JSON objects of a page: a line that is exactly `{` up to the next line
/// that is exactly `}`.
fn objects(text: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match (&mut current, line) {
            (None, "{") => current = Some("{\n".to_string()),
            (Some(buf), "}") => {
                buf.push('}');
                if let Ok(value) = serde_json::from_str(buf) {
                    out.push(value);
                }
                current = None;
            }
            (Some(buf), _) => {
                buf.push_str(line);
                buf.push('\n');
            }
            (None, _) => {}
        }
    }
    out
}

#[test]
fn seed_examples_round_trip() {
    let mut count = 0;
    let mut entries: Vec<_> = std::fs::read_dir(Path::new(SHARED).join("seeds"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for (index, value) in objects(&text).into_iter().enumerate() {
            let what = format!("{} example {index}", path.display());
            if value.pointer("/data/routes").is_some() {
                round_trip::<RouteListResponse>(&value, &what);
            } else if value.pointer("/result/version_id").is_some() {
                round_trip::<RouteVersionResponse>(&value, &what);
            } else if value.pointer("/result/version").is_some() {
                round_trip::<RouteResponse>(&value, &what);
            } else if value.pointer("/result/gateway_id").is_some() {
                // createVersion answers with the route's summary.
                round_trip::<RouteSummaryResponse>(&value, &what);
            } else {
                panic!("{what}: no model chosen for {value:#}");
            }
            count += 1;
        }
    }
    assert!(
        count >= 4,
        "expected the examples of the four pages, found {count}"
    );
}

#[test]
fn product_docs_element_examples_round_trip() {
    let text =
        std::fs::read_to_string(Path::new(SHARED).join("reference/cloudflare-wire-format.md"))
            .unwrap_or_default();
    let mut kinds = Vec::new();
    for block in text.split("```json").skip(1) {
        let body = block.split("```").next().unwrap_or_default();
        let Ok(value) = serde_json::from_str::<Value>(body) else {
            continue; // placeholders such as `[<array of elements>]`
        };
        let Some(kind) = value.get("type").and_then(Value::as_str) else {
            continue;
        };
        if value.get("id").is_none() {
            continue; // schema excerpts, not instances
        }
        round_trip::<Element>(&value, kind);
        kinds.push(kind.to_string());
    }
    assert_eq!(
        kinds,
        ["start", "conditional", "percentage", "rate", "model", "end"]
    );
}

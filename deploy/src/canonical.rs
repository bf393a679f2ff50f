//! What a route is, independent of how it was written: numbers that are whole are integers
//! (`100.0` is `100`), object keys compare as sets (serde_json's map equality), elements
//! are matched by id. The text `pull` writes is the canonical form of a route document.

use serde_json::{Map, Number, Value, json};

/// The JSON Schema of route documents, for editors (`$schema` of pulled files).
pub use dynroute_validator::schema::ROUTE_SCHEMA_URL as SCHEMA_URL;

/// `value` with every whole number written as an integer, recursively.
pub fn normalize(value: &Value) -> Value {
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15 => {
                Value::Number(Number::from(f as i64))
            }
            _ => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(normalize).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), normalize(v)))
                .collect::<Map<String, Value>>(),
        ),
        other => other.clone(),
    }
}

/// Whether two element arrays are the same graph: the same elements by id, each equal
/// after [`normalize`], whatever their order and key order.
pub fn same_graph(a: &Value, b: &Value) -> bool {
    let (Some(a), Some(b)) = (a.as_array(), b.as_array()) else {
        return normalize(a) == normalize(b);
    };
    if a.len() != b.len() {
        return false;
    }
    let by_id = |items: &[Value]| -> Option<std::collections::BTreeMap<String, Value>> {
        let mut out = std::collections::BTreeMap::new();
        for item in items {
            let id = item.get("id")?.as_str()?.to_string();
            if out.insert(id, normalize(item)).is_some() {
                return None;
            }
        }
        Some(out)
    };
    match (by_id(a), by_id(b)) {
        (Some(a), Some(b)) => a == b,
        _ => normalize(&Value::Array(a.clone())) == normalize(&Value::Array(b.clone())),
    }
}

/// The text of a route document as `pull` writes it: `$schema`, `name`, `elements` (in the
/// order given, numbers normalized), two-space indentation, a final newline.
pub fn document(name: &str, elements: &Value) -> String {
    let doc = json!({
        "$schema": SCHEMA_URL,
        "name": name,
        "elements": normalize(elements),
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_key_order_and_element_order_are_not_changes() {
        let a = json!([
            {"id": "m", "type": "model", "properties": {"retries": 2.0, "timeout": 100}},
            {"id": "e", "type": "end", "outputs": {}}
        ]);
        let b = json!([
            {"type": "end", "outputs": {}, "id": "e"},
            {"properties": {"timeout": 100.0, "retries": 2}, "type": "model", "id": "m"}
        ]);
        assert!(same_graph(&a, &b));
        let c = json!([
            {"id": "m", "type": "model", "properties": {"retries": 2.5, "timeout": 100}},
            {"id": "e", "type": "end", "outputs": {}}
        ]);
        assert!(!same_graph(&a, &c));
        assert!(!same_graph(&a, &json!([a[0].clone()])));
    }

    #[test]
    fn the_canonical_document_reads_back_as_the_same_graph() {
        let elements = json!([{"id": "s", "type": "start", "outputs": {"next": {"elementId": "e"}}}, {"id": "e", "type": "end", "outputs": {}}]);
        let text = document("r", &elements);
        assert!(text.ends_with("}\n"));
        let back: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(back["$schema"], json!(SCHEMA_URL));
        assert!(same_graph(&back["elements"], &elements));
        assert_eq!(document("r", &back["elements"]), text, "stable");
    }
}

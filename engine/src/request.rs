//! A request as a route sees it, and the value a dotted path (parsed by
//! `dynroute_validator::condition::Path`) reads from it.

use serde::Deserialize;
use serde_json::{Map, Value};

pub use dynroute_validator::condition::{Path, Root};

/// A request: metadata, headers and body.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The `cf-aig-metadata` object: flat string, number or boolean values.
    #[serde(default)]
    pub metadata: Map<String, Value>,
    /// Request headers by name.
    #[serde(default)]
    pub headers: Map<String, Value>,
    /// The JSON body (null when there is none).
    #[serde(default)]
    pub body: Value,
}

impl Request {
    /// The value at `path`, `None` when the request has no such field.
    pub fn get(&self, path: &Path) -> Option<&Value> {
        match path.root {
            Root::Metadata => self.metadata.get(&path.segments[0]),
            Root::Headers => self
                .headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(&path.segments[0]))
                .map(|(_, value)| value),
            Root::Body => path
                .segments
                .iter()
                .try_fold(&self.body, |at, segment| match at {
                    Value::Object(map) => map.get(segment),
                    Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
                    _ => None,
                }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request() -> Request {
        serde_json::from_value(json!({
            "metadata": {"plan": "free", "a.b": 1},
            "headers": {"X-Team": "search"},
            "body": {"messages": [{"role": "user"}], "model": "dynamic/support"}
        }))
        .expect("a request")
    }

    fn get(path: &str) -> Option<Value> {
        request().get(&Path::parse(path).expect("a path")).cloned()
    }

    #[test]
    fn each_root_reads_its_part() {
        assert_eq!(get("metadata.plan"), Some(json!("free")));
        assert_eq!(
            get("metadata.a.b"),
            Some(json!(1)),
            "metadata keys may hold dots"
        );
        assert_eq!(
            get("headers.x-team"),
            Some(json!("search")),
            "header names ignore case"
        );
        assert_eq!(get("body.messages.0.role"), Some(json!("user")));
        assert_eq!(get("body.model"), Some(json!("dynamic/support")));
    }

    #[test]
    fn missing_fields_are_none() {
        assert_eq!(get("metadata.tier"), None);
        assert_eq!(get("body.messages.1.role"), None);
        assert_eq!(get("body.model.name"), None, "a string has no fields");
        assert_eq!(get("body.messages.first"), None);
    }

    #[test]
    fn a_request_with_an_unknown_part_is_refused() {
        let e = serde_json::from_value::<Request>(json!({"meta": {}})).unwrap_err();
        assert!(e.to_string().contains("unknown field `meta`"), "{e}");
    }
}

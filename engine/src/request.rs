//! A request as a route sees it, and the dotted paths that conditions and rate keys read.
//!
//! A path starts with its root: `metadata.` (the `cf-aig-metadata` object, flat: the rest of
//! the path is one key, dots included), `headers.` (one header, its name compared without
//! regard to case, as HTTP does) or `body.` (the JSON body: the rest is split on dots and
//! walks into objects, and into arrays by decimal index, as MongoDB paths do). Any other
//! root is an error, never a guess.

use serde::Deserialize;
use serde_json::{Map, Value};

/// The part of the request a path reads from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    /// `metadata.KEY`
    Metadata,
    /// `headers.NAME`
    Headers,
    /// `body.A.B.0`
    Body,
}

/// A parsed request path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// Where the path starts.
    pub root: Root,
    /// The segments after the root: one for metadata and headers (lower-cased for
    /// headers), one per dot for the body.
    pub segments: Vec<String>,
}

impl Path {
    /// Reads `metadata.plan`, `headers.x-team` or `body.messages.0.role`.
    pub fn parse(written: &str) -> Result<Path, String> {
        let (root, rest) = written.split_once('.').unwrap_or((written, ""));
        let root = match root {
            "metadata" => Root::Metadata,
            "headers" => Root::Headers,
            "body" => Root::Body,
            _ => {
                return Err(format!(
                    "`{written}` does not start with a request part: paths start with \
                     `metadata.`, `headers.` or `body.`"
                ));
            }
        };
        if rest.is_empty() {
            return Err(format!(
                "`{written}` names no field: write `{}.<name>`",
                written.trim_end_matches('.')
            ));
        }
        let segments = match root {
            Root::Metadata => vec![rest.to_string()],
            Root::Headers => vec![rest.to_ascii_lowercase()],
            Root::Body => {
                let segments: Vec<String> = rest.split('.').map(str::to_string).collect();
                if segments.iter().any(String::is_empty) {
                    return Err(format!("`{written}` has an empty segment between dots"));
                }
                segments
            }
        };
        Ok(Path { root, segments })
    }
}

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
    fn unknown_roots_and_empty_names_are_errors() {
        assert!(
            Path::parse("user.plan")
                .unwrap_err()
                .contains("`metadata.`")
        );
        assert!(
            Path::parse("metadata")
                .unwrap_err()
                .contains("names no field")
        );
        assert!(
            Path::parse("metadata.")
                .unwrap_err()
                .contains("names no field")
        );
        assert!(
            Path::parse("body.a..b")
                .unwrap_err()
                .contains("empty segment")
        );
    }

    #[test]
    fn a_request_with_an_unknown_part_is_refused() {
        let e = serde_json::from_value::<Request>(json!({"meta": {}})).unwrap_err();
        assert!(e.to_string().contains("unknown field `meta`"), "{e}");
    }
}

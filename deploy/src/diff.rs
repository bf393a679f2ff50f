//! What changed between two graphs, per element and field: elements added or removed (by
//! id), and for an element in both, each field whose value differs (a JSON pointer inside the
//! element, old -> new), after [`crate::canonical::normalize`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::canonical::normalize;

/// One difference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "lowercase")]
pub enum Difference {
    /// An element only the new graph has.
    Added {
        /// Its id.
        element: String,
    },
    /// An element only the old graph has.
    Removed {
        /// Its id.
        element: String,
    },
    /// A field of an element in both, with different values (`None`: absent).
    Changed {
        /// The element's id.
        element: String,
        /// JSON pointer inside the element (`/properties/limit`).
        field: String,
        /// The old value.
        old: Option<Value>,
        /// The new value.
        new: Option<Value>,
    },
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = |v: &Option<Value>| v.as_ref().map_or("(absent)".into(), Value::to_string);
        match self {
            Difference::Added { element } => write!(f, "+ element `{element}`"),
            Difference::Removed { element } => write!(f, "- element `{element}`"),
            Difference::Changed {
                element,
                field,
                old,
                new,
            } => write!(f, "~ `{element}` {field}: {} -> {}", shown(old), shown(new)),
        }
    }
}

fn id(element: &Value) -> Option<&str> {
    element.get("id").and_then(Value::as_str)
}

/// The differences from `old` to `new` (element arrays), in the new graph's order, removals
/// last.
pub fn diff(old: &Value, new: &Value) -> Vec<Difference> {
    let empty = Vec::new();
    let old = old.as_array().unwrap_or(&empty);
    let new = new.as_array().unwrap_or(&empty);
    let mut out = Vec::new();
    for element in new {
        let Some(name) = id(element) else { continue };
        match old.iter().find(|o| id(o) == Some(name)) {
            None => out.push(Difference::Added {
                element: name.to_string(),
            }),
            Some(before) => fields(
                name,
                "",
                Some(&normalize(before)),
                Some(&normalize(element)),
                &mut out,
            ),
        }
    }
    for element in old {
        if let Some(name) = id(element)
            && !new.iter().any(|n| id(n) == Some(name))
        {
            out.push(Difference::Removed {
                element: name.to_string(),
            });
        }
    }
    out
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn fields(
    element: &str,
    at: &str,
    old: Option<&Value>,
    new: Option<&Value>,
    out: &mut Vec<Difference>,
) {
    if old == new {
        return;
    }
    if let (Some(Value::Object(a)), Some(Value::Object(b))) = (old, new) {
        for (key, value) in b {
            fields(
                element,
                &format!("{at}/{}", escape(key)),
                a.get(key),
                Some(value),
                out,
            );
        }
        for (key, value) in a {
            if !b.contains_key(key) {
                fields(
                    element,
                    &format!("{at}/{}", escape(key)),
                    Some(value),
                    None,
                    out,
                );
            }
        }
        return;
    }
    out.push(Difference::Changed {
        element: element.to_string(),
        field: if at.is_empty() {
            "/".into()
        } else {
            at.to_string()
        },
        old: old.cloned(),
        new: new.cloned(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn differences_are_per_element_and_field() {
        let old = json!([
            {"id": "s", "type": "start", "outputs": {"next": {"elementId": "m"}}},
            {"id": "m", "type": "model", "properties": {"model": "a", "retries": 2.0}},
            {"id": "gone", "type": "end", "outputs": {}}
        ]);
        let new = json!([
            {"id": "s", "type": "start", "outputs": {"next": {"elementId": "m"}}},
            {"id": "m", "type": "model", "properties": {"model": "b", "retries": 2}},
            {"id": "new", "type": "end", "outputs": {}}
        ]);
        let found: Vec<String> = diff(&old, &new).iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                "~ `m` /properties/model: \"a\" -> \"b\"",
                "+ element `new`",
                "- element `gone`"
            ]
        );
        assert!(diff(&new, &new).is_empty());
    }

    #[test]
    fn absent_fields_and_escaped_keys_are_named() {
        let old = json!([{"id": "p", "outputs": {"10%": {"elementId": "a"}, "a/b": 1}}]);
        let new = json!([{"id": "p", "outputs": {"90%": {"elementId": "a"}, "a/b": 2}}]);
        let found: Vec<String> = diff(&old, &new).iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                "~ `p` /outputs/90%: (absent) -> {\"elementId\":\"a\"}",
                "~ `p` /outputs/a~1b: 1 -> 2",
                "~ `p` /outputs/10%: {\"elementId\":\"a\"} -> (absent)"
            ]
        );
    }
}

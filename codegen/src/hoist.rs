//! References to places other than `#/components` -> references to components, on the
//! JSON value of the description before it is read as OpenAPI.
//!
//! OpenAPI lets a `$ref` point anywhere in the document: at a property of a request body
//! (`#/paths/~1pets/post/requestBody/content/application~1json/schema/properties/owner`),
//! at a parameter of another operation, at another path item. The rest of the generator
//! follows references into `#/components` only, so each schema, parameter, request body,
//! response or header such a reference points at moves into its section of
//! `#/components` under a fresh name, leaving a reference to itself in its old place; every
//! reference to the old place then names the component. The type made from it is one type
//! wherever it is used, as with any component, and a reference loop (a property that
//! refers to its own parent schema) is one like any other between components.
//!
//! A `$ref` path item is replaced by a copy of the path item it points at (`#/paths/...`,
//! or `#/components/pathItems/...` in OpenAPI 3.1).
//!
//! What is moved is recorded ([`Moves`]), so that errors and skipped items name the place
//! in the text the user wrote, not the component made for it.

use crate::pointer::Pointer;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The deepest chain of `$ref` path items followed.
const MAX_PATH_ITEM_CHAIN: usize = 16;

/// Where moved values went: component pointer -> the pointer it came from.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Moves {
    moved: Vec<(Pointer, Pointer)>,
}

impl Moves {
    /// Whether nothing moved.
    pub fn is_empty(&self) -> bool {
        self.moved.is_empty()
    }

    /// `pointer` as the user wrote it: under a moved value's old place when it points into
    /// a component made here, else unchanged.
    pub fn original(&self, pointer: &Pointer) -> Pointer {
        let mut pointer = pointer.clone();
        // A value moved later may hold one moved earlier; follow the chain back.
        for (to, from) in self.moved.iter().rev() {
            if let Some(back) = pointer.rebase(to, from) {
                pointer = back;
            }
        }
        pointer
    }
}

/// What a `$ref` stands for, told by where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Schema,
    Parameter,
    RequestBody,
    Response,
    Header,
    PathItem,
}

impl Kind {
    /// The section of `#/components` it lives in.
    fn section(self) -> &'static str {
        match self {
            Kind::Schema => "schemas",
            Kind::Parameter => "parameters",
            Kind::RequestBody => "requestBodies",
            Kind::Response => "responses",
            Kind::Header => "headers",
            Kind::PathItem => "pathItems",
        }
    }
}

/// The kind of the object at `path` (its keys from the root) when it holds a `$ref`.
fn kind_at(path: &[String]) -> Option<Kind> {
    let last = |n: usize| -> Option<&str> {
        path.len()
            .checked_sub(n)
            .and_then(|i| path.get(i))
            .map(String::as_str)
    };
    if path.len() == 2 && last(2) == Some("paths") {
        return Some(Kind::PathItem);
    }
    if path.len() == 3 && last(3) == Some("components") {
        return match last(2)? {
            "schemas" => Some(Kind::Schema),
            "parameters" => Some(Kind::Parameter),
            "requestBodies" => Some(Kind::RequestBody),
            "responses" => Some(Kind::Response),
            "headers" => Some(Kind::Header),
            "pathItems" => Some(Kind::PathItem),
            _ => None,
        };
    }
    match (last(2)?, last(1)?) {
        ("properties", _) => Some(Kind::Schema),
        ("allOf" | "oneOf" | "anyOf", _) => Some(Kind::Schema),
        (_, "schema" | "items" | "additionalProperties" | "not") => Some(Kind::Schema),
        ("parameters", _) => Some(Kind::Parameter),
        (_, "requestBody") => Some(Kind::RequestBody),
        ("responses", _) => Some(Kind::Response),
        ("headers", _) => Some(Kind::Header),
        _ => None,
    }
}

/// One `$ref` found: what it stands for and what it points at.
struct Found {
    kind: Kind,
    target: Pointer,
}

/// Moves what references outside `#/components` point at into `#/components`, and
/// replaces `$ref` path items by copies of their targets. References that cannot be
/// followed (to another document, to nothing) are left as they are, for the reader to
/// report where they are.
pub fn hoist(document: &mut Value) -> Moves {
    let mut moves = Moves::default();
    let mut found = Vec::new();
    collect(document, &mut Vec::new(), &mut found);
    // The places to move, in document order, each once.
    let mut targets: BTreeMap<Pointer, Kind> = BTreeMap::new();
    let mut order = Vec::new();
    for f in &found {
        if f.kind == Kind::PathItem || is_component(&f.target, f.kind) {
            continue;
        }
        if get(document, &f.target).is_some() && !targets.contains_key(&f.target) {
            targets.insert(f.target.clone(), f.kind);
            order.push(f.target.clone());
        }
    }
    // Deeper places first, so that a place inside another moves before its ancestor
    // and the ancestor's copy holds the reference to it.
    order.sort_by_key(|p| std::cmp::Reverse(p.tokens().len()));
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    let mut taken: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    for target in order {
        let kind = targets[&target];
        let section = kind.section();
        let names = taken
            .entry(section)
            .or_insert_with(|| section_names(document, section));
        let name = fresh_name(document, &target, kind, names);
        names.insert(name.clone());
        let component = Pointer::root()
            .push("components")
            .push(section)
            .push(name.clone());
        let reference = format!("#{}", component.to_json_pointer());
        let Some(slot) = get_mut(document, &target) else {
            continue;
        };
        let value = std::mem::replace(slot, ref_to(&reference));
        insert_component(document, section, name, value);
        renamed.insert(format!("#{}", target.to_json_pointer()), reference);
        moves.moved.push((component, target));
    }
    if !renamed.is_empty() {
        rewrite_refs(document, &renamed);
    }
    inline_path_items(document, &mut moves);
    moves
}

/// Whether `target` is an entry of the section of `#/components` for `kind`.
fn is_component(target: &Pointer, kind: Kind) -> bool {
    matches!(target.tokens(), [c, s, _] if c == "components" && s == kind.section())
}

/// Pushes every `$ref` string under `value` (at `path`) whose kind its place tells.
fn collect(value: &Value, path: &mut Vec<String>, found: &mut Vec<Found>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref")
                && let (Some(kind), Some(target)) = (kind_at(path), Pointer::from_ref(reference))
            {
                found.push(Found { kind, target });
            }
            for (key, child) in map {
                if is_data(key) {
                    continue;
                }
                path.push(key.clone());
                collect(child, path, found);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                path.push(index.to_string());
                collect(child, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Whether the member `key` holds data rather than description (examples, defaults, enum
/// values): a `$ref` key there is a value, not a reference.
fn is_data(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "enum")
}

/// Every `{"$ref": old}` in `value` with `old` renamed.
fn rewrite_refs(value: &mut Value, renamed: &BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref")
                && let Some(new) = renamed.get(reference.as_str())
            {
                *reference = new.clone();
            }
            for (key, child) in map.iter_mut() {
                if !is_data(key) {
                    rewrite_refs(child, renamed);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, renamed)),
        _ => {}
    }
}

/// Replaces each `$ref` path item by a copy of the path item at the end of its chain.
/// A chain that loops or is too long, or ends at nothing, is left for the reader.
fn inline_path_items(document: &mut Value, moves: &mut Moves) {
    let Some(Value::Object(paths)) = document.get("paths") else {
        return;
    };
    let refs: Vec<(String, String)> = paths
        .iter()
        .filter_map(|(path, item)| {
            let reference = item.get("$ref")?.as_str()?;
            Some((path.clone(), reference.to_string()))
        })
        .collect();
    for (path, reference) in refs {
        let mut target = reference;
        let mut resolved = None;
        for _ in 0..MAX_PATH_ITEM_CHAIN {
            let Some(pointer) = Pointer::from_ref(&target) else {
                break;
            };
            let Some(item) = get(document, &pointer) else {
                break;
            };
            match item.get("$ref").and_then(Value::as_str) {
                Some(next) => target = next.to_string(),
                None => {
                    resolved = Some((item.clone(), pointer));
                    break;
                }
            }
        }
        let Some((mut item, from)) = resolved else {
            continue;
        };
        // A path item of `#/paths` declares its operations' ids there: the copy's
        // operations are named after their method and path instead.
        if from.tokens().first().is_some_and(|t| t == "paths")
            && let Value::Object(copy) = &mut item
        {
            for operation in copy.values_mut() {
                if let Value::Object(operation) = operation {
                    operation.remove("operationId");
                }
            }
        }
        // A path item written beside `$ref` (a 3.1 `summary`) keeps its own fields.
        if let (Value::Object(copy), Some(Value::Object(own))) =
            (&mut item, document.get("paths").and_then(|p| p.get(&path)))
        {
            for (key, value) in own {
                if key != "$ref" {
                    copy.insert(key.clone(), value.clone());
                }
            }
        }
        let here = Pointer::root().push("paths").push(path.clone());
        if let Some(Value::Object(paths)) = document.get_mut("paths") {
            paths.insert(path, item);
            moves.moved.push((here, from));
        }
    }
}

/// The names already in `#/components/{section}`.
fn section_names(document: &Value, section: &str) -> BTreeSet<String> {
    document
        .get("components")
        .and_then(|c| c.get(section))
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// A component name for the value at `target` that is not in `taken`: a parameter's
/// `name`, else the last token of the pointer that names something (`owner` for
/// `.../properties/owner`; indexes, media types and structural keys are passed over),
/// numbered when taken.
fn fresh_name(document: &Value, target: &Pointer, kind: Kind, taken: &BTreeSet<String>) -> String {
    let named = (kind == Kind::Parameter)
        .then(|| {
            get(document, target)?
                .get("name")?
                .as_str()
                .map(str::to_string)
        })
        .flatten();
    let base = named
        .or_else(|| {
            target
                .tokens()
                .iter()
                .rev()
                .find(|t| {
                    !t.is_empty()
                        && !t.chars().all(|c| c.is_ascii_digit())
                        && !t.contains('/')
                        && !matches!(
                            t.as_str(),
                            "schema"
                                | "items"
                                | "properties"
                                | "content"
                                | "additionalProperties"
                                | "parameters"
                                | "responses"
                                | "requestBody"
                                | "headers"
                                | "allOf"
                                | "oneOf"
                                | "anyOf"
                                | "not"
                        )
                })
                .cloned()
        })
        .unwrap_or_else(|| "Inline".to_string());
    if !taken.contains(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|name| !taken.contains(name))
        .unwrap_or(base)
}

fn ref_to(reference: &str) -> Value {
    let mut map = Map::new();
    map.insert("$ref".to_string(), Value::String(reference.to_string()));
    Value::Object(map)
}

fn insert_component(document: &mut Value, section: &str, name: String, value: Value) {
    let Value::Object(root) = document else {
        return;
    };
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(components) = components else {
        return;
    };
    let entries = components
        .entry(section)
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(entries) = entries {
        entries.insert(name, value);
    }
}

fn get<'a>(value: &'a Value, pointer: &Pointer) -> Option<&'a Value> {
    value.pointer(&pointer.to_json_pointer())
}

fn get_mut<'a>(value: &'a mut Value, pointer: &Pointer) -> Option<&'a mut Value> {
    value.pointer_mut(&pointer.to_json_pointer())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(tokens: &[&str]) -> Pointer {
        tokens.iter().fold(Pointer::root(), |p, t| p.push(*t))
    }

    #[test]
    fn a_schema_referred_to_inside_a_path_becomes_a_component() {
        let mut doc = json!({
            "paths": {"/a": {"post": {"requestBody": {"content": {"application/json": {
                "schema": {"type": "object", "properties": {
                    "owner": {"type": "object", "properties": {"name": {"type": "string"}}}
                }}}}}},
                "get": {"responses": {"200": {"description": "", "content": {"application/json": {
                    "schema": {"$ref": "#/paths/~1a/post/requestBody/content/application~1json/schema/properties/owner"}
                }}}}}}},
            "components": {"schemas": {"owner": {"type": "string"}}}
        });
        let moves = hoist(&mut doc);
        assert_eq!(
            doc["components"]["schemas"]["owner2"],
            json!({"type": "object", "properties": {"name": {"type": "string"}}})
        );
        let schema = "/paths/~1a/post/requestBody/content/application~1json/schema";
        assert_eq!(
            doc.pointer(&format!("{schema}/properties/owner")),
            Some(&json!({"$ref": "#/components/schemas/owner2"}))
        );
        assert_eq!(
            doc.pointer("/paths/~1a/get/responses/200/content/application~1json/schema"),
            Some(&json!({"$ref": "#/components/schemas/owner2"}))
        );
        // A pointer into the component is the place the user wrote.
        assert_eq!(
            moves
                .original(&at(&[
                    "components",
                    "schemas",
                    "owner2",
                    "properties",
                    "name"
                ]))
                .to_string(),
            "#/paths/~1a/post/requestBody/content/application~1json/schema/properties/owner/properties/name"
        );
        assert_eq!(
            moves.original(&at(&["components", "schemas", "owner"])),
            at(&["components", "schemas", "owner"])
        );
    }

    #[test]
    fn a_reference_to_its_own_ancestor_is_a_loop_between_components() {
        let mut doc = json!({"components": {"schemas": {"Tree": {
            "type": "object",
            "properties": {"node": {"type": "object", "properties": {
                "child": {"$ref": "#/components/schemas/Tree/properties/node"}
            }}}
        }}}});
        hoist(&mut doc);
        assert_eq!(
            doc["components"]["schemas"]["node"],
            json!({"type": "object", "properties": {
                "child": {"$ref": "#/components/schemas/node"}
            }})
        );
        assert_eq!(
            doc["components"]["schemas"]["Tree"]["properties"]["node"],
            json!({"$ref": "#/components/schemas/node"})
        );
    }

    #[test]
    fn parameters_and_responses_move_to_their_sections() {
        let mut doc = json!({"paths": {
            "/a": {"get": {
                "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"404": {"description": "gone"}}
            }},
            "/b": {"get": {
                "parameters": [{"$ref": "#/paths/~1a/get/parameters/0"}],
                "responses": {"404": {"$ref": "#/paths/~1a/get/responses/404"}}
            }}
        }});
        hoist(&mut doc);
        assert_eq!(
            doc["components"]["parameters"]["limit"]["name"],
            json!("limit")
        );
        assert_eq!(
            doc["paths"]["/b"]["get"]["parameters"][0],
            json!({"$ref": "#/components/parameters/limit"})
        );
        assert_eq!(
            doc["paths"]["/b"]["get"]["responses"]["404"],
            json!({"$ref": "#/components/responses/get"})
        );
    }

    #[test]
    fn ref_path_items_are_copies_of_their_targets_and_loops_are_left_alone() {
        let mut doc = json!({"paths": {
            "/a": {"get": {"operationId": "a", "responses": {}}},
            "/b": {"$ref": "#/paths/~1a"},
            "/c": {"$ref": "#/paths/~1b", "summary": "c"},
            "/x": {"$ref": "#/paths/~1y"},
            "/y": {"$ref": "#/paths/~1x"}
        }});
        let moves = hoist(&mut doc);
        // The copies' operations lose the ids their original declares.
        assert_eq!(doc["paths"]["/b"], json!({"get": {"responses": {}}}));
        assert_eq!(doc["paths"]["/c"]["summary"], json!("c"));
        assert_eq!(doc["paths"]["/c"]["get"], json!({"responses": {}}));
        assert_eq!(doc["paths"]["/a"]["get"]["operationId"], json!("a"));
        assert_eq!(doc["paths"]["/x"], json!({"$ref": "#/paths/~1y"}));
        assert_eq!(
            moves.original(&at(&["paths", "/b", "get"])),
            at(&["paths", "/a", "get"])
        );
    }

    #[test]
    fn examples_references_to_nothing_and_components_are_left_alone() {
        let original = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"description": "",
                "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/A"},
                    "example": {"$ref": "#/paths/~1a"}
                }}}}}}},
            "components": {"schemas": {
                "A": {"$ref": "#/components/schemas/B"},
                "B": {"type": "object", "properties": {"x": {"$ref": "#/nowhere"}}}
            }}
        });
        let mut doc = original.clone();
        let moves = hoist(&mut doc);
        assert_eq!(doc, original);
        assert!(moves.is_empty());
    }
}

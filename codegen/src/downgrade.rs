//! An OpenAPI 3.1 document (its JSON value) -> the OpenAPI 3.0 value that says the same
//! thing to the generator, with every construct that 3.0 cannot say marked where it is, by
//! its JSON pointer.
//!
//! [`crate::parse`] calls [`downgrade`] for `openapi: 3.1.x` before the document is read
//! with `openapiv3` (a 3.0 model); the rest of the generator sees a 3.0 document. 3.1
//! schemas are JSON Schema 2020-12; what changes (see the README, "OpenAPI 3.1"):
//!
//! - `type: [T, "null"]` -> `type: T, nullable: true`; several non-null types -> `anyOf` of
//!   one-type schemas, each with the keywords of its type; `type: "null"` alone (not as a
//!   union branch) -> `nullable: true` without a type (assumed: a value that is always
//!   `null` is read as an optional value of any type, `Option<serde_json::Value>`).
//! - a `oneOf`/`anyOf` branch that only admits `null` -> the 3.0 null branch
//!   `{nullable: true}`; with one other branch, the union is that branch made `nullable`
//!   (`allOf: [$ref]` for a `$ref`).
//! - `const: X` -> `enum: [X]`; `examples: [X, ..]` -> `example: X`; numeric
//!   `exclusiveMinimum`/`exclusiveMaximum` -> `minimum`/`maximum` with the 3.0 boolean.
//! - `$ref` with siblings -> `allOf: [{$ref}]` with the siblings (so a `description` beside
//!   a `$ref` documents the field, as in 3.0 with `allOf`).
//! - `contentEncoding: base64` -> `format: byte`; `contentMediaType:
//!   application/octet-stream` -> `format: binary`.
//! - `true` as a schema -> `{}`; `false` is refused (except where 3.0 takes a boolean).
//! - keywords that only validate, and leave the generated type as it is, are dropped:
//!   `$schema`, `$id`, `$anchor`, `$dynamicAnchor`, `$comment`, `$vocabulary`, `contains`,
//!   `minContains`, `maxContains`, `propertyNames`, `dependentRequired`, `contentSchema`,
//!   and `unevaluatedProperties`/`unevaluatedItems` when a boolean. `$defs` stays
//!   (downgraded): a `$ref` into it is a `$ref` to a place outside `#/components`, which
//!   [`crate::hoist`] makes a component.
//! - refused (they change the type and 3.0 cannot say them): `prefixItems`, `items` as an
//!   array, `if`/`then`/`else`, `dependentSchemas`, `$dynamicRef`, `$recursiveRef`,
//!   `unevaluatedProperties`/`unevaluatedItems` as a schema, `patternProperties` beside
//!   `properties` or with several patterns (one pattern alone is a map:
//!   `additionalProperties`), several types beside `oneOf`/`anyOf`/`allOf`, the `false`
//!   schema.
//! - the document: `webhooks` (the generated client makes calls, it does not receive
//!   them), `jsonSchemaDialect`, `info.summary`, `license.identifier` and `mutualTLS`
//!   security schemes are dropped; `paths` and an operation's `responses` may be missing
//!   (none then); `components.pathItems` is downgraded like `paths` (a path item that is a
//!   `$ref` to one is replaced by it afterwards, by [`crate::hoist`], as a `$ref` to
//!   another path item).
//!
//! A schema with a refused keyword is replaced by a marker ([`MARKER`]) that holds the
//! constructs with their pointers; the type space reports them where the schema is used
//! ([`marked`]), so they are unsupported constructs like the generator's own: listed all
//! at once, and left out with what needs them under
//! [`crate::Settings::skip_unsupported`].
//!
//! `nullable: true`, which 3.1 does not have, is kept as written (assumed: the author meant
//! the 3.0 keyword), and so are `exclusiveMinimum: true` and the like (the draft 4 form).
//!
//! Positions: what stays where it was keeps its pointer. A pointer into what was moved
//! (the `allOf/0` of a `$ref` with siblings, a branch of a split `type`, a hoisted union
//! branch) names the 3.0 form; [`Error::located`](crate::error::Error::located) then gives
//! the line and column of its nearest ancestor that is written in the original text (see
//! [`crate::yaml::locate`]).
//! Refusals made here point at the keyword as written.

use crate::error::Construct;
use crate::pointer::Pointer;
use serde_json::{Map, Number, Value};

/// The version written into the downgraded document.
pub const VERSION: &str = "3.0.3";

/// Keywords that only annotate a schema: they may stay beside a union or a `$ref` and
/// do not decide a type.
const ANNOTATIONS: [&str; 10] = [
    "description",
    "title",
    "$comment",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "nullable",
];

/// Keywords dropped from every schema: they only validate (or identify) and leave the
/// generated type as it is.
const DROPPED: [&str; 12] = [
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$comment",
    "$vocabulary",
    "contains",
    "minContains",
    "maxContains",
    "propertyNames",
    "dependentRequired",
    "contentSchema",
];

/// Keywords refused wherever they are, with why.
const REFUSED: [(&str, &str); 7] = [
    ("prefixItems", "(a tuple)"),
    ("if", "(a conditional schema)"),
    ("then", "(a conditional schema)"),
    ("else", "(a conditional schema)"),
    ("dependentSchemas", "(a conditional schema)"),
    ("$dynamicRef", "(a dynamic reference)"),
    ("$recursiveRef", "(a dynamic reference)"),
];

/// Keywords that belong to one type, for splitting a `type` list into `anyOf`
/// branches.
const STRING_KEYWORDS: [&str; 3] = ["minLength", "maxLength", "pattern"];
const NUMBER_KEYWORDS: [&str; 5] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];
const ARRAY_KEYWORDS: [&str; 4] = ["items", "minItems", "maxItems", "uniqueItems"];
const OBJECT_KEYWORDS: [&str; 5] = [
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
];

/// The extension that replaces a schema 3.0 cannot say: a list of `{"what": ..., "at":
/// [tokens of the pointer]}`.
pub const MARKER: &str = "x-dynroute-unsupported";

/// The OpenAPI 3.0 value that says what the 3.1 document `value` says; what 3.0 cannot say
/// is a schema holding a [`MARKER`].
pub fn downgrade(mut value: Value) -> Value {
    let mut walk = Walk::default();
    walk.document(&mut value);
    value
}

/// The constructs a schema marked by [`downgrade`] holds, if it is one.
pub fn marked(extensions: &indexmap::IndexMap<String, Value>) -> Option<Vec<Construct>> {
    let Some(Value::Array(list)) = extensions.get(MARKER) else {
        return None;
    };
    let constructs = list
        .iter()
        .filter_map(|item| {
            let what = item.get("what")?.as_str()?;
            let tokens = item.get("at")?.as_array()?;
            let at = tokens
                .iter()
                .filter_map(Value::as_str)
                .fold(Pointer::root(), |pointer, token| pointer.push(token));
            Some(Construct::new(what, &at))
        })
        .collect();
    Some(constructs)
}

/// The marker for `constructs`.
fn marker(constructs: &[Construct]) -> Value {
    let list = constructs
        .iter()
        .map(|c| {
            let mut item = Map::new();
            item.insert("what".into(), Value::String(c.what.clone()));
            let tokens = c
                .pointer
                .tokens()
                .iter()
                .cloned()
                .map(Value::String)
                .collect();
            item.insert("at".into(), Value::Array(tokens));
            Value::Object(item)
        })
        .collect();
    let mut map = Map::new();
    map.insert(MARKER.into(), Value::Array(list));
    Value::Object(map)
}

/// The downgrade under way: every construct it refused so far, in the order met.
#[derive(Default)]
struct Walk {
    refused: Vec<Construct>,
}

impl Walk {
    fn refuse(&mut self, what: impl Into<String>, at: &Pointer) {
        self.refused.push(Construct::new(what, at));
    }

    /// The whole document.
    fn document(&mut self, value: &mut Value) {
        let root = Pointer::root();
        let Value::Object(doc) = value else {
            return;
        };
        doc.insert("openapi".into(), Value::String(VERSION.into()));
        doc.remove("webhooks");
        doc.remove("jsonSchemaDialect");
        if let Some(Value::Object(info)) = doc.get_mut("info") {
            info.remove("summary");
            if let Some(Value::Object(license)) = info.get_mut("license") {
                license.remove("identifier");
            }
        }
        if let Some(Value::Object(components)) = doc.get_mut("components") {
            self.components(components, &root.push("components"));
        }
        if !doc.contains_key("paths") {
            doc.insert("paths".into(), Value::Object(Map::new()));
        }
        if let Some(Value::Object(paths)) = doc.get_mut("paths") {
            let at = root.push("paths");
            for (template, item) in paths.iter_mut() {
                self.path_item(item, &at.push(template.clone()));
            }
        }
    }

    /// `#/components`: every section that holds schemas, and the security schemes.
    fn components(&mut self, components: &mut Map<String, Value>, at: &Pointer) {
        for (section, entries) in components.iter_mut() {
            let Value::Object(entries) = entries else {
                continue;
            };
            let at = at.push(section.clone());
            for (name, entry) in entries.iter_mut() {
                let at = at.push(name.clone());
                match section.as_str() {
                    "schemas" => self.schema(entry, &at),
                    "parameters" | "headers" => self.parameter(entry, &at),
                    "responses" => self.response(entry, &at),
                    "requestBodies" => self.content_holder(entry, &at),
                    "callbacks" => self.callback(entry, &at),
                    "pathItems" => self.path_item(entry, &at),
                    _ => {}
                }
            }
            if section == "securitySchemes" {
                // 3.0 has no `mutualTLS` scheme; the client sets no TLS identity.
                entries.retain(|_, scheme| {
                    scheme.get("type").and_then(Value::as_str) != Some("mutualTLS")
                });
            }
        }
    }

    /// A path item: its parameters and operations.
    fn path_item(&mut self, item: &mut Value, at: &Pointer) {
        let Value::Object(item) = item else {
            return;
        };
        for (key, value) in item.iter_mut() {
            let at = at.push(key.clone());
            match key.as_str() {
                "parameters" => self.parameters(value, &at),
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace" => {
                    self.operation(value, &at);
                }
                _ => {}
            }
        }
    }

    fn operation(&mut self, operation: &mut Value, at: &Pointer) {
        let Value::Object(operation) = operation else {
            return;
        };
        // 3.1 lets an operation declare no responses.
        if !operation.contains_key("responses") {
            operation.insert("responses".into(), Value::Object(Map::new()));
        }
        for (key, value) in operation.iter_mut() {
            let at = at.push(key.clone());
            match key.as_str() {
                "parameters" => self.parameters(value, &at),
                "requestBody" => self.content_holder(value, &at),
                "responses" => {
                    for (code, response) in value.as_object_mut().into_iter().flatten() {
                        self.response(response, &at.push(code.clone()));
                    }
                }
                "callbacks" => {
                    for (name, callback) in value.as_object_mut().into_iter().flatten() {
                        self.callback(callback, &at.push(name.clone()));
                    }
                }
                _ => {}
            }
        }
    }

    fn callback(&mut self, callback: &mut Value, at: &Pointer) {
        for (expression, item) in callback.as_object_mut().into_iter().flatten() {
            self.path_item(item, &at.push(expression.clone()));
        }
    }

    fn parameters(&mut self, list: &mut Value, at: &Pointer) {
        for (index, parameter) in list.as_array_mut().into_iter().flatten().enumerate() {
            self.parameter(parameter, &at.index(index));
        }
    }

    /// A parameter or a header: its `schema` or `content`.
    fn parameter(&mut self, parameter: &mut Value, at: &Pointer) {
        if let Some(schema) = parameter.get_mut("schema") {
            self.schema(schema, &at.push("schema"));
        }
        self.content_holder(parameter, at);
    }

    fn response(&mut self, response: &mut Value, at: &Pointer) {
        if let Some(Value::Object(headers)) = response.get_mut("headers") {
            let at = at.push("headers");
            for (name, header) in headers.iter_mut() {
                self.parameter(header, &at.push(name.clone()));
            }
        }
        self.content_holder(response, at);
    }

    /// The media types of the `content` of a request body, a response or a parameter.
    fn content_holder(&mut self, holder: &mut Value, at: &Pointer) {
        let Some(Value::Object(content)) = holder.get_mut("content") else {
            return;
        };
        let at = at.push("content");
        for (media, media_type) in content.iter_mut() {
            let at = at.push(media.clone());
            if let Some(schema) = media_type.get_mut("schema") {
                self.schema(schema, &at.push("schema"));
            }
            if let Some(Value::Object(encoding)) = media_type.get_mut("encoding") {
                let at = at.push("encoding");
                for (property, encoding) in encoding.iter_mut() {
                    if let Some(Value::Object(headers)) = encoding.get_mut("headers") {
                        let at = at.push(property.clone()).push("headers");
                        for (name, header) in headers.iter_mut() {
                            self.parameter(header, &at.push(name.clone()));
                        }
                    }
                }
            }
        }
    }

    /// One schema, in place.
    fn schema(&mut self, schema: &mut Value, at: &Pointer) {
        let map = match schema {
            // `true` admits any value, as the empty schema does.
            Value::Bool(true) => {
                *schema = Value::Object(Map::new());
                return;
            }
            Value::Bool(false) => {
                self.refuse("`false` schema (it admits no value)", at);
                *schema = marker(&self.refused[self.refused.len() - 1..]);
                return;
            }
            Value::Object(map) => map,
            // Not a schema: `openapiv3` says what it expected.
            _ => return,
        };
        wrap_ref(map);
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(branches)) = map.get_mut(key) {
                for branch in branches.iter_mut() {
                    if only_null(branch) {
                        *branch = null_branch();
                    }
                }
            }
        }
        let before = self.refused.len();
        self.subschemas(map, at);
        // What this schema's own keywords cannot say makes it a marker, which holds the
        // constructs of its subschemas too (they are left out with it); a refused
        // subschema of a schema that is fine is a marker of its own.
        let own = self.refused.len();
        self.keywords(map, at);
        hoist_single_branch(map);
        self.types(map, at);
        if self.refused.len() > own {
            *schema = marker(&self.refused[before..]);
        }
    }

    /// The schemas inside `map`, at their pointers.
    fn subschemas(&mut self, map: &mut Map<String, Value>, at: &Pointer) {
        // The `items` beside `prefixItems` (often `false`) goes with the refused tuple.
        let tuple = map.contains_key("prefixItems");
        for (key, value) in map.iter_mut() {
            let at = at.push(key.clone());
            match key.as_str() {
                "properties" => {
                    for (name, property) in value.as_object_mut().into_iter().flatten() {
                        self.schema(property, &at.push(name.clone()));
                    }
                }
                "items" if !value.is_array() && !tuple => self.schema(value, &at),
                "not" => self.schema(value, &at),
                "additionalProperties" if value.is_object() => self.schema(value, &at),
                "allOf" | "anyOf" | "oneOf" => {
                    for (index, branch) in value.as_array_mut().into_iter().flatten().enumerate() {
                        self.schema(branch, &at.index(index));
                    }
                }
                "patternProperties" | "$defs" => {
                    for (pattern, property) in value.as_object_mut().into_iter().flatten() {
                        self.schema(property, &at.push(pattern.clone()));
                    }
                }
                _ => {}
            }
        }
    }

    /// The keywords of one schema that 3.0 writes otherwise or does not have.
    fn keywords(&mut self, map: &mut Map<String, Value>, at: &Pointer) {
        for (keyword, why) in REFUSED {
            if map.contains_key(keyword) {
                self.refuse(
                    format!("JSON Schema keyword `{keyword}` {why}"),
                    &at.push(keyword),
                );
            }
        }
        if map.get("items").is_some_and(Value::is_array) {
            self.refuse("`items` as an array (a tuple)", &at.push("items"));
        }
        for keyword in ["unevaluatedProperties", "unevaluatedItems"] {
            match map.get(keyword) {
                Some(Value::Bool(_)) => {
                    map.remove(keyword);
                }
                Some(_) => self.refuse(
                    format!("JSON Schema keyword `{keyword}` with a schema"),
                    &at.push(keyword),
                ),
                None => {}
            }
        }
        for keyword in DROPPED {
            map.remove(keyword);
        }
        if let Some(patterns) = map.remove("patternProperties") {
            self.pattern_properties(map, patterns, at);
        }
        if let Some(value) = map.remove("const") {
            map.insert("enum".into(), Value::Array(vec![value]));
        }
        if let Some(examples) = map.remove("examples")
            && !map.contains_key("example")
            && let Some(first) = examples.as_array().and_then(|list| list.first())
        {
            map.insert("example".into(), first.clone());
        }
        exclusive_bound(map, "exclusiveMinimum", "minimum", |bound, inclusive| {
            inclusive > bound
        });
        exclusive_bound(map, "exclusiveMaximum", "maximum", |bound, inclusive| {
            inclusive < bound
        });
        content(map);
    }

    /// `patternProperties` of one pattern, beside no `properties` and no
    /// `additionalProperties` schema: a map, its key pattern only validating.
    fn pattern_properties(&mut self, map: &mut Map<String, Value>, patterns: Value, at: &Pointer) {
        let pointer = at.push("patternProperties");
        let Value::Object(patterns) = patterns else {
            return;
        };
        let mut patterns = patterns.into_iter();
        let (one, more) = (patterns.next(), patterns.next());
        let beside = map.contains_key("properties")
            || map
                .get("additionalProperties")
                .is_some_and(Value::is_object);
        match (one, more) {
            (None, _) => {}
            (Some((_, schema)), None) if !beside => {
                map.insert("additionalProperties".into(), schema);
                if !map.contains_key("type") {
                    map.insert("type".into(), Value::String("object".into()));
                }
            }
            (Some(_), None) => self.refuse(
                "JSON Schema keyword `patternProperties` beside `properties` or an \
                 `additionalProperties` schema",
                &pointer,
            ),
            (Some(_), Some(_)) => self.refuse(
                "JSON Schema keyword `patternProperties` with several patterns",
                &pointer,
            ),
        }
    }

    /// `type` as a list, or `"null"`.
    fn types(&mut self, map: &mut Map<String, Value>, at: &Pointer) {
        let listed: Vec<String> = match map.get("type") {
            Some(Value::String(one)) => vec![one.clone()],
            Some(Value::Array(list)) if !list.is_empty() && list.iter().all(Value::is_string) => {
                list.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            }
            // Not a type: `openapiv3` says what it expected.
            _ => return,
        };
        let mut types: Vec<String> = Vec::new();
        for ty in listed {
            if !types.contains(&ty) {
                types.push(ty);
            }
        }
        let admits_null = types.iter().any(|t| t == "null");
        types.retain(|t| t != "null");
        let null_allowed = admits_null
            && match map.get("enum") {
                Some(Value::Array(values)) => values.contains(&Value::Null),
                _ => true,
            };
        match types.as_slice() {
            // Only `null`: an optional value of any type.
            [] => {
                map.remove("type");
                map.insert("nullable".into(), Value::Bool(true));
            }
            [one] => {
                map.insert("type".into(), Value::String(one.clone()));
                if null_allowed {
                    map.insert("nullable".into(), Value::Bool(true));
                }
            }
            several => {
                if let Some(combinator) = ["anyOf", "oneOf", "allOf"]
                    .into_iter()
                    .find(|k| map.contains_key(*k))
                {
                    self.refuse(
                        format!("`type` with several types beside `{combinator}`"),
                        &at.push("type"),
                    );
                    return;
                }
                let several = several.to_vec();
                split_types(map, &several);
                if null_allowed {
                    map.insert("nullable".into(), Value::Bool(true));
                }
            }
        }
    }
}

/// A `$ref` with sibling keywords -> `allOf: [{$ref}]` with the siblings (appended after
/// an `allOf` already there, so that its parts keep their pointers). The keywords
/// [`DROPPED`] do not count as siblings.
fn wrap_ref(map: &mut Map<String, Value>) {
    if !map.contains_key("$ref") {
        return;
    }
    let siblings = map
        .keys()
        .any(|k| k != "$ref" && !DROPPED.contains(&k.as_str()));
    if !siblings {
        for keyword in DROPPED {
            map.remove(keyword);
        }
        return;
    }
    let Some(reference) = map.remove("$ref") else {
        return;
    };
    let part = Value::Object(Map::from_iter([("$ref".to_string(), reference)]));
    match map.get_mut("allOf") {
        Some(Value::Array(parts)) => parts.push(part),
        _ => {
            map.insert("allOf".into(), Value::Array(vec![part]));
        }
    }
}

/// Whether `schema` admits only `null` (a `type: "null"`, `const: null` or `enum: [null]`
/// with annotations at most).
fn only_null(schema: &Value) -> bool {
    let Value::Object(map) = schema else {
        return false;
    };
    let null = |key: &str, value: &Value| match (key, value) {
        ("type", Value::String(t)) => t == "null",
        ("type", Value::Array(list)) => !list.is_empty() && list.iter().all(|t| t == "null"),
        ("const", Value::Null) => true,
        ("enum", Value::Array(list)) => !list.is_empty() && list.iter().all(Value::is_null),
        _ => false,
    };
    let says_null = map.iter().any(|(k, v)| null(k, v));
    says_null
        && map.iter().all(|(k, v)| {
            null(k, v)
                || k.starts_with("x-")
                || ANNOTATIONS.contains(&k.as_str())
                || DROPPED.contains(&k.as_str())
        })
}

/// The 3.0 union branch that admits only `null`.
fn null_branch() -> Value {
    Value::Object(Map::from_iter([(
        "nullable".to_string(),
        Value::Bool(true),
    )]))
}

/// A `oneOf`/`anyOf` of one branch and null branches, beside annotations at most -> that
/// branch made `nullable` (a `$ref` as `allOf: [$ref]`): what 3.0 writes, and what the
/// generator makes an `Option` of. Kept as a union when a keyword of the branch is also
/// beside the union (other than an annotation, which the outer one wins).
fn hoist_single_branch(map: &mut Map<String, Value>) {
    let key = match (map.get("oneOf"), map.get("anyOf")) {
        (Some(_), None) => "oneOf",
        (None, Some(_)) => "anyOf",
        _ => return,
    };
    let Some(Value::Array(branches)) = map.get(key) else {
        return;
    };
    let null = null_branch();
    let (nulls, others): (Vec<&Value>, Vec<&Value>) = branches.iter().partition(|b| **b == null);
    let ([branch], false) = (others.as_slice(), nulls.is_empty()) else {
        return;
    };
    let beside_only_annotations = map
        .keys()
        .all(|k| k == key || k.starts_with("x-") || ANNOTATIONS.contains(&k.as_str()));
    let Value::Object(branch) = branch else {
        return;
    };
    if !beside_only_annotations
        || branch
            .keys()
            .any(|k| map.contains_key(k) && !ANNOTATIONS.contains(&k.as_str()))
    {
        return;
    }
    let branch = branch.clone();
    map.remove(key);
    if branch.len() == 1 && branch.contains_key("$ref") {
        map.insert("allOf".into(), Value::Array(vec![Value::Object(branch)]));
    } else {
        for (k, v) in branch {
            map.entry(k).or_insert(v);
        }
        if let Some(Value::Array(values)) = map.get_mut("enum")
            && !values.contains(&Value::Null)
        {
            values.push(Value::Null);
        }
    }
    map.insert("nullable".into(), Value::Bool(true));
}

/// A numeric `exclusive` bound (2020-12) -> the 3.0 form: `inclusive` set to it with
/// `exclusive: true`, unless the `inclusive` bound beside it is stricter (`stricter(bound,
/// inclusive)`), which then stays alone. A boolean (the 3.0 and draft 4 form) stays.
fn exclusive_bound(
    map: &mut Map<String, Value>,
    exclusive: &str,
    inclusive: &str,
    stricter: fn(f64, f64) -> bool,
) {
    let Some(Value::Number(bound)) = map.get(exclusive) else {
        return;
    };
    let bound = bound.clone();
    let inclusive_is_stricter = match (bound.as_f64(), map.get(inclusive).and_then(Value::as_f64)) {
        (Some(bound), Some(inclusive)) => stricter(bound, inclusive),
        _ => false,
    };
    if inclusive_is_stricter {
        map.remove(exclusive);
    } else {
        map.insert(inclusive.into(), Value::Number(bound));
        map.insert(exclusive.into(), Value::Bool(true));
    }
}

/// `contentEncoding`/`contentMediaType` -> a 3.0 `format` (when none is written):
/// base64 text is `byte`, raw octets are `binary`; other values only describe the text.
fn content(map: &mut Map<String, Value>) {
    let encoding = map.remove("contentEncoding");
    let media = map.remove("contentMediaType");
    if map.contains_key("format") {
        return;
    }
    let format = match (encoding.as_ref().and_then(Value::as_str), media.as_ref()) {
        (Some(e), _) if e.eq_ignore_ascii_case("base64") => "byte",
        (None, Some(Value::String(m))) if m.eq_ignore_ascii_case("application/octet-stream") => {
            "binary"
        }
        _ => return,
    };
    map.insert("format".into(), Value::String(format.into()));
}

/// `type: [A, B, ..]` (no `null`, at least two) -> `anyOf` of one schema per type, each
/// with the keywords of its type (`enum` values by their JSON type, `format` by what it
/// names); annotations stay beside the `anyOf`.
fn split_types(map: &mut Map<String, Value>, types: &[String]) {
    map.remove("type");
    let values = match map.remove("enum") {
        Some(Value::Array(values)) => Some(values),
        Some(_) | None => None,
    };
    let format = map.remove("format");
    let mut branches = Vec::new();
    let format_type = format.as_ref().and_then(Value::as_str).map(format_type);
    for ty in types {
        let mut branch = Map::new();
        branch.insert("type".into(), Value::String(ty.clone()));
        let own: &[&str] = match ty.as_str() {
            "string" => &STRING_KEYWORDS,
            "number" | "integer" => &NUMBER_KEYWORDS,
            "array" => &ARRAY_KEYWORDS,
            "object" => &OBJECT_KEYWORDS,
            _ => &[],
        };
        for keyword in own {
            if let Some(value) = map.get(*keyword) {
                branch.insert((*keyword).into(), value.clone());
            }
        }
        if let (Some(format), Some(fits)) = (&format, format_type)
            && fits(ty)
        {
            branch.insert("format".into(), format.clone());
        }
        if let Some(values) = &values {
            let fitting: Vec<Value> = values
                .iter()
                .filter(|v| value_fits(v, ty))
                .cloned()
                .collect();
            if fitting.is_empty() {
                // No value of the enum has this type: the branch admits nothing.
                continue;
            }
            branch.insert("enum".into(), Value::Array(fitting));
        }
        branches.push(Value::Object(branch));
    }
    for keyword in STRING_KEYWORDS
        .iter()
        .chain(&NUMBER_KEYWORDS)
        .chain(&ARRAY_KEYWORDS)
        .chain(&OBJECT_KEYWORDS)
    {
        map.remove(*keyword);
    }
    map.insert("anyOf".into(), Value::Array(branches));
}

/// Which types a `format` goes with: the number formats of OpenAPI with numbers, any
/// other with strings.
fn format_type(format: &str) -> fn(&str) -> bool {
    match format {
        "int32" | "int64" => |ty| ty == "integer" || ty == "number",
        "float" | "double" => |ty| ty == "number",
        _ => |ty| ty == "string",
    }
}

/// Whether the enum value `value` is of the JSON Schema type `ty`.
fn value_fits(value: &Value, ty: &str) -> bool {
    match (value, ty) {
        (Value::String(_), "string")
        | (Value::Bool(_), "boolean")
        | (Value::Number(_), "number")
        | (Value::Array(_), "array")
        | (Value::Object(_), "object") => true,
        (Value::Number(n), "integer") => is_integer(n),
        _ => false,
    }
}

/// Whether `n` is a whole number (JSON Schema: `1.0` is an integer).
fn is_integer(n: &Number) -> bool {
    n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use serde_json::json;

    /// The downgrade of the schema `schema` (as `#/components/schemas/S`), or the
    /// constructs of every marker in it, as the generator lists them.
    fn schema(schema: Value) -> Result<Value, String> {
        let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "components": {"schemas": {"S": schema}}});
        let out = downgrade(doc)["components"]["schemas"]["S"].clone();
        let mut constructs = Vec::new();
        markers(&out, &mut constructs);
        if constructs.is_empty() {
            Ok(out)
        } else {
            Err(Error::unsupported_all(constructs).to_string())
        }
    }

    /// The constructs of every marker in `value`.
    fn markers(value: &Value, out: &mut Vec<Construct>) {
        match value {
            Value::Object(map) => {
                let extensions = map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                out.extend(marked(&extensions).into_iter().flatten());
                map.values().for_each(|v| markers(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| markers(v, out)),
            _ => {}
        }
    }

    fn ok(value: Value) -> Value {
        schema(value).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_type_list_with_null_is_nullable() {
        assert_eq!(
            ok(json!({"type": ["string", "null"], "maxLength": 3})),
            json!({"type": "string", "maxLength": 3, "nullable": true})
        );
        assert_eq!(ok(json!({"type": ["integer"]})), json!({"type": "integer"}));
        // An enum without `null` still refuses it.
        assert_eq!(
            ok(json!({"type": ["string", "null"], "enum": ["a"]})),
            json!({"type": "string", "enum": ["a"]})
        );
        assert_eq!(
            ok(json!({"type": ["string", "null"], "enum": ["a", null]})),
            json!({"type": "string", "enum": ["a", null], "nullable": true})
        );
    }

    #[test]
    fn several_types_are_an_any_of_with_the_keywords_of_each() {
        assert_eq!(
            ok(
                json!({"type": ["string", "integer", "null"], "description": "d",
                "maxLength": 3, "minimum": 1, "format": "int64", "enum": ["a", 2, null, 2.5]})
            ),
            json!({"description": "d", "anyOf": [
                {"type": "string", "maxLength": 3, "enum": ["a"]},
                {"type": "integer", "minimum": 1, "format": "int64", "enum": [2]}
            ], "nullable": true})
        );
        assert_eq!(
            ok(json!({"type": ["array", "object"], "items": {"const": 1},
                "properties": {"a": {"type": ["boolean", "null"]}}})),
            json!({"anyOf": [
                {"type": "array", "items": {"enum": [1]}},
                {"type": "object", "properties": {"a": {"type": "boolean", "nullable": true}}}
            ]})
        );
        assert_eq!(
            schema(json!({"type": ["string", "number"], "oneOf": [{"type": "string"}]})),
            Err("unsupported: `type` with several types beside `oneOf` at #/components/schemas/S/type".into())
        );
    }

    #[test]
    fn null_alone_is_any_value_or_null_and_null_branches_make_unions_nullable() {
        assert_eq!(
            ok(json!({"type": "null", "description": "d"})),
            json!({"description": "d", "nullable": true})
        );
        assert_eq!(ok(json!({"type": ["null"]})), json!({"nullable": true}));
        // One other branch: that branch, nullable.
        assert_eq!(
            ok(
                json!({"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/A"}],
                "description": "d"})
            ),
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/A"}],
                "nullable": true})
        );
        assert_eq!(
            ok(
                json!({"anyOf": [{"type": "string", "enum": ["a"], "description": "inner"},
                {"const": null}], "description": "outer"})
            ),
            json!({"description": "outer", "type": "string", "enum": ["a", null],
                "nullable": true})
        );
        // Several others: a union with the 3.0 null branch, in place.
        assert_eq!(
            ok(json!({"anyOf": [{"type": "string"}, {"type": "null"}, {"type": "integer"}]})),
            json!({"anyOf": [{"type": "string"}, {"nullable": true}, {"type": "integer"}]})
        );
        // A keyword of the branch also beside the union: kept as a union.
        assert_eq!(
            ok(
                json!({"anyOf": [{"type": "object", "properties": {"a": {}}}, {"type": "null"}],
                "properties": {"b": {}}})
            ),
            json!({"anyOf": [{"type": "object", "properties": {"a": {}}}, {"nullable": true}],
                "properties": {"b": {}}})
        );
    }

    #[test]
    fn const_examples_and_exclusive_bounds_take_their_3_0_forms() {
        assert_eq!(
            ok(json!({"type": "string", "const": "x", "examples": ["a", "b"]})),
            json!({"type": "string", "enum": ["x"], "example": "a"})
        );
        assert_eq!(
            ok(json!({"example": 1, "examples": [2]})),
            json!({"example": 1})
        );
        assert_eq!(
            ok(json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10.5})),
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true,
                "maximum": 10.5, "exclusiveMaximum": true})
        );
        // An inclusive bound that is stricter stays alone; a looser one is replaced.
        assert_eq!(
            ok(json!({"minimum": 5, "exclusiveMinimum": 1, "maximum": 20, "exclusiveMaximum": 10})),
            json!({"minimum": 5, "maximum": 10, "exclusiveMaximum": true})
        );
        // The boolean (3.0, draft 4) form stays.
        assert_eq!(
            ok(json!({"minimum": 1, "exclusiveMinimum": true})),
            json!({"minimum": 1, "exclusiveMinimum": true})
        );
    }

    #[test]
    fn ref_siblings_become_an_all_of() {
        assert_eq!(
            ok(json!({"$ref": "#/components/schemas/A", "description": "d"})),
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/A"}]})
        );
        assert_eq!(
            ok(
                json!({"$ref": "#/components/schemas/A", "allOf": [{"$ref": "#/components/schemas/B"}],
                "properties": {"n": {"type": ["string", "null"]}}})
            ),
            json!({"allOf": [{"$ref": "#/components/schemas/B"}, {"$ref": "#/components/schemas/A"}],
                "properties": {"n": {"type": "string", "nullable": true}}})
        );
        // Only dropped keywords beside it: a plain reference.
        assert_eq!(
            ok(json!({"$ref": "#/components/schemas/A", "$comment": "c"})),
            json!({"$ref": "#/components/schemas/A"})
        );
    }

    #[test]
    fn content_keywords_become_formats() {
        assert_eq!(
            ok(
                json!({"type": "string", "contentEncoding": "base64", "contentMediaType": "image/png"})
            ),
            json!({"type": "string", "format": "byte"})
        );
        assert_eq!(
            ok(json!({"type": "string", "contentMediaType": "application/octet-stream"})),
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(
            ok(json!({"type": "string", "contentMediaType": "text/html"})),
            json!({"type": "string"})
        );
        assert_eq!(
            ok(json!({"type": "string", "format": "uri", "contentEncoding": "base64"})),
            json!({"type": "string", "format": "uri"})
        );
    }

    #[test]
    fn boolean_schemas_and_validation_keywords() {
        assert_eq!(
            ok(json!({"type": "object", "properties": {"any": true},
                "additionalProperties": false, "unevaluatedProperties": false,
                "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "x",
                "$defs": {"D": {"type": ["string", "null"]}}, "propertyNames": {"maxLength": 3},
                "dependentRequired": {"a": ["b"]}})),
            json!({"type": "object", "properties": {"any": {}}, "additionalProperties": false,
                "$defs": {"D": {"type": "string", "nullable": true}}})
        );
        assert_eq!(
            schema(json!({"properties": {"never": false}})),
            Err("unsupported: `false` schema (it admits no value) at #/components/schemas/S/properties/never".into())
        );
        assert_eq!(
            ok(json!({"patternProperties": {"^x": {"type": "integer"}}})),
            json!({"additionalProperties": {"type": "integer"}, "type": "object"})
        );
    }

    #[test]
    fn what_3_0_cannot_say_is_refused_with_its_keyword_and_pointer() {
        let err = schema(json!({
            "prefixItems": [{"type": "string"}],
            "properties": {
                "c": {"if": {"type": "string"}, "then": {"minLength": 1}},
                "d": {"dependentSchemas": {"a": {}}, "unevaluatedProperties": {"type": "string"}},
                "e": {"$dynamicRef": "#node"},
                "f": {"items": [{"type": "string"}]},
                "g": {"patternProperties": {"a": {}, "b": {}}},
                "h": {"properties": {"x": {}}, "patternProperties": {"a": {}}}
            }
        }));
        assert_eq!(
            err,
            Err("9 unsupported constructs:\n  \
                JSON Schema keyword `prefixItems` (a tuple) at #/components/schemas/S/prefixItems\n  \
                JSON Schema keyword `if` (a conditional schema) at #/components/schemas/S/properties/c/if\n  \
                JSON Schema keyword `then` (a conditional schema) at #/components/schemas/S/properties/c/then\n  \
                JSON Schema keyword `dependentSchemas` (a conditional schema) at #/components/schemas/S/properties/d/dependentSchemas\n  \
                JSON Schema keyword `unevaluatedProperties` with a schema at #/components/schemas/S/properties/d/unevaluatedProperties\n  \
                JSON Schema keyword `$dynamicRef` (a dynamic reference) at #/components/schemas/S/properties/e/$dynamicRef\n  \
                `items` as an array (a tuple) at #/components/schemas/S/properties/f/items\n  \
                JSON Schema keyword `patternProperties` with several patterns at #/components/schemas/S/properties/g/patternProperties\n  \
                JSON Schema keyword `patternProperties` beside `properties` or an `additionalProperties` schema at #/components/schemas/S/properties/h/patternProperties"
                .into())
        );
    }

    #[test]
    fn the_document_drops_what_3_0_has_not_and_downgrades_path_items_everywhere() {
        let doc = json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
            "info": {"title": "t", "summary": "s", "version": "1",
                "license": {"name": "MIT", "identifier": "MIT"}},
            "webhooks": {"w": {"post": {"responses": {"200": {"description": "ok"}}}}},
            "paths": {"/a": {"$ref": "#/components/pathItems/A", "summary": "here"},
                "/b": {"post": {"callbacks": {"c": {"{$request.body#/u}": {"post": {
                    "requestBody": {"content": {"application/json": {"schema": {"type": ["string", "null"]}}}}
                }}}}}}},
            "components": {
                "pathItems": {"A": {"summary": "there", "get": {"parameters": [
                    {"name": "n", "in": "query", "schema": {"type": ["integer", "null"]}}
                ], "responses": {"200": {"description": "ok", "headers": {"h": {"schema": {"const": "x"}}},
                    "content": {"application/json": {"schema": {"exclusiveMaximum": 1}}}}}}}},
                "securitySchemes": {"m": {"type": "mutualTLS"}, "k": {"type": "apiKey", "in": "header", "name": "k"}}
            }
        });
        let out = downgrade(doc);
        assert_eq!(
            out,
            json!({
                "openapi": "3.0.3",
                "info": {"title": "t", "version": "1", "license": {"name": "MIT"}},
                "paths": {"/a": {"$ref": "#/components/pathItems/A", "summary": "here"},
                "/b": {"post": {"callbacks": {"c": {"{$request.body#/u}": {"post": {
                    "requestBody": {"content": {"application/json": {"schema": {"type": "string", "nullable": true}}}},
                    "responses": {}}}}}, "responses": {}}}},
                "components": {
                    "pathItems": {"A": {"summary": "there", "get": {"parameters": [
                        {"name": "n", "in": "query", "schema": {"type": "integer", "nullable": true}}
                    ], "responses": {"200": {"description": "ok", "headers": {"h": {"schema": {"enum": ["x"]}}},
                        "content": {"application/json": {"schema": {"maximum": 1, "exclusiveMaximum": true}}}}}}}},
                    "securitySchemes": {"k": {"type": "apiKey", "in": "header", "name": "k"}}
                }
            })
        );
        // `paths` may be missing.
        let out = downgrade(
            json!({"openapi": "3.1.1", "info": {"title": "t", "version": "1"},
            "webhooks": {}}),
        );
        assert_eq!(out["paths"], json!({}));
    }

    #[test]
    fn values_of_the_wrong_shape_are_left_for_the_reader() {
        for odd in [
            json!({"type": 5, "properties": [], "anyOf": {}, "oneOf": [1, null]}),
            json!({"type": ["string", 1], "examples": "x", "exclusiveMinimum": "a"}),
            json!({"items": [true], "allOf": "no", "$ref": 3, "patternProperties": []}),
            json!({"type": [], "enum": "x", "const": {"a": [1]}, "contentEncoding": 1}),
            json!("schema"),
            json!(null),
        ] {
            // No panic; whatever is not a 3.1 construct is left for `openapiv3` to report.
            let _ = schema(odd);
        }
        assert_eq!(
            ok(json!({"type": 5, "anyOf": {}})),
            json!({"type": 5, "anyOf": {}})
        );
        assert_eq!(ok(json!({"type": []})), json!({"type": []}));
        let doc = downgrade(json!({"openapi": "3.1.0", "paths": [], "components": 1}));
        assert_eq!(doc["paths"], json!([]));
    }
}

//! The route JSON Schema (spec/route.schema.json, generated from the OpenAPI description),
//! compiled once per process, and its errors turned into findings.
//!
//! The element union is a `oneOf` over six element schemas. Validating it as a whole gives
//! one "is not valid under any of the schemas" error at the element, which says nothing
//! useful. So the union is taken apart: the document is validated with the union replaced by
//! `true`, and each element is validated against the branch its discriminator (`type`)
//! selects. Branches are found generically: from the OpenAPI-style `discriminator.mapping`
//! when present, otherwise from each branch's one-value `enum` or `const` on the
//! discriminator property.
//!
//! Two validators are compiled, whatever the number of branches: the document, and one
//! element schema that dispatches on the discriminator (`allOf` of `if {type: tag} then
//! branch`), so the shared `$defs` are compiled and checked against the meta-schema twice,
//! not once per branch. They are compiled on first use: a file the quick verdict
//! (module `verdict`) passes never needs them, so a run over valid files compiles nothing.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use jsonschema::{ValidationError, Validator};
use serde_json::{Value, json};

use crate::diagnostic::Finding;
use crate::document::Document;
use crate::fields::{ElementFields, KnownFields, Names};
use crate::parse;
use crate::pointer::push_token;
use crate::registry::names;
use crate::tree::Json;

/// The embedded schema text.
pub const ROUTE_SCHEMA: &str = include_str!("../../spec/route.schema.json");

/// Where the route schema is published, for editors (`"$schema"`) and for help text.
pub const ROUTE_SCHEMA_URL: &str =
    "https://raw.githubusercontent.com/dynroute/dynroute/main/spec/route.schema.json";

/// The schema could not be used. Maps to exit status 2: a tool failure, not a finding.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SchemaError {
    /// Not JSON.
    #[error("the route schema is not JSON: {0}")]
    NotJson(String),
    /// No element union found where `properties.elements.items` should be.
    #[error("the route schema has no element union at {0}")]
    NoUnion(String),
    /// The schema, or one of its branches, did not compile.
    #[error("the route schema does not compile at {pointer}: {message}")]
    Compile {
        /// Which part failed.
        pointer: String,
        /// The compiler's message.
        message: String,
    },
    /// The [`Reasons`] in use could not say why a file fails the schema.
    #[error("cannot say why the file does not match the route schema: {0}")]
    Reasons(String),
}

/// Says why a document fails the route schema, once the quick verdict (generated at build
/// time) has found that it does: the findings the schema check adds for it.
///
/// [`Compiled`] compiles the schema in this process (the default of [`crate::Config`]).
/// Another implementation may ask a process that does, so that a binary that only checks
/// files need not link the JSON Schema compiler: `dynroute` and the pre-commit hook do that.
pub trait Reasons: Sync + std::fmt::Debug {
    /// Appends the schema findings of `document`, found in `text`, to `out`.
    fn explain(
        &self,
        text: &str,
        document: &Document<'_>,
        out: &mut Vec<Finding>,
    ) -> Result<(), SchemaError>;
}

/// The reasons of the embedded route schema, compiled in this process on first use.
#[derive(Debug, Clone, Copy, Default)]
pub struct Compiled;

impl Reasons for Compiled {
    fn explain(
        &self,
        _text: &str,
        document: &Document<'_>,
        out: &mut Vec<Finding>,
    ) -> Result<(), SchemaError> {
        let schema = embedded()?;
        let elements = document.elements.as_ref().filter(|(e, _)| e.is_array());
        if let Some((route, pointer)) = &document.route {
            schema.check_route(*route, elements.map(|(e, _)| *e), pointer, out)?;
        }
        if let Some((elements, pointer)) = elements {
            schema.check_elements(*elements, pointer, out)?;
        }
        Ok(())
    }
}

/// One branch of the element union.
pub struct Branch {
    /// Discriminator value (`model`, `rate`...).
    pub tag: String,
    /// Name of the branch's schema (`ModelElement`), for help texts.
    pub name: String,
    /// Where the branch's schema is (its `$ref` followed), for the compiled element schema.
    body: String,
}

/// The route schema: its shape, read at once, and its validators, compiled on first use.
pub struct RouteSchema {
    /// The schema's text, compiled on first use.
    text: String,
    /// Where the union sits.
    union_ptr: String,
    validators: OnceLock<Result<Validators, SchemaError>>,
    /// The discriminator property (`type`).
    pub discriminator: String,
    /// Branches by tag, in schema order.
    pub branches: Vec<Branch>,
    /// The property names the schema declares on the route and on each element type.
    pub fields: KnownFields,
}

/// The compiled validators.
struct Validators {
    document: Validator,
    /// Every branch, selected by the discriminator: an element with a known tag gets the
    /// errors of its branch only.
    element: Validator,
}

/// The property names of the embedded route schema: the tables generated at build time, or
/// without them (see the crate's `generated` feature) what the reader finds in the schema.
pub fn known_fields() -> Result<&'static KnownFields, SchemaError> {
    #[cfg(feature = "generated")]
    return Ok(KnownFields::route_schema());
    #[cfg(not(feature = "generated"))]
    embedded().map(|schema| &schema.fields)
}

/// The schema embedded in the binary, read on first use and shared by every file.
pub fn embedded() -> Result<&'static RouteSchema, SchemaError> {
    static SCHEMA: OnceLock<Result<RouteSchema, SchemaError>> = OnceLock::new();
    SCHEMA
        .get_or_init(|| RouteSchema::read(ROUTE_SCHEMA))
        .as_ref()
        .map_err(Clone::clone)
}

fn build(schema: &Value, pointer: &str) -> Result<Validator, SchemaError> {
    jsonschema::draft202012::options()
        .build(schema)
        .map_err(|e| SchemaError::Compile {
            pointer: pointer.to_string(),
            message: e.to_string(),
        })
}

/// Follows local `$ref`s (`#/...`), at most a few hops, to the schema they name, with its
/// pointer (`at` when there is none to follow).
fn resolve<'t>(root: Json<'t>, mut schema: Json<'t>, mut at_ptr: String) -> (Json<'t>, String) {
    for _ in 0..8 {
        let Some((target, pointer)) = schema
            .get("$ref")
            .and_then(Json::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| Some((root.pointer(p)?, p.to_string())))
        else {
            break;
        };
        schema = target;
        at_ptr = pointer;
    }
    (schema, at_ptr)
}

fn keys(schema: Json<'_>) -> Names {
    schema
        .get("properties")
        .map(|p| p.members().map(|(k, _)| k.to_string()).collect())
        .unwrap_or_default()
}

impl RouteSchema {
    /// Reads a route schema of the shape `cargo xtask generate` writes: its union, branches
    /// and fields, with the validator's own parser (the schema is JSON text like a route
    /// file). The validators are compiled by [`Self::compile`] or on first use.
    pub fn read(text: &str) -> Result<RouteSchema, SchemaError> {
        let tree = parse::parse(text).map_err(|e| SchemaError::NotJson(e.message))?;
        let root = tree.root();
        let items_ptr = "/properties/elements/items";
        let items = root
            .pointer(items_ptr)
            .ok_or_else(|| SchemaError::NoUnion(items_ptr.to_string()))?;
        // Where the union lives: behind a `$ref` into `$defs`, or inline.
        let (union, union_ptr) = resolve(root, items, items_ptr.to_string());
        let (union_key, members) = union
            .get("oneOf")
            .map(|m| ("oneOf", m))
            .or_else(|| union.get("anyOf").map(|m| ("anyOf", m)))
            .filter(|(_, m)| m.is_array())
            .ok_or_else(|| SchemaError::NoUnion(union_ptr.clone()))?;
        let discriminator = union
            .pointer("/discriminator/propertyName")
            .and_then(Json::as_str)
            .unwrap_or("type")
            .to_string();
        let mapping: BTreeMap<String, String> = union
            .pointer("/discriminator/mapping")
            .map(|m| {
                m.members()
                    .filter_map(|(k, v)| Some((v.as_str()?.to_string(), k.to_string())))
                    .collect()
            })
            .unwrap_or_default();

        let mut branches = Vec::new();
        let mut element_fields = Vec::new();
        for (i, member) in members.items().enumerate() {
            let reference = member.get("$ref").and_then(Json::as_str);
            let (body, body_ptr) = resolve(root, member, format!("{union_ptr}/{union_key}/{i}"));
            let tag = reference
                .and_then(|r| mapping.get(r).cloned())
                .or_else(|| {
                    let p = body.get("properties")?.get(&discriminator)?;
                    let one = match p.get("const") {
                        Some(c) => c,
                        None => {
                            let values = p.get("enum")?;
                            if values.len() != 1 {
                                return None;
                            }
                            values.index(0)?
                        }
                    };
                    one.as_str().map(str::to_string)
                })
                .ok_or_else(|| SchemaError::Compile {
                    pointer: format!("{union_ptr}/{union_key}/{i}"),
                    message: format!("branch does not pin `{discriminator}` to one value"),
                })?;
            let name = reference
                .and_then(|r| r.rsplit('/').next())
                .map_or_else(|| tag.clone(), str::to_string);
            let sub = |field: &str| body.get("properties").and_then(|p| p.get(field));
            element_fields.push(ElementFields {
                tag: tag.clone(),
                element: keys(body),
                properties: sub("properties").map(|p| keys(resolve(root, p, String::new()).0)),
                outputs: sub("outputs")
                    .map(|o| resolve(root, o, String::new()).0)
                    .filter(|o| {
                        o.get("additionalProperties").is_none() && o.get("properties").is_some()
                    })
                    .map(keys),
            });
            branches.push(Branch {
                tag,
                name,
                body: body_ptr,
            });
        }
        Ok(RouteSchema {
            text: text.to_string(),
            union_ptr,
            validators: OnceLock::new(),
            discriminator,
            fields: KnownFields {
                route: keys(root),
                elements: element_fields,
            },
            branches,
        })
    }

    /// Compiles the validators now (they are otherwise compiled on first use), so that a
    /// schema that does not compile is reported at once.
    pub fn compile(&self) -> Result<(), SchemaError> {
        self.validators().map(|_| ())
    }

    fn validators(&self) -> Result<&Validators, SchemaError> {
        self.validators
            .get_or_init(|| self.build_validators())
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The element schema that dispatches on the discriminator, and the document schema
    /// with the union replaced by `true` (each element, object or not, is checked once,
    /// against its branch, by `check_elements`), compiled.
    fn build_validators(&self) -> Result<Validators, SchemaError> {
        let root: Value =
            serde_json::from_str(&self.text).map_err(|e| SchemaError::NotJson(e.to_string()))?;
        let mut dispatch = Vec::new();
        for branch in &self.branches {
            let body = root
                .pointer(&branch.body)
                .cloned()
                .unwrap_or(Value::Bool(true));
            dispatch.push(json!({
                "if": {
                    "required": [self.discriminator],
                    "properties": {self.discriminator.as_str(): {"const": branch.tag}},
                },
                "then": body,
            }));
        }
        let defs = root.get("$defs").cloned().unwrap_or_else(|| json!({}));
        let mut element_schema = json!({"$defs": defs, "allOf": dispatch});
        if let Some(s) = root.get("$schema") {
            element_schema["$schema"] = s.clone();
        }
        let element = build(&element_schema, &format!("{}/oneOf", self.union_ptr))?;
        let mut document_schema = root;
        if let Some(slot) = document_schema.pointer_mut(&self.union_ptr) {
            *slot = Value::Bool(true);
        }
        let document = build(&document_schema, "")?;
        Ok(Validators { document, element })
    }

    /// The branch for a discriminator value.
    pub fn branch(&self, tag: &str) -> Option<&Branch> {
        self.branches.iter().find(|b| b.tag == tag)
    }

    /// Validates a route document without its elements' content: the items of `elements`
    /// (the route's elements array, when it has one) are checked by [`Self::check_elements`].
    pub fn check_route(
        &self,
        route: Json<'_>,
        elements: Option<Json<'_>>,
        base: &str,
        out: &mut Vec<Finding>,
    ) -> Result<(), SchemaError> {
        let document = &self.validators()?.document;
        let route = route.to_value_hollow(elements);
        for error in document.iter_errors(&route) {
            out.push(finding(&error, base, None));
        }
        Ok(())
    }

    /// Validates each element of the array at `base` against the branch its discriminator
    /// selects, one element at a time.
    pub fn check_elements(
        &self,
        items: Json<'_>,
        base: &str,
        out: &mut Vec<Finding>,
    ) -> Result<(), SchemaError> {
        let tags: Vec<&str> = self.branches.iter().map(|b| b.tag.as_str()).collect();
        for (i, element) in items.items().enumerate() {
            let pointer = format!("{base}/{i}");
            if !element.is_object() {
                out.push(Finding::new(
                    names::SCHEMA,
                    pointer,
                    "an element must be a JSON object",
                    "write {\"id\": ..., \"type\": ..., \"outputs\": ...}",
                ));
                continue;
            };
            let tag = element.get(&self.discriminator);
            let Some(branch) = tag.and_then(Json::as_str).and_then(|t| self.branch(t)) else {
                let tag = tag.map(Json::to_value);
                out.push(unknown_tag(
                    &self.discriminator,
                    tag.as_ref(),
                    &pointer,
                    &tags,
                ));
                continue;
            };
            let element = element.to_value();
            for error in self.validators()?.element.iter_errors(&element) {
                out.push(finding(&error, &pointer, Some(branch)));
            }
        }
        Ok(())
    }
}

fn unknown_tag(field: &str, tag: Option<&Value>, pointer: &str, tags: &[&str]) -> Finding {
    let expected = tags.join(", ");
    match tag {
        None => Finding::new(
            names::SCHEMA,
            pointer,
            format!("element has no `{field}`"),
            format!("add \"{field}\": one of {expected}"),
        ),
        Some(t) => {
            let shown = match t.as_str() {
                Some(s) => format!("`{s}`"),
                None => format!("{t}"),
            };
            let suggestion = t
                .as_str()
                .and_then(|s| crate::suggest::closest(s, tags.iter().copied()))
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            Finding::new(
                names::SCHEMA,
                push_token(pointer, field),
                format!("unknown element {field} {shown}"),
                format!("{suggestion}the {field} must be one of {expected}"),
            )
        }
    }
}

/// A schema error as a finding. Messages that would quote a large instance are shortened.
fn finding(error: &ValidationError<'_>, base: &str, branch: Option<&Branch>) -> Finding {
    let pointer = format!("{base}{}", error.instance_path().as_str());
    let full = error.to_string();
    let message = if full.len() > 160 {
        error.masked().to_string()
    } else {
        full
    };
    let help = match branch {
        Some(b) => format!(
            "a `{}` element must match #/$defs/{} of the route schema ({ROUTE_SCHEMA_URL}; \
             `dynroute explain schema`)",
            b.tag, b.name
        ),
        None => format!(
            "the route document must match the route schema ({ROUTE_SCHEMA_URL}; \
             `dynroute explain schema`)"
        ),
    };
    Finding::new(names::SCHEMA, pointer, message, help)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file that passes the verdict never compiles the schema, so a broken embedded schema
    /// would show only on a failing file: compiling it here finds it at once.
    #[test]
    fn the_embedded_schema_reads_and_compiles() {
        let schema = embedded().expect("the embedded schema reads");
        assert_eq!(schema.discriminator, "type");
        let tags: Vec<&str> = schema.branches.iter().map(|b| b.tag.as_str()).collect();
        assert_eq!(
            tags,
            ["start", "conditional", "percentage", "rate", "model", "end"]
        );
        schema.compile().expect("the embedded schema compiles");
    }

    /// The tables generated at build time are what the reader finds in the embedded schema
    /// (`cargo xtask check` also finds them stale when the schema changes).
    #[cfg(feature = "generated")]
    #[test]
    fn the_generated_names_are_those_the_embedded_schema_declares() {
        let read = embedded().expect("the embedded schema reads");
        assert_eq!(KnownFields::route_schema(), &read.fields);
        let model = KnownFields::route_schema()
            .element("model")
            .expect("a model element");
        assert!(
            model
                .properties
                .as_ref()
                .is_some_and(|p| p.contains("provider"))
        );
    }

    #[test]
    fn a_schema_without_a_union_is_refused_where_it_should_be() {
        let error = RouteSchema::read(r#"{"properties": {"elements": {"items": {}}}}"#)
            .err()
            .expect("refused");
        assert_eq!(
            error.to_string(),
            "the route schema has no element union at /properties/elements/items"
        );
    }
}

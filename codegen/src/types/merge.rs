//! `allOf`: the properties of every part merged into one object. References are followed
//! and nested `allOf`s flattened; a later part overrides a property of an earlier one, and
//! `required` is the union of the parts'. Each referenced schema is merged once however
//! many paths reach it, so chains of `allOf` diamonds stay linear. A part that cannot be
//! merged (not an object, or a `$ref` that cannot be followed) is an unsupported construct,
//! recorded while the other parts are merged.
//!
//! An `allOf` without object parts is one schema when its typed parts agree
//! ([`TypeSpace::merged_plain`]): `allOf: [{type: string}, {enum: [a, b]}]` is that enum,
//! `integer` and `number` parts are an integer, and parts without a type (a description, a
//! `maxLength`) add nothing to the type. Parts no value can satisfy together (`string` and
//! `integer`) are an unsupported construct.

use super::TypeSpace;
use crate::error::{Construct, Error};
use crate::pointer::Pointer;
use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};
use std::collections::{BTreeMap, BTreeSet};

/// The deepest nesting of `allOf` followed before it is taken for a loop.
const MAX_DEPTH: usize = 32;

/// Properties of an object (after `allOf` merging) with where each came from.
#[derive(Debug, Default, Clone)]
pub(super) struct Props {
    /// Property name -> its schema and pointer, in spec order.
    pub(super) items: IndexMap<String, (ReferenceOr<Box<Schema>>, Pointer)>,
    /// The required property names.
    pub(super) required: BTreeSet<String>,
    /// The `additionalProperties` schema beside the properties, with its pointer: the
    /// other keys, read into a map.
    pub(super) additional: Option<(Box<ReferenceOr<Schema>>, Pointer)>,
}

impl Props {
    /// The properties an object schema at `pointer` declares itself, with its
    /// `additionalProperties` schema if it has one.
    pub(super) fn own(
        properties: &IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        pointer: &Pointer,
    ) -> Props {
        let mut props = Props::default();
        for (name, schema) in properties {
            props.items.insert(
                name.clone(),
                (
                    schema.clone(),
                    pointer.push("properties").push(name.clone()),
                ),
            );
        }
        props.required.extend(required.iter().cloned());
        if let Some(AdditionalProperties::Schema(schema)) = additional {
            props.additional = Some((schema.clone(), pointer.push("additionalProperties")));
        }
        props
    }

    /// Adds `other`'s properties, replacing those with the same name (in place), its
    /// required names, and its `additionalProperties` schema (a later one replaces an
    /// earlier one).
    pub(super) fn merge(&mut self, other: Props) {
        for (name, value) in other.items {
            self.items.insert(name, value);
        }
        self.required.extend(other.required);
        if other.additional.is_some() {
            self.additional = other.additional;
        }
    }
}

/// What an `allOf` part is, for merging parts that are not objects.
enum Part<'a> {
    /// No type of its own: annotations and validation keywords only.
    Untyped,
    /// An object (or an `allOf`, merged as one).
    Object,
    /// A schema of one type that is not an object.
    Typed(&'static str, &'a Schema),
}

fn part_kind(schema: &Schema) -> Part<'_> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => Part::Typed("string", schema),
        SchemaKind::Type(Type::Integer(_)) => Part::Typed("integer", schema),
        SchemaKind::Type(Type::Number(_)) => Part::Typed("number", schema),
        SchemaKind::Type(Type::Boolean(_)) => Part::Typed("boolean", schema),
        SchemaKind::Type(Type::Array(_)) => Part::Typed("array", schema),
        SchemaKind::Any(any)
            if any.typ.is_none()
                && any.properties.is_empty()
                && any.additional_properties.is_none()
                && any.items.is_none()
                && any.enumeration.is_empty()
                && any.one_of.is_empty()
                && any.any_of.is_empty()
                && any.all_of.is_empty()
                && any.not.is_none() =>
        {
            Part::Untyped
        }
        _ => Part::Object,
    }
}

impl TypeSpace {
    /// The one schema an `allOf` (at `pointer`) of parts that are not objects stands for:
    /// the only typed part as it is written (a `$ref` stays one), or the first typed part
    /// with `integer` taking over from `number` and the string values that every part with
    /// an `enum` allows. `None` when a part is an object or cannot be
    /// followed (the object merge reports those), or when no part has a type; a construct
    /// when the typed parts disagree.
    pub(super) fn merged_plain(
        &self,
        parts: &[ReferenceOr<Schema>],
        pointer: &Pointer,
    ) -> Option<Result<ReferenceOr<Schema>, Construct>> {
        let mut typed: Vec<(&'static str, &Schema)> = Vec::new();
        let mut typed_parts = Vec::new();
        for (index, part) in parts.iter().enumerate() {
            let schema = self
                .resolve(part, &pointer.push("allOf").index(index))
                .ok()?;
            // A part the 3.1 downgrade could not say: the object merge reports it.
            super::convert::marked(schema).ok()?;
            match part_kind(schema) {
                Part::Untyped => {}
                Part::Object => return None,
                Part::Typed(kind, schema) => {
                    typed.push((kind, schema));
                    typed_parts.push(part);
                }
            }
        }
        // One typed part among annotations is that part: a `$ref` stays the same type.
        if let [only] = typed_parts.as_slice() {
            return Some(Ok((*only).clone()));
        }
        let (_, first) = *typed.first()?;
        let mut merged = first.clone();
        let mut kinds: Vec<&str> = typed.iter().map(|(kind, _)| *kind).collect();
        kinds.dedup();
        match kinds.as_slice() {
            [_] => {}
            ["integer", "number"] | ["number", "integer"] => {
                if let Some((_, integer)) = typed.iter().find(|(kind, _)| *kind == "integer") {
                    merged = (*integer).clone();
                }
            }
            _ => {
                let names: Vec<String> = kinds.iter().map(|k| format!("`{k}`")).collect();
                return Some(Err(Construct::new(
                    format!(
                        "allOf parts that no value satisfies together ({})",
                        names.join(" and ")
                    ),
                    &pointer.push("allOf"),
                )));
            }
        }
        // A string is allowed by every part: the values all their enums share.
        let enums: Vec<&Vec<Option<String>>> = typed
            .iter()
            .filter_map(|(_, schema)| match &schema.schema_kind {
                SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => {
                    Some(&string.enumeration)
                }
                _ => None,
            })
            .collect();
        if let (Some(first_enum), SchemaKind::Type(Type::String(string))) =
            (enums.first(), &mut merged.schema_kind)
        {
            string.enumeration = first_enum
                .iter()
                .filter(|value| enums.iter().all(|e| e.contains(value)))
                .cloned()
                .collect();
            if string.enumeration.is_empty() {
                return Some(Err(Construct::new(
                    "allOf parts whose enums share no value",
                    &pointer.push("allOf"),
                )));
            }
        }
        // `null` satisfies the whole only when it satisfies every part.
        merged.schema_data.nullable = typed.iter().all(|(_, s)| s.schema_data.nullable);
        Some(Ok(ReferenceOr::Item(merged)))
    }

    /// Merges the properties of every `allOf` part (references followed, nested `allOf`
    /// flattened); later parts override earlier ones, `required` is the union. The
    /// unsupported constructs of the parts go to `found`.
    pub(super) fn merge_all_of(
        &self,
        parts: &[ReferenceOr<Schema>],
        pointer: &Pointer,
        found: &mut Vec<Construct>,
    ) -> Result<Props, Error> {
        self.merge_parts(parts, pointer, 0, &mut BTreeMap::new(), found)
    }

    /// [`Self::merge_all_of`] when it meets no unsupported construct.
    fn merge_all_of_plainly(
        &self,
        parts: &[ReferenceOr<Schema>],
        pointer: &Pointer,
    ) -> Option<Props> {
        let mut found = Vec::new();
        let props = self.merge_all_of(parts, pointer, &mut found).ok()?;
        found.is_empty().then_some(props)
    }

    /// The properties of an object schema, its `allOf` parts merged; `None` for other
    /// schemas and when merging fails. Errors are not reported: this only looks.
    pub(super) fn object_props(&self, schema: &Schema) -> Option<Props> {
        let root = Pointer::root();
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => Some(Props::own(
                &o.properties,
                &o.required,
                o.additional_properties.as_ref(),
                &root,
            )),
            SchemaKind::AllOf { all_of } => self.merge_all_of_plainly(all_of, &root),
            SchemaKind::Any(any) if any.one_of.is_empty() && any.any_of.is_empty() => {
                let mut props = self.merge_all_of_plainly(&any.all_of, &root)?;
                props.merge(Props::own(
                    &any.properties,
                    &any.required,
                    any.additional_properties.as_ref(),
                    &root,
                ));
                Some(props)
            }
            _ => None,
        }
    }

    /// [`Self::merge_all_of`] at nesting `depth`. `merged_refs` holds the properties of
    /// every referenced part merged so far, so that a schema reached through many paths
    /// (`A: allOf [B, C]`, `B` and `C` both `allOf [D]`, ...) is merged once, not once per
    /// path: the work stays linear in the number of schemas instead of doubling per level.
    fn merge_parts(
        &self,
        parts: &[ReferenceOr<Schema>],
        pointer: &Pointer,
        depth: usize,
        merged_refs: &mut BTreeMap<String, Props>,
        found: &mut Vec<Construct>,
    ) -> Result<Props, Error> {
        if depth > MAX_DEPTH {
            return Err(Error::invalid(
                format!("allOf nested more than {MAX_DEPTH} levels (a loop?)"),
                pointer,
            ));
        }
        let mut merged = Props::default();
        for (index, part) in parts.iter().enumerate() {
            let props = match part {
                ReferenceOr::Reference { reference } => {
                    if let Some(props) = merged_refs.get(reference) {
                        props.clone()
                    } else {
                        let part_pointer = Pointer::from_ref(reference).unwrap_or_default();
                        let props =
                            self.part_props(part, &part_pointer, depth, merged_refs, found)?;
                        merged_refs.insert(reference.clone(), props.clone());
                        props
                    }
                }
                ReferenceOr::Item(_) => {
                    let part_pointer = pointer.push("allOf").index(index);
                    self.part_props(part, &part_pointer, depth, merged_refs, found)?
                }
            };
            merged.merge(props);
        }
        Ok(merged)
    }

    /// The properties one `allOf` part (at `part_pointer`) contributes: none when it
    /// needs an unsupported construct, which goes to `found`.
    fn part_props(
        &self,
        part: &ReferenceOr<Schema>,
        part_pointer: &Pointer,
        depth: usize,
        merged_refs: &mut BTreeMap<String, Props>,
        found: &mut Vec<Construct>,
    ) -> Result<Props, Error> {
        let schema = match self
            .resolve(part, part_pointer)
            .and_then(|schema| super::convert::marked(schema).map(|()| schema))
        {
            Ok(schema) => schema,
            Err(error) => {
                found.extend(error.into_constructs()?);
                return Ok(Props::default());
            }
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => Ok(Props::own(
                &object.properties,
                &object.required,
                object.additional_properties.as_ref(),
                part_pointer,
            )),
            SchemaKind::AllOf { all_of } => {
                self.merge_parts(all_of, part_pointer, depth + 1, merged_refs, found)
            }
            SchemaKind::Any(any) if any.one_of.is_empty() && any.any_of.is_empty() => {
                let mut props =
                    self.merge_parts(&any.all_of, part_pointer, depth + 1, merged_refs, found)?;
                props.merge(Props::own(
                    &any.properties,
                    &any.required,
                    any.additional_properties.as_ref(),
                    part_pointer,
                ));
                Ok(props)
            }
            _ => {
                found.push(Construct::new(
                    "allOf part that is not an object",
                    part_pointer,
                ));
                Ok(Props::default())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::unconverted;
    use super::*;
    use serde_json::json;

    /// Merged properties as `(property, pointer)` in order, and the required names.
    type Merged = (Vec<(String, String)>, Vec<String>);

    /// The merge of the `allOf` of the component `name` of `space`, and the constructs it
    /// met.
    fn merge_of(space: &TypeSpace, name: &str) -> Result<(Props, Vec<Construct>), Error> {
        let Some(ReferenceOr::Item(schema)) = space.components.schemas.get(name) else {
            panic!("no inline component {name}");
        };
        let SchemaKind::AllOf { all_of } = &schema.schema_kind else {
            panic!("{name} is not an allOf");
        };
        let pointer = Pointer::root()
            .push("components")
            .push("schemas")
            .push(name);
        let mut found = Vec::new();
        let props = space.merge_all_of(all_of, &pointer, &mut found)?;
        Ok((props, found))
    }

    /// The merged properties of the `allOf` of the component `name` of `schemas`.
    fn merged(schemas: serde_json::Value, name: &str) -> Result<Merged, Error> {
        let space = unconverted(json!({ "schemas": schemas }));
        let (props, found) = merge_of(&space, name)?;
        if !found.is_empty() {
            return Err(Error::unsupported_all(found));
        }
        Ok((
            props
                .items
                .iter()
                .map(|(name, (_, pointer))| (name.clone(), pointer.to_string()))
                .collect(),
            props.required.into_iter().collect(),
        ))
    }

    #[test]
    fn later_parts_override_and_required_is_the_union() {
        let (props, required) = merged(
            json!({
                "Base": {"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "string"}, "name": {"type": "string"}}},
                "A": {"allOf": [
                    {"$ref": "#/components/schemas/Base"},
                    {"type": "object", "required": ["name"], "properties": {
                        "name": {"type": "integer"}, "extra": {"type": "boolean"}}}
                ]}
            }),
            "A",
        )
        .expect("merges");
        // `name` keeps its place and takes the later part's schema (and pointer).
        assert_eq!(
            props,
            [
                (
                    "id".into(),
                    "#/components/schemas/Base/properties/id".into()
                ),
                (
                    "name".into(),
                    "#/components/schemas/A/allOf/1/properties/name".into()
                ),
                (
                    "extra".into(),
                    "#/components/schemas/A/allOf/1/properties/extra".into()
                ),
            ]
        );
        assert_eq!(required, ["id", "name"]);
    }

    #[test]
    fn nested_all_of_and_untyped_parts_are_flattened() {
        let (props, required) = merged(
            json!({
                "Inner": {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}}]},
                "Loose": {"required": ["b"], "properties": {"b": {"type": "string"}}},
                "A": {"allOf": [
                    {"$ref": "#/components/schemas/Inner"},
                    {"$ref": "#/components/schemas/Loose"}
                ]}
            }),
            "A",
        )
        .expect("merges");
        let names: Vec<&str> = props.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(required, ["b"]);
    }

    #[test]
    fn a_deep_chain_of_diamonds_is_merged_once_per_schema() {
        // `L0a: allOf [L1a, L1b]`, both `allOf [L2a, L2b]`, ...: 2^30 paths to the last level.
        let mut schemas = serde_json::Map::new();
        let levels = 30;
        for level in 0..levels {
            let next = level + 1;
            let parts = json!([
                {"$ref": format!("#/components/schemas/L{next}a")},
                {"$ref": format!("#/components/schemas/L{next}b")}
            ]);
            schemas.insert(format!("L{level}a"), json!({"allOf": parts}));
            schemas.insert(format!("L{level}b"), json!({"allOf": parts}));
        }
        for side in ["a", "b"] {
            schemas.insert(
                format!("L{levels}{side}"),
                json!({"type": "object", "properties": {side: {"type": "string"}}}),
            );
        }
        let (props, _) = merged(serde_json::Value::Object(schemas), "L0a").expect("merges");
        let names: Vec<&str> = props.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn parts_that_are_not_objects_are_errors_at_the_part() {
        let err = merged(
            json!({
                "A": {"allOf": [
                    {"type": "object", "properties": {"x": {"type": "string"}}},
                    {"type": "array", "items": {}}
                ]}
            }),
            "A",
        )
        .err()
        .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("unsupported: allOf part that is not an object at #/components/schemas/A/allOf/1")
        );
    }

    #[test]
    fn a_loop_of_all_of_is_an_error_not_a_stack_overflow() {
        let err = merged(
            json!({
                "A": {"allOf": [{"$ref": "#/components/schemas/B"}]},
                "B": {"allOf": [{"$ref": "#/components/schemas/A"}]}
            }),
            "A",
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(
            err.starts_with(
                "invalid: allOf nested more than 32 levels (a loop?) at #/components/schemas/"
            ),
            "{err}"
        );
    }

    #[test]
    fn the_last_additional_properties_schema_of_the_parts_is_kept() {
        let space = unconverted(json!({ "schemas": {
            "Base": {"type": "object", "properties": {"x": {"type": "string"}},
                "additionalProperties": {"type": "string"}},
            "A": {"allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"type": "object", "properties": {"y": {"type": "string"}},
                    "additionalProperties": {"type": "integer"}}
            ]},
            "B": {"allOf": [
                {"type": "object", "properties": {"y": {"type": "string"}}},
                {"$ref": "#/components/schemas/Base"}
            ]}
        }}));
        let additional = |name: &str| {
            let (props, found) = merge_of(&space, name).expect("merges");
            assert!(found.is_empty(), "{found:?}");
            props.additional.map(|(_, at)| at.to_string())
        };
        assert_eq!(
            additional("A").as_deref(),
            Some("#/components/schemas/A/allOf/1/additionalProperties")
        );
        assert_eq!(
            additional("B").as_deref(),
            Some("#/components/schemas/Base/additionalProperties")
        );
    }
}

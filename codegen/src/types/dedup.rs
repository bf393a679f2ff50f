//! Structural deduplication: inline schemas that differ only in documentation are one type.
//!
//! The key of a schema is its JSON without the documentation keywords (`description`,
//! `example`, `title`, `externalDocs`), at every level where a schema can be nested
//! (`properties`, `items`, `additionalProperties`, `not`, `allOf`, `oneOf`, `anyOf`). Two
//! schemas with the same key become the type of the first one met; a component's key is
//! registered before its inline schemas are, so an inline copy of a component is the
//! component.

use openapiv3::Schema;
use serde_json::Value;

/// The structural key of `schema`.
pub(super) fn shape_key(schema: &Schema) -> String {
    let mut value = serde_json::to_value(schema).unwrap_or(Value::Null);
    strip_docs(&mut value);
    value.to_string()
}

fn strip_docs(value: &mut Value) {
    let Value::Object(map) = value else {
        return;
    };
    for key in ["description", "example", "title", "externalDocs"] {
        map.remove(key);
    }
    for (key, child) in map.iter_mut() {
        match key.as_str() {
            "properties" => {
                if let Value::Object(props) = child {
                    props.values_mut().for_each(strip_docs);
                }
            }
            "items" | "additionalProperties" | "not" => strip_docs(child),
            "allOf" | "oneOf" | "anyOf" => {
                if let Value::Array(list) = child {
                    list.iter_mut().for_each(strip_docs);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{named, names, space};
    use super::super::{TypeKind, TypeRef};
    use super::*;
    use serde_json::json;

    fn key(schema: Value) -> String {
        shape_key(&serde_json::from_value(schema).expect("test schema parses"))
    }

    /// An object schema with documentation at every level a schema can nest, in words
    /// chosen by `text`.
    fn documented(text: &str) -> Value {
        json!({"type": "object", "title": text, "description": text,
            "externalDocs": {"url": format!("https://example.com/{text}")}, "properties": {
            "a": {"type": "array", "description": text, "items": {"type": "object",
                "example": {"b": text}, "properties": {"b": {"type": "string", "description": text}}}},
            "c": {"oneOf": [{"type": "string", "title": text}, {"type": "integer", "description": text}]},
            "d": {"type": "object", "additionalProperties": {"type": "boolean", "description": text}},
            "e": {"allOf": [{"type": "object", "description": text, "properties": {"f": {"type": "string"}}}]},
            "g": {"not": {"type": "string", "example": text}}
        }})
    }

    #[test]
    fn documentation_at_any_depth_does_not_change_the_key() {
        assert_eq!(key(documented("lorem")), key(documented("ipsum")));
        let lorem = key(documented("lorem"));
        assert!(!lorem.contains("lorem"), "{lorem}");
    }

    #[test]
    fn structure_changes_the_key() {
        let base = json!({"type": "object", "properties": {"a": {"type": "string"}}});
        let variants = [
            json!({"type": "object", "properties": {"a": {"type": "integer"}}}),
            json!({"type": "object", "properties": {"b": {"type": "string"}}}),
            json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}),
            json!({"type": "object", "properties": {"a": {"type": "string", "nullable": true}}}),
            json!({"type": "object", "properties": {"a": {"type": "string", "enum": ["x"]}}}),
            json!({"type": "object", "properties": {"a": {"type": "string", "default": "x"}}}),
        ];
        for variant in variants {
            assert_ne!(key(base.clone()), key(variant.clone()), "{variant}");
        }
    }

    #[test]
    fn inline_copies_share_one_type_and_a_copy_of_a_component_is_the_component() {
        let element = json!({"type": "object", "description": "An element.", "required": ["id"],
            "properties": {"id": {"type": "string"}}});
        let mut copy = element.clone();
        copy["description"] = json!("The same element, described again.");
        let space = space(json!({"schemas": {
            "Element": element,
            "A": {"type": "object", "properties": {
                "first": {"type": "object", "properties": {"x": {"type": "integer"}}},
                "element": copy
            }},
            "B": {"type": "object", "properties": {
                "second": {"type": "object", "title": "Second", "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}}},
                "again": {"type": "object", "title": "Again", "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}}},
                "other": {"type": "object", "properties": {"x": {"type": "integer"}}}
            }}
        }}))
        .expect("converts");
        assert_eq!(names(&space), ["Element", "A", "B", "AFirst", "BSecond"]);
        let (element_id, _) = named(&space, "Element");
        let (first_id, _) = named(&space, "AFirst");
        let (second_id, _) = named(&space, "BSecond");
        let field_types = |name: &str| -> Vec<TypeRef> {
            let (_, entry) = named(&space, name);
            let TypeKind::Struct(def) = &entry.kind else {
                panic!("{name} is not a struct");
            };
            def.fields.iter().map(|f| f.ty.clone()).collect()
        };
        assert_eq!(
            field_types("A"),
            [TypeRef::Named(first_id), TypeRef::Named(element_id)]
        );
        assert_eq!(
            field_types("B"),
            [
                TypeRef::Named(second_id),
                TypeRef::Named(second_id),
                TypeRef::Named(first_id)
            ]
        );
    }
}

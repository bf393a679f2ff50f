//! `oneOf`/`anyOf`: which unions are internally tagged and by what, and which are tried
//! branch by branch.
//!
//! A union is tagged by its `discriminator`, or else by a property every branch requires
//! and pins to its own single string value (a one-value `enum`), which is how Cloudflare's
//! element union is written. The tag value of a branch comes from the discriminator's
//! `mapping`, else from the value the branch pins, else (a `$ref` without a mapping) from the
//! component name, as OpenAPI says. Other unions are untagged. Branches that only admit
//! `null` carry no variant: they make the union optional. A branch that needs an
//! unsupported construct is recorded as the union's and left out of its variants.

use super::{Hint, TaggedVariant, TypeId, TypeKind, TypeRef, TypeSpace, UntaggedVariant};
use crate::error::Error;
use crate::names::{self, Unique};
use crate::pointer::Pointer;
use crate::resolve;
use indexmap::IndexMap;
use openapiv3::{AnySchema, ReferenceOr, Schema, SchemaKind, StringType, Type};
use std::collections::BTreeSet;

impl TypeSpace {
    /// The kind of the union `name` (at `pointer`) of `branches`.
    pub(super) fn union_kind(
        &mut self,
        name: &str,
        branches: &[(ReferenceOr<Schema>, Pointer)],
        discriminator: Option<&openapiv3::Discriminator>,
        pointer: &Pointer,
    ) -> Result<TypeKind, Error> {
        // `nullable` branches only make the union optional; they carry no variant.
        let branches: Vec<_> = branches
            .iter()
            .filter(|(b, _)| !is_null_branch(b))
            .cloned()
            .collect();
        if branches.is_empty() {
            return Err(Error::unsupported("union without branches", pointer));
        }
        let tag = match discriminator {
            Some(d) => Some(d.property_name.clone()),
            None => self.pinned_property(&branches),
        };
        match tag {
            Some(tag) => self.tagged(name, tag, &branches, discriminator),
            None => self.untagged(name, &branches),
        }
    }

    fn tagged(
        &mut self,
        name: &str,
        tag: String,
        branches: &[(ReferenceOr<Schema>, Pointer)],
        discriminator: Option<&openapiv3::Discriminator>,
    ) -> Result<TypeKind, Error> {
        // A mapping value is a reference or, as OpenAPI allows, a component name.
        let mapping: IndexMap<String, String> = discriminator
            .map(|d| {
                d.mapping
                    .iter()
                    .map(|(value, target)| {
                        let target = if target.contains('/') {
                            target.clone()
                        } else {
                            format!("#/components/schemas/{target}")
                        };
                        (value.clone(), target)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut scope = Unique::new();
        let mut variants = Vec::new();
        for (branch, branch_pointer) in branches {
            let Some(wire) = self.tag_value(branch, &tag, &mapping) else {
                self.note::<()>(Err(Error::unsupported(
                    format!("union branch without a single value for the tag `{tag}`"),
                    branch_pointer,
                )))?;
                continue;
            };
            let ident = scope.claim(&names::type_name(&wire));
            let hint = Hint::one(names::tagged_variant_type(&ident, name));
            let ty = self.convert_ref(branch, &hint, branch_pointer);
            let ty = match self.note(ty)? {
                Some(TypeRef::Named(id)) => id,
                Some(_) => {
                    self.note::<()>(Err(Error::unsupported(
                        "discriminated union branch that is not an object",
                        branch_pointer,
                    )))?;
                    continue;
                }
                None => continue,
            };
            variants.push(TaggedVariant { ident, wire, ty });
        }
        Ok(TypeKind::Tagged { tag, variants })
    }

    fn untagged(
        &mut self,
        name: &str,
        branches: &[(ReferenceOr<Schema>, Pointer)],
    ) -> Result<TypeKind, Error> {
        let mut scope = Unique::new();
        let mut variants = Vec::new();
        for (index, (branch, branch_pointer)) in branches.iter().enumerate() {
            let base = match branch {
                ReferenceOr::Reference { reference } => names::ref_variant(reference),
                ReferenceOr::Item(schema) => names::branch_variant(schema, index),
            };
            let ident = scope.claim(&base);
            let hint = Hint::one(names::untagged_variant_type(name, &ident));
            let ty = self.convert_ref(branch, &hint, branch_pointer);
            if let Some(ty) = self.note(ty)? {
                variants.push(UntaggedVariant { ident, ty });
            }
        }
        Ok(TypeKind::Untagged(variants))
    }

    /// The value of the tag `tag` that selects `branch`.
    fn tag_value(
        &self,
        branch: &ReferenceOr<Schema>,
        tag: &str,
        mapping: &IndexMap<String, String>,
    ) -> Option<String> {
        if let ReferenceOr::Reference { reference } = branch
            && let Some((value, _)) = mapping.iter().find(|(_, r)| *r == reference)
        {
            return Some(value.clone());
        }
        if let Some(value) = self.pinned_value(branch, tag) {
            return Some(value);
        }
        match branch {
            // OpenAPI: without a mapping, the tag value is the component name.
            ReferenceOr::Reference { reference } if mapping.is_empty() => {
                reference.rsplit('/').next().map(str::to_string)
            }
            _ => None,
        }
    }

    /// The single string value a branch pins `property` to (a required one-value enum).
    fn pinned_value(&self, branch: &ReferenceOr<Schema>, property: &str) -> Option<String> {
        let root = Pointer::root();
        let schema = self.resolve(branch, &root).ok()?;
        let props = self.object_props(schema)?;
        if !props.required.contains(property) {
            return None;
        }
        let (prop_schema, _) = props.items.get(property)?;
        let prop_schema = match prop_schema {
            ReferenceOr::Item(s) => s.as_ref(),
            ReferenceOr::Reference { reference } => {
                let entry =
                    resolve::lookup::<Schema>(Some(&self.components), reference, &root).ok()?;
                self.resolve(entry.value, &root).ok()?
            }
        };
        match &prop_schema.schema_kind {
            SchemaKind::Type(Type::String(StringType { enumeration, .. })) => {
                match enumeration.as_slice() {
                    [Some(value)] => Some(value.clone()),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// A property every branch requires and pins to its own single string value: the
    /// union is then internally tagged by it even without a `discriminator` (the shape
    /// of Cloudflare's element union). Candidates are the first branch's properties, in
    /// order.
    fn pinned_property(&self, branches: &[(ReferenceOr<Schema>, Pointer)]) -> Option<String> {
        let first = self.resolve(&branches.first()?.0, &Pointer::root()).ok()?;
        let candidates: Vec<String> = self.object_props(first)?.items.keys().cloned().collect();
        candidates.into_iter().find(|property| {
            let mut seen = BTreeSet::new();
            branches.iter().all(|(branch, _)| {
                self.pinned_value(branch, property)
                    .is_some_and(|value| seen.insert(value))
            })
        })
    }

    /// Removes the tag property from the variant structs of tagged unions (serde writes
    /// and reads it from the enum) and records it as [`super::StructDef::omitted_tag`]. A
    /// variant is a struct directly or through aliases (`allOf: [$ref]`). A tagged union
    /// with a variant that is not a struct (GitHub's content union tags an array) cannot
    /// be internally tagged: it is read untagged instead, each variant tried in order, and
    /// its variants keep their tag property.
    pub(super) fn strip_tags(&mut self) {
        let mut strip: Vec<(TypeId, String)> = Vec::new();
        let mut untag: Vec<TypeId> = Vec::new();
        for (index, entry) in self.entries.iter().enumerate() {
            let TypeKind::Tagged { tag, variants } = &entry.kind else {
                continue;
            };
            let structs: Option<Vec<TypeId>> = variants
                .iter()
                .filter(|v| !self.problems.contains_key(&v.ty))
                .map(|v| self.struct_behind(v.ty))
                .collect();
            match structs {
                Some(structs) => strip.extend(structs.into_iter().map(|id| (id, tag.clone()))),
                None => untag.push(TypeId(index)),
            }
        }
        for union in untag {
            let entry = &mut self.entries[union.0];
            if let TypeKind::Tagged { variants, .. } = &entry.kind {
                let variants = variants
                    .iter()
                    .map(|v| UntaggedVariant {
                        ident: v.ident.clone(),
                        ty: TypeRef::Named(v.ty),
                    })
                    .collect();
                entry.kind = TypeKind::Untagged(variants);
            }
        }
        for (id, tag) in strip {
            if let TypeKind::Struct(def) = &mut self.entries[id.0].kind {
                def.fields.retain(|f| f.wire != tag);
                def.omitted_tag = Some(tag);
            }
        }
    }

    /// The struct `id` is, directly or through aliases; `None` for anything else.
    fn struct_behind(&self, id: TypeId) -> Option<TypeId> {
        let mut id = id;
        // An alias chain ends; the bound only guards against one that refers to itself.
        for _ in 0..64 {
            match &self.entry(id).kind {
                TypeKind::Struct(_) => return Some(id),
                TypeKind::Alias(TypeRef::Named(next)) => id = *next,
                _ => return None,
            }
        }
        None
    }
}

/// Whether a branch only admits `null` (`{"nullable": true}` and nothing else).
pub(super) fn is_null_branch(branch: &ReferenceOr<Schema>) -> bool {
    match branch {
        ReferenceOr::Item(schema) => {
            schema.schema_data.nullable
                && matches!(&schema.schema_kind, SchemaKind::Any(any) if any_is_empty(any))
        }
        ReferenceOr::Reference { .. } => false,
    }
}

fn any_is_empty(any: &AnySchema) -> bool {
    any.typ.is_none()
        && any.properties.is_empty()
        && any.items.is_none()
        && any.one_of.is_empty()
        && any.any_of.is_empty()
        && any.all_of.is_empty()
        && any.enumeration.is_empty()
}

#[cfg(test)]
mod tests {
    use super::super::tests::{named, names, space};
    use super::super::{StructDef, TypeEntry};
    use super::*;
    use serde_json::json;

    /// `(variant, wire value, variant type name)` of a tagged union, and its tag.
    fn tagged<'a>(
        space: &'a TypeSpace,
        entry: &'a TypeEntry,
    ) -> (&'a str, Vec<(&'a str, &'a str, &'a str)>) {
        let TypeKind::Tagged { tag, variants } = &entry.kind else {
            panic!("{} is not tagged: {:?}", entry.name, entry.kind);
        };
        let variants = variants
            .iter()
            .map(|v| {
                (
                    v.ident.as_str(),
                    v.wire.as_str(),
                    space.entry(v.ty).name.as_str(),
                )
            })
            .collect();
        (tag.as_str(), variants)
    }

    /// The wire names of the fields of a struct, and the tag it omits.
    fn fields(entry: &TypeEntry) -> (Vec<&str>, Option<&str>) {
        let TypeKind::Struct(StructDef {
            fields,
            omitted_tag,
            ..
        }) = &entry.kind
        else {
            panic!("{} is not a struct", entry.name);
        };
        (
            fields.iter().map(|f| f.wire.as_str()).collect(),
            omitted_tag.as_deref(),
        )
    }

    fn pinned(kind: &str) -> serde_json::Value {
        json!({"type": "object", "required": ["type"], "properties": {
            "type": {"type": "string", "enum": [kind]},
            kind: {"type": "string"}
        }})
    }

    #[test]
    fn a_property_pinned_by_every_branch_tags_the_union() {
        let space = space(json!({"schemas": {
            "Element": {"oneOf": [pinned("start"), pinned("model-call")]}
        }}))
        .expect("converts");
        let (_, element) = named(&space, "Element");
        let (tag, variants) = tagged(&space, element);
        assert_eq!(tag, "type");
        assert_eq!(
            variants,
            [
                ("Start", "start", "StartElement"),
                ("ModelCall", "model-call", "ModelCallElement")
            ]
        );
        // The tag is the enum's, not a field of the variant structs.
        let (_, start) = named(&space, "StartElement");
        assert_eq!(fields(start), (vec!["start"], Some("type")));
    }

    #[test]
    fn a_discriminator_mapping_names_the_values_and_refs_default_to_component_names() {
        let space = space(json!({"schemas": {
            "Cat": {"type": "object", "properties": {"kind": {"type": "string"}, "meow": {"type": "boolean"}}},
            "Dog": {"type": "object", "properties": {"kind": {"type": "string"}}},
            "Pet": {
                "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                "discriminator": {"propertyName": "kind", "mapping": {
                    "house-cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"}}
            },
            "Animal": {
                "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                "discriminator": {"propertyName": "kind"}
            }
        }}))
        .expect("converts");
        let (_, pet) = named(&space, "Pet");
        assert_eq!(
            tagged(&space, pet),
            (
                "kind",
                vec![("HouseCat", "house-cat", "Cat"), ("Dog", "dog", "Dog")]
            )
        );
        let (_, animal) = named(&space, "Animal");
        assert_eq!(
            tagged(&space, animal),
            ("kind", vec![("Cat", "Cat", "Cat"), ("Dog", "Dog", "Dog")])
        );
        let (_, cat) = named(&space, "Cat");
        assert_eq!(fields(cat), (vec!["meow"], Some("kind")));
    }

    #[test]
    fn a_mapping_that_misses_a_branch_without_a_pinned_value_is_an_error() {
        let err = space(json!({"schemas": {
            "Cat": {"type": "object", "properties": {"kind": {"type": "string"}}},
            "Dog": {"type": "object", "properties": {"kind": {"type": "string"}}},
            "Pet": {
                "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}
            }
        }}))
        .err()
        .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "unsupported: union branch without a single value for the tag `kind` at #/components/schemas/Pet/oneOf/1"
            )
        );
    }

    #[test]
    fn repeated_or_optional_pinned_values_leave_the_union_untagged() {
        let mut optional = pinned("b");
        optional["required"] = json!([]);
        for branches in [
            json!([pinned("a"), pinned("a")]),
            json!([pinned("a"), optional]),
        ] {
            let space = space(json!({"schemas": {"U": {"oneOf": branches}}})).expect("converts");
            let (_, union) = named(&space, "U");
            let TypeKind::Untagged(variants) = &union.kind else {
                panic!("{branches}: not untagged: {:?}", union.kind);
            };
            let idents: Vec<&str> = variants.iter().map(|v| v.ident.as_str()).collect();
            assert_eq!(idents, ["Variant0", "Variant1"], "{branches}");
        }
    }

    #[test]
    fn untagged_variants_are_named_after_refs_and_kinds_and_null_branches_make_it_optional() {
        let space = space(json!({"schemas": {
            "Route": {"type": "object", "properties": {"id": {"type": "string"}}},
            "Value": {"anyOf": [
                {"$ref": "#/components/schemas/Route"},
                {"type": "string"},
                {"type": "array", "items": {"type": "object", "properties": {"x": {"type": "integer"}}}},
                {"nullable": true}
            ]},
            "Holder": {"type": "object", "properties": {"value": {"$ref": "#/components/schemas/Value"}}}
        }}))
        .expect("converts");
        let (value_id, value) = named(&space, "Value");
        let TypeKind::Untagged(variants) = &value.kind else {
            panic!("not untagged: {:?}", value.kind);
        };
        let idents: Vec<&str> = variants.iter().map(|v| v.ident.as_str()).collect();
        assert_eq!(idents, ["Route", "String", "Array"]);
        // The array's items are named after the variant: `ValueArray` -> `ValueArrayItem`.
        assert!(
            names(&space).contains(&"ValueArrayItem"),
            "{:?}",
            names(&space)
        );
        // A `$ref` to a union with a `null` branch is optional.
        let (_, holder) = named(&space, "Holder");
        let TypeKind::Struct(def) = &holder.kind else {
            panic!("not a struct");
        };
        assert_eq!(
            def.fields[0].ty,
            TypeRef::Option(Box::new(TypeRef::Named(value_id)))
        );
    }

    #[test]
    fn a_nullable_branch_that_constrains_the_value_is_a_variant_not_null() {
        // Only `{"nullable": true}` with nothing else admits just `null`. A nullable branch
        // with properties or an enum (and no `type`) admits other values too: dropping it as
        // a `null` branch would lose them.
        for branch in [
            json!({"nullable": true, "properties": {"x": {"type": "integer"}}}),
            json!({"nullable": true, "enum": ["a", null]}),
        ] {
            let space = space(json!({"schemas": {
                "Value": {"anyOf": [{"type": "integer"}, branch]}
            }}))
            .expect("converts");
            let (_, value) = named(&space, "Value");
            let TypeKind::Untagged(variants) = &value.kind else {
                panic!("{branch}: not untagged: {:?}", value.kind);
            };
            assert_eq!(variants.len(), 2, "{branch}: {variants:?}");
        }
    }

    #[test]
    fn a_union_of_only_null_is_unsupported() {
        let err = space(json!({"schemas": {"N": {"oneOf": [{"nullable": true}]}}}))
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("unsupported: union without branches at #/components/schemas/N")
        );
    }
}

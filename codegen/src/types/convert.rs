//! Schemas -> types: what a schema becomes ([`Shape`]: a struct, a string enum, a union or
//! a plain type that needs no name) and its conversion. Named types made here are
//! deduplicated by structure and named after their place.

use super::dedup::shape_key;
use super::merge::Props;
use super::unions::is_null_branch;
use super::{EnumValue, Field, Hint, StructDef, TypeEntry, TypeId, TypeKind, TypeRef, TypeSpace};
use crate::error::{Construct, Error};
use crate::names::{self, Unique};
use crate::pointer::Pointer;
use crate::resolve;
use openapiv3::{
    AdditionalProperties, AnySchema, ReferenceOr, Schema, SchemaKind, StringType, Type,
};
use std::borrow::Borrow;
use std::collections::BTreeSet;

/// What a type that holds an unsupported construct is until it is left out.
const PLACEHOLDER: TypeKind = TypeKind::Alias(TypeRef::Any);

/// What a schema becomes.
pub(super) enum Shape {
    /// A struct with these properties.
    Struct(Props),
    /// A string enum of these values.
    StringEnum(Vec<String>),
    /// A union of these branches (with where each is), maybe with a discriminator.
    Union(
        Vec<(ReferenceOr<Schema>, Pointer)>,
        Option<openapiv3::Discriminator>,
    ),
    /// A type that needs no name: a scalar, an array, a map, `Value`.
    Plain,
}

/// How a schema parsed as `AnySchema` (no `type`, or `type` with keywords of several
/// types) is read.
pub(super) enum AnyAs {
    Object,
    Array,
    String,
    Number,
    Integer,
    Boolean,
    Value,
}

impl TypeSpace {
    /// Converts the component `id` (its schema at `pointer`). A component that is a `$ref`
    /// is an alias; any other registers its structural key before its inline schemas are
    /// converted, so that an inline copy of it is the component itself. A component that
    /// needs an unsupported construct holds it and is a placeholder.
    pub(super) fn convert_component(
        &mut self,
        id: TypeId,
        schema: &ReferenceOr<Schema>,
        pointer: &Pointer,
    ) -> Result<(), Error> {
        let name = self.entry(id).name.clone();
        let (kind, doc) = match schema {
            ReferenceOr::Reference { reference } => {
                let target = self.converting(id, |space| space.ref_type(reference, pointer))?;
                (TypeKind::Alias(target.unwrap_or(TypeRef::Any)), None)
            }
            ReferenceOr::Item(schema) => {
                self.by_shape.entry(shape_key(schema)).or_insert(id);
                let kind = self.converting(id, |space| space.kind_of(schema, &name, pointer))?;
                (
                    kind.unwrap_or(PLACEHOLDER),
                    schema.schema_data.description.clone(),
                )
            }
        };
        let entry = &mut self.entries[id.0];
        entry.kind = kind;
        entry.doc = doc;
        Ok(())
    }

    /// The kind of a named type for `schema`; anything that is not a struct, enum or
    /// union becomes an alias.
    pub(super) fn kind_of(
        &mut self,
        schema: &Schema,
        name: &str,
        pointer: &Pointer,
    ) -> Result<TypeKind, Error> {
        marked(schema)?;
        let mut found = Vec::new();
        let shape = self.classify(schema, pointer, &mut found)?;
        self.note_all(found)?;
        match shape {
            Shape::Struct(props) => Ok(TypeKind::Struct(self.struct_def(name, props)?)),
            // An enum with no value to name would be an enum without variants.
            Shape::StringEnum(values) if values.is_empty() => Err(Error::unsupported(
                "string enum without a non-null string value",
                &pointer.push("enum"),
            )),
            Shape::StringEnum(values) => Ok(TypeKind::StringEnum(enum_values(&values))),
            Shape::Union(branches, discriminator) => {
                self.union_kind(name, &branches, discriminator.as_ref(), pointer)
            }
            Shape::Plain => Ok(TypeKind::Alias(self.plain_type(
                schema,
                &Hint::one(names::alias_item(name)),
                pointer,
            )?)),
        }
    }

    /// The type of a `$ref` (at `pointer`) to a component: `Option` of it when the
    /// component is nullable, since the type of a struct, enum or union component cannot
    /// itself hold `null`.
    fn ref_type(&self, reference: &str, pointer: &Pointer) -> Result<TypeRef, Error> {
        let entry = resolve::lookup::<Schema>(Some(&self.components), reference, pointer)?;
        let target_is_nullable = self.resolve(entry.value, pointer).is_ok_and(is_nullable);
        Ok(nullable(
            TypeRef::Named(TypeId(entry.index)),
            target_is_nullable,
        ))
    }

    /// A schema or a `$ref` -> a type (`S` is `Schema` or the `Box<Schema>` of properties
    /// and items).
    pub(super) fn convert_ref<S: Borrow<Schema>>(
        &mut self,
        schema: &ReferenceOr<S>,
        hint: &Hint,
        pointer: &Pointer,
    ) -> Result<TypeRef, Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.ref_type(reference, &pointer.push("$ref")),
            ReferenceOr::Item(schema) => self.convert(schema.borrow(), hint, pointer),
        }
    }

    /// An inline schema -> a type, creating (or reusing) a named type when needed.
    fn convert(
        &mut self,
        schema: &Schema,
        hint: &Hint,
        pointer: &Pointer,
    ) -> Result<TypeRef, Error> {
        marked(schema)?;
        // Only the shape decides here; the constructs are recorded when the type is made.
        let ty = match self.classify(schema, pointer, &mut Vec::new())? {
            Shape::Plain => self.plain_type(schema, hint, pointer)?,
            Shape::Struct(_) | Shape::StringEnum(_) | Shape::Union(..) => {
                let key = shape_key(schema);
                if let Some(&id) = self.by_shape.get(&key) {
                    self.met_again(id, pointer);
                    TypeRef::Named(id)
                } else {
                    let name = self.claim_name(hint);
                    let id = self.push(TypeEntry {
                        name: name.clone(),
                        doc: schema.schema_data.description.clone(),
                        pointer: pointer.clone(),
                        kind: TypeKind::Pending,
                    });
                    self.by_shape.insert(key, id);
                    let kind =
                        self.converting(id, |space| space.kind_of(schema, &name, pointer))?;
                    self.entries[id.0].kind = kind.unwrap_or(PLACEHOLDER);
                    TypeRef::Named(id)
                }
            }
        };
        Ok(nullable(ty, is_nullable(schema)))
    }

    /// Types that need no name of their own: scalars, arrays, maps, `Value`.
    fn plain_type(
        &mut self,
        schema: &Schema,
        hint: &Hint,
        pointer: &Pointer,
    ) -> Result<TypeRef, Error> {
        Ok(match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => match &string.format {
                openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary) => {
                    TypeRef::Bytes
                }
                _ => TypeRef::String,
            },
            SchemaKind::Type(Type::Number(_)) => TypeRef::Number,
            SchemaKind::Type(Type::Integer(int)) => match &int.format {
                openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => {
                    TypeRef::Integer32
                }
                _ => TypeRef::Integer,
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Boolean,
            SchemaKind::Type(Type::Array(array)) => {
                self.array_type(array.items.as_ref(), hint, pointer)?
            }
            SchemaKind::Type(Type::Object(object)) => {
                self.map_type(object.additional_properties.as_ref(), hint, pointer)?
            }
            SchemaKind::Any(any) => match any_type(any) {
                AnyAs::Array => self.array_type(any.items.as_ref(), hint, pointer)?,
                AnyAs::Object => {
                    self.map_type(any.additional_properties.as_ref(), hint, pointer)?
                }
                AnyAs::String if any.format.as_deref() == Some("binary") => TypeRef::Bytes,
                AnyAs::String => TypeRef::String,
                AnyAs::Number => TypeRef::Number,
                AnyAs::Integer => TypeRef::Integer,
                AnyAs::Boolean => TypeRef::Boolean,
                AnyAs::Value => TypeRef::Any,
            },
            SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                [only @ ReferenceOr::Reference { .. }] => {
                    self.convert_ref(only, hint, &pointer.push("allOf").index(0))?
                }
                _ => match self.merged_plain(all_of, pointer) {
                    Some(Ok(merged)) => self.convert_ref(&merged, hint, pointer)?,
                    Some(Err(construct)) => return Err(Error::unsupported_all(vec![construct])),
                    None => TypeRef::Any,
                },
            },
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => TypeRef::Any,
            SchemaKind::Not { .. } => {
                return Err(Error::unsupported("`not` schema", &pointer.push("not")));
            }
        })
    }

    fn array_type(
        &mut self,
        items: Option<&ReferenceOr<Box<Schema>>>,
        hint: &Hint,
        pointer: &Pointer,
    ) -> Result<TypeRef, Error> {
        let Some(items) = items else {
            return Ok(TypeRef::Vec(Box::new(TypeRef::Any)));
        };
        let item_hint = hint.map(names::item_type);
        let inner = self.convert_ref(items, &item_hint, &pointer.push("items"))?;
        Ok(TypeRef::Vec(Box::new(inner)))
    }

    fn map_type(
        &mut self,
        additional: Option<&AdditionalProperties>,
        hint: &Hint,
        pointer: &Pointer,
    ) -> Result<TypeRef, Error> {
        let value = match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                let value_hint = hint.map(names::map_value);
                self.convert_ref(schema, &value_hint, &pointer.push("additionalProperties"))?
            }
            _ => TypeRef::Any,
        };
        Ok(TypeRef::Map(Box::new(value)))
    }

    /// Decides what an inline or component schema becomes. Unsupported constructs that
    /// leave the shape clear (an `additionalProperties` schema beside `properties`, an
    /// `allOf` part that is not an object) go to `found`.
    pub(super) fn classify(
        &self,
        schema: &Schema,
        pointer: &Pointer,
        found: &mut Vec<Construct>,
    ) -> Result<Shape, Error> {
        let discriminator = schema.schema_data.discriminator.clone();
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(StringType { enumeration, .. }))
                if !enumeration.is_empty() =>
            {
                Ok(Shape::StringEnum(
                    enumeration.iter().flatten().cloned().collect(),
                ))
            }
            SchemaKind::Type(Type::Object(object)) if !object.properties.is_empty() => {
                Ok(Shape::Struct(Props::own(
                    &object.properties,
                    &object.required,
                    object.additional_properties.as_ref(),
                    pointer,
                )))
            }
            SchemaKind::OneOf { one_of } => Ok(Shape::Union(
                branches(one_of, &pointer.push("oneOf")),
                discriminator,
            )),
            SchemaKind::AnyOf { any_of } => Ok(Shape::Union(
                branches(any_of, &pointer.push("anyOf")),
                discriminator,
            )),
            SchemaKind::AllOf { all_of } => {
                if let ([ReferenceOr::Reference { .. }], None) = (all_of.as_slice(), &discriminator)
                {
                    // `allOf: [$ref]` only decorates a reference: the same type.
                    return Ok(Shape::Plain);
                }
                match self.merged_plain(all_of, pointer) {
                    // Parts that are one schema together are that schema; a reference is
                    // the type it names.
                    Some(Ok(ReferenceOr::Item(merged))) => self.classify(&merged, pointer, found),
                    Some(Ok(ReferenceOr::Reference { .. })) => Ok(Shape::Plain),
                    // Recorded when the type is made (`plain_type`).
                    Some(Err(_)) => Ok(Shape::Plain),
                    None => Ok(Shape::Struct(self.merge_all_of(all_of, pointer, found)?)),
                }
            }
            SchemaKind::Any(any) => {
                if !any.one_of.is_empty() {
                    return Ok(Shape::Union(
                        branches(&any.one_of, &pointer.push("oneOf")),
                        discriminator,
                    ));
                }
                if !any.any_of.is_empty() {
                    return Ok(Shape::Union(
                        branches(&any.any_of, &pointer.push("anyOf")),
                        discriminator,
                    ));
                }
                if !any.all_of.is_empty() {
                    let mut props = self.merge_all_of(&any.all_of, pointer, found)?;
                    let own = Props::own(
                        &any.properties,
                        &any.required,
                        any.additional_properties.as_ref(),
                        pointer,
                    );
                    props.merge(own);
                    return Ok(Shape::Struct(props));
                }
                match any_type(any) {
                    AnyAs::Object if !any.properties.is_empty() => Ok(Shape::Struct(Props::own(
                        &any.properties,
                        &any.required,
                        any.additional_properties.as_ref(),
                        pointer,
                    ))),
                    AnyAs::String if !any.enumeration.is_empty() => Ok(Shape::StringEnum(
                        any.enumeration
                            .iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect(),
                    )),
                    _ => Ok(Shape::Plain),
                }
            }
            _ => Ok(Shape::Plain),
        }
    }

    fn struct_def(&mut self, name: &str, props: Props) -> Result<StructDef, Error> {
        let mut scope = Unique::new();
        let mut fields = Vec::new();
        for (wire, (schema, pointer)) in props.items {
            let ident = scope.claim(&names::field_name(&wire));
            let qualified = names::property_type(name, &wire);
            // Array items are domain nouns: `elements` -> `Element`, falling back to the
            // parent-qualified name when that is taken.
            let hint = if is_array(&schema) {
                Hint {
                    candidates: vec![names::type_name(&wire), qualified],
                }
            } else {
                Hint::one(qualified)
            };
            // A property whose type needs an unsupported construct: the struct holds it.
            let ty = self.convert_ref(&schema, &hint, &pointer);
            let ty = self.note(ty)?.unwrap_or(TypeRef::Any);
            let (doc, default) = match &schema {
                ReferenceOr::Item(s) => (
                    s.schema_data.description.clone(),
                    s.schema_data.default.clone(),
                ),
                ReferenceOr::Reference { .. } => (None, None),
            };
            fields.push(Field {
                ident,
                required: props.required.contains(&wire),
                wire,
                ty,
                doc,
                default,
            });
        }
        // The other keys (an `additionalProperties` schema beside the properties): a map
        // flattened into the struct.
        let additional = match props.additional {
            Some((schema, pointer)) => {
                let hint = Hint::one(names::map_value(name));
                let ty = self.convert_ref(&*schema, &hint, &pointer);
                self.note(ty)?
                    .map(|ty| (scope.claim("additional_properties"), ty))
            }
            None => None,
        };
        Ok(StructDef {
            fields,
            additional,
            omitted_tag: None,
        })
    }
}

/// The constructs of a schema that the 3.1 downgrade could not say, as an error (see
/// [`crate::downgrade::marked`]).
pub(super) fn marked(schema: &Schema) -> Result<(), Error> {
    match crate::downgrade::marked(&schema.schema_data.extensions) {
        Some(constructs) if !constructs.is_empty() => Err(Error::unsupported_all(constructs)),
        _ => Ok(()),
    }
}

/// What a schema parsed as `AnySchema` should be read as.
pub(super) fn any_type(any: &AnySchema) -> AnyAs {
    match any.typ.as_deref() {
        Some("object") => AnyAs::Object,
        Some("array") => AnyAs::Array,
        Some("string") => AnyAs::String,
        Some("number") => AnyAs::Number,
        Some("integer") => AnyAs::Integer,
        Some("boolean") => AnyAs::Boolean,
        _ if !any.properties.is_empty() || any.additional_properties.is_some() => AnyAs::Object,
        _ if any.items.is_some() => AnyAs::Array,
        _ => AnyAs::Value,
    }
}

fn is_array(schema: &ReferenceOr<Box<Schema>>) -> bool {
    let schema = match schema {
        ReferenceOr::Item(s) => s.as_ref(),
        ReferenceOr::Reference { .. } => return false,
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Array(_)) => true,
        SchemaKind::Any(any) => matches!(any_type(any), AnyAs::Array),
        _ => false,
    }
}

/// The branches of a union, each with its pointer (`pointer` is the `oneOf`/`anyOf` list).
fn branches(
    list: &[ReferenceOr<Schema>],
    pointer: &Pointer,
) -> Vec<(ReferenceOr<Schema>, Pointer)> {
    list.iter()
        .enumerate()
        .map(|(i, b)| (b.clone(), pointer.index(i)))
        .collect()
}

/// Whether the schema admits `null`: `nullable`, a `null` branch, or `null` in a string
/// enum.
fn is_nullable(schema: &Schema) -> bool {
    if schema.schema_data.nullable {
        return true;
    }
    let branches = match &schema.schema_kind {
        SchemaKind::OneOf { one_of } => one_of,
        SchemaKind::AnyOf { any_of } => any_of,
        SchemaKind::Type(Type::String(StringType { enumeration, .. })) => {
            return enumeration.iter().any(Option::is_none);
        }
        _ => return false,
    };
    branches.iter().any(is_null_branch)
}

fn nullable(ty: TypeRef, is_nullable: bool) -> TypeRef {
    match (is_nullable, ty) {
        (true, TypeRef::Option(inner)) => TypeRef::Option(inner),
        (true, ty) => TypeRef::Option(Box::new(ty)),
        (false, ty) => ty,
    }
}

fn enum_values(values: &[String]) -> Vec<EnumValue> {
    let mut scope = Unique::new();
    let mut seen = BTreeSet::new();
    values
        .iter()
        .filter(|v| seen.insert(v.as_str()))
        .map(|wire| EnumValue {
            ident: scope.claim(&names::type_name(wire)),
            wire: wire.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::{names, space};
    use serde_json::json;

    #[test]
    fn array_properties_name_their_items_after_the_property_with_or_without_a_type() {
        // `elements: [...]` holds `Element`s, whether the array says `"type": "array"` or is
        // known as one only by its `items`.
        let item = json!({"type": "object", "properties": {"id": {"type": "string"}}});
        for elements in [
            json!({"type": "array", "items": item}),
            json!({"items": item}),
        ] {
            let space = space(json!({"schemas": {
                "Route": {"type": "object", "properties": {"elements": elements}}
            }}))
            .expect("converts");
            assert!(
                names(&space).contains(&"Element"),
                "{elements}: {:?}",
                names(&space)
            );
        }
    }
}

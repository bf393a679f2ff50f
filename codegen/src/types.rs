//! The type space: every schema of the spec turned into a small IR of named
//! Rust types, with every name decided once, here.
//!
//! Order of work (so that output is deterministic and `$ref` cycles work):
//! 1. every `#/components/schemas/*` gets an id and a name up front, so forward and
//!    recursive references resolve;
//! 2. components are converted in spec order; inline schemas met on the way are named
//!    from their context (`{Parent}{Property}`, array items after the singular of the
//!    property: `elements` -> `Element`) and deduplicated by structure, so the same inline
//!    schema repeated eleven times becomes one type;
//! 3. [`TypeSpace::finalize`] turns aliases that refer to themselves into newtypes,
//!    removes discriminator properties from the variant structs of internally tagged
//!    enums (serde writes the tag itself) and drops types nothing refers to;
//! 4. emitters read the entries; cycles are boxed at emission time ([`TypeSpace::boxed_edges`]).

use crate::error::Error;
use crate::names::{self, Unique};
use crate::pointer::Pointer;
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, ReferenceOr, Schema, SchemaKind, StringType, Type,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Index of a named type in the [`TypeSpace`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// A Rust type as used in a field, a parameter or a return type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    /// `::std::string::String`
    String,
    /// `i64`
    Integer,
    /// `i32` (`format: int32`)
    Integer32,
    /// `f64`
    Number,
    /// `bool`
    Boolean,
    /// `::serde_json::Value`: schemas without a type.
    Any,
    /// A named type of the space.
    Named(TypeId),
    /// `::std::vec::Vec<T>`
    Vec(Box<TypeRef>),
    /// `::std::collections::BTreeMap<::std::string::String, T>`
    Map(Box<TypeRef>),
    /// `::std::option::Option<T>` (nullable schemas).
    Option(Box<TypeRef>),
}

impl TypeRef {
    /// A path to the type usable from any module of the generated crate.
    pub fn tokens(&self, space: &TypeSpace) -> TokenStream {
        match self {
            TypeRef::String => quote!(::std::string::String),
            TypeRef::Integer => quote!(i64),
            TypeRef::Integer32 => quote!(i32),
            TypeRef::Number => quote!(f64),
            TypeRef::Boolean => quote!(bool),
            TypeRef::Any => quote!(::serde_json::Value),
            TypeRef::Named(id) => {
                let module = space.models_path();
                let name = format_ident!("{}", space.entry(*id).name);
                quote!(#module::#name)
            }
            TypeRef::Vec(inner) => {
                let inner = inner.tokens(space);
                quote!(::std::vec::Vec<#inner>)
            }
            TypeRef::Map(inner) => {
                let inner = inner.tokens(space);
                quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
            }
            TypeRef::Option(inner) => {
                let inner = inner.tokens(space);
                quote!(::std::option::Option<#inner>)
            }
        }
    }

    /// The named type this refers to directly or through `Option` (not through collections).
    pub fn direct_named(&self) -> Option<TypeId> {
        match self {
            TypeRef::Named(id) => Some(*id),
            TypeRef::Option(inner) => inner.direct_named(),
            _ => None,
        }
    }

    fn visit_named(&self, out: &mut Vec<TypeId>) {
        match self {
            TypeRef::Named(id) => out.push(*id),
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => {
                inner.visit_named(out)
            }
            _ => {}
        }
    }
}

/// One named type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeEntry {
    /// The Rust identifier.
    pub name: String,
    /// The description of the schema, if any.
    pub doc: Option<String>,
    /// Where the schema is in the spec.
    pub pointer: Pointer,
    /// What kind of type it is.
    pub kind: TypeKind,
}

/// The shapes a named type can take.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// Id assigned, not converted yet (only seen during conversion).
    Pending,
    /// An object with known properties.
    Struct(StructDef),
    /// A string with an `enum` of values.
    StringEnum(Vec<EnumValue>),
    /// A union told apart by one string property (serde `tag`).
    Tagged {
        /// The wire name of the tag property.
        tag: String,
        /// One variant per tag value.
        variants: Vec<TaggedVariant>,
    },
    /// A union told apart by trying each branch in order (serde `untagged`).
    Untagged(Vec<UntaggedVariant>),
    /// A named alias for another type (a component that is an array, a string, ...).
    Alias(TypeRef),
    /// A `#[serde(transparent)]` newtype around another type: an alias that refers to
    /// itself (`Tree = array of Tree`), which Rust type aliases cannot do.
    Newtype(TypeRef),
}

/// The fields of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    /// Fields in spec order.
    pub fields: Vec<Field>,
    /// The tag property removed because this struct is a variant of a tagged enum.
    pub omitted_tag: Option<String>,
}

/// One struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Rust identifier.
    pub ident: String,
    /// JSON property name.
    pub wire: String,
    /// The type, already `Option` when the schema is nullable.
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// Description.
    pub doc: Option<String>,
    /// The schema's `default`, documented on the field.
    pub default: Option<serde_json::Value>,
}

/// A value of a string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    /// Rust variant identifier.
    pub ident: String,
    /// The string on the wire.
    pub wire: String,
}

/// A variant of an internally tagged enum.
#[derive(Debug, Clone, PartialEq)]
pub struct TaggedVariant {
    /// Rust variant identifier.
    pub ident: String,
    /// The tag value on the wire.
    pub wire: String,
    /// The struct carried by the variant.
    pub ty: TypeId,
}

/// A variant of an untagged enum.
#[derive(Debug, Clone, PartialEq)]
pub struct UntaggedVariant {
    /// Rust variant identifier.
    pub ident: String,
    /// The type carried by the variant.
    pub ty: TypeRef,
}

/// Names to try for an inline type, best first; the last is made unique if all are taken.
#[derive(Debug, Clone)]
struct Hint {
    candidates: Vec<String>,
}

impl Hint {
    fn one(name: String) -> Self {
        Hint {
            candidates: vec![name],
        }
    }
    fn best(&self) -> &str {
        self.candidates
            .first()
            .map(String::as_str)
            .unwrap_or("Type")
    }
}

/// The type space of one spec.
#[derive(Debug, Clone)]
pub struct TypeSpace {
    components: IndexMap<String, ReferenceOr<Schema>>,
    entries: Vec<TypeEntry>,
    by_name: BTreeMap<String, TypeId>,
    by_shape: HashMap<String, TypeId>,
    names: Unique,
    roots: BTreeSet<TypeId>,
    models_path: Vec<String>,
    emitted: Option<BTreeSet<TypeId>>,
}

impl TypeSpace {
    /// A type space holding every component schema of `spec`, converted.
    pub fn new(spec: &openapiv3::OpenAPI) -> Result<Self, Error> {
        let components = spec
            .components
            .as_ref()
            .map(|c| c.schemas.clone())
            .unwrap_or_default();
        let mut space = TypeSpace {
            components,
            entries: Vec::new(),
            by_name: BTreeMap::new(),
            by_shape: HashMap::new(),
            names: Unique::new(),
            roots: BTreeSet::new(),
            models_path: vec!["crate".to_string(), "models".to_string()],
            emitted: None,
        };
        // Ids first, so that forward and recursive references resolve.
        let keys: Vec<String> = space.components.keys().cloned().collect();
        for key in &keys {
            let pointer = Pointer::root()
                .push("components")
                .push("schemas")
                .push(key.clone());
            let name = space.names.claim(&names::type_name(key));
            let id = space.push(TypeEntry {
                name,
                doc: None,
                pointer,
                kind: TypeKind::Pending,
            });
            space.by_name.insert(key.clone(), id);
            space.roots.insert(id);
        }
        for (index, key) in keys.iter().enumerate() {
            let id = TypeId(index);
            let Some(schema) = space.components.get(key).cloned() else {
                continue;
            };
            let pointer = space.entries[index].pointer.clone();
            space.convert_component(id, &schema, &pointer)?;
        }
        Ok(space)
    }

    /// Adds a schema met outside `#/components/schemas` (a request body, a response, a
    /// parameter) and returns the type to use for it. Inline object, enum and union
    /// schemas become named types called after `name_hint` (made unique); identical
    /// schemas share one type.
    pub fn add(
        &mut self,
        schema: &ReferenceOr<Schema>,
        name_hint: &str,
        pointer: &Pointer,
    ) -> Result<TypeRef, Error> {
        self.emitted = None;
        let hint = Hint::one(names::type_name(name_hint));
        let ty = self.convert_ref(schema, &hint, pointer)?;
        let mut named = Vec::new();
        ty.visit_named(&mut named);
        self.roots.extend(named);
        Ok(ty)
    }

    /// The schema a `$ref` names (following chains of references), or the schema itself.
    pub fn resolve<'a>(&'a self, schema: &'a ReferenceOr<Schema>) -> Result<&'a Schema, Error> {
        let mut current = schema;
        for _ in 0..32 {
            match current {
                ReferenceOr::Item(schema) => return Ok(schema),
                ReferenceOr::Reference { reference } => {
                    // Where the `$ref` is: the caller's schema is not known here, so a
                    // dangling first reference is reported at its target.
                    let at = Pointer::from_ref(reference).unwrap_or_default();
                    current = self.component(reference, &at)?;
                }
            }
        }
        Err(Error::invalid(
            "$ref chain longer than 32 references (a reference loop?)",
            &self.pointer_of_ref(schema),
        ))
    }

    /// Sets the module path used by [`TypeRef::tokens`] for named types
    /// (default `crate::models`).
    pub fn set_models_path(&mut self, segments: &[&str]) {
        self.models_path = segments.iter().map(|s| s.to_string()).collect();
    }

    /// The module path of named types, as tokens (`crate::models`).
    pub fn models_path(&self) -> TokenStream {
        let segments = self.models_path.iter().map(|s| format_ident!("{}", s));
        quote!(#(#segments)::*)
    }

    /// The entry of a type id.
    ///
    /// Ids only come from this space, so they are always in range.
    pub fn entry(&self, id: TypeId) -> &TypeEntry {
        &self.entries[id.0]
    }

    /// The type a component schema became, by its name in `#/components/schemas`.
    pub fn component_type(&self, name: &str) -> Option<TypeId> {
        self.by_name.get(name).copied()
    }

    /// Every type to emit, in id order (components in spec order, then inline types in
    /// the order they were met). Before [`TypeSpace::finalize`] this is every type.
    pub fn types(&self) -> impl Iterator<Item = (TypeId, &TypeEntry)> {
        self.entries
            .iter()
            .enumerate()
            .map(|(i, e)| (TypeId(i), e))
            .filter(|(id, _)| self.emitted.as_ref().is_none_or(|set| set.contains(id)))
    }

    /// Completes the space once every schema has been added: strips the tag property
    /// from tagged-union variant structs and keeps only types reachable from the
    /// components and from the results of [`TypeSpace::add`].
    pub fn finalize(&mut self) -> Result<(), Error> {
        self.break_alias_cycles()?;
        let mut strip: Vec<(TypeId, String, Pointer)> = Vec::new();
        for entry in &self.entries {
            if let TypeKind::Tagged { tag, variants } = &entry.kind {
                for variant in variants {
                    strip.push((variant.ty, tag.clone(), entry.pointer.clone()));
                }
            }
        }
        for (id, tag, union_pointer) in strip {
            let entry = &mut self.entries[id.0];
            match &mut entry.kind {
                TypeKind::Struct(def) => {
                    def.fields.retain(|f| f.wire != tag);
                    def.omitted_tag = Some(tag);
                }
                _ => {
                    return Err(Error::unsupported(
                        format!(
                            "discriminated union branch `{}` that is not an object",
                            entry.name
                        ),
                        &union_pointer,
                    ));
                }
            }
        }
        let mut reachable = BTreeSet::new();
        let mut stack: Vec<TypeId> = self.roots.iter().copied().collect();
        while let Some(id) = stack.pop() {
            if reachable.insert(id) {
                stack.extend(self.children(id));
            }
        }
        self.emitted = Some(reachable);
        Ok(())
    }

    /// Named types an entry refers to, in order.
    fn children(&self, id: TypeId) -> Vec<TypeId> {
        let mut out = Vec::new();
        match &self.entry(id).kind {
            TypeKind::Struct(def) => def.fields.iter().for_each(|f| f.ty.visit_named(&mut out)),
            TypeKind::Tagged { variants, .. } => out.extend(variants.iter().map(|v| v.ty)),
            TypeKind::Untagged(variants) => {
                variants.iter().for_each(|v| v.ty.visit_named(&mut out))
            }
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => ty.visit_named(&mut out),
            TypeKind::StringEnum(_) | TypeKind::Pending => {}
        }
        out
    }

    /// Aliases that can reach themselves through other aliases (`Tree = Vec<Tree>`, or
    /// `A = Vec<B>`, `B = Vec<A>`) become newtypes, since a Rust type alias cannot be
    /// recursive. A loop made only of references (`A = B`, `B = A`, maybe nullable) names
    /// no value at all and is reported.
    fn break_alias_cycles(&mut self) -> Result<(), Error> {
        let alias_of = |space: &Self, id: TypeId| match &space.entry(id).kind {
            TypeKind::Alias(ty) => Some(ty.clone()),
            _ => None,
        };
        let mut cyclic = Vec::new();
        for index in 0..self.entries.len() {
            let id = TypeId(index);
            let Some(ty) = alias_of(self, id) else {
                continue;
            };
            // Plain references first: following them must end somewhere else.
            let mut seen = BTreeSet::new();
            let mut next = ty.direct_named();
            while let Some(current) = next {
                if current == id {
                    return Err(Error::invalid(
                        "$ref loop with no object or array in between",
                        &self.entry(id).pointer,
                    ));
                }
                if !seen.insert(current) {
                    break;
                }
                next = alias_of(self, current).and_then(|t| t.direct_named());
            }
            let mut seen = BTreeSet::new();
            let mut stack = Vec::new();
            ty.visit_named(&mut stack);
            while let Some(current) = stack.pop() {
                if current == id {
                    cyclic.push(id);
                    break;
                }
                if seen.insert(current)
                    && let Some(inner) = alias_of(self, current)
                {
                    inner.visit_named(&mut stack);
                }
            }
        }
        for id in cyclic {
            let entry = &mut self.entries[id.0];
            if let TypeKind::Alias(ty) = &entry.kind {
                entry.kind = TypeKind::Newtype(ty.clone());
            }
        }
        Ok(())
    }

    /// Edges `(from, to)` that must be boxed: `from` holds `to` by value (a field, maybe
    /// optional, or an enum variant) and `to` can reach `from` again by value, so the
    /// type would otherwise have infinite size. Every edge of such a cycle is boxed,
    /// which is deterministic and always enough.
    pub fn boxed_edges(&self) -> BTreeSet<(TypeId, TypeId)> {
        let direct = |id: TypeId| -> Vec<TypeId> {
            match &self.entry(id).kind {
                TypeKind::Struct(def) => def
                    .fields
                    .iter()
                    .filter_map(|f| f.ty.direct_named())
                    .collect(),
                TypeKind::Tagged { variants, .. } => variants.iter().map(|v| v.ty).collect(),
                TypeKind::Untagged(variants) => variants
                    .iter()
                    .filter_map(|v| v.ty.direct_named())
                    .collect(),
                TypeKind::Alias(ty) | TypeKind::Newtype(ty) => {
                    ty.direct_named().into_iter().collect()
                }
                TypeKind::StringEnum(_) | TypeKind::Pending => Vec::new(),
            }
        };
        let reaches = |from: TypeId, target: TypeId| -> bool {
            let mut seen = BTreeSet::new();
            let mut stack = vec![from];
            while let Some(id) = stack.pop() {
                if id == target {
                    return true;
                }
                if seen.insert(id) {
                    stack.extend(direct(id));
                }
            }
            false
        };
        let mut out = BTreeSet::new();
        for (id, _) in self.types() {
            for to in direct(id) {
                if reaches(to, id) {
                    out.insert((id, to));
                }
            }
        }
        out
    }

    fn push(&mut self, entry: TypeEntry) -> TypeId {
        self.entries.push(entry);
        TypeId(self.entries.len() - 1)
    }

    /// The name in `#/components/schemas` that `reference` names (unescaped); errors are
    /// reported at `at` (the `$ref`).
    fn component_name(reference: &str, at: &Pointer) -> Result<String, Error> {
        let Some(pointer) = Pointer::from_ref(reference) else {
            return Err(Error::unsupported(
                format!("$ref `{reference}` to another document"),
                at,
            ));
        };
        match pointer.tokens() {
            [components, schemas, name] if components == "components" && schemas == "schemas" => {
                Ok(name.clone())
            }
            _ => Err(Error::unsupported(
                format!("$ref `{reference}` outside #/components/schemas"),
                at,
            )),
        }
    }

    /// The component schema `reference` names; errors are reported at `at` (the `$ref`).
    fn component(&self, reference: &str, at: &Pointer) -> Result<&ReferenceOr<Schema>, Error> {
        let name = Self::component_name(reference, at)?;
        self.components
            .get(&name)
            .ok_or_else(|| Error::invalid(format!("$ref `{reference}` names no schema"), at))
    }

    fn pointer_of_ref(&self, schema: &ReferenceOr<Schema>) -> Pointer {
        match schema {
            ReferenceOr::Reference { reference } => {
                Pointer::from_ref(reference).unwrap_or_default()
            }
            ReferenceOr::Item(_) => Pointer::root(),
        }
    }

    fn claim_name(&mut self, hint: &Hint) -> String {
        for candidate in &hint.candidates {
            if !self.names.is_taken(candidate) {
                return self.names.claim(candidate);
            }
        }
        let best = hint.best().to_string();
        self.names.claim(&best)
    }

    fn convert_component(
        &mut self,
        id: TypeId,
        schema: &ReferenceOr<Schema>,
        pointer: &Pointer,
    ) -> Result<(), Error> {
        let name = self.entry(id).name.clone();
        let (kind, doc) = match schema {
            ReferenceOr::Reference { reference } => {
                let target = self.ref_type(reference, pointer)?;
                (TypeKind::Alias(target), None)
            }
            ReferenceOr::Item(schema) => {
                self.by_shape.entry(shape_key(schema)).or_insert(id);
                let kind = self.kind_of(schema, &name, pointer)?;
                (kind, schema.schema_data.description.clone())
            }
        };
        let entry = &mut self.entries[id.0];
        entry.kind = kind;
        entry.doc = doc;
        Ok(())
    }

    /// The kind of a named type for `schema`; anything that is not a struct, enum or
    /// union becomes an alias.
    fn kind_of(
        &mut self,
        schema: &Schema,
        name: &str,
        pointer: &Pointer,
    ) -> Result<TypeKind, Error> {
        match self.classify(schema, pointer)? {
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
                &Hint::one(format!("{name}Item")),
                pointer,
            )?)),
        }
    }

    /// The type of a `$ref` to a component: `Option` of it when the component is nullable,
    /// since the type of a struct, enum or union component cannot itself hold `null`.
    fn ref_type(&mut self, reference: &str, pointer: &Pointer) -> Result<TypeRef, Error> {
        let name = Self::component_name(reference, pointer)?;
        let Some(id) = self.by_name.get(&name).copied() else {
            return Err(Error::invalid(
                format!("$ref `{reference}` names no schema"),
                pointer,
            ));
        };
        let target = self
            .component(reference, pointer)
            .and_then(|c| self.resolve(c));
        Ok(nullable(TypeRef::Named(id), target.is_ok_and(is_nullable)))
    }

    /// A schema or a `$ref` -> a type (`S` is `Schema` or the `Box<Schema>` of properties
    /// and items).
    fn convert_ref<S: Borrow<Schema>>(
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
        let ty = match self.classify(schema, pointer)? {
            Shape::Plain => self.plain_type(schema, hint, pointer)?,
            Shape::Struct(_) | Shape::StringEnum(_) | Shape::Union(..) => {
                let key = shape_key(schema);
                if let Some(id) = self.by_shape.get(&key) {
                    TypeRef::Named(*id)
                } else {
                    let name = self.claim_name(hint);
                    let id = self.push(TypeEntry {
                        name: name.clone(),
                        doc: schema.schema_data.description.clone(),
                        pointer: pointer.clone(),
                        kind: TypeKind::Pending,
                    });
                    self.by_shape.insert(key, id);
                    let kind = self.kind_of(schema, &name, pointer)?;
                    self.entries[id.0].kind = kind;
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
            SchemaKind::Type(Type::String(_)) => TypeRef::String,
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
                _ => TypeRef::Any,
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
        let item_hint = Hint {
            candidates: hint.candidates.iter().map(|c| singular(c)).collect(),
        };
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
                let value_hint = Hint {
                    candidates: hint
                        .candidates
                        .iter()
                        .map(|c| format!("{c}Value"))
                        .collect(),
                };
                self.convert_ref(schema, &value_hint, &pointer.push("additionalProperties"))?
            }
            _ => TypeRef::Any,
        };
        Ok(TypeRef::Map(Box::new(value)))
    }

    /// Decides what an inline or component schema becomes.
    fn classify(&self, schema: &Schema, pointer: &Pointer) -> Result<Shape, Error> {
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
                self.check_extra_map(object.additional_properties.as_ref(), pointer)?;
                Ok(Shape::Struct(self.own_props(
                    &object.properties,
                    &object.required,
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
                Ok(Shape::Struct(self.merge_all_of(all_of, pointer)?))
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
                    let mut props = self.merge_all_of(&any.all_of, pointer)?;
                    let own = self.own_props(&any.properties, &any.required, pointer);
                    props.merge(own);
                    return Ok(Shape::Struct(props));
                }
                match any_type(any) {
                    AnyAs::Object if !any.properties.is_empty() => {
                        self.check_extra_map(any.additional_properties.as_ref(), pointer)?;
                        Ok(Shape::Struct(self.own_props(
                            &any.properties,
                            &any.required,
                            pointer,
                        )))
                    }
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

    fn check_extra_map(
        &self,
        additional: Option<&AdditionalProperties>,
        pointer: &Pointer,
    ) -> Result<(), Error> {
        if let Some(AdditionalProperties::Schema(_)) = additional {
            return Err(Error::unsupported(
                "object with both `properties` and an `additionalProperties` schema",
                &pointer.push("additionalProperties"),
            ));
        }
        Ok(())
    }

    fn own_props(
        &self,
        properties: &IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
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
        props
    }

    /// Merges the properties of every `allOf` part (references followed, nested `allOf`
    /// flattened); later parts override earlier ones, `required` is the union.
    fn merge_all_of(
        &self,
        parts: &[ReferenceOr<Schema>],
        pointer: &Pointer,
    ) -> Result<Props, Error> {
        self.merge_parts(parts, pointer, 0, &mut BTreeMap::new())
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
    ) -> Result<Props, Error> {
        if depth > 32 {
            return Err(Error::invalid(
                "allOf nested more than 32 levels (a loop?)",
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
                        let props = self.part_props(part, &part_pointer, depth, merged_refs)?;
                        merged_refs.insert(reference.clone(), props.clone());
                        props
                    }
                }
                ReferenceOr::Item(_) => {
                    let part_pointer = pointer.push("allOf").index(index);
                    self.part_props(part, &part_pointer, depth, merged_refs)?
                }
            };
            merged.merge(props);
        }
        Ok(merged)
    }

    /// The properties one `allOf` part contributes.
    fn part_props(
        &self,
        part: &ReferenceOr<Schema>,
        part_pointer: &Pointer,
        depth: usize,
        merged_refs: &mut BTreeMap<String, Props>,
    ) -> Result<Props, Error> {
        let schema = self.resolve(part)?;
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                self.check_extra_map(object.additional_properties.as_ref(), part_pointer)?;
                Ok(self.own_props(&object.properties, &object.required, part_pointer))
            }
            SchemaKind::AllOf { all_of } => {
                self.merge_parts(all_of, part_pointer, depth + 1, merged_refs)
            }
            SchemaKind::Any(any) if any.one_of.is_empty() && any.any_of.is_empty() => {
                let mut props =
                    self.merge_parts(&any.all_of, part_pointer, depth + 1, merged_refs)?;
                props.merge(self.own_props(&any.properties, &any.required, part_pointer));
                Ok(props)
            }
            _ => Err(Error::unsupported(
                "allOf part that is not an object",
                part_pointer,
            )),
        }
    }

    fn struct_def(&mut self, name: &str, props: Props) -> Result<StructDef, Error> {
        let mut scope = Unique::new();
        let mut fields = Vec::new();
        for (wire, (schema, pointer)) in props.items {
            let ident = scope.claim(&names::field_name(&wire));
            let prop_type = names::type_name(&wire);
            let hint = Hint::one(format!("{name}{prop_type}"));
            // Array items are domain nouns: `elements` -> `Element`, falling back to the
            // parent-qualified name when that is taken.
            let hint = if is_array(&schema) {
                Hint {
                    candidates: vec![prop_type, format!("{name}{}", names::type_name(&wire))],
                }
            } else {
                hint
            };
            let ty = self.convert_ref(&schema, &hint, &pointer)?;
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
        Ok(StructDef {
            fields,
            omitted_tag: None,
        })
    }

    fn union_kind(
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
        if let Some(tag) = tag {
            let mapping = discriminator.map(|d| d.mapping.clone()).unwrap_or_default();
            let mut scope = Unique::new();
            let mut variants = Vec::new();
            for (branch, branch_pointer) in &branches {
                let wire = self.tag_value(branch, &tag, &mapping).ok_or_else(|| {
                    Error::unsupported(
                        format!("union branch without a single value for the tag `{tag}`"),
                        branch_pointer,
                    )
                })?;
                let ident = scope.claim(&names::type_name(&wire));
                let hint = Hint::one(format!("{ident}{name}"));
                let ty = match self.convert_ref(branch, &hint, branch_pointer)? {
                    TypeRef::Named(id) => id,
                    _ => {
                        return Err(Error::unsupported(
                            "discriminated union branch that is not an object",
                            branch_pointer,
                        ));
                    }
                };
                variants.push(TaggedVariant { ident, wire, ty });
            }
            return Ok(TypeKind::Tagged { tag, variants });
        }
        let mut scope = Unique::new();
        let mut variants = Vec::new();
        for (index, (branch, branch_pointer)) in branches.iter().enumerate() {
            let base = match branch {
                ReferenceOr::Reference { reference } => reference
                    .rsplit('/')
                    .next()
                    .map(names::type_name)
                    .unwrap_or_else(|| "Variant".to_string()),
                ReferenceOr::Item(schema) => kind_word(schema, index),
            };
            let ident = scope.claim(&base);
            let hint = Hint::one(format!("{name}{ident}"));
            let ty = self.convert_ref(branch, &hint, branch_pointer)?;
            variants.push(UntaggedVariant { ident, ty });
        }
        Ok(TypeKind::Untagged(variants))
    }

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
        let schema = self.resolve(branch).ok()?;
        let props = self.object_props(schema)?;
        if !props.required.contains(property) {
            return None;
        }
        let (prop_schema, _) = props.items.get(property)?;
        let prop_schema = match prop_schema {
            ReferenceOr::Item(s) => s.as_ref(),
            ReferenceOr::Reference { reference } => self
                .resolve(self.component(reference, &Pointer::root()).ok()?)
                .ok()?,
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

    fn object_props(&self, schema: &Schema) -> Option<Props> {
        let root = Pointer::root();
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                Some(self.own_props(&o.properties, &o.required, &root))
            }
            SchemaKind::AllOf { all_of } => self.merge_all_of(all_of, &root).ok(),
            SchemaKind::Any(any) if any.one_of.is_empty() && any.any_of.is_empty() => {
                let mut props = self.merge_all_of(&any.all_of, &root).ok()?;
                props.merge(self.own_props(&any.properties, &any.required, &root));
                Some(props)
            }
            _ => None,
        }
    }

    /// A property every branch requires and pins to its own single string value: the
    /// union is then internally tagged by it even without a `discriminator` (the shape
    /// of Cloudflare's element union).
    fn pinned_property(&self, branches: &[(ReferenceOr<Schema>, Pointer)]) -> Option<String> {
        let first = self.resolve(&branches.first()?.0).ok()?;
        let candidates: Vec<String> = self.object_props(first)?.items.keys().cloned().collect();
        candidates.into_iter().find(|property| {
            let mut seen = BTreeSet::new();
            branches.iter().all(|(branch, _)| {
                self.pinned_value(branch, property)
                    .is_some_and(|value| seen.insert(value))
            })
        })
    }
}

/// What a schema becomes.
enum Shape {
    Struct(Props),
    StringEnum(Vec<String>),
    Union(
        Vec<(ReferenceOr<Schema>, Pointer)>,
        Option<openapiv3::Discriminator>,
    ),
    Plain,
}

/// Properties of an object (after allOf merging) with where each came from.
#[derive(Default, Clone)]
struct Props {
    items: IndexMap<String, (ReferenceOr<Box<Schema>>, Pointer)>,
    required: BTreeSet<String>,
}

impl Props {
    fn merge(&mut self, other: Props) {
        for (name, value) in other.items {
            self.items.insert(name, value);
        }
        self.required.extend(other.required);
    }
}

enum AnyAs {
    Object,
    Array,
    String,
    Number,
    Integer,
    Boolean,
    Value,
}

/// What a schema parsed as `AnySchema` (no `type`, or `type` with keywords of several
/// types) should be read as.
fn any_type(any: &AnySchema) -> AnyAs {
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

fn branches(
    list: &[ReferenceOr<Schema>],
    pointer: &Pointer,
) -> Vec<(ReferenceOr<Schema>, Pointer)> {
    list.iter()
        .enumerate()
        .map(|(i, b)| (b.clone(), pointer.index(i)))
        .collect()
}

fn is_null_branch(branch: &ReferenceOr<Schema>) -> bool {
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

/// The variant name of an inline union branch, from what it is.
fn kind_word(schema: &Schema, index: usize) -> String {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if s.enumeration.is_empty() => "String".into(),
        SchemaKind::Type(Type::Number(_)) => "Number".into(),
        SchemaKind::Type(Type::Integer(_)) => "Integer".into(),
        SchemaKind::Type(Type::Boolean(_)) => "Boolean".into(),
        SchemaKind::Type(Type::Array(_)) => "Array".into(),
        _ => format!("Variant{index}"),
    }
}

fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies") {
        format!("{stem}y")
    } else if name.ends_with("ss") || !name.ends_with('s') {
        format!("{name}Item")
    } else {
        name[..name.len() - 1].to_string()
    }
}

/// A structural key for deduplication: the schema as JSON without documentation
/// keywords, so that copies differing only in descriptions or examples are one type.
fn shape_key(schema: &Schema) -> String {
    let mut value = serde_json::to_value(schema).unwrap_or(serde_json::Value::Null);
    strip_docs(&mut value);
    value.to_string()
}

fn strip_docs(value: &mut serde_json::Value) {
    let serde_json::Value::Object(map) = value else {
        return;
    };
    for key in ["description", "example", "title", "externalDocs"] {
        map.remove(key);
    }
    for (key, child) in map.iter_mut() {
        match key.as_str() {
            "properties" => {
                if let serde_json::Value::Object(props) = child {
                    props.values_mut().for_each(strip_docs);
                }
            }
            "items" | "additionalProperties" | "not" => strip_docs(child),
            "allOf" | "oneOf" | "anyOf" => {
                if let serde_json::Value::Array(list) = child {
                    list.iter_mut().for_each(strip_docs);
                }
            }
            _ => {}
        }
    }
}

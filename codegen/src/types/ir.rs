//! The data of the type space: ids, type references and the named types (structs,
//! enums, unions, aliases) with their fields and variants. Nothing here reads the spec.

use crate::pointer::Pointer;

/// Index of a named type in the [`TypeSpace`](super::TypeSpace).
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
    /// `::std::vec::Vec<u8>`: `type: string, format: binary`.
    Bytes,
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
    /// The named type this refers to directly or through `Option` (not through collections).
    pub fn direct_named(&self) -> Option<TypeId> {
        match self {
            TypeRef::Named(id) => Some(*id),
            TypeRef::Option(inner) => inner.direct_named(),
            _ => None,
        }
    }

    /// Pushes every named type this refers to, through collections and `Option`, in order.
    pub fn visit_named(&self, out: &mut Vec<TypeId>) {
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
    /// The field (identifier and value type) of the map that holds the keys other than
    /// the fields: an `additionalProperties` schema beside `properties`.
    pub additional: Option<(String, TypeRef)>,
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

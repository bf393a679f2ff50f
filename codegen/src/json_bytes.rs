//! Binary properties in JSON: `type: string, format: binary` is `Vec<u8>` in the models, so
//! that multipart bodies can send such properties as file parts. JSON has no bytes and
//! OpenAPI gives binary no JSON encoding; serde would write a `Vec<u8>` as an array of
//! numbers and refuse the string a server sends for it. Fields that hold bytes therefore go
//! through a small helper module emitted into the models: bytes that are valid UTF-8 are
//! written as a JSON string, other bytes as an array of numbers, and reading takes either.

use crate::types::{TypeKind, TypeRef, TypeSpace};
use proc_macro2::TokenStream;
use quote::quote;

/// Whether values of `ty` hold bytes that the type's own `Serialize` would write (through
/// `Option`, `Vec`, maps and aliases; named structs and enums take care of their own fields).
pub fn holds_bytes(space: &TypeSpace, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Bytes => true,
        TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => {
            holds_bytes(space, inner)
        }
        // Aliases are never recursive (the type space turns those into newtypes).
        TypeRef::Named(id) => match &space.entry(*id).kind {
            TypeKind::Alias(target) => holds_bytes(space, target),
            _ => false,
        },
        TypeRef::String
        | TypeRef::Integer
        | TypeRef::Integer32
        | TypeRef::Number
        | TypeRef::Boolean
        | TypeRef::Any => false,
    }
}

/// The attribute for a field or variant of type `ty`, when it holds bytes.
pub fn with_attr(space: &TypeSpace, ty: &TypeRef) -> Option<TokenStream> {
    holds_bytes(space, ty).then(|| quote!(#[serde(with = "json_bytes")]))
}

/// The helper module the attributes name (private to the models module).
pub fn module() -> TokenStream {
    let write = quote!(::std::result::Result<S::Ok, S::Error>);
    let read = quote!(::std::result::Result<Self, D::Error>);
    quote! {
        /// Binary values (`Vec<u8>`) in JSON: written as a string when they are UTF-8 text,
        /// else as an array of numbers; read from either. Used through `#[serde(with)]` on
        /// the fields that hold bytes.
        mod json_bytes {
            pub(super) fn serialize<T, S>(value: &T, serializer: S) -> #write
            where
                T: Bytes,
                S: ::serde::Serializer,
            {
                value.write(serializer)
            }

            pub(super) fn deserialize<'de, T, D>(deserializer: D) -> ::std::result::Result<T, D::Error>
            where
                T: Bytes,
                D: ::serde::Deserializer<'de>,
            {
                T::read(deserializer)
            }

            /// The shapes of field values that hold bytes.
            pub(super) trait Bytes: Sized {
                fn write<S: ::serde::Serializer>(&self, serializer: S) -> #write;
                fn read<'de, D: ::serde::Deserializer<'de>>(deserializer: D) -> #read;
            }

            impl Bytes for ::std::vec::Vec<u8> {
                fn write<S: ::serde::Serializer>(&self, serializer: S) -> #write {
                    match ::std::str::from_utf8(self) {
                        ::std::result::Result::Ok(text) => serializer.serialize_str(text),
                        ::std::result::Result::Err(_) => serializer.collect_seq(self),
                    }
                }

                fn read<'de, D: ::serde::Deserializer<'de>>(deserializer: D) -> #read {
                    deserializer.deserialize_any(Visit)
                }
            }

            impl<T: Bytes> Bytes for ::std::option::Option<T> {
                fn write<S: ::serde::Serializer>(&self, serializer: S) -> #write {
                    match self {
                        ::std::option::Option::Some(value) => serializer.serialize_some(&Write(value)),
                        ::std::option::Option::None => serializer.serialize_none(),
                    }
                }

                fn read<'de, D: ::serde::Deserializer<'de>>(deserializer: D) -> #read {
                    let value: ::std::option::Option<Read<T>> =
                        ::serde::Deserialize::deserialize(deserializer)?;
                    ::std::result::Result::Ok(value.map(|read| read.0))
                }
            }

            impl<T: Bytes> Bytes for ::std::vec::Vec<T> {
                fn write<S: ::serde::Serializer>(&self, serializer: S) -> #write {
                    serializer.collect_seq(self.iter().map(Write))
                }

                fn read<'de, D: ::serde::Deserializer<'de>>(deserializer: D) -> #read {
                    let items: ::std::vec::Vec<Read<T>> =
                        ::serde::Deserialize::deserialize(deserializer)?;
                    ::std::result::Result::Ok(items.into_iter().map(|read| read.0).collect())
                }
            }

            impl<T: Bytes> Bytes for ::std::collections::BTreeMap<::std::string::String, T> {
                fn write<S: ::serde::Serializer>(&self, serializer: S) -> #write {
                    serializer.collect_map(self.iter().map(|(key, value)| (key, Write(value))))
                }

                fn read<'de, D: ::serde::Deserializer<'de>>(deserializer: D) -> #read {
                    let map: ::std::collections::BTreeMap<::std::string::String, Read<T>> =
                        ::serde::Deserialize::deserialize(deserializer)?;
                    ::std::result::Result::Ok(map.into_iter().map(|(key, read)| (key, read.0)).collect())
                }
            }

            /// A borrowed value written through `Bytes`.
            struct Write<'a, T>(&'a T);

            impl<T: Bytes> ::serde::Serialize for Write<'_, T> {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> #write {
                    self.0.write(serializer)
                }
            }

            /// A value read through `Bytes`.
            struct Read<T>(T);

            impl<'de, T: Bytes> ::serde::Deserialize<'de> for Read<T> {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    T::read(deserializer).map(Read)
                }
            }

            /// Reads bytes from a string, bytes or an array of numbers.
            struct Visit;

            impl<'de> ::serde::de::Visitor<'de> for Visit {
                type Value = ::std::vec::Vec<u8>;

                fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str("a string or an array of bytes")
                }

                fn visit_str<E: ::serde::de::Error>(self, text: &str) -> ::std::result::Result<Self::Value, E> {
                    ::std::result::Result::Ok(text.as_bytes().to_vec())
                }

                fn visit_bytes<E: ::serde::de::Error>(self, bytes: &[u8]) -> ::std::result::Result<Self::Value, E> {
                    ::std::result::Result::Ok(bytes.to_vec())
                }

                fn visit_seq<A: ::serde::de::SeqAccess<'de>>(self, mut seq: A) -> ::std::result::Result<Self::Value, A::Error> {
                    let mut bytes = ::std::vec::Vec::new();
                    while let ::std::option::Option::Some(byte) = seq.next_element::<u8>()? {
                        bytes.push(byte);
                    }
                    ::std::result::Result::Ok(bytes)
                }
            }
        }
    }
}

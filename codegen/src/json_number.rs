//! Whole numbers on the wire: JSON `number` properties are `f64` in the models, and serde
//! writes an `f64` holding 100 as `100.0`. Fields that hold `f64`s therefore serialize
//! through a small helper module emitted into the models, which writes whole values as
//! integers (`100`), so that requests look like what users wrote and servers that read such
//! properties as integers accept them. Reading is unchanged: `100` and `100.0` both decode.

use crate::types::{TypeKind, TypeRef, TypeSpace};
use proc_macro2::TokenStream;
use quote::quote;

/// Whether values of `ty` contain an `f64` that the type's own `Serialize` would write
/// (through `Option`, `Vec`, maps and aliases; named structs and enums take care of their
/// own fields).
pub fn holds_number(space: &TypeSpace, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Number => true,
        TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => {
            holds_number(space, inner)
        }
        // Aliases are never recursive (the type space turns those into newtypes).
        TypeRef::Named(id) => match &space.entry(*id).kind {
            TypeKind::Alias(target) => holds_number(space, target),
            _ => false,
        },
        TypeRef::String
        | TypeRef::Integer
        | TypeRef::Integer32
        | TypeRef::Boolean
        | TypeRef::Bytes
        | TypeRef::Any => false,
    }
}

/// The attribute for a field or variant of type `ty`, when it holds numbers.
pub fn serialize_attr(space: &TypeSpace, ty: &TypeRef) -> Option<TokenStream> {
    holds_number(space, ty).then(|| quote!(#[serde(serialize_with = "json_number::serialize")]))
}

/// The helper module the attributes name (private to the models module).
pub fn module() -> TokenStream {
    let result = quote!(::std::result::Result<S::Ok, S::Error>);
    quote! {
        /// Writes `f64` values that hold a whole number as JSON integers (`100`, not
        /// `100.0`), so that requests look like what was written. Used through
        /// `#[serde(serialize_with)]` on the fields that hold `f64`s.
        mod json_number {
            pub(super) fn serialize<T, S>(value: &T, serializer: S) -> #result
            where
                T: Numbers + ?Sized,
                S: ::serde::Serializer,
            {
                value.write(serializer)
            }

            /// The shapes of field values that hold `f64`s.
            pub(super) trait Numbers {
                fn write<S: ::serde::Serializer>(&self, serializer: S) -> #result;
            }

            impl Numbers for f64 {
                fn write<S: ::serde::Serializer>(&self, serializer: S) -> #result {
                    // Up to 2^53 every whole `f64` converts to an `i64` exactly.
                    if self.fract() == 0.0 && self.abs() <= 9_007_199_254_740_992.0 {
                        serializer.serialize_i64(*self as i64)
                    } else {
                        serializer.serialize_f64(*self)
                    }
                }
            }

            impl<T: Numbers> Numbers for ::std::option::Option<T> {
                fn write<S: ::serde::Serializer>(&self, serializer: S) -> #result {
                    match self {
                        ::std::option::Option::Some(value) => {
                            serializer.serialize_some(&Number(value))
                        }
                        ::std::option::Option::None => serializer.serialize_none(),
                    }
                }
            }

            impl<T: Numbers> Numbers for ::std::vec::Vec<T> {
                fn write<S: ::serde::Serializer>(&self, serializer: S) -> #result {
                    serializer.collect_seq(self.iter().map(Number))
                }
            }

            impl<T: Numbers> Numbers for ::std::collections::BTreeMap<::std::string::String, T> {
                fn write<S: ::serde::Serializer>(&self, serializer: S) -> #result {
                    serializer.collect_map(self.iter().map(|(key, value)| (key, Number(value))))
                }
            }

            /// A borrowed value serialized through `Numbers`.
            struct Number<'a, T: ?Sized>(&'a T);

            impl<T: Numbers + ?Sized> ::serde::Serialize for Number<'_, T> {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> #result {
                    self.0.write(serializer)
                }
            }
        }
    }
}

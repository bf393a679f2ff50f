//! IR -> tokens for the models module: one item per named type, in id order.
//!
//! Conventions (documented for users in the README):
//! - structs derive `Debug, Clone, PartialEq, Serialize, Deserialize` (and `Default` when
//!   every field is optional); unknown fields are accepted, because the live API adds
//!   fields over time;
//! - optional properties are `Option<T>` and are omitted when `None`;
//! - maps are `BTreeMap<String, T>` so that encoding is deterministic; JSON objects
//!   compare as values, so key order on the wire does not matter;
//! - tagged unions carry one struct per variant (`Element::Model(ModelElement)`);
//! - every path is fully qualified, so a schema named `String` or `Option` cannot
//!   shadow the standard types.

use crate::doc::{code, doc_attrs};
use crate::types::{Field, StructDef, TypeEntry, TypeId, TypeKind, TypeRef, TypeSpace};
use crate::{json_bytes, json_number};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeSet;

/// The items of the models module (no inner attributes, so the file can also be
/// `include!`d).
pub fn emit(space: &TypeSpace) -> TokenStream {
    let boxed = space.boxed_edges();
    let items = space
        .types()
        .map(|(id, entry)| emit_type(space, id, entry, &boxed));
    let numbers = space
        .types()
        .any(|(_, entry)| holds(space, entry, json_number::holds_number))
        .then(json_number::module);
    let bytes = space
        .types()
        .any(|(_, entry)| holds(space, entry, json_bytes::holds_bytes))
        .then(json_bytes::module);
    quote! { #(#items)* #numbers #bytes }
}

/// A path to the type usable from any module of the generated crate: standard types fully
/// qualified, named types under `crate::models`.
pub fn type_tokens(space: &TypeSpace, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(::std::string::String),
        TypeRef::Integer => quote!(i64),
        TypeRef::Integer32 => quote!(i32),
        TypeRef::Number => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Bytes => quote!(::std::vec::Vec<u8>),
        TypeRef::Any => quote!(::serde_json::Value),
        TypeRef::Named(id) => {
            let name = format_ident!("{}", space.entry(*id).name);
            quote!(crate::models::#name)
        }
        TypeRef::Vec(inner) => {
            let inner = type_tokens(space, inner);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(space, inner);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        TypeRef::Option(inner) => {
            let inner = type_tokens(space, inner);
            quote!(::std::option::Option<#inner>)
        }
    }
}

/// Whether a field or variant of the type holds what `holds_in` finds in a type reference
/// (numbers for [`json_number`], bytes for [`json_bytes`]), so that it goes through a helper.
fn holds(space: &TypeSpace, entry: &TypeEntry, holds_in: fn(&TypeSpace, &TypeRef) -> bool) -> bool {
    match &entry.kind {
        TypeKind::Struct(def) => def.fields.iter().any(|f| holds_in(space, &f.ty)),
        TypeKind::Untagged(variants) => variants.iter().any(|v| holds_in(space, &v.ty)),
        TypeKind::Newtype(ty) => holds_in(space, ty),
        TypeKind::StringEnum(_)
        | TypeKind::Tagged { .. }
        | TypeKind::Alias(_)
        | TypeKind::Pending => false,
    }
}

fn emit_type(
    space: &TypeSpace,
    id: TypeId,
    entry: &TypeEntry,
    boxed: &BTreeSet<(TypeId, TypeId)>,
) -> TokenStream {
    let name = format_ident!("{}", entry.name);
    let mut doc_text = entry.doc.clone().unwrap_or_default();
    if let TypeKind::Struct(StructDef {
        omitted_tag: Some(tag),
        ..
    }) = &entry.kind
    {
        if !doc_text.is_empty() {
            doc_text.push_str("\n\n");
        }
        doc_text.push_str(&format!(
            "The {} property is not a field: it is written and read by the enum that holds this type.",
            code(tag)
        ));
    }
    let doc = doc_attrs(&doc_text);
    match &entry.kind {
        TypeKind::Struct(def) => {
            let all_optional = def.fields.iter().all(|f| !f.required);
            let default = all_optional.then(|| quote!(Default,));
            let fields = def.fields.iter().map(|f| emit_field(space, id, f, boxed));
            let additional = def.additional.as_ref().map(|(ident, ty)| {
                let ident = format_ident!("{ident}");
                let ty = type_tokens(space, &TypeRef::Map(Box::new(ty.clone())));
                quote! {
                    /// The other properties (`additionalProperties`).
                    #[serde(flatten)]
                    pub #ident: #ty,
                }
            });
            let accessors: Vec<TokenStream> = def
                .fields
                .iter()
                .filter_map(|f| default_accessor(space, f))
                .collect();
            let accessors = (!accessors.is_empty()).then(|| {
                quote! {
                    impl #name {
                        #(#accessors)*
                    }
                }
            });
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, #default ::serde::Serialize, ::serde::Deserialize)]
                pub struct #name {
                    #(#fields)*
                    #additional
                }

                #accessors
            }
        }
        TypeKind::StringEnum(values) => {
            let variants = values.iter().map(|v| {
                let ident = format_ident!("{}", v.ident);
                let wire = &v.wire;
                quote! {
                    #[serde(rename = #wire)]
                    #ident,
                }
            });
            let arms = values.iter().map(|v| {
                let ident = format_ident!("{}", v.ident);
                let wire = &v.wire;
                quote!(Self::#ident => #wire,)
            });
            quote! {
                #doc
                #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ::serde::Serialize, ::serde::Deserialize)]
                pub enum #name {
                    #(#variants)*
                }

                impl #name {
                    /// The value as written on the wire.
                    pub fn as_str(&self) -> &'static str {
                        match self {
                            #(#arms)*
                        }
                    }
                }

                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }
            }
        }
        TypeKind::Tagged { tag, variants } => {
            let variants = variants.iter().map(|v| {
                let ident = format_ident!("{}", v.ident);
                let wire = &v.wire;
                let ty = boxed_if(
                    type_tokens(space, &TypeRef::Named(v.ty)),
                    boxed.contains(&(id, v.ty)),
                );
                let wire_json = serde_json::Value::String(wire.clone());
                let variant_doc = doc_attrs(&code(&format!("{tag}: {wire_json}")));
                quote! {
                    #variant_doc
                    #[serde(rename = #wire)]
                    #ident(#ty),
                }
            });
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(tag = #tag)]
                #[allow(clippy::large_enum_variant)]
                pub enum #name {
                    #(#variants)*
                }
            }
        }
        TypeKind::Untagged(variants) => {
            let variants = variants.iter().map(|v| {
                let ident = format_ident!("{}", v.ident);
                let ty = field_type(space, &v.ty, |to| boxed.contains(&(id, to)));
                let numbers = json_number::serialize_attr(space, &v.ty);
                let bytes = json_bytes::with_attr(space, &v.ty);
                quote!(#numbers #bytes #ident(#ty),)
            });
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(untagged)]
                #[allow(clippy::large_enum_variant)]
                pub enum #name {
                    #(#variants)*
                }
            }
        }
        TypeKind::Newtype(ty) => {
            let numbers = json_number::serialize_attr(space, ty);
            let bytes = json_bytes::with_attr(space, ty);
            let ty = field_type(space, ty, |to| boxed.contains(&(id, to)));
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(#numbers #bytes pub #ty);
            }
        }
        TypeKind::Alias(ty) => {
            let ty = type_tokens(space, ty);
            quote! {
                #doc
                pub type #name = #ty;
            }
        }
        // Every id is converted before emission; an unconverted one would be a bug, and
        // an opaque value is still valid Rust.
        TypeKind::Pending => quote! {
            #doc
            pub type #name = ::serde_json::Value;
        },
    }
}

fn emit_field(
    space: &TypeSpace,
    owner: TypeId,
    field: &Field,
    boxed: &BTreeSet<(TypeId, TypeId)>,
) -> TokenStream {
    let ident = format_ident!("{}", field.ident);
    let mut text = field.doc.clone().unwrap_or_default();
    if let Some(default) = &field.default {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&format!(
            "Default when absent: {}.",
            code(&default.to_string())
        ));
    }
    let doc = doc_attrs(&text);
    let rename = (field.ident != field.wire).then(|| {
        let wire = &field.wire;
        quote!(#[serde(rename = #wire)])
    });
    let is_box = |to: TypeId| boxed.contains(&(owner, to));
    let optional = (!field.required)
        .then(|| quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none")]));
    let ty = match (&field.ty, field.required) {
        (TypeRef::Option(_), _) | (_, true) => field_type(space, &field.ty, is_box),
        (ty, false) => {
            let inner = field_type(space, ty, is_box);
            quote!(::std::option::Option<#inner>)
        }
    };
    let numbers = json_number::serialize_attr(space, &field.ty);
    let bytes = json_bytes::with_attr(space, &field.ty);
    quote! {
        #doc
        #rename
        #optional
        #numbers
        #bytes
        pub #ident: #ty,
    }
}

/// `{field}_or_default(&self)`: the value of an optional field with a `default`, or the
/// default when it is absent. The field itself stays an `Option`, so that a value read is
/// written back as it came and a request sends only what its caller set (a `PATCH` must
/// not send defaults for what it leaves alone). Only defaults a literal can give are
/// applied: booleans, numbers, strings and string enum values of the field's own type;
/// the others are documented on the field.
fn default_accessor(space: &TypeSpace, field: &Field) -> Option<TokenStream> {
    use serde_json::Value;
    if field.required {
        return None;
    }
    let default = field.default.as_ref()?;
    let field_ident = format_ident!("{}", field.ident);
    let this = quote!(self.#field_ident);
    let (ty, value) = match (&field.ty, default) {
        (TypeRef::Boolean, Value::Bool(b)) => (quote!(bool), quote!(#this.unwrap_or(#b))),
        (TypeRef::Integer, Value::Number(n)) => {
            let n = n.as_i64()?;
            (quote!(i64), quote!(#this.unwrap_or(#n)))
        }
        (TypeRef::Integer32, Value::Number(n)) => {
            let n = i32::try_from(n.as_i64()?).ok()?;
            (quote!(i32), quote!(#this.unwrap_or(#n)))
        }
        (TypeRef::Number, Value::Number(n)) => {
            let n = n.as_f64().filter(|n| n.is_finite())?;
            (quote!(f64), quote!(#this.unwrap_or(#n)))
        }
        (TypeRef::String, Value::String(text)) => {
            (quote!(&str), quote!(#this.as_deref().unwrap_or(#text)))
        }
        (TypeRef::Named(id), Value::String(text)) => {
            let TypeKind::StringEnum(values) = &space.entry(*id).kind else {
                return None;
            };
            let variant = values.iter().find(|v| &v.wire == text)?;
            let variant = format_ident!("{}", variant.ident);
            let enum_ty = type_tokens(space, &field.ty);
            (enum_ty.clone(), quote!(#this.unwrap_or(#enum_ty::#variant)))
        }
        _ => return None,
    };
    // `type_` (a keyword) gives `type_or_default`, not `type__or_default`.
    let base = field.ident.trim_start_matches("r#").trim_end_matches('_');
    let method = format_ident!("{base}_or_default");
    let doc = doc_attrs(&format!(
        "{}, or {} when absent.",
        code(&field.wire),
        code(&default.to_string())
    ));
    Some(quote! {
        #doc
        pub fn #method(&self) -> #ty {
            #value
        }
    })
}

/// The tokens of a field type, boxing the directly held named type when it is part
/// of a cycle.
fn field_type(space: &TypeSpace, ty: &TypeRef, is_box: impl Fn(TypeId) -> bool) -> TokenStream {
    match ty {
        TypeRef::Named(id) => boxed_if(type_tokens(space, ty), is_box(*id)),
        TypeRef::Option(inner) => {
            let inner = field_type(space, inner, is_box);
            quote!(::std::option::Option<#inner>)
        }
        other => type_tokens(space, other),
    }
}

fn boxed_if(tokens: TokenStream, boxed: bool) -> TokenStream {
    if boxed {
        quote!(::std::boxed::Box<#tokens>)
    } else {
        tokens
    }
}

//! The request body, in the media type it is sent in (see `media`): JSON when the body
//! offers it, else form fields, multipart parts, text or bytes, in that order of preference.
//!
//! JSON, form and multipart bodies are models (their schema added to the type space, named
//! `{OperationId}Body` when inline; a JSON body without a schema is a `serde_json::Value`,
//! a form or multipart body without one a map of JSON values). Text is taken as `&str` and
//! bytes as `&[u8]`, whatever their schema says, since the media type decides what is sent.
//! A form body must be an object, a multipart body an object or a map; a body offered only
//! in media ranges (`*/*`) or without any media type is unsupported.

use super::media::{self, Kind};
use super::{Body, BodyKind, Context};
use crate::error::Error;
use crate::pointer::Pointer;
use crate::resolve;
use crate::types::{TypeKind, TypeRef, TypeSpace};
use openapiv3::{MediaType, Operation as OaOperation};
use std::collections::BTreeMap;

/// The request body of `operation`, its schema added to the type space when it is a model.
pub(super) fn request_body(
    cx: &mut Context<'_>,
    operation: &OaOperation,
) -> Result<Option<Body>, Error> {
    let Some(body) = &operation.request_body else {
        return Ok(None);
    };
    let resolved = resolve::resolve(
        cx.spec.components.as_ref(),
        body,
        &cx.pointer.push("requestBody"),
    );
    let Some((body, body_pointer)) = cx.note(resolved)? else {
        return Ok(None);
    };
    let chosen = choose(&body.content, &body_pointer);
    let Some((media, media_type, kind)) = cx.note(chosen)? else {
        return Ok(None);
    };
    let media_pointer = body_pointer.push("content").push(media.clone());
    let kind = match kind {
        Kind::Json => model(cx, media_type, &media_pointer, TypeRef::Any)?.map(BodyKind::Json),
        Kind::Form => {
            let ty = model(cx, media_type, &media_pointer, any_map())?;
            match ty {
                Some(ty) if takes_object(cx.space, &ty) => Some(BodyKind::Form(ty)),
                Some(_) => {
                    let at = media_pointer.push("schema");
                    let problem = Error::unsupported("form body that is not an object", &at);
                    cx.note::<()>(Err(problem))?;
                    None
                }
                None => None,
            }
        }
        Kind::Multipart => {
            let ty = model(cx, media_type, &media_pointer, any_map())?;
            match ty {
                Some(ty) if takes_object(cx.space, &ty) => Some(BodyKind::Multipart {
                    ty,
                    content_types: content_types(media_type),
                }),
                Some(_) => {
                    let at = media_pointer.push("schema");
                    let problem = Error::unsupported("multipart body that is not an object", &at);
                    cx.note::<()>(Err(problem))?;
                    None
                }
                None => None,
            }
        }
        Kind::Text => Some(BodyKind::Text),
        Kind::Binary => Some(BodyKind::Bytes),
    };
    let Some(kind) = kind else {
        return Ok(None);
    };
    Ok(Some(Body {
        kind,
        media,
        required: body.required,
        ident: cx.idents.claim("body"),
    }))
}

/// The media type the body is sent in: the first JSON one, else the first form, multipart,
/// text or binary one, in that order. Media ranges cannot be sent; keys that are not media
/// types are unsupported when nothing else can be sent.
fn choose<'a>(
    content: &'a indexmap::IndexMap<String, MediaType>,
    body_pointer: &Pointer,
) -> Result<(String, &'a MediaType, Kind), Error> {
    let sendable = content.iter().filter_map(|(media, media_type)| {
        let read = media::read(media)?;
        (!read.range).then_some((media, media_type, read.kind))
    });
    if let Some((media, media_type, kind)) = sendable.min_by_key(|(_, _, kind)| *kind) {
        return Ok((media.clone(), media_type, kind));
    }
    let Some(media) = content.keys().next() else {
        return Err(Error::unsupported(
            "request body without a media type",
            &body_pointer.push("content"),
        ));
    };
    let at = body_pointer.push("content").push(media.clone());
    let problem = match media::read(media) {
        Some(_) => format!("request body in the media range `{media}` (no media type to send)"),
        None => format!("request body media type `{media}`, which is not a media type"),
    };
    Err(Error::unsupported(problem, &at))
}

/// The model of a JSON, form or multipart body: its schema added to the type space, or
/// `absent` when the media type has none; `None` when the schema needs unsupported
/// constructs (recorded).
fn model(
    cx: &mut Context<'_>,
    media_type: &MediaType,
    media_pointer: &Pointer,
    absent: TypeRef,
) -> Result<Option<TypeRef>, Error> {
    let Some(schema) = &media_type.schema else {
        return Ok(Some(absent));
    };
    let ty = cx.space.add(
        schema,
        &format!("{} body", cx.operation_id),
        &media_pointer.push("schema"),
    );
    cx.note(ty)
}

/// A map of JSON values: the model of a form or multipart body without a schema.
fn any_map() -> TypeRef {
    TypeRef::Map(Box::new(TypeRef::Any))
}

/// Whether values of `ty` can serialize to an object: structs, maps, unions and untyped
/// values, through `Option`s and aliases.
fn takes_object(space: &TypeSpace, ty: &TypeRef) -> bool {
    let mut ty = ty;
    // Aliases of aliases end; the bound only guards against a chain that refers to itself.
    for _ in 0..64 {
        match ty {
            TypeRef::Map(_) | TypeRef::Any => return true,
            TypeRef::Option(inner) => ty = inner,
            TypeRef::Named(id) => match &space.entry(*id).kind {
                TypeKind::Struct(_) | TypeKind::Tagged { .. } | TypeKind::Untagged(_) => {
                    return true;
                }
                TypeKind::Alias(target) => ty = target,
                TypeKind::StringEnum(_) | TypeKind::Newtype(_) | TypeKind::Pending => {
                    return false;
                }
            },
            TypeRef::String
            | TypeRef::Integer
            | TypeRef::Integer32
            | TypeRef::Number
            | TypeRef::Boolean
            | TypeRef::Bytes
            | TypeRef::Vec(_) => return false,
        }
    }
    false
}

/// The `Content-Type` of the file parts of each property whose `encoding.contentType` names
/// a media type that can be sent: the first entry of its comma-separated list that is one
/// and not a range (`image/png` of `image/*, image/png`).
fn content_types(media_type: &MediaType) -> BTreeMap<String, String> {
    media_type
        .encoding
        .iter()
        .filter_map(|(property, encoding)| {
            let listed = encoding.content_type.as_deref()?;
            let first = listed
                .split(',')
                .map(str::trim)
                .find(|entry| media::read(entry).is_some_and(|read| !read.range))?;
            Some((property.clone(), first.to_owned()))
        })
        .collect()
}

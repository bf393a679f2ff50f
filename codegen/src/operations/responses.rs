//! Responses: every JSON response schema becomes a model; the lowest 2xx response with
//! content decides what the method returns. In it, a JSON media type wins (its model, or the
//! property of it that `x-dynroute-unwrap` names; `serde_json::Value` without a schema),
//! then text (`String`), then anything else (bytes, `Vec<u8>`): the media type decides,
//! whatever the schema says. Without content the method returns `()`.

use super::media::{self, Kind};
use super::{Context, Returns};
use crate::error::Error;
use crate::pointer::Pointer;
use crate::resolve;
use crate::types::TypeRef;
use openapiv3::{
    Operation as OaOperation, ReferenceOr, Response, Schema, SchemaKind, StatusCode, Type,
};

/// Adds the JSON schema of every response (errors included) to the models, named
/// `{OperationId}Response{status}` when inline, so that whole envelopes and error bodies have
/// types even where a method returns only part of the success body.
pub(super) fn add_models(cx: &mut Context<'_>, operation: &OaOperation) -> Result<(), Error> {
    for (status, response) in &operation.responses.responses {
        let response_pointer = cx.pointer.push("responses").push(status.to_string());
        let resolved = resolve::resolve(cx.spec.components.as_ref(), response, &response_pointer);
        let Some((response, response_pointer)) = cx.note(resolved)? else {
            continue;
        };
        for (media, content) in &response.content {
            if let (Some(schema), true) = (&content.schema, media::is_json(media)) {
                let schema_pointer = response_pointer
                    .push("content")
                    .push(media.clone())
                    .push("schema");
                let added = cx.space.add(
                    schema,
                    &format!("{} response {status}", cx.operation_id),
                    &schema_pointer,
                );
                cx.note(added)?;
            }
        }
    }
    Ok(())
}

/// The property `x-dynroute-unwrap` names, if the operation has the extension.
pub(super) fn unwrap_property(
    operation: &OaOperation,
    pointer: &Pointer,
) -> Result<Option<String>, Error> {
    match operation.extensions.get("x-dynroute-unwrap") {
        None => Ok(None),
        Some(serde_json::Value::String(property)) => Ok(Some(property.clone())),
        Some(_) => Err(Error::invalid(
            "x-dynroute-unwrap must be a string (a property of the success body)",
            &pointer.push("x-dynroute-unwrap"),
        )),
    }
}

/// What the lowest 2xx response with content holds.
pub(super) enum Success {
    /// JSON, with its schema and the schema's pointer when it has one.
    Json(Option<Box<(ReferenceOr<Schema>, Pointer)>>),
    /// Text, in these media types (the `Accept` header).
    Text(String),
    /// Anything else, in these media types (the `Accept` header).
    Bytes(String),
}

/// What the lowest 2xx response that has content holds (`2XX` counts after explicit codes),
/// or `None` when no success response has content. Keys that are not media types are left
/// aside; a response with nothing else is recorded as unsupported, and the answer is `None`.
pub(super) fn success(
    cx: &mut Context<'_>,
    operation: &OaOperation,
) -> Result<Option<Success>, Error> {
    let mut candidates: Vec<(u16, &StatusCode, &ReferenceOr<Response>)> = operation
        .responses
        .responses
        .iter()
        .filter_map(|(status, response)| match status {
            StatusCode::Code(code) if (200..300).contains(code) => Some((*code, status, response)),
            StatusCode::Range(2) => Some((299, status, response)),
            _ => None,
        })
        .collect();
    candidates.sort_by_key(|(order, _, _)| *order);
    for (_, status, response) in candidates {
        let response_pointer = cx.pointer.push("responses").push(status.to_string());
        let resolved = resolve::resolve(cx.spec.components.as_ref(), response, &response_pointer);
        // Recorded by `add_models`, which resolves every response first.
        let Ok((response, response_pointer)) = resolved else {
            return Ok(None);
        };
        if response.content.is_empty() {
            continue;
        }
        let content_pointer = response_pointer.push("content");
        // Keys that are not media types cannot be asked for: the others are read.
        let kinds: Vec<(&String, Kind)> = response
            .content
            .keys()
            .filter_map(|media| Some((media, media::read(media)?.kind)))
            .collect();
        if kinds.is_empty() {
            let media = response.content.keys().next().cloned().unwrap_or_default();
            let problem = format!("response media type `{media}`, which is not a media type");
            let at = content_pointer.push(media);
            cx.note::<()>(Err(Error::unsupported(problem, &at)))?;
            return Ok(None);
        }
        if let Some((media, _)) = kinds.iter().find(|(_, kind)| *kind == Kind::Json) {
            let schema = response.content.get(*media).and_then(|m| m.schema.clone());
            let schema_pointer = content_pointer.push((*media).clone()).push("schema");
            return Ok(Some(Success::Json(
                schema.map(|s| Box::new((s, schema_pointer))),
            )));
        }
        let accept = |wanted: fn(Kind) -> bool| {
            let media: Vec<&str> = kinds
                .iter()
                .filter(|(_, kind)| wanted(*kind))
                .map(|(media, _)| media.as_str())
                .collect();
            media.join(", ")
        };
        if kinds.iter().any(|(_, kind)| *kind == Kind::Text) {
            return Ok(Some(Success::Text(accept(|kind| kind == Kind::Text))));
        }
        return Ok(Some(Success::Bytes(accept(|_| true))));
    }
    Ok(None)
}

/// What the method returns: the JSON success schema (or its `unwrap` property) added to the
/// type space, `serde_json::Value` for JSON without a schema, text, bytes, or `()` without
/// a success response with content. `unwrap` needs a JSON success response.
pub(super) fn returns(
    cx: &mut Context<'_>,
    success: Option<&Success>,
    unwrap: Option<&str>,
) -> Result<Returns, Error> {
    let operation_id = cx.operation_id;
    let schema = match (success, unwrap) {
        (None, None) => return Ok(Returns::Nothing),
        (Some(Success::Text(accept)), None) => {
            return Ok(Returns::Text {
                accept: accept.clone(),
            });
        }
        (Some(Success::Bytes(accept)), None) => {
            return Ok(Returns::Bytes {
                accept: accept.clone(),
            });
        }
        (Some(Success::Json(None)), _) => return Ok(Returns::Json(TypeRef::Any)),
        (Some(Success::Json(Some(schema))), _) => schema,
        (None | Some(Success::Text(_) | Success::Bytes(_)), Some(_)) => {
            return Err(Error::invalid(
                "x-dynroute-unwrap is set but the operation has no JSON success response",
                &cx.pointer.push("x-dynroute-unwrap"),
            ));
        }
    };
    let (schema, schema_pointer) = &**schema;
    let Some(property) = unwrap else {
        return Ok(Returns::Json(cx.space.add(
            schema,
            &format!("{operation_id} response"),
            schema_pointer,
        )?));
    };
    let (prop_schema, prop_pointer) = find_property(cx, schema, schema_pointer, property)?
        .ok_or_else(|| {
            Error::invalid(
                format!(
                    "x-dynroute-unwrap names `{property}`, which the success response schema does not declare"
                ),
                &cx.pointer.push("x-dynroute-unwrap"),
            )
        })?;
    Ok(Returns::Json(cx.space.add(
        &prop_schema,
        &format!("{operation_id} {property}"),
        &prop_pointer,
    )?))
}

/// Finds `property` in an object schema, looking through `$ref`s and into `allOf` members.
/// Returns the property schema and its pointer.
pub(super) fn find_property(
    cx: &Context<'_>,
    schema: &ReferenceOr<Schema>,
    pointer: &Pointer,
    property: &str,
) -> Result<Option<(ReferenceOr<Schema>, Pointer)>, Error> {
    let (resolved, base) = match schema {
        ReferenceOr::Item(s) => (s, pointer.clone()),
        ReferenceOr::Reference { reference } => {
            let target = Pointer::from_ref(reference).unwrap_or_else(|| pointer.clone());
            let (resolved, _) = resolve::resolve(cx.spec.components.as_ref(), schema, &target)?;
            (resolved, target)
        }
    };
    match &resolved.schema_kind {
        SchemaKind::Type(Type::Object(object)) => Ok(object
            .properties
            .get(property)
            .map(|p| (unbox(p), base.push("properties").push(property)))),
        SchemaKind::AllOf { all_of } => {
            for (i, member) in all_of.iter().enumerate() {
                if let Some(found) =
                    find_property(cx, member, &base.push("allOf").index(i), property)?
                {
                    return Ok(Some(found));
                }
            }
            Ok(None)
        }
        SchemaKind::Any(any) => Ok(any
            .properties
            .get(property)
            .map(|p| (unbox(p), base.push("properties").push(property)))),
        _ => Ok(None),
    }
}

/// A property or items schema in the form [`crate::types::TypeSpace::add`] takes.
pub(super) fn unbox(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match schema {
        ReferenceOr::Item(boxed) => ReferenceOr::Item((**boxed).clone()),
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
    }
}

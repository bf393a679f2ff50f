//! Responses: every JSON response schema becomes a model; the lowest 2xx one is what the
//! method returns, or the property of it that `x-dynroute-unwrap` names.

use super::{Context, is_json, json_schema_of};
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
            if let (Some(schema), true) = (&content.schema, is_json(media)) {
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

/// The JSON schema of the lowest 2xx response that has content (`2XX` counts after
/// explicit codes), with its pointer, or `None` when no success response has content. When
/// that content is not JSON with a schema, the construct is recorded and the answer is
/// `None`.
pub(super) fn success_schema(
    cx: &mut Context<'_>,
    operation: &OaOperation,
) -> Result<Option<(ReferenceOr<Schema>, Pointer)>, Error> {
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
        let found = json_schema_of(&response.content, &response_pointer, "response");
        let Some((media, schema)) = cx.note(found)? else {
            return Ok(None);
        };
        let schema_pointer = response_pointer.push("content").push(media).push("schema");
        return Ok(Some((schema.clone(), schema_pointer)));
    }
    Ok(None)
}

/// What the method returns: the success schema, or its `unwrap` property, added to the
/// type space; `None` without a success schema.
pub(super) fn returns(
    cx: &mut Context<'_>,
    success: Option<&(ReferenceOr<Schema>, Pointer)>,
    unwrap: Option<&str>,
) -> Result<Option<TypeRef>, Error> {
    let operation_id = cx.operation_id;
    match (success, unwrap) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(Error::invalid(
            "x-dynroute-unwrap is set but the operation has no JSON success response",
            &cx.pointer.push("x-dynroute-unwrap"),
        )),
        (Some((schema, schema_pointer)), None) => Ok(Some(cx.space.add(
            schema,
            &format!("{operation_id} response"),
            schema_pointer,
        )?)),
        (Some((schema, schema_pointer)), Some(property)) => {
            let (prop_schema, prop_pointer) = find_property(cx, schema, schema_pointer, property)?
                .ok_or_else(|| {
                    Error::invalid(
                        format!(
                            "x-dynroute-unwrap names `{property}`, which the success response schema does not declare"
                        ),
                        &cx.pointer.push("x-dynroute-unwrap"),
                    )
                })?;
            Ok(Some(cx.space.add(
                &prop_schema,
                &format!("{operation_id} {property}"),
                &prop_pointer,
            )?))
        }
    }
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

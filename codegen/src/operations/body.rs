//! The request body: sent as JSON, so a body offered only in other media types (or without
//! a schema) is unsupported.

use super::{Body, Context, is_json, json_schema_of};
use crate::error::Error;
use crate::resolve;
use openapiv3::Operation as OaOperation;

/// The JSON request body of `operation`, its schema added to the type space (named
/// `{OperationId}Body` when inline).
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
    // The client sends JSON; a body offered only in another form cannot be sent.
    if let Some(media) = body.content.keys().next()
        && !body.content.keys().any(|m| is_json(m))
    {
        cx.note::<()>(Err(Error::unsupported(
            format!("{media} request body"),
            &body_pointer,
        )))?;
        return Ok(None);
    }
    let found = json_schema_of(&body.content, &body_pointer, "request body");
    let Some((media, schema)) = cx.note(found)? else {
        return Ok(None);
    };
    let schema_pointer = body_pointer.push("content").push(media).push("schema");
    let ty = cx.space.add(
        schema,
        &format!("{} body", cx.operation_id),
        &schema_pointer,
    );
    let Some(ty) = cx.note(ty)? else {
        return Ok(None);
    };
    Ok(Some(Body {
        ty,
        required: body.required,
        ident: cx.idents.claim("body"),
    }))
}

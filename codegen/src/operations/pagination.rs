//! `x-dynroute-pagination: {"page": "<query>", "perPage": "<query>", "items": "<property>"}`:
//! a numbered-page listing, walked by a `<method>_stream` helper. `page` (and `perPage`)
//! name optional query parameters, `page` an integer one; `items` names the array of the
//! (unwrapped) success body that holds the items.

use super::responses::{find_property, unbox};
use super::{Context, Pagination, Param};
use crate::error::Error;
use crate::names::{self, Unique};
use crate::pointer::Pointer;
use crate::resolve;
use crate::types::TypeRef;
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

/// The operation's listing, as far as its method, query and success body tell it.
pub(super) struct Listing<'a> {
    /// The method name of the operation.
    pub(super) method_name: &'a str,
    /// Its query parameters.
    pub(super) query_params: &'a [Param],
    /// Its JSON success schema and pointer.
    pub(super) success: Option<&'a (ReferenceOr<Schema>, Pointer)>,
    /// The property of the success body the method returns.
    pub(super) unwrap: Option<&'a str>,
}

/// Reads the extension `value` (at `pointer`) of an operation; the helper's name is
/// claimed in `methods`.
pub(super) fn pagination(
    cx: &mut Context<'_>,
    methods: &mut Unique,
    listing: &Listing<'_>,
    value: &serde_json::Value,
    pointer: &Pointer,
) -> Result<Pagination, Error> {
    let query_params = listing.query_params;
    let field = |key: &str| -> Result<Option<String>, Error> {
        match value.get(key) {
            None => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Error::invalid(
                format!("`{key}` must be a string"),
                &pointer.push(key),
            )),
        }
    };
    if !value.is_object() {
        return Err(Error::invalid(
            "x-dynroute-pagination must be an object {page, perPage, items}",
            pointer,
        ));
    }
    let page = field("page")?.ok_or_else(|| {
        Error::invalid(
            "`page` (the page number query parameter) is missing",
            pointer,
        )
    })?;
    let items = field("items")?
        .ok_or_else(|| Error::invalid("`items` (the array property) is missing", pointer))?;
    let find = |name: &str, key: &str| -> Result<usize, Error> {
        let index = query_params
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| {
                Error::invalid(
                    format!("`{name}` is not a query parameter of this operation"),
                    &pointer.push(key),
                )
            })?;
        if query_params[index].required {
            return Err(Error::invalid(
                format!("query parameter `{name}` must be optional to drive pagination"),
                &pointer.push(key),
            ));
        }
        Ok(index)
    };
    let page_param = find(&page, "page")?;
    if !matches!(
        query_params[page_param].ty,
        TypeRef::Integer | TypeRef::Integer32
    ) {
        return Err(Error::invalid(
            format!("page parameter `{page}` must be an integer"),
            &pointer.push("page"),
        ));
    }
    let per_page_param = match field("perPage")? {
        Some(name) => Some(find(&name, "perPage")?),
        None => None,
    };
    let item_ty = item_type(cx, listing, &items, pointer)?;
    Ok(Pagination {
        method_name: methods.claim(&names::stream_method(listing.method_name)),
        page_param,
        per_page_param,
        items,
        item_ty,
    })
}

/// The type of one item of the `items` array of the listing, added to the type space.
fn item_type(
    cx: &mut Context<'_>,
    listing: &Listing<'_>,
    items: &str,
    pointer: &Pointer,
) -> Result<TypeRef, Error> {
    let Some((schema, schema_pointer)) = listing.success else {
        return Err(Error::invalid(
            "a paginated operation needs a JSON success response with a schema",
            pointer,
        ));
    };
    let (body, body_pointer) = match listing.unwrap {
        None => (schema.clone(), schema_pointer.clone()),
        Some(property) => {
            find_property(cx, schema, schema_pointer, property)?.ok_or_else(|| {
                Error::invalid(format!("the success response has no `{property}`"), pointer)
            })?
        }
    };
    let (items_schema, items_pointer) = find_property(cx, &body, &body_pointer, items)?
        .ok_or_else(|| {
            Error::invalid(
                format!("the listing has no `{items}` property"),
                &pointer.push("items"),
            )
        })?;
    let (resolved, _) =
        resolve::resolve(cx.spec.components.as_ref(), &items_schema, &items_pointer)?;
    let item_schema = match &resolved.schema_kind {
        SchemaKind::Type(Type::Array(array)) => array.items.clone().ok_or_else(|| {
            Error::invalid(format!("`{items}` has no `items` schema"), &items_pointer)
        })?,
        _ => {
            return Err(Error::invalid(
                format!("`{items}` must be an array"),
                &items_pointer,
            ));
        }
    };
    cx.space.add(
        &unbox(&item_schema),
        &format!("{} item", cx.operation_id),
        &items_pointer.push("items"),
    )
}

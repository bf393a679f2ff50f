//! The operation IR: what the client emitter needs to know about each operation of a
//! spec, with every name and type decided here, once.
//!
//! [`collect`] walks `paths` in spec order and, for each operation, resolves its
//! parameters (`$ref`s into `#/components/parameters` included), adds the schemas of its
//! parameters, JSON request body and 2xx JSON response to the type space, and reads two
//! vendor extensions:
//!
//! * `x-dynroute-unwrap: "<property>"`: the method returns that property of the 2xx body
//!   instead of the whole body (envelopes such as `{"success": true, "result": {...}}`);
//! * `x-dynroute-pagination: {"page": "<query>", "perPage": "<query>", "items": "<property>"}`:
//!   the operation is a numbered-page listing; the emitter adds a `<method>_stream` helper that
//!   walks every page. `items` names the array inside the (unwrapped) body.
//!
//! Anything the client cannot express is an [`Error`] with a JSON pointer, never a panic.

use crate::error::Error;
use crate::names::{self, Unique};
use crate::pointer::Pointer;
use crate::types::{TypeRef, TypeSpace};
use openapiv3::{
    OpenAPI, Operation as OaOperation, Parameter, ParameterData, ParameterSchemaOrContent,
    QueryStyle, ReferenceOr, RequestBody, Response, Schema, SchemaKind, StatusCode, Type,
};

/// Inherent methods of the runtime `Client` (private ones included: all inherent methods of
/// a type share one namespace) and `builder`, which the emitter adds, plus `clone`, which a
/// generated method would shadow. A test keeps this in step with the runtime.
const RESERVED_METHODS: &[&str] = &[
    "builder",
    "builder_for",
    "with_options",
    "base_url",
    "execute",
    "execute_value",
    "decode_response",
    "max_retries",
    "timeout",
    "request_id",
    "finish_success",
    "status_error",
    "clone",
];

/// Everything the client emitter needs from a spec.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientIr {
    /// `servers[0].url` with its variables set to their defaults, when it is absolute.
    pub default_base_url: Option<String>,
    /// The operations, in spec order (paths, then methods in `openapiv3` order).
    pub operations: Vec<Operation>,
}

/// One operation, ready to emit as an async method.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The operationId as written (or `{method} {path}` when absent).
    pub operation_id: String,
    /// The Rust method name: snake_case of the operationId, made unique.
    pub method_name: String,
    /// The HTTP method, upper case (`GET`, `POST`, ...).
    pub http_method: String,
    /// The path template as written (`/routes/{id}`).
    pub path: String,
    /// The path template split into literal text and parameters.
    pub path_parts: Vec<PathPart>,
    /// Summary and description, for the method's documentation.
    pub doc: Option<String>,
    /// Path parameters, in the order they appear in the path.
    pub path_params: Vec<Param>,
    /// Query parameters, in spec order.
    pub query_params: Vec<Param>,
    /// The JSON request body.
    pub body: Option<Body>,
    /// The property of the 2xx body returned (`x-dynroute-unwrap`).
    pub unwrap: Option<String>,
    /// What the method returns: the 2xx JSON type (or its unwrapped property); `None` when
    /// the operation declares no JSON success body.
    pub returns: Option<TypeRef>,
    /// Numbered-page walking (`x-dynroute-pagination`).
    pub pagination: Option<Pagination>,
    /// Where the operation is in the spec.
    pub pointer: Pointer,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Text sent as written.
    Literal(String),
    /// The path parameter at this index of [`Operation::path_params`].
    Param(usize),
}

/// A path or query parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The name on the wire.
    pub name: String,
    /// The Rust identifier of the method argument.
    pub ident: String,
    /// Its type.
    pub ty: TypeRef,
    /// Whether the spec requires it (path parameters always are).
    pub required: bool,
    /// For query arrays in `form` style: one `name=item` pair per item (the default) rather
    /// than one pair of comma-joined items.
    pub explode: bool,
    /// Its description.
    pub doc: Option<String>,
}

/// A JSON request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// Its type.
    pub ty: TypeRef,
    /// Whether the spec requires it; optional bodies are taken as `Option<&T>`.
    pub required: bool,
    /// The Rust identifier of the method argument.
    pub ident: String,
}

/// How a numbered-page listing is walked.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// The name of the helper method (`<method>_stream`).
    pub method_name: String,
    /// Index in [`Operation::query_params`] of the page number parameter.
    pub page_param: usize,
    /// Index in [`Operation::query_params`] of the page size parameter.
    pub per_page_param: Option<usize>,
    /// The array property of the (unwrapped) body holding the items.
    pub items: String,
    /// The type of one item.
    pub item_ty: TypeRef,
}

/// Collects every operation of `spec`, adding the schemas they use to `space`.
pub fn collect(spec: &OpenAPI, space: &mut TypeSpace) -> Result<ClientIr, Error> {
    let mut methods = Unique::new();
    for reserved in RESERVED_METHODS {
        methods.reserve(reserved);
    }
    let mut operations = Vec::new();
    for (path, item) in &spec.paths.paths {
        let item_pointer = Pointer::root().push("paths").push(path.clone());
        let ReferenceOr::Item(item) = item else {
            return Err(Error::unsupported("$ref path item", &item_pointer));
        };
        for (method, operation) in item.iter() {
            let pointer = item_pointer.push(method);
            let shared = item
                .parameters
                .iter()
                .enumerate()
                .map(|(i, p)| (p, item_pointer.push("parameters").index(i)));
            operations.push(collect_operation(
                spec,
                space,
                &mut methods,
                path,
                method,
                operation,
                shared.collect(),
                pointer,
            )?);
        }
    }
    Ok(ClientIr {
        default_base_url: default_base_url(spec),
        operations,
    })
}

#[allow(clippy::too_many_arguments)]
fn collect_operation(
    spec: &OpenAPI,
    space: &mut TypeSpace,
    methods: &mut Unique,
    path: &str,
    method: &str,
    operation: &OaOperation,
    shared_params: Vec<(&ReferenceOr<Parameter>, Pointer)>,
    pointer: Pointer,
) -> Result<Operation, Error> {
    let operation_id = operation
        .operation_id
        .clone()
        .unwrap_or_else(|| format!("{method} {path}"));
    let method_name = methods.claim(&names::field_name(&operation_id));
    let mut idents = Unique::new();

    // Operation-level parameters override path-item ones with the same name and location.
    let own: Vec<(&ReferenceOr<Parameter>, Pointer)> = operation
        .parameters
        .iter()
        .enumerate()
        .map(|(i, p)| (p, pointer.push("parameters").index(i)))
        .collect();
    let mut params: Vec<(&Parameter, Pointer)> = Vec::new();
    for (param, param_pointer) in shared_params.into_iter().chain(own) {
        let (param, param_pointer) = resolve_parameter(spec, param, param_pointer)?;
        let key = (param_location(param), &param.parameter_data_ref().name);
        params.retain(|(p, _)| (param_location(p), &p.parameter_data_ref().name) != key);
        params.push((param, param_pointer));
    }

    let path_parts_raw = parse_path(path, &pointer)?;
    let mut path_params = Vec::new();
    let mut path_parts = Vec::new();
    for part in path_parts_raw {
        match part {
            RawPart::Literal(text) => path_parts.push(PathPart::Literal(text)),
            RawPart::Param(name) => {
                let Some((param, param_pointer)) = params.iter().find(|(p, _)| {
                    matches!(p, Parameter::Path { .. }) && p.parameter_data_ref().name == name
                }) else {
                    return Err(Error::invalid(
                        format!("path parameter `{name}` is used in the path but not declared"),
                        &pointer,
                    ));
                };
                if let Some(index) = path_params.iter().position(|p: &Param| p.name == name) {
                    path_parts.push(PathPart::Param(index));
                    continue;
                }
                let data = param.parameter_data_ref();
                let ty = param_type(space, &operation_id, data, param_pointer)?;
                path_params.push(Param {
                    name: name.clone(),
                    ident: idents.claim(&names::field_name(&name)),
                    ty,
                    required: true,
                    explode: false,
                    doc: data.description.clone(),
                });
                path_parts.push(PathPart::Param(path_params.len() - 1));
            }
        }
    }

    let mut query_params = Vec::new();
    for (param, param_pointer) in &params {
        match param {
            Parameter::Path { parameter_data, .. } => {
                if !path_params.iter().any(|p| p.name == parameter_data.name) {
                    return Err(Error::invalid(
                        format!(
                            "path parameter `{}` is declared but not used in the path",
                            parameter_data.name
                        ),
                        param_pointer,
                    ));
                }
            }
            Parameter::Query {
                parameter_data,
                style,
                ..
            } => {
                if !matches!(style, QueryStyle::Form) {
                    return Err(Error::unsupported(
                        format!("query parameter style `{style:?}`"),
                        &param_pointer.push("style"),
                    ));
                }
                let ty = param_type(space, &operation_id, parameter_data, param_pointer)?;
                query_params.push(Param {
                    name: parameter_data.name.clone(),
                    ident: idents.claim(&names::field_name(&parameter_data.name)),
                    ty,
                    required: parameter_data.required,
                    explode: parameter_data.explode.unwrap_or(true),
                    doc: parameter_data.description.clone(),
                });
            }
            Parameter::Header { .. } => {
                return Err(Error::unsupported("header parameter", param_pointer));
            }
            Parameter::Cookie { .. } => {
                return Err(Error::unsupported("cookie parameter", param_pointer));
            }
        }
    }

    let body = match &operation.request_body {
        None => None,
        Some(body) => {
            let body_pointer = pointer.push("requestBody");
            let (body, body_pointer) = resolve_request_body(spec, body, body_pointer)?;
            // The client sends JSON; a body offered only in another form cannot be sent.
            if let Some(media) = body.content.keys().next()
                && !body.content.keys().any(|m| is_json(m))
            {
                return Err(Error::unsupported(
                    format!("{media} request body"),
                    &body_pointer,
                ));
            }
            let (media, schema) = json_schema_of(&body.content, &body_pointer, "request body")?;
            let schema_pointer = body_pointer.push("content").push(media).push("schema");
            let ty = space.add(schema, &format!("{operation_id} body"), &schema_pointer)?;
            Some(Body {
                ty,
                required: body.required,
                ident: idents.claim("body"),
            })
        }
    };

    response_models(spec, space, &operation_id, operation, &pointer)?;

    let unwrap = match operation.extensions.get("x-dynroute-unwrap") {
        None => None,
        Some(serde_json::Value::String(property)) => Some(property.clone()),
        Some(_) => {
            return Err(Error::invalid(
                "x-dynroute-unwrap must be a string (a property of the success body)",
                &pointer.push("x-dynroute-unwrap"),
            ));
        }
    };

    let success = success_schema(spec, operation, &pointer)?;
    let returns = match (&success, &unwrap) {
        (None, None) => None,
        (None, Some(_)) => {
            return Err(Error::invalid(
                "x-dynroute-unwrap is set but the operation has no JSON success response",
                &pointer.push("x-dynroute-unwrap"),
            ));
        }
        (Some((schema, schema_pointer)), None) => {
            Some(space.add(schema, &format!("{operation_id} response"), schema_pointer)?)
        }
        (Some((schema, schema_pointer)), Some(property)) => {
            let (prop_schema, prop_pointer) = find_property(space, schema, schema_pointer, property)?
                .ok_or_else(|| {
                    Error::invalid(
                        format!(
                            "x-dynroute-unwrap names `{property}`, which the success response schema does not declare"
                        ),
                        &pointer.push("x-dynroute-unwrap"),
                    )
                })?;
            Some(space.add(
                &prop_schema,
                &format!("{operation_id} {property}"),
                &prop_pointer,
            )?)
        }
    };

    let pagination = match operation.extensions.get("x-dynroute-pagination") {
        None => None,
        Some(value) => Some(pagination(
            space,
            methods,
            &method_name,
            &operation_id,
            value,
            &query_params,
            success.as_ref(),
            unwrap.as_deref(),
            &pointer.push("x-dynroute-pagination"),
        )?),
    };

    let doc = match (&operation.summary, &operation.description) {
        (Some(summary), Some(description)) => {
            // A summary is a title; it ends a sentence unless it already does.
            let stop = if summary.trim_end().ends_with(['.', '!', '?']) {
                ""
            } else {
                "."
            };
            Some(format!("{}{stop}\n\n{description}", summary.trim_end()))
        }
        (Some(text), None) | (None, Some(text)) => Some(text.clone()),
        (None, None) => None,
    };

    Ok(Operation {
        operation_id,
        method_name,
        http_method: method.to_ascii_uppercase(),
        path: path.to_string(),
        path_parts,
        doc,
        path_params,
        query_params,
        body,
        unwrap,
        returns,
        pagination,
        pointer,
    })
}

#[allow(clippy::too_many_arguments)]
fn pagination(
    space: &mut TypeSpace,
    methods: &mut Unique,
    method_name: &str,
    operation_id: &str,
    value: &serde_json::Value,
    query_params: &[Param],
    success: Option<&(ReferenceOr<Schema>, Pointer)>,
    unwrap: Option<&str>,
    pointer: &Pointer,
) -> Result<Pagination, Error> {
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

    let Some((schema, schema_pointer)) = success else {
        return Err(Error::invalid(
            "a paginated operation needs a JSON success response",
            pointer,
        ));
    };
    let (listing, listing_pointer) = match unwrap {
        None => (schema.clone(), schema_pointer.clone()),
        Some(property) => {
            find_property(space, schema, schema_pointer, property)?.ok_or_else(|| {
                Error::invalid(format!("the success response has no `{property}`"), pointer)
            })?
        }
    };
    let (items_schema, items_pointer) = find_property(space, &listing, &listing_pointer, &items)?
        .ok_or_else(|| {
        Error::invalid(
            format!("the listing has no `{items}` property"),
            &pointer.push("items"),
        )
    })?;
    let item_schema = match &space.resolve(&items_schema)?.schema_kind {
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
    let item_ty = space.add(
        &unbox(&item_schema),
        &format!("{operation_id} item"),
        &items_pointer.push("items"),
    )?;
    Ok(Pagination {
        method_name: methods.claim(&format!("{method_name}_stream")),
        page_param,
        per_page_param,
        items,
        item_ty,
    })
}

/// Finds `property` in an object schema, looking through `$ref`s and into `allOf` members.
/// Returns the property schema and its pointer.
fn find_property(
    space: &TypeSpace,
    schema: &ReferenceOr<Schema>,
    pointer: &Pointer,
    property: &str,
) -> Result<Option<(ReferenceOr<Schema>, Pointer)>, Error> {
    let (resolved, base) = match schema {
        ReferenceOr::Item(s) => (s, pointer.clone()),
        ReferenceOr::Reference { reference } => (
            space.resolve(schema)?,
            Pointer::from_ref(reference).unwrap_or_else(|| pointer.clone()),
        ),
    };
    match &resolved.schema_kind {
        SchemaKind::Type(Type::Object(object)) => Ok(object
            .properties
            .get(property)
            .map(|p| (unbox(p), base.push("properties").push(property)))),
        SchemaKind::AllOf { all_of } => {
            for (i, member) in all_of.iter().enumerate() {
                if let Some(found) =
                    find_property(space, member, &base.push("allOf").index(i), property)?
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

/// A property or items schema in the form [`TypeSpace::add`] takes.
fn unbox(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match schema {
        ReferenceOr::Item(boxed) => ReferenceOr::Item((**boxed).clone()),
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
    }
}

/// Adds the JSON schema of every response (errors included) to the models, named
/// `{OperationId}Response{status}` when inline, so that whole envelopes and error bodies have
/// types even where a method returns only part of the success body.
fn response_models(
    spec: &OpenAPI,
    space: &mut TypeSpace,
    operation_id: &str,
    operation: &OaOperation,
    pointer: &Pointer,
) -> Result<(), Error> {
    for (status, response) in &operation.responses.responses {
        let response_pointer = pointer.push("responses").push(status.to_string());
        let (response, response_pointer) = resolve_response(spec, response, response_pointer)?;
        for (media, content) in &response.content {
            if let (Some(schema), true) = (&content.schema, is_json(media)) {
                let schema_pointer = response_pointer
                    .push("content")
                    .push(media.clone())
                    .push("schema");
                space.add(
                    schema,
                    &format!("{operation_id} response {status}"),
                    &schema_pointer,
                )?;
            }
        }
    }
    Ok(())
}

/// The JSON schema of the lowest 2xx response that has one (`2XX` counts after explicit
/// codes), or `None` when no success response carries JSON.
fn success_schema(
    spec: &OpenAPI,
    operation: &OaOperation,
    pointer: &Pointer,
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
        let response_pointer = pointer.push("responses").push(status.to_string());
        let (response, response_pointer) = resolve_response(spec, response, response_pointer)?;
        if response.content.is_empty() {
            continue;
        }
        let (media, schema) = json_schema_of(&response.content, &response_pointer, "response")?;
        let schema_pointer = response_pointer.push("content").push(media).push("schema");
        return Ok(Some((schema.clone(), schema_pointer)));
    }
    Ok(None)
}

/// The schema of the JSON media type of a `content` map.
fn json_schema_of<'a>(
    content: &'a indexmap::IndexMap<String, openapiv3::MediaType>,
    pointer: &Pointer,
    what: &str,
) -> Result<(String, &'a ReferenceOr<Schema>), Error> {
    let Some((media, media_type)) = content.iter().find(|(media, _)| is_json(media)) else {
        let found: Vec<&str> = content.keys().map(String::as_str).collect();
        return Err(Error::unsupported(
            format!(
                "{what} without a JSON media type (found {})",
                found.join(", ")
            ),
            &pointer.push("content"),
        ));
    };
    let schema = media_type.schema.as_ref().ok_or_else(|| {
        Error::invalid(
            format!("{what} media type `{media}` has no schema"),
            &pointer.push("content").push(media.clone()),
        )
    })?;
    Ok((media.clone(), schema))
}

fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or(media).trim();
    essence == "application/json" || essence.ends_with("+json")
}

fn param_type(
    space: &mut TypeSpace,
    operation_id: &str,
    data: &ParameterData,
    pointer: &Pointer,
) -> Result<TypeRef, Error> {
    match &data.format {
        ParameterSchemaOrContent::Schema(schema) => space.add(
            schema,
            &format!("{operation_id} {}", data.name),
            &pointer.push("schema"),
        ),
        ParameterSchemaOrContent::Content(_) => Err(Error::unsupported(
            "parameter with `content` instead of `schema`",
            pointer,
        )),
    }
}

fn param_location(param: &Parameter) -> &'static str {
    match param {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}

/// Follows `$ref`s into `#/components/{kind}/{name}` (up to 32 deep).
fn resolve_component<'a, T>(
    mut current: &'a ReferenceOr<T>,
    mut pointer: Pointer,
    kind: &str,
    lookup: impl Fn(&str) -> Option<&'a ReferenceOr<T>>,
) -> Result<(&'a T, Pointer), Error> {
    for _ in 0..32 {
        match current {
            ReferenceOr::Item(item) => return Ok((item, pointer)),
            ReferenceOr::Reference { reference } => {
                let target = Pointer::from_ref(reference);
                let name = match target.as_ref().map(Pointer::tokens) {
                    Some([components, section, name])
                        if components == "components" && section == kind =>
                    {
                        name.clone()
                    }
                    _ => {
                        return Err(Error::unsupported(
                            format!(
                                "$ref `{reference}` (only `#/components/{kind}/*` is followed here)"
                            ),
                            &pointer,
                        ));
                    }
                };
                current = lookup(&name).ok_or_else(|| {
                    Error::invalid(format!("$ref `{reference}` names nothing"), &pointer)
                })?;
                pointer = Pointer::root().push("components").push(kind).push(name);
            }
        }
    }
    Err(Error::invalid(
        "$ref chain longer than 32 references",
        &pointer,
    ))
}

fn resolve_parameter<'a>(
    spec: &'a OpenAPI,
    param: &'a ReferenceOr<Parameter>,
    pointer: Pointer,
) -> Result<(&'a Parameter, Pointer), Error> {
    resolve_component(param, pointer, "parameters", |name| {
        spec.components.as_ref()?.parameters.get(name)
    })
}

fn resolve_request_body<'a>(
    spec: &'a OpenAPI,
    body: &'a ReferenceOr<RequestBody>,
    pointer: Pointer,
) -> Result<(&'a RequestBody, Pointer), Error> {
    resolve_component(body, pointer, "requestBodies", |name| {
        spec.components.as_ref()?.request_bodies.get(name)
    })
}

fn resolve_response<'a>(
    spec: &'a OpenAPI,
    response: &'a ReferenceOr<Response>,
    pointer: Pointer,
) -> Result<(&'a Response, Pointer), Error> {
    resolve_component(response, pointer, "responses", |name| {
        spec.components.as_ref()?.responses.get(name)
    })
}

enum RawPart {
    Literal(String),
    Param(String),
}

/// Splits `/a/{b}/c` into literal text and parameter names.
fn parse_path(path: &str, pointer: &Pointer) -> Result<Vec<RawPart>, Error> {
    let mut parts = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            parts.push(RawPart::Literal(rest[..open].to_string()));
        }
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| Error::invalid(format!("unclosed `{{` in path `{path}`"), pointer))?;
        let name = &after[..close];
        if name.is_empty() || name.contains('{') {
            return Err(Error::invalid(
                format!("malformed parameter in path `{path}`"),
                pointer,
            ));
        }
        parts.push(RawPart::Param(name.to_string()));
        rest = &after[close + 1..];
    }
    if rest.contains('}') {
        return Err(Error::invalid(
            format!("stray `}}` in path `{path}`"),
            pointer,
        ));
    }
    if !rest.is_empty() {
        parts.push(RawPart::Literal(rest.to_string()));
    }
    Ok(parts)
}

/// `servers[0].url` with `{variables}` replaced by their defaults, if the result is an
/// absolute http(s) URL.
fn default_base_url(spec: &OpenAPI) -> Option<String> {
    let server = spec.servers.first()?;
    let mut url = server.url.clone();
    if let Some(variables) = &server.variables {
        for (name, variable) in variables {
            url = url.replace(&format!("{{{name}}}"), &variable.default);
        }
    }
    let absolute = url.starts_with("https://") || url.starts_with("http://");
    (absolute && !url.contains('{')).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ir(spec: &str) -> Result<ClientIr, Error> {
        let spec: OpenAPI = serde_json::from_str(spec).expect("test spec parses");
        let mut space = TypeSpace::new(&spec)?;
        collect(&spec, &mut space)
    }

    const SPEC: &str = r##"{
      "openapi": "3.0.3",
      "info": {"title": "t", "version": "1"},
      "servers": [{"url": "https://{host}/v1", "variables": {"host": {"default": "api.example.com"}}}],
      "paths": {
        "/things/{thing_id}/parts": {
          "parameters": [{"name": "thing_id", "in": "path", "required": true, "schema": {"type": "string"}}],
          "get": {
            "operationId": "listParts",
            "summary": "List parts",
            "description": "One page at a time...\nFrom the start.",
            "parameters": [
              {"name": "page", "in": "query", "schema": {"type": "integer"}},
              {"name": "size", "in": "query", "schema": {"type": "integer"}}
            ],
            "x-dynroute-unwrap": "data",
            "x-dynroute-pagination": {"page": "page", "perPage": "size", "items": "parts"},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
              "type": "object",
              "properties": {"data": {"type": "object", "properties": {
                "parts": {"type": "array", "items": {"$ref": "#/components/schemas/Part"}}}}}
            }}}}}
          },
          "post": {
            "operationId": "execute",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Part"}}}},
            "responses": {"204": {"description": "none"}}
          }
        }
      },
      "components": {"schemas": {"Part": {"type": "object", "properties": {"id": {"type": "string"}}}}}
    }"##;

    #[test]
    fn collects_params_unwrap_pagination_and_base_url() {
        let ir = ir(SPEC).unwrap();
        assert_eq!(
            ir.default_base_url.as_deref(),
            Some("https://api.example.com/v1")
        );
        let list = &ir.operations[0];
        assert_eq!(list.method_name, "list_parts");
        assert_eq!(
            list.doc.as_deref(),
            Some("List parts.\n\nOne page at a time...\nFrom the start.")
        );
        assert_eq!(list.path_params.len(), 1);
        assert_eq!(list.path_params[0].ident, "thing_id");
        assert_eq!(list.query_params.len(), 2);
        assert_eq!(list.unwrap.as_deref(), Some("data"));
        let paging = list.pagination.as_ref().unwrap();
        assert_eq!(paging.method_name, "list_parts_stream");
        assert_eq!((paging.page_param, paging.per_page_param), (0, Some(1)));
        assert!(matches!(paging.item_ty, TypeRef::Named(_)));
        // A method named like a runtime method is renamed, not shadowing it.
        let post = &ir.operations[1];
        assert_eq!(post.method_name, "execute_2");
        assert!(post.returns.is_none());
        assert!(post.body.as_ref().unwrap().required);
    }

    #[test]
    fn reserved_methods_cover_every_inherent_method_of_the_runtime_client() {
        let mut methods = Vec::new();
        for (path, text) in crate::emit_client::RUNTIME_FILES {
            let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{path}: {e}"));
            for item in file.items {
                let syn::Item::Impl(block) = item else {
                    continue;
                };
                let is_client = matches!(&*block.self_ty, syn::Type::Path(p)
                    if p.path.segments.last().is_some_and(|s| s.ident == "Client"));
                if block.trait_.is_none() && is_client {
                    methods.extend(block.items.iter().filter_map(|item| match item {
                        syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                        _ => None,
                    }));
                }
            }
        }
        assert!(methods.len() >= 10, "{methods:?}");
        for method in methods {
            assert!(RESERVED_METHODS.contains(&method.as_str()), "{method}");
        }
    }

    #[test]
    fn an_operation_named_like_a_private_runtime_method_is_renamed() {
        let spec = SPEC.replace(
            r#""operationId": "listParts""#,
            r#""operationId": "requestId""#,
        );
        let ir = ir(&spec).unwrap();
        assert_eq!(ir.operations[0].method_name, "request_id_2");
    }

    #[test]
    fn query_arrays_explode_unless_told_not_to_and_other_styles_are_unsupported() {
        let ir1 = ir(SPEC).unwrap();
        assert!(ir1.operations[0].query_params.iter().all(|p| p.explode));
        let spec = SPEC.replace(
            r#"{"name": "size", "in": "query","#,
            r#"{"name": "size", "in": "query", "explode": false,"#,
        );
        let ir2 = ir(&spec).unwrap();
        assert!(!ir2.operations[0].query_params[1].explode);
        let spec = SPEC.replace(
            r#"{"name": "size", "in": "query","#,
            r#"{"name": "size", "in": "query", "style": "deepObject","#,
        );
        let err = ir(&spec).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unsupported: query parameter style `DeepObject` at #/paths/~1things~1{thing_id}~1parts/get/parameters/1/style"
        );
    }

    #[test]
    fn summary_ending_a_sentence_gets_no_second_stop() {
        let spec = SPEC.replace(
            r#""summary": "List parts","#,
            r#""summary": "List parts?","#,
        );
        let ir = ir(&spec).unwrap();
        assert_eq!(
            ir.operations[0].doc.as_deref(),
            Some("List parts?\n\nOne page at a time...\nFrom the start.")
        );
    }

    #[test]
    fn a_body_with_a_json_alternative_is_sent_as_json() {
        let spec = SPEC.replace(
            r#""requestBody": {"required": true, "content": {"application/json""#,
            r#""requestBody": {"required": true, "content": {"multipart/form-data": {}, "application/json""#,
        );
        let ir = ir(&spec).unwrap();
        assert!(ir.operations[1].body.is_some());
    }

    #[test]
    fn unknown_unwrap_property_is_an_error_with_pointer() {
        let spec = SPEC.replace(
            r#""x-dynroute-unwrap": "data""#,
            r#""x-dynroute-unwrap": "result""#,
        );
        let err = ir(&spec).unwrap_err();
        assert!(err.to_string().contains("`result`"), "{err}");
        assert_eq!(
            err.pointer().unwrap().to_json_pointer(),
            "/paths/~1things~1{thing_id}~1parts/get/x-dynroute-unwrap"
        );
    }

    #[test]
    fn undeclared_path_parameter_is_an_error() {
        let spec = SPEC.replace(
            r#""name": "thing_id", "in": "path""#,
            r#""name": "other", "in": "path""#,
        );
        let err = ir(&spec).unwrap_err();
        assert!(err.to_string().contains("`thing_id`"), "{err}");
    }

    #[test]
    fn header_parameters_are_unsupported_not_panics() {
        let spec = SPEC.replace(
            r#""in": "query", "schema": {"type": "integer"}}, {"#,
            r#""in": "header", "schema": {"type": "integer"}}, {"#,
        );
        let spec = spec.replace(
            r#"{"name": "page", "in": "query""#,
            r#"{"name": "page", "in": "header""#,
        );
        let err = ir(&spec).unwrap_err();
        assert!(matches!(err, Error::Unsupported { .. }), "{err}");
    }
}

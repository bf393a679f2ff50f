//! The operation IR: what the client emitter needs to know about each operation of a
//! spec, with every name and type decided here, once.
//!
//! [`collect`] walks `paths` in spec order and, for each operation, resolves its
//! parameters (`$ref`s into `#/components/parameters` included), adds the schemas of its
//! parameters, request body and JSON responses to the type space, decides what each media
//! type becomes (`media`: JSON, form, multipart, text or bytes), and reads two vendor
//! extensions:
//!
//! * `x-dynroute-unwrap: "<property>"`: the method returns that property of the 2xx body
//!   instead of the whole body (envelopes such as `{"success": true, "result": {...}}`);
//! * `x-dynroute-pagination: {"page": "<query>", "perPage": "<query>", "items": "<property>"}`:
//!   the operation is a numbered-page listing; the emitter adds a `<method>_stream` helper that
//!   walks every page. `items` names the array inside the (unwrapped) body.
//!
//! Anything the client cannot express is an [`Error`] with a JSON pointer, never a panic.
//! An unsupported construct does not stop the walk: the operation that needs it is
//! refused ([`ClientIr::refused`], with every construct found in it) and the others are
//! collected; an inconsistency in the spec ([`Error::Invalid`]) stops it, unless the
//! operation already needs an unsupported construct (a parameter left out for one is then
//! missed by the path, say), in which case the operation is refused for the construct.
//!
//! One module per part of an operation: `params` (path, query, header and cookie
//! parameters, the path template), `body` (the request body in the media type it is sent
//! in), `responses` (response models, the success type, `x-dynroute-unwrap`) and
//! `pagination` (`x-dynroute-pagination`); `media` reads media types. `$ref`s to
//! parameters, request bodies and responses are followed by [`crate::resolve`].

mod body;
mod media;
mod pagination;
mod params;
mod responses;

use crate::error::{Construct, Error};
use crate::names::{self, Unique};
use crate::pointer::Pointer;
use crate::types::{TypeRef, TypeSpace};
use openapiv3::{OpenAPI, Operation as OaOperation, PathItem, ReferenceOr};
use std::collections::{BTreeMap, HashMap};

/// Inherent methods of the runtime `Client` (private ones included: all inherent methods of
/// a type share one namespace) and `builder` and `builder_for`, which the emitter adds, plus
/// `clone`, which a generated method would shadow. A test keeps this in step with the runtime.
const RESERVED_METHODS: &[&str] = &[
    "builder",
    "builder_for",
    "with_options",
    "base_url",
    "execute",
    "execute_value",
    "execute_with",
    "execute_text",
    "execute_bytes",
    "execute_empty",
    "decode_response",
    "check_envelope",
    "max_retries",
    "timeout",
    "request_id",
    "finish_success",
    "finish_typed",
    "status_error",
    "clone",
];

/// Everything the client emitter needs from a spec.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientIr {
    /// `servers[0].url` with its variables set to their defaults, when it is absolute.
    pub default_base_url: Option<String>,
    /// The error envelope the description declares (`x-dynroute-envelope`).
    pub error_envelope: Option<crate::envelope::ErrorEnvelope>,
    /// The operations, in spec order (paths, then methods in `openapiv3` order).
    pub operations: Vec<Operation>,
    /// The operations (and `$ref` path items) left out for the unsupported constructs they
    /// need, in spec order.
    pub refused: Vec<Refused>,
}

/// An operation, or a path item with all its operations, that needs unsupported
/// constructs.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    /// An operation or a path item.
    pub kind: crate::skip::Kind,
    /// The operationId (or `{method} {path}`), or the path template of a path item.
    pub name: String,
    /// Where it is in the spec.
    pub pointer: Pointer,
    /// Every unsupported construct found in it.
    pub constructs: Vec<Construct>,
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
    /// Header parameters, in spec order (without `Accept`, `Content-Type` and
    /// `Authorization`, which OpenAPI says to ignore).
    pub header_params: Vec<Param>,
    /// Cookie parameters, in spec order.
    pub cookie_params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// The property of the 2xx body returned (`x-dynroute-unwrap`).
    pub unwrap: Option<String>,
    /// What the method returns.
    pub returns: Returns,
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

/// A path, query, header or cookie parameter.
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
    /// How it is written (query, header and cookie parameters; path parameters are
    /// written into the path template).
    pub style: Style,
    /// Its description.
    pub doc: Option<String>,
}

/// How a query, header or cookie parameter is written: OpenAPI's `style` with its
/// `explode`, as the runtime's `path::Style` of the same variant names takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `form`, exploded (the default of query and cookie parameters).
    Form,
    /// `form`, not exploded.
    FormJoined,
    /// `spaceDelimited`.
    SpaceDelimited,
    /// `pipeDelimited`.
    PipeDelimited,
    /// `deepObject`.
    DeepObject,
    /// `simple`, not exploded (the default of header parameters).
    Simple,
    /// `simple`, exploded.
    SimpleExploded,
}

/// A request body, in the media type it is sent in.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// How it is sent, and its type.
    pub kind: BodyKind,
    /// The media type as the spec writes it, sent as `Content-Type` for text and bytes.
    pub media: String,
    /// Whether the spec requires it; optional bodies are taken as `Option<&T>`.
    pub required: bool,
    /// The Rust identifier of the method argument.
    pub ident: String,
}

impl Body {
    /// The model type of the body; `None` for text (`&str`) and bytes (`&[u8]`).
    pub fn ty(&self) -> Option<&TypeRef> {
        match &self.kind {
            BodyKind::Json(ty) | BodyKind::Form(ty) | BodyKind::Multipart { ty, .. } => Some(ty),
            BodyKind::Text | BodyKind::Bytes => None,
        }
    }
}

/// How a request body is sent.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyKind {
    /// A model serialized as JSON (`serde_json::Value` when the media type has no schema).
    Json(TypeRef),
    /// A model sent as `application/x-www-form-urlencoded` fields.
    Form(TypeRef),
    /// A model sent as `multipart/form-data` parts: binary properties as file parts, the
    /// others as text (objects as JSON) parts.
    Multipart {
        /// The model.
        ty: TypeRef,
        /// The `Content-Type` of the file parts of each binary property (by wire name) whose
        /// `encoding.contentType` names one media type; the others are
        /// `application/octet-stream`.
        content_types: BTreeMap<String, String>,
    },
    /// Text, taken as `&str`.
    Text,
    /// Bytes, taken as `&[u8]`.
    Bytes,
}

/// What an operation's method returns, decided by its lowest 2xx response with content.
#[derive(Debug, Clone, PartialEq)]
pub enum Returns {
    /// `()`: no success response declares content.
    Nothing,
    /// The JSON body (or its `x-dynroute-unwrap` property) decoded into this type;
    /// `serde_json::Value` when the media type has no schema.
    Json(TypeRef),
    /// The body as a `String` (`text/*`, XML).
    Text {
        /// The `Accept` header: the response's text media types.
        accept: String,
    },
    /// The body's bytes as a `Vec<u8>` (any other media type).
    Bytes {
        /// The `Accept` header: the response's media types.
        accept: String,
    },
}

impl Returns {
    /// The model type returned, for JSON.
    pub fn ty(&self) -> Option<&TypeRef> {
        match self {
            Returns::Json(ty) => Some(ty),
            _ => None,
        }
    }
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
    let mut refused = Vec::new();
    // Where each operationId is declared: a second declaration is an error.
    let mut declared: HashMap<&str, Pointer> = HashMap::new();
    for (path, item) in &spec.paths.paths {
        let item_pointer = Pointer::root().push("paths").push(path.clone());
        // `$ref` path items that can be followed are copies of their targets by now
        // (`crate::hoist`).
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                let what = format!("$ref path item `{reference}` that cannot be followed");
                refused.push(Refused {
                    kind: crate::skip::Kind::PathItem,
                    name: path.clone(),
                    pointer: item_pointer.clone(),
                    constructs: vec![Construct::new(what, &item_pointer)],
                });
                continue;
            }
        };
        for (method, operation) in item.iter() {
            if let Some(id) = &operation.operation_id {
                let at = item_pointer.push(method).push("operationId");
                if let Some(first) = declared.get(id.as_str()) {
                    return Err(Error::invalid(
                        format!("duplicate operationId `{id}` (first declared at {first})"),
                        &at,
                    ));
                }
                declared.insert(id, at);
            }
            let site = Site {
                path,
                method,
                item,
                item_pointer: &item_pointer,
            };
            let mut problems = Vec::new();
            match collect_operation(spec, space, &mut methods, &site, operation, &mut problems) {
                Ok(Some(operation)) => {
                    operations.push(operation);
                    continue;
                }
                Ok(None) => {}
                Err(error) => match error.into_constructs() {
                    Ok(constructs) => problems.extend(constructs),
                    // Maybe a consequence of a construct already found: that is reported.
                    Err(_) if !problems.is_empty() => {}
                    Err(error) => return Err(error),
                },
            }
            refused.push(Refused {
                kind: crate::skip::Kind::Operation,
                name: operation_name(operation, method, path),
                pointer: item_pointer.push(method),
                constructs: problems,
            });
        }
    }
    Ok(ClientIr {
        default_base_url: default_base_url(spec),
        error_envelope: crate::envelope::collect(spec)?,
        operations,
        refused,
    })
}

/// The operationId, or `{method} {path}` when there is none.
fn operation_name(operation: &OaOperation, method: &str, path: &str) -> String {
    operation
        .operation_id
        .clone()
        .unwrap_or_else(|| format!("{method} {path}"))
}

/// Where an operation is: under which path template, as which method.
struct Site<'a> {
    /// The path template.
    path: &'a str,
    /// The HTTP method, lower case as in the spec.
    method: &'a str,
    /// The path item, whose parameters the operation shares.
    item: &'a PathItem,
    /// Where the path item is.
    item_pointer: &'a Pointer,
}

/// What the steps of collecting one operation share.
struct Context<'a> {
    spec: &'a OpenAPI,
    space: &'a mut TypeSpace,
    /// The operationId (or `{method} {path}`), which names the types of inline schemas.
    operation_id: &'a str,
    /// Where the operation is.
    pointer: &'a Pointer,
    /// The argument names of the method.
    idents: Unique,
    /// The unsupported constructs found in the operation so far.
    problems: &'a mut Vec<Construct>,
}

impl Context<'_> {
    /// `result`, or `None` with its unsupported constructs recorded as the operation's;
    /// any other error is returned.
    fn note<T>(&mut self, result: Result<T, Error>) -> Result<Option<T>, Error> {
        match result {
            Ok(value) => Ok(Some(value)),
            Err(error) => {
                self.problems.extend(error.into_constructs()?);
                Ok(None)
            }
        }
    }
}

/// One operation. Its parts are collected in a fixed order (path parameters in path order,
/// query, header and cookie parameters in spec order, request body, responses, returned
/// type, page items), which is the
/// order their inline schemas are named in. `None` when it needs unsupported constructs,
/// which are then in `problems`: every part is still looked at, up to the responses, so
/// that all of them are found.
fn collect_operation(
    spec: &OpenAPI,
    space: &mut TypeSpace,
    methods: &mut Unique,
    site: &Site<'_>,
    operation: &OaOperation,
    problems: &mut Vec<Construct>,
) -> Result<Option<Operation>, Error> {
    let pointer = site.item_pointer.push(site.method);
    let operation_id = operation_name(operation, site.method, site.path);
    let method_name = methods.claim(&names::field_name(&operation_id));
    let mut cx = Context {
        spec,
        space,
        operation_id: &operation_id,
        pointer: &pointer,
        idents: Unique::new(),
        problems,
    };

    let params = params::declared(&mut cx, site.item, site.item_pointer, operation)?;
    let (path_parts, path_params) = params::path(&mut cx, site.path, &params)?;
    let others = params::others(&mut cx, &params, &path_params)?;
    let body = body::request_body(&mut cx, operation)?;

    responses::add_models(&mut cx, operation)?;
    let unwrap = responses::unwrap_property(operation, &pointer)?;
    let success = responses::success(&mut cx, operation)?;
    if !cx.problems.is_empty() {
        return Ok(None);
    }
    let returns = responses::returns(&mut cx, success.as_ref(), unwrap.as_deref())?;
    let success_schema = match &success {
        Some(responses::Success::Json(Some(schema))) => Some(&**schema),
        _ => None,
    };

    let pagination = match operation.extensions.get("x-dynroute-pagination") {
        None => None,
        Some(value) => {
            let listing = pagination::Listing {
                method_name: &method_name,
                query_params: &others.query,
                success: success_schema,
                unwrap: unwrap.as_deref(),
            };
            let pointer = pointer.push("x-dynroute-pagination");
            Some(pagination::pagination(
                &mut cx, methods, &listing, value, &pointer,
            )?)
        }
    };

    if !cx.problems.is_empty() {
        return Ok(None);
    }
    Ok(Some(Operation {
        operation_id,
        method_name,
        http_method: site.method.to_ascii_uppercase(),
        path: site.path.to_string(),
        path_parts,
        doc: operation_doc(operation),
        path_params,
        query_params: others.query,
        header_params: others.header,
        cookie_params: others.cookie,
        body,
        unwrap,
        returns,
        pagination,
        pointer,
    }))
}

/// Summary and description, for the method's documentation.
fn operation_doc(operation: &OaOperation) -> Option<String> {
    match (&operation.summary, &operation.description) {
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
    }
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

    /// The operations of `spec`, or the unsupported constructs of those refused.
    fn ir(spec: &str) -> Result<ClientIr, Error> {
        let spec: OpenAPI = serde_json::from_str(spec).expect("test spec parses");
        let mut space = TypeSpace::new(&spec)?;
        let ir = collect(&spec, &mut space)?;
        let refused: Vec<Construct> = ir
            .refused
            .iter()
            .flat_map(|r| r.constructs.iter().cloned())
            .collect();
        if refused.is_empty() {
            Ok(ir)
        } else {
            Err(Error::unsupported_all(refused))
        }
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
        assert_eq!(post.returns, Returns::Nothing);
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
    fn parameter_styles_follow_style_and_explode_with_openapi_defaults() {
        let style = |parameter: &str| {
            one(&format!("[{parameter}]"), "", NO_CONTENT)
                .map(|op| {
                    op.query_params
                        .iter()
                        .chain(&op.header_params)
                        .chain(&op.cookie_params)
                        .map(|p| format!("{:?}", p.style))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_else(|e| e.to_string())
        };
        let array = r#""schema": {"type": "array", "items": {"type": "string"}}"#;
        let object = r#""schema": {"type": "object", "properties": {"a": {"type": "string"}}}"#;
        for (parameter, expected) in [
            (
                format!(r#"{{"name": "q", "in": "query", {array}}}"#),
                "Form",
            ),
            (
                format!(r#"{{"name": "q", "in": "query", "explode": false, {array}}}"#),
                "FormJoined",
            ),
            (
                format!(r#"{{"name": "q", "in": "query", "style": "spaceDelimited", {array}}}"#),
                "SpaceDelimited",
            ),
            (
                format!(r#"{{"name": "q", "in": "query", "style": "pipeDelimited", {array}}}"#),
                "PipeDelimited",
            ),
            (
                format!(
                    r#"{{"name": "q", "in": "query", "style": "pipeDelimited", "explode": true, {array}}}"#
                ),
                "Form",
            ),
            (
                format!(
                    r#"{{"name": "q", "in": "query", "style": "deepObject", "explode": true, {object}}}"#
                ),
                "DeepObject",
            ),
            (
                format!(r#"{{"name": "X-A", "in": "header", {object}}}"#),
                "Simple",
            ),
            (
                format!(r#"{{"name": "X-A", "in": "header", "explode": true, {object}}}"#),
                "SimpleExploded",
            ),
            (
                format!(r#"{{"name": "c", "in": "cookie", {array}}}"#),
                "Form",
            ),
            (
                format!(r#"{{"name": "c", "in": "cookie", "explode": false, {object}}}"#),
                "FormJoined",
            ),
        ] {
            assert_eq!(style(&parameter), expected, "{parameter}");
        }
        assert_eq!(
            style(&format!(
                r#"{{"name": "q", "in": "query", "style": "deepObject", {array}}}"#
            )),
            "unsupported: deepObject query parameter that is an array at #/paths/~1x/post/parameters/0/schema"
        );
    }

    #[test]
    fn label_and_matrix_path_parameters_are_written_after_their_prefix() {
        let spec = SPEC.replace(
            r#""in": "path", "required": true"#,
            r#""in": "path", "required": true, "style": "matrix""#,
        );
        let ir = ir(&spec).unwrap();
        let literals: Vec<String> = ir.operations[0]
            .path_parts
            .iter()
            .map(|part| match part {
                PathPart::Literal(text) => text.clone(),
                PathPart::Param(index) => format!("{{{index}}}"),
            })
            .collect();
        assert_eq!(literals.concat(), "/things/;thing_id={0}/parts");
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
        let body = ir.operations[1].body.as_ref().unwrap();
        assert!(matches!(body.kind, BodyKind::Json(_)), "{body:?}");
        assert_eq!(body.media, "application/json");
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

    /// The IR (or the error) of one `POST /x` operation with these `parameters`, `requestBody`
    /// and `responses` (JSON texts).
    fn one(parameters: &str, body: &str, responses: &str) -> Result<Operation, Error> {
        let body = if body.is_empty() {
            String::new()
        } else {
            format!(r#""requestBody": {body},"#)
        };
        let spec = format!(
            r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{"/x": {{"post": {{
                "operationId": "x", "parameters": {parameters}, {body} "responses": {responses}}}}}}}}}"#
        );
        let mut ir = ir(&spec)?;
        Ok(ir.operations.remove(0))
    }

    const NO_CONTENT: &str = r#"{"204": {"description": "none"}}"#;

    #[test]
    fn header_and_cookie_parameters_that_cannot_be_sent_are_unsupported() {
        let refused = |parameter: &str| {
            one(&format!("[{parameter}]"), "", NO_CONTENT)
                .map(|op| format!("{:?}", op.header_params))
                .unwrap_or_else(|e| e.to_string())
        };
        assert_eq!(
            refused(r#"{"name": "X Trace", "in": "header", "schema": {"type": "string"}}"#),
            "unsupported: header parameter named `X Trace`, which is not a valid header name at #/paths/~1x/post/parameters/0/name"
        );
        assert_eq!(
            refused(r#"{"name": "a;b", "in": "cookie", "schema": {"type": "string"}}"#),
            "unsupported: cookie parameter named `a;b`, which is not a valid cookie name at #/paths/~1x/post/parameters/0/name"
        );
        assert_eq!(
            refused(
                r#"{"name": "X-Shape", "in": "header", "schema": {"oneOf": [{"type": "object", "properties": {"a": {"type": "string"}}}, {"type": "object", "properties": {"b": {"type": "integer"}}}]}}"#
            ),
            "unsupported: union header parameter at #/paths/~1x/post/parameters/0/schema"
        );
        assert_eq!(
            refused(
                r#"{"name": "X-Grid", "in": "header", "schema": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}}}"#
            ),
            "unsupported: non-scalar header parameter at #/paths/~1x/post/parameters/0/schema"
        );
        assert_eq!(
            refused(
                r#"{"name": "ids", "in": "cookie", "schema": {"type": "array", "items": {"type": "object"}}}"#
            ),
            "unsupported: non-scalar cookie parameter at #/paths/~1x/post/parameters/0/schema"
        );
        // Named like the headers the client sets itself: ignored, as OpenAPI says.
        for name in ["Accept", "content-type", "AUTHORIZATION"] {
            let parameter =
                format!(r#"{{"name": "{name}", "in": "header", "schema": {{"type": "string"}}}}"#);
            assert_eq!(refused(&parameter), "[]", "{name}");
        }
    }

    #[test]
    fn a_request_body_is_sent_in_the_first_media_type_it_can_be() {
        let kind = |content: &str| {
            one("[]", &format!(r#"{{"content": {content}}}"#), NO_CONTENT)
                .map(|op| {
                    let body = op.body.expect("a body");
                    format!("{:?} {}", body.kind, body.media)
                })
                .unwrap_or_else(|e| e.to_string())
        };
        assert_eq!(
            kind(
                r#"{"text/plain": {}, "application/octet-stream": {}, "application/problem+json": {}}"#
            ),
            "Json(Any) application/problem+json"
        );
        assert_eq!(
            kind(r#"{"image/*": {}, "application/pdf": {}, "text/csv": {}}"#),
            "Text text/csv"
        );
        assert_eq!(
            kind(r#"{"*/*": {}, "application/pdf": {}}"#),
            "Bytes application/pdf"
        );
        assert_eq!(
            kind(r#"{"application/x-www-form-urlencoded": {}}"#),
            "Form(Map(Any)) application/x-www-form-urlencoded"
        );
        assert_eq!(
            kind(r#"{"*/*": {}}"#),
            "unsupported: request body in the media range `*/*` (no media type to send) at #/paths/~1x/post/requestBody/content/*~1*"
        );
        assert_eq!(
            kind(r#"{"not a type": {}}"#),
            "unsupported: request body media type `not a type`, which is not a media type at #/paths/~1x/post/requestBody/content/not a type"
        );
        assert_eq!(
            kind("{}"),
            "unsupported: request body without a media type at #/paths/~1x/post/requestBody/content"
        );
        assert_eq!(
            kind(
                r#"{"application/x-www-form-urlencoded": {"schema": {"type": "array", "items": {"type": "string"}}}}"#
            ),
            "unsupported: form body that is not an object at #/paths/~1x/post/requestBody/content/application~1x-www-form-urlencoded/schema"
        );
    }

    #[test]
    fn the_media_type_of_the_success_response_decides_what_is_returned() {
        let returns = |responses: &str| {
            one("[]", "", responses)
                .map(|op| format!("{:?}", op.returns))
                .unwrap_or_else(|e| e.to_string())
        };
        assert_eq!(returns(NO_CONTENT), "Nothing");
        assert_eq!(
            returns(r#"{"200": {"description": "", "content": {"application/json": {}}}}"#),
            "Json(Any)"
        );
        assert_eq!(
            returns(
                r#"{"200": {"description": "", "content": {"text/plain": {}, "application/json": {"schema": {"type": "integer"}}}}}"#
            ),
            "Json(Integer)"
        );
        assert_eq!(
            returns(
                r#"{"200": {"description": "", "content": {"image/png": {}, "text/plain": {}, "text/*": {}}}}"#
            ),
            r#"Text { accept: "text/plain, text/*" }"#
        );
        assert_eq!(
            returns(r#"{"200": {"description": "", "content": {"image/png": {}, "*/*": {}}}}"#),
            r#"Bytes { accept: "image/png, */*" }"#
        );
        // The lowest 2xx with content decides; a 204 before it does not.
        assert_eq!(
            returns(
                r#"{"204": {"description": ""}, "2XX": {"description": "", "content": {"application/zip": {}}}}"#
            ),
            r#"Bytes { accept: "application/zip" }"#
        );
    }
}

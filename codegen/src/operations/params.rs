//! Parameters: the ones an operation declares (its path item's and its own, `$ref`s
//! resolved), the path template with its parameters in path order, and the query, header
//! and cookie parameters in spec order.
//!
//! Each query, header and cookie parameter gets the [`Style`] its `style` and `explode`
//! say (query: `form`, `spaceDelimited`, `pipeDelimited`, `deepObject`; header: `simple`;
//! cookie: `form`); cookie parameters go together in one `Cookie` header. A path
//! parameter in `label` or `matrix` style is written after a `.` or `;name=` in the
//! template. Header parameters named `Accept`, `Content-Type` or `Authorization` are
//! ignored, as OpenAPI says: the client sets those itself. Parameters with `content`,
//! `deepObject` parameters that are not objects, header and cookie parameters that are
//! unions or arrays of non-scalars, names that cannot be sent as a header or cookie name,
//! and `$ref`s that cannot be followed are unsupported: each is recorded as the operation's
//! and the other parameters are read on.

use super::media::is_token;
use super::{Context, Param, PathPart, Style};
use crate::error::Error;
use crate::names;
use crate::pointer::Pointer;
use crate::resolve;
use crate::types::{TypeKind, TypeRef, TypeSpace};
use openapiv3::{
    Operation as OaOperation, Parameter, ParameterData, ParameterSchemaOrContent, PathItem,
    PathStyle, QueryStyle, ReferenceOr,
};

/// The parameters of an operation with their pointers, `$ref`s resolved: the path item's
/// first, then the operation's own, which replace path-item ones with the same name and
/// location.
pub(super) fn declared<'a>(
    cx: &mut Context<'a>,
    item: &'a PathItem,
    item_pointer: &Pointer,
    operation: &'a OaOperation,
) -> Result<Vec<(&'a Parameter, Pointer)>, Error> {
    let listed = |list: &'a [ReferenceOr<Parameter>], at: Pointer| {
        list.iter()
            .enumerate()
            .map(move |(i, p)| (p, at.push("parameters").index(i)))
    };
    let mut params: Vec<(&Parameter, Pointer)> = Vec::new();
    let all = listed(&item.parameters, item_pointer.clone())
        .chain(listed(&operation.parameters, cx.pointer.clone()));
    for (param, param_pointer) in all {
        let resolved = resolve::resolve(cx.spec.components.as_ref(), param, &param_pointer);
        let Some((param, param_pointer)) = cx.note(resolved)? else {
            continue;
        };
        let key = (location(param), &param.parameter_data_ref().name);
        params.retain(|(p, _)| (location(p), &p.parameter_data_ref().name) != key);
        params.push((param, param_pointer));
    }
    Ok(params)
}

/// The path template split into literal text and parameters, and the path parameters
/// in the order they first appear. Every parameter in the path must be declared.
pub(super) fn path(
    cx: &mut Context<'_>,
    path: &str,
    params: &[(&Parameter, Pointer)],
) -> Result<(Vec<PathPart>, Vec<Param>), Error> {
    let mut path_params: Vec<Param> = Vec::new();
    let mut path_parts = Vec::new();
    for part in parse_path(path, cx.pointer)? {
        match part {
            RawPart::Literal(text) => path_parts.push(PathPart::Literal(text)),
            RawPart::Param(name) => {
                let Some((param, param_pointer)) = params.iter().find(|(p, _)| {
                    matches!(p, Parameter::Path { .. }) && p.parameter_data_ref().name == name
                }) else {
                    return Err(Error::invalid(
                        format!("path parameter `{name}` is used in the path but not declared"),
                        cx.pointer,
                    ));
                };
                if let Some(index) = path_params.iter().position(|p| p.name == name) {
                    path_parts.push(PathPart::Param(index));
                    continue;
                }
                let data = param.parameter_data_ref();
                let ty = param_type(cx, data, param_pointer);
                let ty = cx.note(ty)?.unwrap_or(TypeRef::String);
                // `label` and `matrix` put their prefix before the value.
                match param {
                    Parameter::Path {
                        style: PathStyle::Label,
                        ..
                    } => path_parts.push(PathPart::Literal(".".to_string())),
                    Parameter::Path {
                        style: PathStyle::Matrix,
                        ..
                    } => path_parts.push(PathPart::Literal(format!(";{name}="))),
                    _ => {}
                }
                path_params.push(Param {
                    name: name.clone(),
                    ident: cx.idents.claim(&names::field_name(&name)),
                    ty,
                    required: true,
                    style: Style::Simple,
                    doc: data.description.clone(),
                });
                path_parts.push(PathPart::Param(path_params.len() - 1));
            }
        }
    }
    Ok((path_parts, path_params))
}

/// The parameters that are not in the path, by location, each in spec order.
pub(super) struct Others {
    /// Query parameters.
    pub(super) query: Vec<Param>,
    /// Header parameters.
    pub(super) header: Vec<Param>,
    /// Cookie parameters.
    pub(super) cookie: Vec<Param>,
}

/// The query, header and cookie parameters, in spec order. Checks on the way that every
/// declared path parameter is in the path (`path_params`).
pub(super) fn others(
    cx: &mut Context<'_>,
    params: &[(&Parameter, Pointer)],
    path_params: &[Param],
) -> Result<Others, Error> {
    let mut others = Others {
        query: Vec::new(),
        header: Vec::new(),
        cookie: Vec::new(),
    };
    for (param, param_pointer) in params {
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
                let ty = param_type(cx, parameter_data, param_pointer);
                let Some(ty) = cx.note(ty)? else {
                    continue;
                };
                // OpenAPI: `explode` defaults to true for `form` only; an exploded
                // space- or pipe-delimited array is written as `form` writes it.
                let explode = parameter_data
                    .explode
                    .unwrap_or(matches!(style, QueryStyle::Form));
                let style = match style {
                    QueryStyle::Form if explode => Style::Form,
                    QueryStyle::Form => Style::FormJoined,
                    QueryStyle::SpaceDelimited | QueryStyle::PipeDelimited if explode => {
                        Style::Form
                    }
                    QueryStyle::SpaceDelimited => Style::SpaceDelimited,
                    QueryStyle::PipeDelimited => Style::PipeDelimited,
                    QueryStyle::DeepObject => Style::DeepObject,
                };
                if style == Style::DeepObject && shape(cx.space, &ty) != Shape::Object {
                    let problem = format!(
                        "deepObject query parameter that is {}",
                        shape(cx.space, &ty).describe_as_noun()
                    );
                    cx.note::<()>(Err(Error::unsupported(
                        problem,
                        &param_pointer.push("schema"),
                    )))?;
                    continue;
                }
                others.query.push(Param {
                    name: parameter_data.name.clone(),
                    ident: cx.idents.claim(&names::field_name(&parameter_data.name)),
                    ty,
                    required: parameter_data.required,
                    style,
                    doc: parameter_data.description.clone(),
                });
            }
            Parameter::Header { parameter_data, .. } => {
                let name = &parameter_data.name;
                // OpenAPI: "If in is "header" and the name field is "Accept", "Content-Type"
                // or "Authorization", the parameter definition SHALL be ignored."
                if ["accept", "content-type", "authorization"]
                    .iter()
                    .any(|ignored| name.eq_ignore_ascii_case(ignored))
                {
                    continue;
                }
                let param = located(cx, parameter_data, param_pointer, Location::Header)?;
                others.header.extend(param);
            }
            Parameter::Cookie { parameter_data, .. } => {
                let param = located(cx, parameter_data, param_pointer, Location::Cookie)?;
                others.cookie.extend(param);
            }
        }
    }
    Ok(others)
}

/// Where a header or cookie parameter goes.
#[derive(Clone, Copy)]
enum Location {
    Header,
    Cookie,
}

/// A header or cookie parameter, or `None` with what makes it unsupported recorded: a name
/// that cannot be sent as one, or a type that has no plain text form there.
fn located(
    cx: &mut Context<'_>,
    data: &ParameterData,
    pointer: &Pointer,
    location: Location,
) -> Result<Option<Param>, Error> {
    let what = match location {
        Location::Header => "header",
        Location::Cookie => "cookie",
    };
    if !is_token(&data.name) {
        let problem = format!(
            "{what} parameter named `{}`, which is not a valid {what} name",
            data.name
        );
        cx.note::<()>(Err(Error::unsupported(problem, &pointer.push("name"))))?;
        return Ok(None);
    }
    let ty = param_type(cx, data, pointer);
    let Some(ty) = cx.note(ty)? else {
        return Ok(None);
    };
    let shape = shape(cx.space, &ty);
    if !matches!(shape, Shape::Scalar | Shape::Array | Shape::Object) {
        let problem = format!("{} {what} parameter", shape.describe());
        cx.note::<()>(Err(Error::unsupported(problem, &pointer.push("schema"))))?;
        return Ok(None);
    }
    // OpenAPI: headers are `simple` (not exploded by default), cookies `form` (exploded).
    let style = match (location, data.explode) {
        (Location::Header, Some(true)) => Style::SimpleExploded,
        (Location::Header, _) => Style::Simple,
        (Location::Cookie, Some(false)) => Style::FormJoined,
        (Location::Cookie, _) => Style::Form,
    };
    Ok(Some(Param {
        name: data.name.clone(),
        ident: cx.idents.claim(&names::field_name(&data.name)),
        ty,
        required: data.required,
        style,
        doc: data.description.clone(),
    }))
}

/// What a parameter's type is, for the places that take plain text only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A string, number, boolean, string enum or any JSON value (rendered as text).
    Scalar,
    /// An array of scalars.
    Array,
    /// An object or map.
    Object,
    /// A union.
    Union,
    /// Anything else: binary, arrays of arrays or objects, types that refer to themselves.
    Other,
}

impl Shape {
    fn describe(self) -> &'static str {
        match self {
            Shape::Scalar => "scalar",
            Shape::Array => "array",
            Shape::Object => "object",
            Shape::Union => "union",
            Shape::Other => "non-scalar",
        }
    }

    /// "a scalar", "an array", ...: [`Shape::describe`] after an article.
    fn describe_as_noun(self) -> String {
        match self {
            Shape::Array | Shape::Object => format!("an {}", self.describe()),
            other => format!("a {}", other.describe()),
        }
    }
}

/// The shape of `ty`, through `Option`s and aliases.
fn shape(space: &TypeSpace, ty: &TypeRef) -> Shape {
    let scalar = |ty: &TypeRef| leaf(space, ty) == Shape::Scalar;
    match leaf(space, ty) {
        Shape::Array => match array_items(space, ty) {
            Some(items) if scalar(items) => Shape::Array,
            _ => Shape::Other,
        },
        other => other,
    }
}

/// The shape of `ty` without looking into arrays.
fn leaf(space: &TypeSpace, ty: &TypeRef) -> Shape {
    let mut ty = ty;
    // Aliases of aliases end; the bound only guards against a chain that refers to itself.
    for _ in 0..64 {
        match ty {
            TypeRef::String
            | TypeRef::Integer
            | TypeRef::Integer32
            | TypeRef::Number
            | TypeRef::Boolean
            | TypeRef::Any => return Shape::Scalar,
            TypeRef::Bytes => return Shape::Other,
            TypeRef::Vec(_) => return Shape::Array,
            TypeRef::Map(_) => return Shape::Object,
            TypeRef::Option(inner) => ty = inner,
            TypeRef::Named(id) => match &space.entry(*id).kind {
                TypeKind::StringEnum(_) => return Shape::Scalar,
                TypeKind::Struct(_) => return Shape::Object,
                TypeKind::Tagged { .. } | TypeKind::Untagged(_) => return Shape::Union,
                TypeKind::Alias(target) => ty = target,
                TypeKind::Newtype(_) | TypeKind::Pending => return Shape::Other,
            },
        }
    }
    Shape::Other
}

/// The item type of an array type, through `Option`s and aliases.
fn array_items<'a>(space: &'a TypeSpace, ty: &'a TypeRef) -> Option<&'a TypeRef> {
    let mut ty = ty;
    for _ in 0..64 {
        match ty {
            TypeRef::Vec(items) => return Some(items),
            TypeRef::Option(inner) => ty = inner,
            TypeRef::Named(id) => match &space.entry(*id).kind {
                TypeKind::Alias(target) => ty = target,
                _ => return None,
            },
            _ => return None,
        }
    }
    None
}

/// The type of a parameter (at `pointer`), added to the type space.
fn param_type(
    cx: &mut Context<'_>,
    data: &ParameterData,
    pointer: &Pointer,
) -> Result<TypeRef, Error> {
    match &data.format {
        ParameterSchemaOrContent::Schema(schema) => cx
            .space
            .add(
                schema,
                &format!("{} {}", cx.operation_id, data.name),
                &pointer.push("schema"),
            )
            .map(binary_as_text),
        ParameterSchemaOrContent::Content(_) => Err(Error::unsupported(
            "parameter with `content` instead of `schema`",
            pointer,
        )),
    }
}

/// A parameter is text in a URL or a header: a binary one (`format: binary`) is taken as a
/// string.
fn binary_as_text(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Bytes => TypeRef::String,
        TypeRef::Option(inner) => TypeRef::Option(Box::new(binary_as_text(*inner))),
        TypeRef::Vec(inner) => TypeRef::Vec(Box::new(binary_as_text(*inner))),
        other => other,
    }
}

fn location(param: &Parameter) -> &'static str {
    match param {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
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

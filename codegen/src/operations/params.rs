//! Parameters: the ones an operation declares (its path item's and its own, `$ref`s
//! resolved), the path template with its parameters in path order, and the query
//! parameters in spec order. Header and cookie parameters, query styles other than
//! `form`, parameters with `content` and `$ref`s that cannot be followed are unsupported:
//! each is recorded as the operation's and the other parameters are read on.

use super::{Context, Param, PathPart};
use crate::error::Error;
use crate::names;
use crate::pointer::Pointer;
use crate::resolve;
use crate::types::TypeRef;
use openapiv3::{
    Operation as OaOperation, Parameter, ParameterData, ParameterSchemaOrContent, PathItem,
    QueryStyle, ReferenceOr,
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
                path_params.push(Param {
                    name: name.clone(),
                    ident: cx.idents.claim(&names::field_name(&name)),
                    ty,
                    required: true,
                    explode: false,
                    doc: data.description.clone(),
                });
                path_parts.push(PathPart::Param(path_params.len() - 1));
            }
        }
    }
    Ok((path_parts, path_params))
}

/// The query parameters, in spec order. Checks on the way that every declared path
/// parameter is in the path (`path_params`) and that no header or cookie parameter is.
pub(super) fn query(
    cx: &mut Context<'_>,
    params: &[(&Parameter, Pointer)],
    path_params: &[Param],
) -> Result<Vec<Param>, Error> {
    let mut query_params = Vec::new();
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
                if !matches!(style, QueryStyle::Form) {
                    cx.note::<()>(Err(Error::unsupported(
                        format!("query parameter style `{style:?}`"),
                        &param_pointer.push("style"),
                    )))?;
                    continue;
                }
                let ty = param_type(cx, parameter_data, param_pointer);
                let Some(ty) = cx.note(ty)? else {
                    continue;
                };
                query_params.push(Param {
                    name: parameter_data.name.clone(),
                    ident: cx.idents.claim(&names::field_name(&parameter_data.name)),
                    ty,
                    required: parameter_data.required,
                    explode: parameter_data.explode.unwrap_or(true),
                    doc: parameter_data.description.clone(),
                });
            }
            Parameter::Header { .. } => {
                cx.note::<()>(Err(Error::unsupported("header parameter", param_pointer)))?;
            }
            Parameter::Cookie { .. } => {
                cx.note::<()>(Err(Error::unsupported("cookie parameter", param_pointer)))?;
            }
        }
    }
    Ok(query_params)
}

/// The type of a parameter (at `pointer`), added to the type space.
fn param_type(
    cx: &mut Context<'_>,
    data: &ParameterData,
    pointer: &Pointer,
) -> Result<TypeRef, Error> {
    match &data.format {
        ParameterSchemaOrContent::Schema(schema) => cx.space.add(
            schema,
            &format!("{} {}", cx.operation_id, data.name),
            &pointer.push("schema"),
        ),
        ParameterSchemaOrContent::Content(_) => Err(Error::unsupported(
            "parameter with `content` instead of `schema`",
            pointer,
        )),
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

//! Client emission: the operation IR -> one `impl Client` block of async methods.
//!
//! Every method only describes its request (method, encoded path, query, JSON body, the
//! property to unwrap; header and cookie parameters, a body in another media type and the
//! `Accept` header as `RequestParts`) and hands it to the hand-written runtime's
//! `Client::execute` (`execute_with` with parts, `execute_text`, `execute_bytes` or
//! `execute_empty` for text, binary or empty answers), which owns retries, timeouts, errors
//! and decoding. The generated code therefore stays small and the behaviour lives in one
//! reviewed place.
//!
//! Shape of a method (for `GET /things/{id}` with an optional `page` query parameter):
//!
//! ```text
//! pub async fn get_thing(&self, id: &str, page: Option<i64>) -> Result<crate::models::Thing, crate::runtime::Error> {
//!     self.execute(crate::runtime::RequestSpec {
//!         operation_id: "getThing",
//!         method: crate::runtime::Method::GET,
//!         path: ["/things/", crate::runtime::path::encode_path_param("getThing", "id", id)?.as_str()].concat(),
//!         query: [crate::runtime::path::query_pairs("getThing", "page", page.as_ref(), crate::runtime::path::Style::Form)?].concat(),
//!         body: None,
//!         unwrap: None,
//!         rereads: false,
//!         declared: true,
//!     }).await
//! }
//! ```
//!
//! With a header parameter and a text answer, the request is followed by its parts:
//!
//! ```text
//! self.execute_text(crate::runtime::RequestSpec { .. }, crate::runtime::RequestParts {
//!     headers: [crate::runtime::path::header_pairs("getNote", "X-Trace", x_trace, crate::runtime::path::Style::Simple)?].concat(),
//!     accept: ::std::option::Option::Some("text/plain"),
//!     ..::std::default::Default::default()
//! }).await
//! ```

use crate::doc;
use crate::emit_models::type_tokens;
use crate::envelope::ErrorEnvelope;
use crate::operations::{BodyKind, ClientIr, Operation, Param, PathPart, Returns};
use crate::types::{TypeKind, TypeRef, TypeSpace};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// The contents of `operations.rs`.
pub fn emit(ir: &ClientIr, space: &TypeSpace) -> TokenStream {
    let base_url = ir.default_base_url.as_ref().map(|url| {
        let const_doc = doc::doc_attrs(&format!(
            "The base URL of the API: the first server of the description, {}.",
            doc::code(url)
        ));
        quote! {
            #const_doc
            pub const DEFAULT_BASE_URL: &str = #url;
        }
    });
    let envelope = ir.error_envelope.as_ref().map(emit_envelope);
    // The builders live here rather than in the runtime so that every client of this API
    // reads its error envelope, whichever base URL it is built for.
    let install = ir
        .error_envelope
        .as_ref()
        .map(|_| quote! { .error_envelope(ERROR_ENVELOPE) });
    let envelope_doc = match &ir.error_envelope {
        None => "no error envelope",
        Some(_) => "the description's error envelope, [`ERROR_ENVELOPE`]",
    };
    let builder_for_doc = doc::doc_attrs(&format!(
        "A builder for a client of the API served at `base_url` (for example \
         `https://api.example.com/v1`; a trailing `/` is ignored), with {envelope_doc} and the \
         runtime's defaults (no credentials, 2 retries, 60 s per attempt, 5 s to connect)."
    ));
    let builder = ir.default_base_url.as_ref().map(|_| {
        let builder_doc = doc::doc_attrs(&format!(
            "A builder for a client of [`DEFAULT_BASE_URL`], with {envelope_doc} and the \
             runtime's defaults."
        ));
        quote! {
            #builder_doc
            pub fn builder() -> crate::runtime::ClientBuilder {
                Self::builder_for(DEFAULT_BASE_URL)
            }
        }
    });
    let methods = ir.operations.iter().map(|op| {
        let method = emit_method(op, space);
        let stream = op.pagination.as_ref().map(|_| emit_stream(op, space));
        quote! { #method #stream }
    });
    quote! {
        #base_url
        #envelope

        /// One method per operation of the description.
        impl crate::runtime::Client {
            #builder_for_doc
            pub fn builder_for(base_url: impl Into<String>) -> crate::runtime::ClientBuilder {
                crate::runtime::ClientBuilder::new(base_url) #install
            }
            #builder
            #(#methods)*
        }
    }
}

/// The `ERROR_ENVELOPE` constant: the runtime's `ErrorEnvelope` with the properties the
/// description declares in `x-dynroute-envelope`.
fn emit_envelope(envelope: &ErrorEnvelope) -> TokenStream {
    let mut text = String::from(
        "The error envelope of the API's responses, as the description declares it \
         (`x-dynroute-envelope`):",
    );
    if let Some(success) = &envelope.success {
        text.push_str(&format!(
            " a response whose {} property is `false` is an error whatever its status;",
            doc::code(success)
        ));
    }
    if let Some(errors) = &envelope.errors {
        text.push_str(&format!(
            " the `code` and `message` of each entry of {} become the error's details;",
            doc::code(errors)
        ));
    }
    text.pop();
    text.push('.');
    let docs = doc::doc_attrs(&text);
    let success = envelope
        .success
        .as_ref()
        .map(|property| quote!(.success_flag(#property)));
    let errors = envelope
        .errors
        .as_ref()
        .map(|property| quote!(.errors(#property)));
    quote! {
        #docs
        pub const ERROR_ENVELOPE: crate::runtime::ErrorEnvelope =
            crate::runtime::ErrorEnvelope::new() #success #errors;
    }
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Primitive types are taken by value; strings as `&str`; everything else by reference.
fn arg_type(
    ty: &TypeRef,
    required: bool,
    space: &TypeSpace,
    lifetime: &TokenStream,
) -> TokenStream {
    let inner = match ty {
        TypeRef::String => quote!(& #lifetime str),
        ty if by_value(ty) => type_tokens(space, ty),
        other => {
            let tokens = type_tokens(space, other);
            quote!(& #lifetime #tokens)
        }
    };
    if required {
        inner
    } else {
        quote!(::std::option::Option<#inner>)
    }
}

/// The method's documentation; `skip_query` is a query parameter the method does not take
/// (the page number a paging helper drives).
fn method_doc(op: &Operation, extra: Option<&str>, skip_query: Option<usize>) -> TokenStream {
    let mut text = op.doc.clone().unwrap_or_default();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "{} (operation {}).",
        doc::code(&format!("{} {}", op.http_method, op.path)),
        doc::code(&op.operation_id)
    ));
    if let Some(property) = &op.unwrap {
        text.push_str(&format!(
            " Returns the {} property of the response body.",
            doc::code(property)
        ));
    }
    match &op.returns {
        Returns::Text { .. } => text.push_str(" Returns the response body as text."),
        Returns::Bytes { .. } => text.push_str(" Returns the response body's bytes."),
        Returns::Nothing | Returns::Json(_) => {}
    }
    if let Some(body) = &op.body {
        let arg = doc::code(&body.ident);
        let media = doc::code(&body.media);
        match &body.kind {
            BodyKind::Json(_) => {}
            BodyKind::Form(_) => {
                text.push_str(&format!(" Sends {arg} as {media} fields."));
            }
            BodyKind::Multipart { .. } => text.push_str(&format!(
                " Sends {arg} as {media} parts: binary properties as file parts named after \
                 the property, objects as JSON, other values as text."
            )),
            BodyKind::Text | BodyKind::Bytes => {
                text.push_str(&format!(" Sends {arg} as it is, as {media}."));
            }
        }
    }
    if let Some(extra) = extra {
        text.push_str("\n\n");
        text.push_str(extra);
    }
    let query = op
        .query_params
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != skip_query)
        .map(|(_, p)| p);
    // Header and cookie parameters say where they go: their Rust names differ more.
    let place = |p: &Param, location: &str| format!(" ({location} {})", doc::code(&p.name));
    let params: Vec<String> = op
        .path_params
        .iter()
        .chain(query)
        .map(|p| (p, String::new()))
        .chain(op.header_params.iter().map(|p| (p, place(p, "header"))))
        .chain(op.cookie_params.iter().map(|p| (p, place(p, "cookie"))))
        .map(|(p, place)| match &p.doc {
            Some(d) => format!("* `{}`{place}: {}", p.ident, d.trim()),
            None => format!("* `{}`{place}", p.ident),
        })
        .collect();
    if !params.is_empty() {
        text.push_str("\n\nParameters:\n\n");
        text.push_str(&params.join("\n"));
    }
    doc::doc_attrs(&text)
}

/// The `path:` expression: the literal pieces and the encoded parameters (empty values
/// refused) concatenated. `concat` rather than `format!` keeps the expression readable
/// after formatting (formatters leave macro arguments alone).
fn path_expr(op: &Operation) -> TokenStream {
    let op_id = &op.operation_id;
    let mut pieces = Vec::new();
    for part in &op.path_parts {
        match part {
            PathPart::Literal(text) => pieces.push(quote!(#text)),
            PathPart::Param(index) => {
                let param = &op.path_params[*index];
                let name = &param.name;
                let arg = ident(&param.ident);
                let value = match param.ty {
                    TypeRef::String => quote!(#arg),
                    _ => quote!(&crate::runtime::path::query_value(#op_id, #name, &#arg)?),
                };
                pieces.push(quote!(
                    crate::runtime::path::encode_path_param(#op_id, #name, #value)?.as_str()
                ));
            }
        }
    }
    match pieces.as_slice() {
        [] => quote!(::std::string::String::new()),
        [only] if op.path_params.is_empty() => quote!(::std::string::String::from(#only)),
        _ => quote!([#(#pieces),*].concat()),
    }
}

/// Whether a parameter of this type is taken by value (the others by reference).
fn by_value(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::Integer | TypeRef::Integer32 | TypeRef::Number | TypeRef::Boolean
    )
}

/// The `query:` expression: the `(name, value)` pairs of every query parameter, in order.
/// `page_override` replaces the value of one parameter (the page number inside the paging
/// helper) with an `Option<&_>` expression.
fn query_expr(op: &Operation, page_override: Option<(usize, TokenStream)>) -> TokenStream {
    let op_id = &op.operation_id;
    if op.query_params.is_empty() {
        return quote!(::std::vec::Vec::new());
    }
    let items = op.query_params.iter().enumerate().map(|(i, param)| {
        let name = &param.name;
        let style = style_tokens(param.style);
        let value = match &page_override {
            Some((index, expr)) if *index == i => expr.clone(),
            _ => param_value(param),
        };
        quote!(crate::runtime::path::query_pairs(#op_id, #name, #value, #style)?)
    });
    quote!([#(#items),*].concat())
}

/// The runtime's `path::Style` of the same name.
fn style_tokens(style: crate::operations::Style) -> TokenStream {
    let variant = format_ident!("{style:?}");
    quote!(crate::runtime::path::Style::#variant)
}

/// An `Option<&T>` of a parameter's argument, as it is taken (see `arg_type`).
fn param_value(param: &Param) -> TokenStream {
    let arg = ident(&param.ident);
    match (param.required, by_value(&param.ty)) {
        (true, true) => quote!(::std::option::Option::Some(&#arg)),
        (true, false) => quote!(::std::option::Option::Some(#arg)),
        (false, true) => quote!(#arg.as_ref()),
        (false, false) => quote!(#arg),
    }
}

/// The `RequestParts` of an operation (header and cookie parameters, a body that is not
/// JSON, the `Accept` header of a text or binary answer), or `None` when it has none.
fn parts_expr(op: &Operation, space: &TypeSpace) -> Option<TokenStream> {
    let op_id = &op.operation_id;
    let mut fields = Vec::new();
    let mut all = true;
    let pairs = |params: &[Param], helper: TokenStream| {
        let items = params.iter().map(|param| {
            let name = &param.name;
            let value = param_value(param);
            let style = style_tokens(param.style);
            quote!(#helper(#op_id, #name, #value, #style)?)
        });
        quote!([#(#items),*].concat())
    };
    if op.header_params.is_empty() {
        all = false;
    } else {
        let headers = pairs(
            &op.header_params,
            quote!(crate::runtime::path::header_pairs),
        );
        fields.push(quote!(headers: #headers));
    }
    if op.cookie_params.is_empty() {
        all = false;
    } else {
        let cookies = pairs(
            &op.cookie_params,
            quote!(crate::runtime::path::cookie_pairs),
        );
        fields.push(quote!(cookies: #cookies));
    }
    match op
        .body
        .as_ref()
        .and_then(|body| content_expr(op, body, space))
    {
        Some(content) => fields.push(quote!(content: #content)),
        None => all = false,
    }
    match &op.returns {
        Returns::Text { accept } | Returns::Bytes { accept } => {
            fields.push(quote!(accept: ::std::option::Option::Some(#accept)));
        }
        Returns::Nothing | Returns::Json(_) => all = false,
    }
    if fields.is_empty() {
        return None;
    }
    let rest = (!all).then(|| quote!(..::std::default::Default::default()));
    Some(quote! {
        crate::runtime::RequestParts {
            #(#fields,)*
            #rest
        }
    })
}

/// The `content:` of the parts, an `Option<Content>`: the encoded body, for bodies that are
/// not JSON (`None` for JSON, which goes in the request's `body:`).
fn content_expr(
    op: &Operation,
    body: &crate::operations::Body,
    space: &TypeSpace,
) -> Option<TokenStream> {
    let op_id = &op.operation_id;
    let arg = ident(&body.ident);
    let media = &body.media;
    // The encoding of the body bound to `arg`: a `Result` (`Fails`), an expression that
    // may use `?` itself (`Asks`), or a plain value.
    enum Encoding {
        Fails(TokenStream),
        Asks(TokenStream),
        Plain(TokenStream),
    }
    let encoding = match &body.kind {
        BodyKind::Json(_) => return None,
        BodyKind::Form(_) => Encoding::Fails(quote!(crate::runtime::body::form(#op_id, #arg))),
        BodyKind::Text => Encoding::Plain(quote!(crate::runtime::body::text(#media, #arg))),
        BodyKind::Bytes => Encoding::Plain(quote!(crate::runtime::body::bytes(#media, #arg))),
        BodyKind::Multipart { ty, content_types } => {
            let parts = multipart_parts(op, space, ty, content_types, &arg);
            Encoding::Asks(quote!(crate::runtime::body::multipart(#parts)))
        }
    };
    let some = quote!(::std::option::Option::Some);
    Some(match (body.required, encoding) {
        (true, Encoding::Fails(encode)) => quote!(#some(#encode?)),
        (true, Encoding::Asks(encode) | Encoding::Plain(encode)) => quote!(#some(#encode)),
        (false, Encoding::Plain(encode)) => quote!(#arg.map(|#arg| #encode)),
        (false, Encoding::Fails(encode)) => quote!(#arg.map(|#arg| #encode).transpose()?),
        (false, Encoding::Asks(encode)) => quote! {
            #arg.map(|#arg| ::std::result::Result::<_, crate::runtime::Error>::Ok(#encode))
                .transpose()?
        },
    })
}

/// The parts of a multipart body bound to `arg`, a `Vec<Part>` expression that may use `?`: for a struct,
/// each field in order, binary ones as file parts and the others as text parts; for a map or
/// any other object, every property as text parts.
fn multipart_parts(
    op: &Operation,
    space: &TypeSpace,
    ty: &TypeRef,
    content_types: &BTreeMap<String, String>,
    arg: &Ident,
) -> TokenStream {
    let op_id = &op.operation_id;
    let Some(def) = struct_def(space, ty) else {
        return quote!(crate::runtime::body::object_parts(#op_id, #arg)?);
    };
    let fields = &def.fields;
    let items = fields.iter().map(|field| {
        let wire = &field.wire;
        let name = ident(&field.ident);
        match file_layers(space, &field.ty, field.required) {
            Some(layers) => {
                let content_type = content_types
                    .get(wire)
                    .map(String::as_str)
                    .unwrap_or("application/octet-stream");
                let files = match layers {
                    0 => quote!([&#arg.#name]),
                    _ => {
                        let flatten = (1..layers).map(|_| quote!(.flatten()));
                        quote!(#arg.#name.iter() #(#flatten)*)
                    }
                };
                quote!(crate::runtime::body::file_parts(#wire, #content_type, #files))
            }
            None => quote!(crate::runtime::body::text_parts(#op_id, #wire, &#arg.#name)?),
        }
    });
    // The keys of a flattened `additionalProperties` map follow the fields, as text parts.
    let others = def.additional.as_ref().map(|(name, _)| {
        let name = ident(name);
        quote!(crate::runtime::body::object_parts(#op_id, &#arg.#name)?)
    });
    let items: Vec<TokenStream> = items.chain(others).collect();
    if items.is_empty() {
        return quote!(::std::vec::Vec::new());
    }
    quote!([#(#items),*].concat())
}

/// The definition of `ty` when it is a struct, directly or through aliases.
fn struct_def<'a>(space: &'a TypeSpace, ty: &'a TypeRef) -> Option<&'a crate::types::StructDef> {
    let mut ty = ty;
    // Aliases of aliases end; the bound only guards against a chain that refers to itself.
    for _ in 0..64 {
        let TypeRef::Named(id) = ty else {
            return None;
        };
        match &space.entry(*id).kind {
            TypeKind::Struct(def) => return Some(def),
            TypeKind::Alias(target) => ty = target,
            _ => return None,
        }
    }
    None
}

/// For a field that holds bytes (`Vec<u8>`, possibly inside `Option`s and `Vec`s), how many
/// `Option`s and `Vec`s are around them in the field's Rust type (an optional field adds an
/// `Option` unless its type is one already); `None` for any other field.
fn file_layers(space: &TypeSpace, ty: &TypeRef, required: bool) -> Option<usize> {
    let mut layers = usize::from(!required && !matches!(ty, TypeRef::Option(_)));
    let mut ty = ty;
    for _ in 0..64 {
        match ty {
            TypeRef::Bytes => return Some(layers),
            TypeRef::Option(inner) | TypeRef::Vec(inner) => {
                layers += 1;
                ty = inner;
            }
            TypeRef::Named(id) => match &space.entry(*id).kind {
                TypeKind::Alias(target) => ty = target,
                _ => return None,
            },
            _ => return None,
        }
    }
    None
}

/// The `RequestSpec` of `op`; `page_override` replaces a query parameter's value (the page a
/// paging helper drives), and `declared` says whether the body is decoded into the type the
/// operation declares (a paging helper reads it as a `serde_json::Value`).
fn request_expr(
    op: &Operation,
    space: &TypeSpace,
    page_override: Option<(usize, TokenStream)>,
    declared: bool,
) -> TokenStream {
    let op_id = &op.operation_id;
    let method = format_ident!("{}", op.http_method);
    let path = path_expr(op);
    let query = query_expr(op, page_override);
    let body = match &op.body {
        Some(body) if matches!(body.kind, BodyKind::Json(_)) => {
            let arg = ident(&body.ident);
            if body.required {
                quote!(::std::option::Option::Some(crate::runtime::path::json_body(#op_id, #arg)?))
            } else {
                quote!(#arg.map(|body| crate::runtime::path::json_body(#op_id, body)).transpose()?)
            }
        }
        _ => quote!(::std::option::Option::None),
    };
    let unwrap = match &op.unwrap {
        Some(property) => quote!(::std::option::Option::Some(#property)),
        None => quote!(::std::option::Option::None),
    };
    // Only a JSON body is decoded into a type; `true` is right for any other.
    let rereads = op.returns.ty().is_none_or(|ty| space.rereads_objects(ty));
    quote! {
        crate::runtime::RequestSpec {
            operation_id: #op_id,
            method: crate::runtime::Method::#method,
            path: #path,
            query: #query,
            body: #body,
            unwrap: #unwrap,
            rereads: #rereads,
            declared: #declared,
        }
    }
}

fn params_sig(
    op: &Operation,
    space: &TypeSpace,
    lifetime: &TokenStream,
    skip_query: Option<usize>,
) -> Vec<TokenStream> {
    let one = |p: &Param, required: bool| {
        let name = ident(&p.ident);
        let ty = arg_type(&p.ty, required, space, lifetime);
        quote!(#name: #ty)
    };
    let mut args: Vec<TokenStream> = op.path_params.iter().map(|p| one(p, true)).collect();
    args.extend(
        op.query_params
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != skip_query)
            .map(|(_, p)| one(p, p.required)),
    );
    args.extend(
        op.header_params
            .iter()
            .chain(&op.cookie_params)
            .map(|p| one(p, p.required)),
    );
    if let Some(body) = &op.body {
        let name = ident(&body.ident);
        let ty = match body.ty() {
            Some(ty) => type_tokens(space, ty),
            None if matches!(body.kind, BodyKind::Text) => quote!(str),
            None => quote!([u8]),
        };
        args.push(if body.required {
            quote!(#name: & #lifetime #ty)
        } else {
            quote!(#name: ::std::option::Option<& #lifetime #ty>)
        });
    }
    args
}

fn emit_method(op: &Operation, space: &TypeSpace) -> TokenStream {
    let name = ident(&op.method_name);
    let docs = method_doc(op, None, None);
    let args = params_sig(op, space, &TokenStream::new(), None);
    let allow = (args.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    // A `serde_json::Value` (no schema) refuses nothing: a hook that repairs only what the
    // declared type refuses must still see its bodies.
    let declared = matches!(&op.returns, Returns::Json(ty) if *ty != TypeRef::Any);
    let request = request_expr(op, space, None, declared);
    let parts = parts_expr(op, space);
    let all_parts = parts
        .clone()
        .unwrap_or_else(|| quote!(crate::runtime::RequestParts::default()));
    let (returns, call) = match (&op.returns, &parts) {
        (Returns::Json(ty), None) => {
            let ty = type_tokens(space, ty);
            (ty, quote!(self.execute(#request).await))
        }
        (Returns::Json(ty), Some(parts)) => {
            let ty = type_tokens(space, ty);
            (ty, quote!(self.execute_with(#request, #parts).await))
        }
        (Returns::Nothing, _) => (
            quote!(()),
            quote!(self.execute_empty(#request, #all_parts).await),
        ),
        (Returns::Text { .. }, _) => (
            quote!(::std::string::String),
            quote!(self.execute_text(#request, #all_parts).await),
        ),
        (Returns::Bytes { .. }, _) => (
            quote!(::std::vec::Vec<u8>),
            quote!(self.execute_bytes(#request, #all_parts).await),
        ),
    };
    quote! {
        #docs
        #allow
        pub async fn #name(&self, #(#args),*) -> ::std::result::Result<#returns, crate::runtime::Error> {
            #call
        }
    }
}

fn emit_stream(op: &Operation, space: &TypeSpace) -> TokenStream {
    let Some(paging) = &op.pagination else {
        return TokenStream::new();
    };
    let name = ident(&paging.method_name);
    let lifetime = quote!('a);
    let page_ident = ident(&op.query_params[paging.page_param].ident);
    let page_size = match paging.per_page_param {
        Some(index) => {
            let param = ident(&op.query_params[index].ident);
            quote!(crate::runtime::paging::page_size(#param.as_ref()))
        }
        None => quote!(::std::option::Option::None),
    };
    let extra = format!(
        "Walks every page (starting at 1) and yields the items of {} one by one; {} is \
         driven by the stream. The walk ends after an empty or short page.",
        doc::code(&paging.items),
        doc::code(&op.query_params[paging.page_param].name)
    );
    let docs = method_doc(op, Some(&extra), Some(paging.page_param));
    let args = params_sig(op, space, &lifetime, Some(paging.page_param));
    let allow = (args.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let request = request_expr(
        op,
        space,
        Some((
            paging.page_param,
            quote!(::std::option::Option::Some(&#page_ident)),
        )),
        false,
    );
    let item = type_tokens(space, &paging.item_ty);
    let op_id = &op.operation_id;
    let items = &paging.items;
    let fetch = match parts_expr(op, space) {
        None => quote!(self.execute_value(#request).await),
        Some(parts) => {
            quote!(self.execute_with::<::serde_json::Value>(#request, #parts).await)
        }
    };
    quote! {
        #docs
        #allow
        pub fn #name<'a>(&'a self, #(#args),*)
            -> crate::runtime::paging::BoxStream<'a, ::std::result::Result<#item, crate::runtime::Error>>
        {
            crate::runtime::paging::paginate(#op_id, #items, #page_size, move |#page_ident| async move {
                #fetch
            })
        }
    }
}

/// The hand-written runtime the generated client runs on, embedded from the crate
/// `dynroute-runtime` (`runtime/src/`, its single source) so standalone crates get an exact
/// copy as their `runtime` module: `(path relative to the crate's src/, text)`. The crate
/// root `lib.rs` becomes the module's `mod.rs`.
pub const RUNTIME_FILES: &[(&str, &str)] = &[
    ("runtime/mod.rs", include_str!("../../runtime/src/lib.rs")),
    ("runtime/auth.rs", include_str!("../../runtime/src/auth.rs")),
    ("runtime/body.rs", include_str!("../../runtime/src/body.rs")),
    (
        "runtime/client.rs",
        include_str!("../../runtime/src/client.rs"),
    ),
    (
        "runtime/envelope.rs",
        include_str!("../../runtime/src/envelope.rs"),
    ),
    (
        "runtime/error.rs",
        include_str!("../../runtime/src/error.rs"),
    ),
    (
        "runtime/execute.rs",
        include_str!("../../runtime/src/execute.rs"),
    ),
    ("runtime/hook.rs", include_str!("../../runtime/src/hook.rs")),
    (
        "runtime/paging.rs",
        include_str!("../../runtime/src/paging.rs"),
    ),
    ("runtime/path.rs", include_str!("../../runtime/src/path.rs")),
    (
        "runtime/retry.rs",
        include_str!("../../runtime/src/retry.rs"),
    ),
    (
        "runtime/secret.rs",
        include_str!("../../runtime/src/secret.rs"),
    ),
    ("runtime/tls.rs", include_str!("../../runtime/src/tls.rs")),
];

/// The first line of each runtime file copied into a standalone crate.
pub fn runtime_copy_header() -> &'static str {
    "// Copied from the hand-written runtime dynroute-runtime (runtime/src/) by \
     dynroute-codegen. Do not edit here."
}

/// The first lines earlier versions wrote on runtime copies (see
/// [`crate::render::EARLIER_MARKS`]).
pub const EARLIER_RUNTIME_COPY_HEADERS: &[&str] = &[
    "// Copied from the hand-written runtime dynroute-runtime (runtime/src/) by \
     `cargo xtask generate`. Do not edit here.",
];

#[cfg(test)]
mod tests {
    use crate::{Settings, generate, krate};

    const OFFICIAL: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/reference/cloudflare-dynamic-routing.openapi.json"
    ));

    #[test]
    fn official_description_gives_ten_methods_and_a_standalone_client_crate() {
        let output = generate(OFFICIAL, &Settings::new("official.json")).expect("generates");
        let operations = output.src.get("operations.rs").expect("operations.rs");
        let file = syn::parse_file(operations).expect("valid Rust");
        let methods: Vec<String> = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Impl(block) => Some(block),
                _ => None,
            })
            .flat_map(|block| &block.items)
            .filter_map(|item| match item {
                syn::ImplItem::Fn(f) if f.sig.asyncness.is_some() => Some(f.sig.ident.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(methods.len(), 10, "{methods:?}");
        assert!(operations.contains("pub const DEFAULT_BASE_URL: &str = \"https://"));

        let files = krate::files("official", "official.json", &output);
        let lib = files.get("src/lib.rs").expect("lib.rs");
        assert!(lib.contains("pub mod runtime;"), "{lib}");
        assert!(files["Cargo.toml"].contains("reqwest"));
        for (path, text) in super::RUNTIME_FILES {
            let copy = files
                .get(&format!("src/{path}"))
                .expect("runtime file copied");
            assert!(copy.starts_with(super::runtime_copy_header()));
            assert!(copy.ends_with(text));
        }
    }

    #[test]
    fn only_a_declared_envelope_is_installed_by_the_builder() {
        // Cloudflare's own description declares no envelope: its client reads none.
        let official = generate(OFFICIAL, &Settings::new("official.json")).expect("generates");
        let operations = &official.src["operations.rs"];
        assert!(operations.contains("pub fn builder()"), "{operations}");
        assert!(!operations.contains("ERROR_ENVELOPE"), "{operations}");
        assert!(!operations.contains("error_envelope"), "{operations}");

        let mut spec: serde_json::Value = serde_json::from_str(OFFICIAL).expect("JSON");
        spec["x-dynroute-envelope"] = serde_json::json!({"success": "ok", "errors": "problems"});
        let declared =
            generate(&spec.to_string(), &Settings::new("declared.json")).expect("generates");
        let operations = &declared.src["operations.rs"];
        let constant: String = operations
            .split("pub const ERROR_ENVELOPE")
            .nth(1)
            .and_then(|rest| rest.split(';').next())
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        assert_eq!(
            constant,
            ":crate::runtime::ErrorEnvelope=crate::runtime::ErrorEnvelope::new().success_flag(\"ok\").errors(\"problems\")",
            "{operations}"
        );
        assert!(
            operations.contains(".error_envelope(ERROR_ENVELOPE)"),
            "{operations}"
        );
    }

    #[test]
    fn every_runtime_file_is_embedded() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../runtime/src");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .expect("runtime/src")
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter(|name| name.ends_with(".rs"))
            .map(|name| match name.as_str() {
                "lib.rs" => "runtime/mod.rs".to_owned(),
                _ => format!("runtime/{name}"),
            })
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = super::RUNTIME_FILES
            .iter()
            .map(|(path, _)| path.to_string())
            .collect();
        embedded.sort();
        assert_eq!(embedded, on_disk);
    }
}

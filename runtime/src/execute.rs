//! Sends one described request: retries, timeouts, error mapping, the error envelope,
//! decoding.

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::borrow::Cow;

use super::body::Content;
use super::client::Client;
use super::error::{Error, ErrorKind};
use super::retry::{Attempt, Decision};

/// A request as generated code describes it: everything already encoded.
#[derive(Clone, Debug)]
pub struct RequestSpec {
    /// The operationId, used in errors and passed to the response hook.
    pub operation_id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path below the base URL, path parameters already percent-encoded.
    pub path: String,
    /// Query parameters, in order (an exploded object's members are named by their keys).
    pub query: Vec<(Cow<'static, str>, String)>,
    /// The JSON body, serialized once.
    pub body: Option<Vec<u8>>,
    /// The property of the success body to return instead of the whole body.
    pub unwrap: Option<&'static str>,
    /// Whether the type the success body decodes to may read an object otherwise than once
    /// and whole, as a `serde_json::Value` reads it: make something else of a repeated key (a
    /// `Value` keeps the last occurrence; read straight from the bytes, the type meets every
    /// occurrence), or skip part of what it reads through `deserialize_any` (a hand-written
    /// visitor). Derived structs (which refuse a repeated field), internally tagged enums,
    /// `serde_json::Value` and maps that keep the last value do not; an untagged enum does (it
    /// buffers the object and tries its variants on it in turn), as do flattened fields and
    /// any type that keeps the first occurrence or all of them. With `true`, the direct
    /// decoding checks the maps it reads through `deserialize_any` or `deserialize_map` for
    /// repeated keys, and leaves a body that has one to the general path; with `false`, what
    /// the type reads through `deserialize_any` is read by serde_json alone. `true` is always
    /// right; generated operations say `false` for models that hold no untagged union and no
    /// flattened map.
    pub rereads: bool,
    /// Whether the success body is decoded into the type the API description declares for
    /// this operation. A response hook that repairs only what that type refuses
    /// ([`ResponseHook::repairs_refused_only`](super::ResponseHook::repairs_refused_only))
    /// then runs only on bodies the type refuses as they are. `false` is always right: set
    /// `true` only when `T` is that type. Generated operations say `true`, except the paging
    /// helpers (which read pages as `serde_json::Value`) and operations declared without a
    /// schema (whose `serde_json::Value` refuses nothing).
    pub declared: bool,
}

/// What a request carries besides its [`RequestSpec`]: header and cookie parameters, a body
/// in another media type than JSON, and the media types it accepts in return. Generated
/// operations that declare none of these send `RequestParts::default()`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestParts {
    /// Header parameters, `(name, value)` in order, values rendered by
    /// [`path::header_pairs`](super::path::header_pairs). Each replaces a client-wide header
    /// of the same name (`User-Agent`, say).
    pub headers: Vec<(Cow<'static, str>, String)>,
    /// Cookie parameters, `(name, value)` in order, values encoded by
    /// [`path::cookie_pairs`](super::path::cookie_pairs): sent together in one `Cookie`
    /// header, `name=value; name2=value2`.
    pub cookies: Vec<(Cow<'static, str>, String)>,
    /// A body in another media type than JSON ([`body`](super::body) encodes them), sent with
    /// its `Content-Type` instead of [`RequestSpec::body`].
    pub content: Option<Content>,
    /// The `Accept` header, for operations that answer with something else than JSON
    /// (`text/plain`, `image/png, image/jpeg`).
    pub accept: Option<&'static str>,
}

/// Why a response body could not be read.
enum Body {
    /// More bytes than the client accepts.
    TooLarge,
    /// The connection broke or timed out while reading.
    Transport(reqwest::Error),
}

/// The body of `response`, refused as soon as it announces or sends more than `limit` bytes.
/// A body that arrives in one chunk (the usual JSON response) is kept as it arrived, without
/// a copy.
async fn read_body(mut response: reqwest::Response, limit: usize) -> Result<Bytes, Body> {
    let announced = response.content_length().unwrap_or(0);
    if announced > limit as u64 {
        return Err(Body::TooLarge);
    }
    let mut next = async || response.chunk().await.map_err(Body::Transport);
    let Some(first) = next().await? else {
        return Ok(Bytes::new());
    };
    if first.len() > limit {
        return Err(Body::TooLarge);
    }
    let Some(mut chunk) = next().await? else {
        return Ok(first);
    };
    let mut body = Vec::with_capacity((announced as usize).max(first.len() + chunk.len()));
    body.extend_from_slice(&first);
    loop {
        if chunk.len() > limit - body.len() {
            return Err(Body::TooLarge);
        }
        body.extend_from_slice(&chunk);
        match next().await? {
            Some(more) => chunk = more,
            None => return Ok(body.into()),
        }
    }
}

/// The final success response to a request.
struct Success {
    status: StatusCode,
    headers: HeaderMap,
    bytes: Bytes,
    attempts: u32,
}

impl Client {
    /// Sends `request` and decodes the (unwrapped) success body into `T`.
    ///
    /// This is what every generated operation calls; it also serves endpoints the description
    /// does not cover.
    pub async fn execute<T: DeserializeOwned>(&self, request: RequestSpec) -> Result<T, Error> {
        self.execute_with(request, RequestParts::default()).await
    }

    /// [`execute`](Client::execute) with header and cookie parameters, a body in another
    /// media type or another `Accept` header: the success body is JSON, decoded into `T`.
    pub async fn execute_with<T: DeserializeOwned>(
        &self,
        request: RequestSpec,
        parts: RequestParts,
    ) -> Result<T, Error> {
        let success = send(self, &request, &parts).await?;
        self.finish_typed(
            &request,
            success.status,
            &success.headers,
            &success.bytes,
            success.attempts,
        )
    }

    /// Sends a request whose success body is text (`text/plain`, `text/html`, XML, ...) and
    /// returns it. The `charset` of its `Content-Type` is honoured for UTF-8 (the default),
    /// US-ASCII and ISO-8859-1; other charsets, and bytes that are not valid in the charset,
    /// are an [`ErrorKind::Decode`] error holding the body read as UTF-8 with replacements.
    /// A JSON body that the error envelope marks as failed is an error, as for JSON
    /// operations; the response hook, which rewrites JSON, is not called.
    pub async fn execute_text(
        &self,
        request: RequestSpec,
        parts: RequestParts,
    ) -> Result<String, Error> {
        let success = send(self, &request, &parts).await?;
        self.check_envelope(&request, &success)?;
        decode_text(self, &request, success)
    }

    /// Sends a request whose success body is binary (`application/octet-stream`, an image,
    /// ...) and returns its bytes as they arrived. A JSON body that the error envelope marks
    /// as failed is an error, as for JSON operations.
    pub async fn execute_bytes(
        &self,
        request: RequestSpec,
        parts: RequestParts,
    ) -> Result<Vec<u8>, Error> {
        let success = send(self, &request, &parts).await?;
        self.check_envelope(&request, &success)?;
        Ok(success.bytes.into())
    }

    /// Sends a request whose success response declares no content: whatever body arrives is
    /// ignored, except a JSON body that the error envelope marks as failed, which is an
    /// error as for JSON operations.
    pub async fn execute_empty(
        &self,
        request: RequestSpec,
        parts: RequestParts,
    ) -> Result<(), Error> {
        let success = send(self, &request, &parts).await?;
        self.check_envelope(&request, &success)
    }

    /// What [`execute`](Client::execute) makes of the final response to `request`, without
    /// the network: a success status gives the checked, hooked, unwrapped body decoded into
    /// `T`; any other status gives the error `execute` returns when it stops retrying.
    ///
    /// Every byte here comes from the server, so this never panics; it is what the fuzz target
    /// `decode_response` exercises. Errors report one attempt.
    pub fn decode_response<T: DeserializeOwned>(
        &self,
        request: &RequestSpec,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<T, Error> {
        if !status.is_success() {
            return Err(self
                .status_error(request.operation_id, status, headers, body)
                .with_attempts(1));
        }
        self.finish_typed(request, status, headers, body, 1)
    }

    /// Sends `request` and returns the (unwrapped) success body as JSON.
    pub async fn execute_value(&self, request: RequestSpec) -> Result<Value, Error> {
        let success = send(self, &request, &RequestParts::default()).await?;
        self.finish_success(
            &request,
            success.status,
            &success.headers,
            &success.bytes,
            success.attempts,
        )
    }

    fn request_id(&self, headers: &HeaderMap) -> Option<String> {
        let name = self.inner.request_id_header.as_ref()?;
        headers.get(name)?.to_str().ok().map(str::to_owned)
    }

    /// For a success that is not decoded as JSON: an error when the body is JSON (by its
    /// `Content-Type`, or for a response that declares none, by parsing) and the error
    /// envelope marks it as failed.
    fn check_envelope(&self, request: &RequestSpec, success: &Success) -> Result<(), Error> {
        let envelope = &self.inner.envelope;
        if envelope.success_property().is_none() {
            return Ok(());
        }
        let declared = success
            .headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok());
        if declared.is_some_and(|media| !is_json(media)) {
            return Ok(());
        }
        let Ok(body) = serde_json::from_slice::<Value>(&success.bytes) else {
            return Ok(());
        };
        match envelope.failure(&body) {
            None => Ok(()),
            Some(flag) => Err(Error::new(ErrorKind::Api, request.operation_id)
                .with_message(format!("the response reports `{flag}: false`"))
                .with_status(success.status)
                .with_details(envelope.details(&body))
                .with_request_id(self.request_id(&success.headers))
                .with_attempts(success.attempts)),
        }
    }

    /// The success body of `request` decoded into `T`: checked, hooked, unwrapped and decoded
    /// by [`finish_success`](Self::finish_success) and [`decode_as`], through a
    /// `serde_json::Value`, unless the direct path gives it first.
    ///
    /// The direct path ([`ErrorEnvelope::decode_direct`](super::ErrorEnvelope)) reads the
    /// envelope from the bytes in one pass, the unwrapped property straight into `T`. It is
    /// tried when there is no response hook, or when the hook repairs only what the declared
    /// type refuses and `T` is that type
    /// ([`ResponseHook::repairs_refused_only`](super::ResponseHook::repairs_refused_only),
    /// [`RequestSpec::declared`]). It gives up on anything but a clean success (a failure
    /// envelope, a missing property, JSON that is not valid, a `T` that does not match): the
    /// general path then runs on the same bytes, hook included, and makes the result, so
    /// errors are exactly what they were without the direct path, and successes are equal.
    /// Giving up costs the partial read of the body, once.
    fn finish_typed<T: DeserializeOwned>(
        &self,
        request: &RequestSpec,
        status: StatusCode,
        headers: &HeaderMap,
        bytes: &[u8],
        attempts: u32,
    ) -> Result<T, Error> {
        let direct_first =
            self.inner.hook.as_ref().is_none_or(|hook| {
                request.declared && hook.repairs_refused_only(request.operation_id)
            });
        if direct_first
            && let Some(value) =
                self.inner
                    .envelope
                    .decode_direct(bytes, request.unwrap, request.rereads)
        {
            return Ok(value);
        }
        let value = self.finish_success(request, status, headers, bytes, attempts)?;
        decode_as(request.operation_id, value)
    }

    fn finish_success(
        &self,
        request: &RequestSpec,
        status: StatusCode,
        headers: &HeaderMap,
        bytes: &[u8],
        attempts: u32,
    ) -> Result<Value, Error> {
        let operation = request.operation_id;
        let mut body: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
            Value::Null
        } else {
            serde_json::from_slice(bytes).map_err(|err| {
                Error::new(ErrorKind::Decode, operation)
                    .with_message("the response body is not JSON")
                    .with_status(status)
                    .with_request_id(self.request_id(headers))
                    .with_body(Some(String::from_utf8_lossy(bytes).into_owned()))
                    .with_attempts(attempts)
                    .with_source(err)
            })?
        };
        // An envelope that says it failed is an error, whatever the status.
        let envelope = &self.inner.envelope;
        if let Some(flag) = envelope.failure(&body) {
            return Err(Error::new(ErrorKind::Api, operation)
                .with_message(format!("the response reports `{flag}: false`"))
                .with_status(status)
                .with_details(envelope.details(&body))
                .with_request_id(self.request_id(headers))
                .with_attempts(attempts));
        }
        if let Some(hook) = &self.inner.hook {
            hook.on_response(operation, &mut body);
        }
        match request.unwrap {
            None => Ok(body),
            Some(property) => match body {
                Value::Object(mut map) => map.remove(property).ok_or_else(|| {
                    Error::new(ErrorKind::Decode, operation)
                        .with_message(format!("the response has no `{property}` property"))
                        .with_status(status)
                        .with_request_id(self.request_id(headers))
                        .with_attempts(attempts)
                }),
                _ => Err(Error::new(ErrorKind::Decode, operation)
                    .with_message(format!(
                        "the response is not an object with a `{property}` property"
                    ))
                    .with_status(status)
                    .with_request_id(self.request_id(headers))
                    .with_attempts(attempts)),
            },
        }
    }

    fn status_error(
        &self,
        operation: &'static str,
        status: StatusCode,
        headers: &HeaderMap,
        bytes: &[u8],
    ) -> Error {
        let error = Error::new(ErrorKind::from_status(status), operation)
            .with_status(status)
            .with_request_id(self.request_id(headers))
            .with_retry_after(super::retry::retry_after(
                headers,
                std::time::SystemTime::now(),
            ));
        // The body is kept as text unless the envelope's errors array can be read from it.
        let envelope = &self.inner.envelope;
        match serde_json::from_slice::<Value>(bytes) {
            Ok(body) if envelope.errors_property().is_some() => {
                error.with_details(envelope.details(&body))
            }
            _ if bytes.is_empty() => error,
            _ => error.with_body(Some(String::from_utf8_lossy(bytes).into_owned())),
        }
    }
}

/// Decodes the (unwrapped) success body of `operation` into `T`.
fn decode_as<T: DeserializeOwned>(operation: &'static str, value: Value) -> Result<T, Error> {
    serde_json::from_value(value).map_err(|err| {
        Error::new(ErrorKind::Decode, operation)
            .with_message("the response does not match the expected type")
            .with_source(err)
    })
}

/// Sends `request` with `parts`, retrying as the client's policy says, and returns the final
/// success response, or the error of the last attempt.
async fn send(
    client: &Client,
    request: &RequestSpec,
    parts: &RequestParts,
) -> Result<Success, Error> {
    let operation = request.operation_id;
    // Only POST is treated as possibly creating something on each call; see RetryPolicy.
    let may_change_state = request.method == Method::POST;
    let mut url = reqwest::Url::parse(&format!("{}{}", client.inner.base_url, request.path))
        .map_err(|e| {
            Error::new(ErrorKind::InvalidRequest, operation)
                .with_message(format!("the request's URL is not valid: {e}"))
        })?;
    if !request.query.is_empty() {
        url.query_pairs_mut().extend_pairs(&request.query);
    }
    let policy = super::retry::RetryPolicy {
        max_retries: client.max_retries(),
        ..client.inner.retry.clone()
    };
    let timeout = client.timeout();
    let mut attempt: u32 = 0;
    loop {
        // Made again for each attempt, which is cheaper than keeping a copy for retries.
        let (headers, body) = request_headers_and_body(client, request, parts)?;
        let mut http_request = reqwest::Request::new(request.method.clone(), url.clone());
        *http_request.headers_mut() = headers;
        *http_request.timeout_mut() = Some(timeout);
        if let Some(body) = body {
            *http_request.body_mut() = Some(body.to_vec().into());
        }

        let failure = match client.inner.http.execute(http_request).await {
            Ok(mut response) => {
                let status = response.status();
                // Taken, not cloned: the body is read through `response` without them.
                let headers = std::mem::take(response.headers_mut());
                match read_body(response, client.inner.max_response_bytes).await {
                    Ok(bytes) if status.is_success() => {
                        return Ok(Success {
                            status,
                            headers,
                            bytes,
                            attempts: attempt + 1,
                        });
                    }
                    Ok(bytes) => {
                        let error = client
                            .status_error(operation, status, &headers, &bytes)
                            .with_attempts(attempt + 1);
                        match policy.decide(
                            attempt,
                            may_change_state,
                            Attempt::Status(status, &headers),
                        ) {
                            Decision::RetryAfter(delay) => delay,
                            Decision::GiveUp => return Err(error),
                        }
                    }
                    Err(Body::TooLarge) => {
                        return Err(Error::new(ErrorKind::Decode, operation)
                            .with_message(format!(
                                "the response body is larger than the limit of {} bytes \
                                 (ClientBuilder::max_response_bytes)",
                                client.inner.max_response_bytes
                            ))
                            .with_status(status)
                            .with_request_id(client.request_id(&headers))
                            .with_attempts(attempt + 1));
                    }
                    Err(Body::Transport(err)) => {
                        let error = Error::from_transport(operation, err)
                            .with_status(status)
                            .with_request_id(client.request_id(&headers))
                            .with_attempts(attempt + 1);
                        match policy.decide(attempt, may_change_state, Attempt::Interrupted) {
                            Decision::RetryAfter(delay) => delay,
                            Decision::GiveUp => return Err(error),
                        }
                    }
                }
            }
            Err(err) => {
                let outcome = if err.is_connect() {
                    Attempt::ConnectFailed
                } else {
                    Attempt::Interrupted
                };
                let error = Error::from_transport(operation, err).with_attempts(attempt + 1);
                match policy.decide(attempt, may_change_state, outcome) {
                    Decision::RetryAfter(delay) => delay,
                    Decision::GiveUp => return Err(error),
                }
            }
        };
        tokio::time::sleep(failure).await;
        attempt += 1;
    }
}

/// The headers of every attempt (the client's, then the request's own, which replace them by
/// name) and the body: `parts.content` with its content type, else the JSON body.
fn request_headers_and_body<'a>(
    client: &Client,
    request: &'a RequestSpec,
    parts: &'a RequestParts,
) -> Result<(HeaderMap, Option<&'a [u8]>), Error> {
    let operation = request.operation_id;
    let invalid =
        |message: String| Error::new(ErrorKind::InvalidRequest, operation).with_message(message);
    let mut headers = client.inner.default_headers.clone();
    let mut own = HeaderMap::new();
    for (name, value) in &parts.headers {
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| invalid(format!("`{name}` is not a valid HTTP header name")))?;
        let value = HeaderValue::from_str(value).map_err(|_| {
            invalid(format!(
                "header parameter `{name}` holds a character that cannot be sent in a header"
            ))
        })?;
        own.append(header, value);
    }
    if !parts.cookies.is_empty() {
        let cookies: Vec<String> = parts
            .cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        let value = HeaderValue::from_str(&cookies.join("; "))
            .map_err(|_| invalid("a cookie parameter cannot be sent in a header".to_owned()))?;
        own.append(COOKIE, value);
    }
    if let Some(accept) = parts.accept {
        let value = HeaderValue::from_str(accept)
            .map_err(|_| invalid(format!("`{accept}` cannot be sent as the Accept header")))?;
        own.append(ACCEPT, value);
    }
    let body = match (&parts.content, &request.body) {
        (Some(content), _) => {
            let value = HeaderValue::from_str(&content.content_type).map_err(|_| {
                invalid(format!(
                    "`{}` cannot be sent as the Content-Type header",
                    content.content_type
                ))
            })?;
            own.append(CONTENT_TYPE, value);
            Some(content.bytes.as_slice())
        }
        (None, Some(json)) => {
            own.append(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            Some(json.as_slice())
        }
        (None, None) => None,
    };
    for name in own.keys() {
        headers.remove(name);
    }
    for (name, value) in &own {
        headers.append(name.clone(), value.clone());
    }
    Ok((headers, body))
}

/// Whether a `Content-Type` is JSON (`application/json`, `application/problem+json`, ...).
fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or(media).trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence
            .get(essence.len().saturating_sub(5)..)
            .is_some_and(|suffix| suffix.eq_ignore_ascii_case("+json"))
}

/// The text of a success body, read in the charset its `Content-Type` names.
fn decode_text(client: &Client, request: &RequestSpec, success: Success) -> Result<String, Error> {
    let operation = request.operation_id;
    let failed = |message: String, bytes: &[u8]| {
        Error::new(ErrorKind::Decode, operation)
            .with_message(message)
            .with_status(success.status)
            .with_request_id(client.request_id(&success.headers))
            .with_body(Some(String::from_utf8_lossy(bytes).into_owned()))
            .with_attempts(success.attempts)
    };
    let charset = success
        .headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(charset)
        .unwrap_or_else(|| "utf-8".to_owned());
    match charset.as_str() {
        "utf-8" | "utf8" | "us-ascii" | "ascii" => {
            String::from_utf8(success.bytes.into()).map_err(|err| {
                failed(
                    format!("the response body is not {charset} text"),
                    err.as_bytes(),
                )
            })
        }
        "iso-8859-1" | "latin1" | "iso_8859-1" | "l1" => {
            Ok(success.bytes.iter().map(|&byte| char::from(byte)).collect())
        }
        other => Err(failed(
            format!(
                "the response's charset `{other}` is not one the client reads \
                 (utf-8, us-ascii, iso-8859-1)"
            ),
            &success.bytes,
        )),
    }
}

/// The `charset` parameter of a `Content-Type`, lower case, without quotes.
fn charset(media: &str) -> Option<String> {
    media.split(';').skip(1).find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').to_ascii_lowercase())
    })
}

#[cfg(test)]
mod tests {
    use super::super::{ClientBuilder, ErrorDetail, ErrorEnvelope, ResponseHook};
    use super::*;
    use reqwest::header::HeaderValue;

    /// The envelope of most tests here: `{"success": false, "errors": [...]}`.
    const ENVELOPE: ErrorEnvelope = ErrorEnvelope::new()
        .success_flag("success")
        .errors("errors");

    /// A client with a request id header, a hook that marks bodies, and `envelope` when given
    /// (else the builder's default).
    fn client(envelope: Option<ErrorEnvelope>) -> Client {
        let builder = ClientBuilder::new("http://127.0.0.1:1")
            .request_id_header("x-request-id")
            .response_hook(|_: &str, body: &mut Value| {
                if let Some(map) = body.as_object_mut() {
                    map.insert("hooked".to_owned(), Value::Bool(true));
                }
            });
        match envelope {
            Some(envelope) => builder.error_envelope(envelope),
            None => builder,
        }
        .build()
        .unwrap()
    }

    fn request(unwrap: Option<&'static str>) -> RequestSpec {
        RequestSpec {
            operation_id: "op",
            method: Method::GET,
            path: "/x".to_owned(),
            query: Vec::new(),
            body: None,
            unwrap,
            rereads: true,
            declared: true,
        }
    }

    /// What a client with [`ENVELOPE`] makes of a response.
    fn decode<T: DeserializeOwned>(
        unwrap: Option<&'static str>,
        status: u16,
        headers: &[(&'static str, &str)],
        body: &str,
    ) -> Result<T, Error> {
        decode_with(Some(ENVELOPE), unwrap, status, headers, body)
    }

    fn decode_with<T: DeserializeOwned>(
        envelope: Option<ErrorEnvelope>,
        unwrap: Option<&'static str>,
        status: u16,
        headers: &[(&'static str, &str)],
        body: &str,
    ) -> Result<T, Error> {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        let status = StatusCode::from_u16(status).unwrap();
        client(envelope).decode_response(&request(unwrap), status, &map, body.as_bytes())
    }

    #[test]
    fn success_is_hooked_unwrapped_and_typed() {
        let body = r#"{"success": true, "result": {"n": 1}}"#;
        let whole: Value = decode(None, 200, &[], body).unwrap();
        assert_eq!(whole["hooked"], Value::Bool(true));
        assert_eq!(whole["result"]["n"], 1);
        let n: Value = decode(Some("result"), 200, &[], body).unwrap();
        assert_eq!(n, serde_json::json!({"n": 1}));
        let err = decode::<String>(Some("result"), 200, &[], body).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode);
        assert!(err.to_string().contains("expected type"), "{err}");
        // An empty body is JSON null.
        let empty: Option<u8> = decode(None, 204, &[], " \n").unwrap();
        assert_eq!(empty, None);
    }

    #[test]
    fn success_false_is_an_api_error_with_details() {
        let body = r#"{"success": false, "errors": [{"code": 7003, "message": "no route"}]}"#;
        let err = decode::<Value>(None, 200, &[("x-request-id", "ray-1")], body).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Api);
        assert_eq!(err.status(), Some(StatusCode::OK));
        assert_eq!(err.request_id(), Some("ray-1"));
        assert_eq!(err.attempts(), 1);
        assert_eq!(err.details()[0].code, Some(7003));
        assert_eq!(err.details()[0].message, "no route");
    }

    #[test]
    fn missing_property_and_non_json_bodies_are_decode_errors() {
        let err = decode::<Value>(Some("result"), 200, &[], r#"{"success": true}"#).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode);
        assert!(err.to_string().contains("no `result` property"), "{err}");
        let err = decode::<Value>(Some("result"), 200, &[], "[1]").unwrap_err();
        assert!(err.to_string().contains("not an object"), "{err}");
        let err = decode::<Value>(None, 200, &[], "<html>").unwrap_err();
        assert_eq!(
            (err.kind(), err.body()),
            (ErrorKind::Decode, Some("<html>"))
        );
    }

    #[test]
    fn error_statuses_carry_details_retry_after_and_body() {
        let body = r#"{"success": false, "errors": [{"message": "slow down"}]}"#;
        let err = decode::<Value>(Some("result"), 429, &[("retry-after", "7")], body).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::RateLimited);
        assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(7)));
        assert_eq!(err.details()[0].message, "slow down");
        assert_eq!(err.attempts(), 1);
        let err = decode::<Value>(None, 502, &[], "bad gateway").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Server);
        assert_eq!(err.body(), Some("bad gateway"));
        let err = decode::<Value>(None, 404, &[], "").unwrap_err();
        assert_eq!((err.kind(), err.body()), (ErrorKind::NotFound, None));
    }

    #[test]
    fn without_an_envelope_success_false_is_a_success() {
        // The builder's default reads no envelope: the body is the API's business.
        let whole: Value = decode_with(None, None, 200, &[], r#"{"success": false}"#).unwrap();
        assert_eq!(whole, serde_json::json!({"success": false, "hooked": true}));
        let body = r#"{"success": false, "errors": [{"code": 7003, "message": "no route"}],
                       "result": {"n": 1}}"#;
        let n: Value = decode_with(None, Some("result"), 200, &[], body).unwrap();
        assert_eq!(n, serde_json::json!({"n": 1}));
        // The same bodies with the envelope installed are errors with details.
        let err = decode::<Value>(None, 200, &[], r#"{"success": false}"#).unwrap_err();
        assert_eq!((err.kind(), err.details()), (ErrorKind::Api, &[][..]));
        let err = decode::<Value>(Some("result"), 200, &[], body).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Api);
        assert_eq!(
            err.details(),
            [ErrorDetail {
                code: Some(7003),
                message: "no route".to_owned()
            }]
        );
        assert!(err.to_string().contains("`success: false`"), "{err}");
    }

    #[test]
    fn without_an_envelope_error_bodies_are_kept_as_text() {
        let body = r#"{"success": false, "errors": [{"message": "slow down"}]}"#;
        let err = decode_with::<Value>(None, None, 429, &[("retry-after", "7")], body).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::RateLimited);
        assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(7)));
        assert!(err.details().is_empty());
        assert_eq!(err.body(), Some(body));
        let err = decode_with::<Value>(None, None, 404, &[], "").unwrap_err();
        assert_eq!((err.kind(), err.body()), (ErrorKind::NotFound, None));
        // With the envelope the errors array is read and the JSON body is not repeated.
        let err = decode::<Value>(None, 429, &[], body).unwrap_err();
        assert_eq!((err.details().len(), err.body()), (1, None));
    }

    #[test]
    fn an_envelope_reads_the_properties_it_names() {
        let envelope = ErrorEnvelope::new().success_flag("ok").errors("problems");
        let body = r#"{"ok": false, "success": true, "problems": [{"code": 1, "message": "no"}]}"#;
        let err = decode_with::<Value>(Some(envelope), None, 200, &[], body).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Api);
        assert_eq!(err.details()[0].code, Some(1));
        assert!(err.to_string().contains("`ok: false`"), "{err}");
        // Property names of other APIs mean nothing here.
        let fine: Value =
            decode_with(Some(envelope), None, 200, &[], r#"{"success": false}"#).unwrap();
        assert_eq!(fine["success"], Value::Bool(false));
        let err = decode_with::<Value>(Some(envelope), None, 400, &[], body).unwrap_err();
        assert_eq!(
            (err.kind(), err.details()[0].message.as_str()),
            (ErrorKind::Api, "no")
        );
        // An errors array alone gives details for error statuses; no body fails on its own.
        let errors_only = ErrorEnvelope::new().errors("problems");
        let fine: Value =
            decode_with(Some(errors_only), None, 200, &[], r#"{"ok": false}"#).unwrap();
        assert_eq!(fine["ok"], Value::Bool(false));
        let err = decode_with::<Value>(Some(errors_only), None, 500, &[], body).unwrap_err();
        assert_eq!((err.kind(), err.details().len()), (ErrorKind::Server, 1));
    }

    #[test]
    fn request_parts_replace_client_headers_and_share_one_cookie_header() {
        let client = ClientBuilder::new("http://127.0.0.1:1")
            .user_agent("client/1")
            .build()
            .unwrap();
        let mut spec = request(None);
        spec.body = Some(b"{}".to_vec());
        let parts = RequestParts {
            headers: vec![
                ("User-Agent".into(), "mine/2".to_owned()),
                ("X-Tag".into(), "a".to_owned()),
                ("x-tag".into(), "b".to_owned()),
            ],
            cookies: vec![
                ("session".into(), "s%3B1".to_owned()),
                ("theme".into(), "dark".to_owned()),
            ],
            content: Some(super::super::body::text("text/plain", "hi")),
            accept: Some("text/plain"),
        };
        let (headers, body) = request_headers_and_body(&client, &spec, &parts).unwrap();
        let all = |name: &str| -> Vec<&str> {
            headers
                .get_all(name)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .collect()
        };
        assert_eq!(all("user-agent"), ["mine/2"]);
        assert_eq!(all("x-tag"), ["a", "b"]);
        assert_eq!(all("cookie"), ["session=s%3B1; theme=dark"]);
        assert_eq!(all("accept"), ["text/plain"]);
        // The other media type wins over the JSON body.
        assert_eq!(all("content-type"), ["text/plain"]);
        assert_eq!(body, Some(&b"hi"[..]));

        let bad = RequestParts {
            headers: vec![("Bad Name".into(), "x".to_owned())],
            ..RequestParts::default()
        };
        let err = request_headers_and_body(&client, &spec, &bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        let none = RequestParts::default();
        let (headers, body) = request_headers_and_body(&client, &spec, &none).unwrap();
        assert_eq!(headers.get("content-type").unwrap(), "application/json");
        assert_eq!(headers.get("accept").unwrap(), "application/json");
        assert_eq!(body, Some(&b"{}"[..]));
    }

    #[test]
    fn charsets_and_json_media_types_are_read_from_content_types() {
        assert_eq!(
            charset("text/plain; charset=UTF-8").as_deref(),
            Some("utf-8")
        );
        assert_eq!(
            charset("text/html;Charset=\"ISO-8859-1\"; q=1").as_deref(),
            Some("iso-8859-1")
        );
        assert_eq!(charset("text/plain"), None);
        assert!(is_json("application/json; charset=utf-8"));
        assert!(is_json("Application/Problem+JSON"));
        assert!(!is_json("text/json5") && !is_json("json") && !is_json("é"));
    }

    /// A hook that changes nothing and says it repairs only what declared types refuse:
    /// typed decoding takes the direct path first.
    struct Idle;

    impl ResponseHook for Idle {
        fn on_response(&self, _: &str, _: &mut Value) {}

        fn repairs_refused_only(&self, _: &str) -> bool {
            true
        }
    }

    /// What `body` decodes to with `envelope` through the direct path (a hook that repairs
    /// only refused bodies) and through the general path (a closure hook that does nothing, so
    /// always gets the `Value`), asserted equal: the same value, or errors with the same
    /// kind, message, details and source.
    fn agree_with<T: DeserializeOwned + PartialEq + std::fmt::Debug>(
        envelope: ErrorEnvelope,
        unwrap: Option<&'static str>,
        rereads: bool,
        body: &[u8],
    ) -> Result<T, Error> {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static("ray-9"));
        let builder = || {
            ClientBuilder::new("http://127.0.0.1:1")
                .request_id_header("x-request-id")
                .error_envelope(envelope)
        };
        let direct = builder().response_hook(Idle).build().unwrap();
        let general = builder()
            .response_hook(|_: &str, _: &mut Value| {})
            .build()
            .unwrap();
        let request = RequestSpec {
            rereads,
            ..request(unwrap)
        };
        let ok = StatusCode::OK;
        let direct = direct.decode_response::<T>(&request, ok, &headers, body);
        let general = general.decode_response::<T>(&request, ok, &headers, body);
        let text = String::from_utf8_lossy(body);
        match (&direct, &general) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
            (Err(a), Err(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{text}"),
            _ => panic!("{text}: direct {direct:?}, general {general:?}"),
        }
        direct
    }

    #[test]
    fn a_hook_that_repairs_refused_bodies_sees_only_those_of_declared_types() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        /// Repairs `n` sent as text, which [`Item`] refuses; counts the bodies it sees.
        struct Repair(Arc<AtomicUsize>);
        impl ResponseHook for Repair {
            fn on_response(&self, _: &str, body: &mut Value) {
                self.0.fetch_add(1, Ordering::Relaxed);
                let n = body.pointer_mut("/result/n");
                if let Some(n) = n.filter(|n| n.is_string()) {
                    let number = n.as_str().and_then(|n| n.parse::<u8>().ok());
                    *n = number.map_or(Value::Null, Value::from);
                }
            }

            fn repairs_refused_only(&self, operation_id: &str) -> bool {
                operation_id == "op"
            }
        }
        let seen = Arc::new(AtomicUsize::new(0));
        let client = ClientBuilder::new("http://127.0.0.1:1")
            .response_hook(Repair(Arc::clone(&seen)))
            .build()
            .unwrap();
        let decode = |request: &RequestSpec, body: &str| {
            let headers = HeaderMap::new();
            client.decode_response::<Value>(request, StatusCode::OK, &headers, body.as_bytes())
        };
        let typed = |request: &RequestSpec, body: &str| {
            let headers = HeaderMap::new();
            client.decode_response::<Item>(request, StatusCode::OK, &headers, body.as_bytes())
        };
        let declared = request(Some("result"));
        let clean = r#"{"result": {"n": 1}}"#;
        let broken = r#"{"result": {"n": "7"}}"#;
        // A body the declared type reads is decoded without the hook.
        assert_eq!(typed(&declared, clean).unwrap().n, 1);
        assert_eq!(seen.load(Ordering::Relaxed), 0);
        // One it refuses is repaired, then decoded.
        assert_eq!(typed(&declared, broken).unwrap().n, 7);
        assert_eq!(seen.load(Ordering::Relaxed), 1);
        // Another type than the declared one reads the body as the hook leaves it: a `Value`
        // would read the text unrepaired.
        let loose = RequestSpec {
            declared: false,
            ..request(Some("result"))
        };
        assert_eq!(decode(&loose, broken).unwrap(), serde_json::json!({"n": 7}));
        assert_eq!(seen.load(Ordering::Relaxed), 2);
        assert_eq!(typed(&loose, clean).unwrap().n, 1);
        assert_eq!(seen.load(Ordering::Relaxed), 3);
        // The hook's promise is per operation.
        let other = RequestSpec {
            operation_id: "other",
            ..request(Some("result"))
        };
        assert_eq!(typed(&other, clean).unwrap().n, 1);
        assert_eq!(seen.load(Ordering::Relaxed), 4);
    }

    fn agree<T: DeserializeOwned + PartialEq + std::fmt::Debug>(body: &[u8]) -> Result<T, Error> {
        agree_with(ENVELOPE, Some("result"), true, body)
    }

    /// Whether the direct path alone decodes `body` (with [`ENVELOPE`], unwrapping `result`,
    /// for a type that may read objects again).
    fn direct<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
        ENVELOPE.decode_direct(body, Some("result"), true)
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Item {
        n: u8,
        #[serde(default)]
        tag: Option<String>,
    }

    #[test]
    fn the_direct_path_decodes_clean_successes_as_the_general_path_does() {
        let bodies: [&[u8]; 6] = [
            br#"{"success": true, "result": {"n": 1}, "errors": [], "messages": []}"#,
            br#"{"result": {"extra": {"deep": [1, -0, 2.5e3, "two", null]}, "n": 1}, "success": true}"#,
            br#"  {"success": "false", "result": {"n": 1, "tag": "t\"\u00e9\n"}}  "#,
            br#"{"success": null, "result": {"n": 1, "tag": null}, "other": {"success": false}}"#,
            br#"{"re\u0073ult": {"n": 2}, "success": true}"#,
            "{\"result\": {\"n\": 3, \"tag\": \"caf\u{e9} \u{1f600}\"}}".as_bytes(),
        ];
        for body in bodies {
            let item: Item = agree(body).unwrap();
            assert_eq!(direct::<Item>(body), Some(item));
        }
        // Other shapes of `T`.
        let body = br#"{"result": {"b": [1, -0, 2.5, "s", null, true, {}], "a": {"x": -7}}}"#;
        let value: Value = agree(body).unwrap();
        assert_eq!(direct::<Value>(body), Some(value));
        let body = br#"{"result": [{"n": 1}, {"n": 2, "tag": "x"}]}"#;
        assert_eq!(agree::<Vec<Item>>(body).unwrap().len(), 2);
        assert!(direct::<Vec<Item>>(body).is_some());
        let body = br#"{"result": {"a": 1, "b": 2}}"#;
        agree::<std::collections::HashMap<String, u8>>(body).unwrap();
        assert!(direct::<std::collections::BTreeMap<String, u8>>(body).is_some());
        // Without a success flag the whole body may be read directly.
        let errors_only = ErrorEnvelope::new().errors("errors");
        let body = br#"{"n": 4, "success": false}"#;
        let item: Item = agree_with(errors_only, None, true, body).unwrap();
        assert_eq!(errors_only.decode_direct(body, None, true), Some(item));
        assert!(ENVELOPE.decode_direct::<Item>(body, None, true).is_none());
    }

    #[test]
    fn failures_and_malformed_bodies_are_left_to_the_general_path() {
        let deep = format!(
            r#"{{"result": {{"n": 1, "x": {}1{}}}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        let cases: [(&[u8], Option<ErrorKind>); 26] = [
            // A struct written as a list: no keys for a hook to go by.
            (br#"{"result": [1, "t"]}"#, None),
            (br#"{"result": [300]}"#, Some(ErrorKind::Decode)),
            // What serde_json only skims when skipping a value, a `Value` refuses.
            (b"{\"result\": {\"n\": 1, \"x\": \"\xff\"}}", Some(ErrorKind::Decode)),
            (b"{\"result\": {\"n\": 1}, \"errors\": [\"\xff\"]}", Some(ErrorKind::Decode)),
            (br#"{"result": {"n": 1, "x": "\ud800"}}"#, Some(ErrorKind::Decode)),
            (br#"{"result": {"n": 1}, "x": {"\udc00": 1}}"#, Some(ErrorKind::Decode)),
            (br#"{"result": {"n": 1, "x": 1e400}}"#, Some(ErrorKind::Decode)),
            (br#"{"result": {"n": 1}, "x": [-1e999]}"#, Some(ErrorKind::Decode)),
            (deep.as_bytes(), Some(ErrorKind::Decode)),
            // Failure envelopes, read as the last occurrence of the flag says.
            (
                br#"{"success": false, "errors": [{"code": 7003, "message": "no route"}], "result": {"n": 1}}"#,
                Some(ErrorKind::Api),
            ),
            (br#"{"success": true, "success": false, "result": {"n": 1}}"#, Some(ErrorKind::Api)),
            (br#"{"success": false, "success": true, "result": {"n": 1}}"#, None),
            (br#"{"result": {"n": 1}, "succ\u0065ss": false}"#, Some(ErrorKind::Api)),
            // Missing, repeated or mistyped properties, and bodies that are not objects.
            (br#"{"success": true}"#, Some(ErrorKind::Decode)),
            (br#"{"result": {"n": 1}, "result": {"n": 2}}"#, None),
            (br#"{"result": {"n": 1, "n": 2}}"#, None),
            (br#"{"result": {"n": 300}}"#, Some(ErrorKind::Decode)),
            (br#"{"result": null}"#, Some(ErrorKind::Decode)),
            (b"[1]", Some(ErrorKind::Decode)),
            (b"\"result\"", Some(ErrorKind::Decode)),
            (b"", Some(ErrorKind::Decode)),
            (b" \n\x0c", Some(ErrorKind::Decode)),
            // Not JSON.
            (br#"{"result": {"n": 1}} x"#, Some(ErrorKind::Decode)),
            (br#"{"result": {"n": 1}"#, Some(ErrorKind::Decode)),
            (br#"{"result": {"n": 1,}}"#, Some(ErrorKind::Decode)),
            (b"<html>", Some(ErrorKind::Decode)),
        ];
        for (body, kind) in cases {
            let text = String::from_utf8_lossy(body);
            assert!(direct::<Item>(body).is_none(), "{text}");
            // `Item` reads each object once: the same without the checks of repeated keys.
            let once = ENVELOPE.decode_direct::<Item>(body, Some("result"), false);
            assert!(once.is_none(), "{text}");
            let result = agree::<Item>(body);
            assert_eq!(result.as_ref().err().map(Error::kind), kind, "{text}");
        }
        // The messages are the general path's own.
        let err = agree::<Item>(br#"{"success": true}"#).unwrap_err();
        assert!(err.to_string().contains("no `result` property"), "{err}");
        let err = agree::<Item>(b"[1]").unwrap_err();
        assert!(err.to_string().contains("not an object"), "{err}");
        let err = agree::<Item>(br#"{"result": {"n": 300}}"#).unwrap_err();
        assert!(err.to_string().contains("expected type"), "{err}");
        let err = agree::<Item>(b"<html>").unwrap_err();
        assert_eq!(err.body(), Some("<html>"));
        assert_eq!(err.request_id(), Some("ray-9"));
    }

    #[test]
    fn repeated_keys_give_the_general_paths_last_value() {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        #[serde(untagged)]
        enum Loose {
            Item { a: u8 },
            Other(Value),
        }
        // Buffered and tried again, the object would be `Other` without the check (as a
        // request that does not say its type rereads objects gets it): the untagged enum
        // meets both occurrences, fails its first variant and takes the second.
        let body = br#"{"result": {"a": 1, "a": 2}}"#;
        assert_eq!(agree::<Loose>(body).unwrap(), Loose::Item { a: 2 });
        assert!(direct::<Loose>(body).is_none());
        let unchecked = ENVELOPE.decode_direct::<Loose>(body, Some("result"), false);
        assert_eq!(unchecked, Some(Loose::Other(serde_json::json!({"a": 2}))));
        assert_eq!(
            direct::<Loose>(br#"{"result": {"a": 1, "b": 2}}"#),
            Some(Loose::Item { a: 1 })
        );
        let body = br#"{"result": {"x": {"a": 1}, "y": {"a": 1}, "a": 3}}"#;
        assert!(direct::<Value>(body).is_some());
        agree::<Value>(body).unwrap();
        let body = br#"{"result": {"x": {"a": 1, "\u0061": 2}}}"#;
        assert!(direct::<Value>(body).is_none());
        assert_eq!(agree::<Value>(body).unwrap()["x"]["a"], 2);
        // Past the keys held in place (16), a hash set.
        let keys: Vec<String> = (0..40).map(|i| format!(r#""k{i}": {i}"#)).collect();
        let many = format!(r#"{{"result": {{{}}}}}"#, keys.join(", "));
        let repeated = format!(r#"{{"result": {{{}, "k3": 99}}}}"#, keys.join(", "));
        type Map = std::collections::HashMap<String, u8>;
        assert!(direct::<Map>(many.as_bytes()).is_some());
        assert!(direct::<Map>(repeated.as_bytes()).is_none());
        assert_eq!(agree::<Map>(repeated.as_bytes()).unwrap()["k3"], 99);
        agree::<Map>(many.as_bytes()).unwrap();
    }

    #[test]
    fn types_that_read_each_object_once_need_no_check_of_repeated_keys() {
        // Shaped as generated models are: an internally tagged enum of structs.
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Inner {
            n: u8,
            more: Option<Value>,
        }
        #[derive(Debug, PartialEq, serde::Deserialize)]
        #[serde(tag = "type")]
        enum Tagged {
            #[serde(rename = "x")]
            X(Inner),
        }
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Holder {
            items: Vec<Tagged>,
            map: std::collections::BTreeMap<String, Value>,
        }
        let once = |body: &[u8]| ENVELOPE.decode_direct::<Holder>(body, Some("result"), false);
        // Repeated keys where each object is read once: a map and a `Value` keep the last
        // occurrence, as the general path does, and the body is read directly.
        let body = br#"{"result": {"items": [{"type": "x", "n": 1, "more": {"a": 1, "a": 2}},
            {"n": 2, "type": "x", "extra": 1, "extra": 2}], "map": {"k": 1, "k": [2]}}}"#;
        let holder = agree_with::<Holder>(ENVELOPE, Some("result"), false, body).unwrap();
        assert_eq!(once(body), Some(holder));
        assert_eq!(once(body).unwrap().map["k"], serde_json::json!([2]));
        // A field repeated in a derived struct or an enum's variant is refused either way:
        // the general path gives the last occurrence.
        for body in [
            &br#"{"result": {"items": [{"type": "x", "n": 1, "n": 3}], "map": {}}}"#[..],
            br#"{"result": {"items": [], "items": [], "map": {}}}"#,
        ] {
            assert_eq!(once(body), None);
            agree_with::<Holder>(ENVELOPE, Some("result"), false, body).unwrap();
        }
        // What such a type reads through `deserialize_any` (an enum's buffered object, a
        // `Value`) goes to serde_json without the wrappers, and is still read as strictly as
        // the general path reads it: the direct path refuses what a `Value` refuses.
        let deep = format!(
            r#"{{"result": {{"items": [{{"type": "x", "n": 1, "x": {}1{}}}], "map": {{}}}}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        for body in [
            &b"{\"result\": {\"items\": [{\"type\": \"x\", \"n\": 1, \"x\": \"\xff\"}], \"map\": {}}}"[..],
            br#"{"result": {"items": [{"type": "x", "n": 1, "x": "\ud800"}], "map": {}}}"#,
            br#"{"result": {"items": [{"type": "x", "n": 1, "x": [1e400]}], "map": {}}}"#,
            br#"{"result": {"items": [], "map": {"k": {"\udc00": 1}}}}"#,
            br#"{"result": {"items": [], "map": {"k": -1e999}}}"#,
            deep.as_bytes(),
        ] {
            let text = String::from_utf8_lossy(body);
            assert_eq!(once(body), None, "{text}");
            let err = agree_with::<Holder>(ENVELOPE, Some("result"), false, body).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Decode, "{text}");
        }
    }

    #[test]
    fn types_that_read_differently_from_bytes_take_the_general_path() {
        /// Reads bytes (serde_json does not check them as UTF-8).
        #[derive(Debug, PartialEq)]
        struct Bytes(Vec<u8>);
        impl<'de> serde::Deserialize<'de> for Bytes {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct Visit;
                impl serde::de::Visitor<'_> for Visit {
                    type Value = Bytes;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("bytes")
                    }
                    fn visit_bytes<E>(self, v: &[u8]) -> Result<Bytes, E> {
                        Ok(Bytes(v.to_vec()))
                    }
                    fn visit_str<E>(self, v: &str) -> Result<Bytes, E> {
                        Ok(Bytes(v.as_bytes().to_vec()))
                    }
                }
                d.deserialize_byte_buf(Visit)
            }
        }
        /// Swallows the errors of the deserializer it is given.
        #[derive(Debug, PartialEq)]
        struct Lenient(Option<u8>);
        impl<'de> serde::Deserialize<'de> for Lenient {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok(Lenient(u8::deserialize(d).ok()))
            }
        }
        let body = br#"{"result": "abc"}"#;
        assert_eq!(agree::<Bytes>(body).unwrap(), Bytes(b"abc".to_vec()));
        assert!(direct::<Bytes>(body).is_none());
        agree::<Bytes>(b"{\"result\": \"\xff\"}").unwrap_err();
        agree::<Bytes>(br#"{"result": "\ud800"}"#).unwrap_err();
        assert_eq!(agree::<u128>(br#"{"result": 5}"#).unwrap(), 5);
        assert!(direct::<u128>(br#"{"result": 5}"#).is_none());
        agree::<u128>(br#"{"result": 18446744073709551616}"#).unwrap_err();
        agree::<i128>(br#"{"result": -18446744073709551616}"#).unwrap_err();
        assert_eq!(
            agree::<Lenient>(br#"{"result": 300}"#).unwrap(),
            Lenient(None)
        );
        assert!(direct::<Lenient>(br#"{"result": 300}"#).is_none());
        assert_eq!(
            direct::<Lenient>(br#"{"result": 30}"#),
            Some(Lenient(Some(30)))
        );
        // Keys that are not read as strings (numbers here) cannot be checked for repeats.
        type Numbered = std::collections::BTreeMap<u8, u8>;
        let body = br#"{"result": {"1": 2, "3": 4}}"#;
        assert_eq!(agree::<Numbered>(body).unwrap().len(), 2);
        assert!(direct::<Numbered>(body).is_none());
        #[derive(Debug, PartialEq, serde::Deserialize)]
        #[serde(tag = "type")]
        enum Tagged {
            #[serde(rename = "x")]
            X { n: u8 },
        }
        let body = br#"{"result": {"type": "x", "n": 1, "extra": [true]}}"#;
        assert_eq!(direct::<Tagged>(body), Some(Tagged::X { n: 1 }));
        agree::<Tagged>(body).unwrap();
        agree::<Tagged>(br#"{"result": {"type": "x", "n": 1, "extra": "\ud800"}}"#).unwrap_err();
        agree::<Tagged>(br#"{"result": {"type": "x", "type": "x", "n": 1}}"#).unwrap();
    }
}

//! Sends one described request: retries, timeouts, error mapping, the error envelope,
//! decoding.

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

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
    /// Query parameters, in order.
    pub query: Vec<(&'static str, String)>,
    /// The JSON body, serialized once.
    pub body: Option<Vec<u8>>,
    /// The property of the success body to return instead of the whole body.
    pub unwrap: Option<&'static str>,
}

/// Why a response body could not be read.
enum Body {
    /// More bytes than the client accepts.
    TooLarge,
    /// The connection broke or timed out while reading.
    Transport(reqwest::Error),
}

/// The body of `response`, refused as soon as it announces or sends more than `limit` bytes.
async fn read_body(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, Body> {
    let announced = response.content_length().unwrap_or(0);
    if announced > limit as u64 {
        return Err(Body::TooLarge);
    }
    let mut body = Vec::with_capacity(announced as usize);
    while let Some(chunk) = response.chunk().await.map_err(Body::Transport)? {
        if chunk.len() > limit - body.len() {
            return Err(Body::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

impl Client {
    /// Sends `request` and decodes the (unwrapped) success body into `T`.
    ///
    /// This is what every generated operation calls; it also serves endpoints the description
    /// does not cover.
    pub async fn execute<T: DeserializeOwned>(&self, request: RequestSpec) -> Result<T, Error> {
        let operation = request.operation_id;
        let value = self.execute_value(request).await?;
        decode_as(operation, value)
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
        let value = self.finish_success(request, status, headers, body, 1)?;
        decode_as(request.operation_id, value)
    }

    /// Sends `request` and returns the (unwrapped) success body as JSON.
    pub async fn execute_value(&self, request: RequestSpec) -> Result<Value, Error> {
        let operation = request.operation_id;
        // Only POST is treated as possibly creating something on each call; see RetryPolicy.
        let may_change_state = request.method == Method::POST;
        let url = format!("{}{}", self.inner.base_url, request.path);
        let max_retries = self.max_retries();
        let policy = super::retry::RetryPolicy {
            max_retries,
            ..self.inner.retry.clone()
        };
        let timeout = self.timeout();
        let mut attempt: u32 = 0;
        loop {
            let mut builder = self
                .inner
                .http
                .request(request.method.clone(), &url)
                .headers(self.inner.default_headers.clone())
                .timeout(timeout);
            if !request.query.is_empty() {
                builder = builder.query(&request.query);
            }
            if let Some(body) = &request.body {
                builder = builder
                    .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                    .body(body.clone());
            }

            let failure = match builder.send().await {
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    match read_body(response, self.inner.max_response_bytes).await {
                        Ok(bytes) if status.is_success() => {
                            return self.finish_success(
                                &request,
                                status,
                                &headers,
                                &bytes,
                                attempt + 1,
                            );
                        }
                        Ok(bytes) => {
                            let error = self
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
                                    self.inner.max_response_bytes
                                ))
                                .with_status(status)
                                .with_request_id(self.request_id(&headers))
                                .with_attempts(attempt + 1));
                        }
                        Err(Body::Transport(err)) => {
                            let error = Error::from_transport(operation, err)
                                .with_status(status)
                                .with_request_id(self.request_id(&headers))
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

    fn request_id(&self, headers: &HeaderMap) -> Option<String> {
        let name = self.inner.request_id_header.as_ref()?;
        headers.get(name)?.to_str().ok().map(str::to_owned)
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

#[cfg(test)]
mod tests {
    use super::super::{ClientBuilder, ErrorDetail, ErrorEnvelope};
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
}

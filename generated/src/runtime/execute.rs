//! Sends one described request: retries, timeouts, error mapping, envelope checks, decoding.

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

impl Client {
    /// Sends `request` and decodes the (unwrapped) success body into `T`.
    ///
    /// This is what every generated operation calls; it also serves endpoints the description
    /// does not cover.
    pub async fn execute<T: DeserializeOwned>(&self, request: RequestSpec) -> Result<T, Error> {
        let operation = request.operation_id;
        let value = self.execute_value(request).await?;
        serde_json::from_value(value).map_err(|err| {
            Error::new(ErrorKind::Decode, operation)
                .with_message("the response does not match the expected type")
                .with_source(err)
        })
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
                    match response.bytes().await {
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
                        Err(err) => {
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
        if body.get("success") == Some(&Value::Bool(false)) {
            return Err(Error::new(ErrorKind::Api, operation)
                .with_message("the response reports `success: false`")
                .with_status(status)
                .with_details(Error::details_from_body(&body))
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
        match serde_json::from_slice::<Value>(bytes) {
            Ok(body) => error.with_details(Error::details_from_body(&body)),
            Err(_) if bytes.is_empty() => error,
            Err(_) => error.with_body(Some(String::from_utf8_lossy(bytes).into_owned())),
        }
    }
}

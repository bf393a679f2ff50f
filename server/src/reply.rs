//! Cloudflare's envelopes: `{"success": true, <key>: ...}` for answers, and
//! `{"success": false, "errors": [{"code", "message"}], "messages": [], "result": {}}` for
//! errors, with the status the error calls for.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// An answer: `{"success": true, key: value}` with status 200.
pub fn ok(key: &str, value: Value) -> Response {
    let mut body = serde_json::Map::new();
    body.insert("success".into(), Value::Bool(true));
    body.insert(key.into(), value);
    json_response(StatusCode::OK, &Value::Object(body))
}

/// A JSON body with a status.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// An error in Cloudflare's envelope: one status, one or more `(code, message)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// Cloudflare's error codes with their messages.
    pub errors: Vec<(u32, String)>,
}

impl ApiError {
    /// An error.
    pub fn new(status: StatusCode, code: u32, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            errors: vec![(code, message.into())],
        }
    }

    /// 400 with code 7001, what the live API sends for an invalid route.
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, 7001, message)
    }

    /// 404 for an id that names nothing.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, 7003, message)
    }

    /// 500: the emulator itself failed (its database).
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, 10001, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let errors: Vec<Value> = self
            .errors
            .iter()
            .map(|(code, message)| json!({"code": code, "message": message}))
            .collect();
        json_response(
            self.status,
            &json!({"success": false, "errors": errors, "messages": [], "result": {}}),
        )
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> ApiError {
        use crate::store::StoreError;
        match e {
            StoreError::NoRoute(_) | StoreError::NoVersion(_) => ApiError::not_found(e.to_string()),
            StoreError::NameTaken(_) => ApiError::invalid(e.to_string()),
            StoreError::Database(_) => ApiError::internal(e.to_string()),
        }
    }
}

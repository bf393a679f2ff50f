//! Control endpoints under `/__dynroute` (never subject to faults or credentials):
//!
//! * `POST /__dynroute/reset`: forget every route, fault, provider script and counter;
//! * `GET /__dynroute/state`: every route with its versions and deployments, the waiting
//!   faults and the provider scripts;
//! * `POST /__dynroute/faults` with a [`FaultSpec`]; `GET` lists them, `DELETE` clears them;
//! * `POST /__dynroute/providers` with a [`ProviderSpec`]; `DELETE` clears them.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::App;
use crate::listen::Abort;
use crate::reply::{self, ApiError};

/// A fault as the endpoint and `--fault` take it: which requests, how many, what happens.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// The method to match (any when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The path to match; `*` matches any run of characters (any path when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// How many matching requests it applies to (default 1).
    #[serde(default = "one")]
    pub times: u64,
    /// Wait this long, then answer normally.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// Answer with this status (an error envelope) instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// With `status`: the `Retry-After` header, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// Close the connection with a TCP reset instead of answering.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reset: bool,
    /// Handle the request first (its write lands), then answer with the fault: the answer
    /// to a request that succeeded is lost.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub after: bool,
}

fn one() -> u64 {
    1
}

impl FaultSpec {
    /// Reads a fault from JSON text, checking that it says exactly one thing to do.
    pub fn parse(text: &str) -> Result<FaultSpec, String> {
        let spec: FaultSpec = serde_json::from_str(text).map_err(|e| format!("a fault: {e}"))?;
        spec.check()?;
        Ok(spec)
    }

    fn check(&self) -> Result<(), String> {
        let actions = [self.delay_ms.is_some(), self.status.is_some(), self.reset]
            .iter()
            .filter(|a| **a)
            .count();
        if actions != 1 {
            return Err("a fault has exactly one of `delay_ms`, `status` or `reset: true`".into());
        }
        if let Some(status) = self.status
            && !(400..=599).contains(&status)
        {
            return Err(format!(
                "`status` {status} is not an error status (400-599)"
            ));
        }
        if self.after && self.delay_ms.is_some() {
            return Err("`after` goes with `status` or `reset`".into());
        }
        if self.retry_after.is_some() && self.status.is_none() {
            return Err("`retry_after` goes with `status`".into());
        }
        if self.times == 0 {
            return Err("`times` is at least 1".into());
        }
        if let Some(method) = &self.method
            && Method::from_bytes(method.as_bytes()).is_err()
        {
            return Err(format!("`{method}` is not an HTTP method"));
        }
        Ok(())
    }

    fn matches(&self, method: &Method, path: &str) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()))
            && self.path.as_deref().is_none_or(|p| glob(p, path))
    }
}

/// Whether `text` matches `pattern`, where `*` matches any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Faults waiting for their requests, in the order added; the first that matches applies.
#[derive(Debug, Default)]
pub struct Faults {
    waiting: Mutex<Vec<FaultSpec>>,
}

impl Faults {
    /// Adds a fault.
    pub fn add(&self, spec: FaultSpec) {
        self.lock().push(spec);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FaultSpec>> {
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes one use of the first fault matching the request.
    fn take(&self, method: &Method, path: &str) -> Option<FaultSpec> {
        let mut waiting = self.lock();
        let at = waiting.iter().position(|f| f.matches(method, path))?;
        let fault = waiting[at].clone();
        waiting[at].times -= 1;
        if waiting[at].times == 0 {
            waiting.remove(at);
        }
        Some(fault)
    }

    /// The waiting faults.
    pub fn list(&self) -> Vec<FaultSpec> {
        self.lock().clone()
    }

    /// Forgets every fault.
    pub fn clear(&self) {
        self.lock().clear();
    }
}

/// The fault middleware: the first waiting fault that matches the request applies.
pub async fn inject(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let Some(fault) = app.faults.take(request.method(), request.uri().path()) else {
        return next.run(request).await;
    };
    let abort = request.extensions().get::<Abort>().cloned();
    if let Some(ms) = fault.delay_ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        return next.run(request).await;
    }
    if fault.after {
        // The request is handled; only its answer is replaced.
        let _ = next.run(request).await;
    }
    if fault.reset {
        if let Some(abort) = abort {
            abort.reset();
            // The connection is dropped; this answer is never written.
            std::future::pending::<()>().await;
        }
        return ApiError::internal("connection reset (injected by dynroute serve)").into_response();
    }
    let status = fault
        .status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (code, message) = if status == StatusCode::TOO_MANY_REQUESTS {
        (
            971,
            "Please wait and consider throttling your request speed",
        )
    } else {
        (10001, "Injected fault (dynroute serve)")
    };
    let mut response = ApiError::new(status, code, message).into_response();
    if let Some(seconds) = fault.retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// The control routes, relative to `/__dynroute`.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/reset", post(reset))
        .route("/state", get(state))
        .route(
            "/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/providers", post(add_provider).delete(clear_providers))
        .method_not_allowed_fallback(crate::api::method_not_allowed)
        .with_state(app)
}

async fn reset(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    let store = app.clone();
    tokio::task::spawn_blocking(move || store.store.reset())
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    app.faults.clear();
    app.inference.clear();
    Ok(reply::ok("result", json!({})))
}

async fn state(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    let store = app.clone();
    let mut dump = tokio::task::spawn_blocking(move || store.store.dump())
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    dump["faults"] = json!(app.faults.list());
    dump["providers"] = app.inference.describe();
    Ok(reply::ok("result", dump))
}

async fn list_faults(State(app): State<Arc<App>>) -> Response {
    reply::ok("result", json!(app.faults.list()))
}

async fn add_fault(State(app): State<Arc<App>>, body: Bytes) -> Result<Response, ApiError> {
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::invalid("not UTF-8"))?;
    let spec = FaultSpec::parse(text).map_err(ApiError::invalid)?;
    app.faults.add(spec.clone());
    Ok(reply::ok("result", json!(spec)))
}

async fn clear_faults(State(app): State<Arc<App>>) -> Response {
    app.faults.clear();
    reply::ok("result", json!([]))
}

/// What a provider (`provider/model`) or model element does on the inference endpoint.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderSpec {
    /// A model element id, or `provider/model`.
    pub target: String,
    /// Outcomes of the attempts of each request (`ok`, `error`, `timeout`); the last repeats.
    #[serde(default)]
    pub attempts: Option<Vec<String>>,
    /// What a served request costs, spent on cost limits.
    #[serde(default)]
    pub cost: Option<f64>,
}

async fn add_provider(State(app): State<Arc<App>>, body: Bytes) -> Result<Response, ApiError> {
    let spec: ProviderSpec = serde_json::from_slice(&body)
        .map_err(|e| ApiError::invalid(format!("a provider script: {e}")))?;
    app.inference.script(&spec).map_err(ApiError::invalid)?;
    Ok(reply::ok("result", app.inference.describe()))
}

async fn clear_providers(State(app): State<Arc<App>>) -> Response {
    app.inference.clear();
    reply::ok("result", Value::Object(Default::default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_runs_of_characters() {
        assert!(glob(
            "/client/v4/*/versions",
            "/client/v4/accounts/a/routes/r/versions"
        ));
        assert!(!glob(
            "/client/v4/*/versions",
            "/client/v4/accounts/a/routes/r/versions/v"
        ));
        assert!(glob("*", ""));
        assert!(glob("/a*", "/a"));
        assert!(glob("*routes*", "/x/routes/y"));
        assert!(!glob("/a*b*c", "/abx"));
        assert!(glob("/exact", "/exact"));
        assert!(!glob("/exact", "/exactly"));
    }

    #[test]
    fn a_fault_says_exactly_one_thing_and_counts_down() {
        assert!(FaultSpec::parse(r#"{"status": 429, "reset": true}"#).is_err());
        assert!(FaultSpec::parse(r#"{}"#).is_err());
        assert!(FaultSpec::parse(r#"{"status": 200}"#).is_err());
        assert!(FaultSpec::parse(r#"{"delay_ms": 5, "retry_after": 1}"#).is_err());
        assert!(FaultSpec::parse(r#"{"reset": true, "typo": 1}"#).is_err());
        assert!(FaultSpec::parse(r#"{"delay_ms": 5, "after": true}"#).is_err());
        assert!(FaultSpec::parse(r#"{"reset": true, "after": true}"#).is_ok());
        let faults = Faults::default();
        faults.add(
            FaultSpec::parse(r#"{"method": "post", "path": "/v/*", "times": 2, "status": 503}"#)
                .expect("valid"),
        );
        assert!(faults.take(&Method::GET, "/v/1").is_none());
        assert!(faults.take(&Method::POST, "/v/1").is_some());
        assert!(faults.take(&Method::POST, "/v/2").is_some());
        assert!(faults.take(&Method::POST, "/v/3").is_none(), "used up");
    }
}

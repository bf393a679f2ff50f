//! The route-aware inference endpoint: `POST /v1/{account_id}/{gateway_id}/compat/chat/completions`
//! with `"model": "dynamic/<route name>"` and the `cf-aig-metadata` header runs the route's
//! deployed version through the route engine: a random draw at each percentage element, rate
//! counters counting for real (seconds since the emulator started, fixed or sliding windows),
//! provider failures as scripted through `/__dynroute/providers`. The answer is an
//! OpenAI-shaped chat completion naming the model that served, with the `cf-aig-model` and
//! `cf-aig-provider` headers AI Gateway sets; a request nothing answers gets the gateway's
//! runtime error (code 2005).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::post;
use dynroute_engine::graph::WHOLE;
use dynroute_engine::timeline::{Counters, Window};
use dynroute_engine::{Attempt, Draw, Graph, Outcome, Pins, Request, Script, trace};
use serde_json::{Map, Value, json};

use crate::App;
use crate::control::ProviderSpec;
use crate::reply::json_response;
use crate::store::Scope;

/// Provider scripts, costs and the rate counters of each route.
#[derive(Debug)]
pub struct Traffic {
    window: Window,
    started: Instant,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    scripts: HashMap<String, Script>,
    written: HashMap<String, Vec<String>>,
    costs: HashMap<String, f64>,
    counters: HashMap<String, Counters>,
}

impl Traffic {
    /// Empty state; rate windows move by `window`.
    pub fn new(window: Window) -> Traffic {
        Traffic {
            window,
            started: Instant::now(),
            inner: Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds or replaces the script of a target.
    pub fn script(&self, spec: &ProviderSpec) -> Result<(), String> {
        let mut inner = self.lock();
        if let Some(attempts) = &spec.attempts {
            let mut outcomes = attempts
                .iter()
                .map(|a| {
                    Attempt::parse(a)
                        .ok_or_else(|| format!("`{a}`: an attempt is ok, error or timeout"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let then = outcomes
                .pop()
                .ok_or("`attempts` lists at least one outcome")?;
            inner.scripts.insert(
                spec.target.clone(),
                Script {
                    attempts: outcomes,
                    then,
                },
            );
            inner.written.insert(spec.target.clone(), attempts.clone());
        }
        if let Some(cost) = spec.cost {
            if !(cost.is_finite() && cost >= 0.0) {
                return Err("`cost` is a non-negative number".into());
            }
            inner.costs.insert(spec.target.clone(), cost);
        }
        Ok(())
    }

    /// Forgets scripts, costs and counters.
    pub fn clear(&self) {
        *self.lock() = Inner::default();
    }

    /// The scripts and costs, for the state dump.
    pub fn describe(&self) -> Value {
        let inner = self.lock();
        let mut out = Map::new();
        for (target, attempts) in &inner.written {
            out.insert(target.clone(), json!({"attempts": attempts}));
        }
        for (target, cost) in &inner.costs {
            let entry = out.entry(target.clone()).or_insert_with(|| json!({}));
            entry["cost"] = json!(cost);
        }
        Value::Object(out)
    }
}

/// The inference route.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(
            "/v1/{account_id}/{gateway_id}/compat/chat/completions",
            post(complete),
        )
        .method_not_allowed_fallback(crate::api::method_not_allowed)
        .with_state(app)
}

/// The gateway's runtime error envelope (`error`, singular, as the gateway sends it).
fn runtime_error(status: StatusCode, code: u32, message: &str) -> Response {
    json_response(
        status,
        &json!({"success": false, "result": [], "messages": [],
                "error": [{"code": code, "message": message}]}),
    )
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

async fn complete(
    State(app): State<Arc<App>>,
    Path((account, gateway)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(expected) = &app.config.token {
        let given = header_text(&headers, "cf-aig-authorization")
            .or_else(|| header_text(&headers, "authorization"));
        if given.as_deref().and_then(|g| g.strip_prefix("Bearer ")) != Some(expected.as_str()) {
            return runtime_error(StatusCode::UNAUTHORIZED, 2009, "Unauthorized");
        }
    }
    let body: Value = match serde_json::from_slice(&body) {
        Ok(Value::Object(map)) => Value::Object(map),
        Ok(_) => return runtime_error(StatusCode::BAD_REQUEST, 2008, "the body is a JSON object"),
        Err(e) => {
            return runtime_error(
                StatusCode::BAD_REQUEST,
                2008,
                &format!("Malformed JSON in request body: {e}"),
            );
        }
    };
    let Some(name) = body
        .get("model")
        .and_then(Value::as_str)
        .and_then(|m| m.strip_prefix("dynamic/"))
        .map(str::to_string)
    else {
        return runtime_error(
            StatusCode::BAD_REQUEST,
            2008,
            "dynroute serve answers `dynamic/<route name>` models only",
        );
    };
    let metadata = match header_text(&headers, "cf-aig-metadata") {
        None => Map::new(),
        Some(text) => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(map)) => map,
            _ => {
                return runtime_error(
                    StatusCode::BAD_REQUEST,
                    2008,
                    "cf-aig-metadata is a JSON object of strings, numbers and booleans",
                );
            }
        },
    };
    let request_headers: Map<String, Value> = headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_string(), json!(v.to_str().ok()?))))
        .collect();
    let request = Request {
        metadata,
        headers: request_headers,
        body,
    };
    let scope = Scope { account, gateway };
    let store = app.clone();
    let lookup = name.clone();
    let route =
        match tokio::task::spawn_blocking(move || store.store.route_named(&scope, &lookup)).await {
            Ok(Ok(Some(route))) => route,
            Ok(Ok(None)) => {
                return runtime_error(
                    StatusCode::NOT_FOUND,
                    2007,
                    &format!("no route named `{name}` in this gateway"),
                );
            }
            _ => return runtime_error(StatusCode::INTERNAL_SERVER_ERROR, 2000, "the store failed"),
        };
    let elements: Vec<Value> = serde_json::from_str(&route.version.data).unwrap_or_default();
    let graph = match Graph::new(&elements, "/elements") {
        Ok(graph) => graph,
        Err(e) => {
            return runtime_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                2000,
                &format!("the deployed version cannot be evaluated: {}", e.message),
            );
        }
    };
    let t = {
        let mut inner = app.inference.lock();
        let now = app.inference.started.elapsed().as_secs_f64();
        let base = Pins {
            draw: Some(Draw(fastrand::u64(0..WHOLE))),
            scripts: inner.scripts.clone(),
            ..Pins::default()
        };
        let window = app.inference.window;
        let counters = inner
            .counters
            .entry(route.id.clone())
            .or_insert_with(|| Counters::new(window));
        let pins = counters.pins(&graph, &request, &base, now);
        let t = trace(&graph, &request, &pins);
        let served_cost = t.element.as_deref().map(|element| {
            let by_model = format!(
                "{}/{}",
                t.provider.as_deref().unwrap_or_default(),
                t.model.as_deref().unwrap_or_default()
            );
            (element.to_string(), by_model)
        });
        let cost = served_cost
            .and_then(|(element, by_model)| {
                inner
                    .costs
                    .get(&element)
                    .or_else(|| inner.costs.get(&by_model))
                    .copied()
            })
            .unwrap_or(0.0);
        if let Some(counters) = inner.counters.get_mut(&route.id) {
            counters.record(&graph, &t, now, cost);
        }
        t
    };
    let path = t.path.join(",");
    let mut response = match t.outcome {
        Outcome::Served => {
            let provider = t.provider.clone().unwrap_or_default();
            let model = t.model.clone().unwrap_or_default();
            let created = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let mut response = json_response(
                StatusCode::OK,
                &json!({
                    "id": format!("chatcmpl-{}", crate::store::new_id()),
                    "object": "chat.completion",
                    "created": created,
                    "model": model,
                    "choices": [{
                        "index": 0,
                        "message": {
                            "role": "assistant",
                            "content": format!(
                                "dynroute serve: {provider}/{model} (element {}) answered for route {} version {}",
                                t.element.as_deref().unwrap_or_default(),
                                route.name,
                                route.version.id
                            ),
                        },
                        "finish_reason": "stop",
                    }],
                    "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                }),
            );
            for (name, value) in [("cf-aig-model", model), ("cf-aig-provider", provider)] {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    response.headers_mut().insert(name, value);
                }
            }
            response
        }
        Outcome::Failed => runtime_error(
            StatusCode::BAD_GATEWAY,
            2005,
            "Failed to get response from provider",
        ),
        Outcome::Error => runtime_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            2000,
            &format!(
                "the route cannot be evaluated: {}",
                t.error.as_deref().unwrap_or_default()
            ),
        ),
    };
    if let Ok(value) = HeaderValue::from_str(&path) {
        response.headers_mut().insert("x-dynroute-path", value);
    }
    if let Ok(value) = HeaderValue::from_str(&route.version.id) {
        response.headers_mut().insert("x-dynroute-version", value);
    }
    response
}

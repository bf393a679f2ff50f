//! The ten Dynamic Routing operations under `/client/v4`, with Cloudflare's envelope per
//! operation (`result`, `data` or `route`), credentials checked first, and every bad input
//! answered in the error envelope.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

use crate::App;
use crate::reply::{self, ApiError};
use crate::store::{Deployment, Order, OrderBy, Route, Scope, Version};
use crate::validate::{self, Verdict};

/// The routes of the API, relative to `/client/v4`.
pub fn router(app: Arc<App>) -> Router {
    const BASE: &str = "/accounts/{account_id}/ai-gateway/gateways/{gateway_id}/routes";
    Router::new()
        .route(BASE, get(list).post(create))
        .route(
            &format!("{BASE}/{{id}}"),
            get(read).patch(update).delete(delete),
        )
        .route(
            &format!("{BASE}/{{id}}/deployments"),
            get(list_deployments).post(create_deployment),
        )
        .route(
            &format!("{BASE}/{{id}}/versions"),
            get(list_versions).post(create_version),
        )
        .route(
            &format!("{BASE}/{{id}}/versions/{{version_id}}"),
            get(read_version),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(app.clone(), authenticate))
        .with_state(app)
}

/// Credentials: `Authorization: Bearer <token>`, or `X-Auth-Email` with `X-Auth-Key`. Missing:
/// 400 with code 9106, as api.cloudflare.com answers; with `--token`, any other token: 403
/// with code 10000.
async fn authenticate(
    State(app): State<Arc<App>>,
    request: axum::extract::Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let key = headers.get("x-auth-key").and_then(|v| v.to_str().ok());
    let email = headers.get("x-auth-email").and_then(|v| v.to_str().ok());
    let presented = match (bearer, key, email) {
        (Some(token), _, _) => Some(token),
        (None, Some(key), Some(_)) if !key.is_empty() => Some(key),
        _ => None,
    };
    match (presented, app.config.token.as_deref()) {
        (None, _) => ApiError::new(
            StatusCode::BAD_REQUEST,
            9106,
            "Missing X-Auth-Key, X-Auth-Email or Authorization headers",
        )
        .into_response(),
        (Some(given), Some(expected)) if given != expected => {
            ApiError::new(StatusCode::FORBIDDEN, 10000, "Authentication error").into_response()
        }
        _ => next.run(request).await,
    }
}

/// 405 in the envelope, for every router of the emulator.
pub async fn method_not_allowed(request: axum::extract::Request) -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        10405,
        format!(
            "{} method not allowed on {}",
            request.method(),
            request.uri().path()
        ),
    )
    .into_response()
}

type Ids2 = Path<(String, String)>;
type Ids3 = Path<(String, String, String)>;
type Ids4 = Path<(String, String, String, String)>;

fn scope(account: String, gateway: String) -> Scope {
    Scope { account, gateway }
}

/// Runs a store call off the async workers (SQLite writes wait for the disk).
async fn blocking<T: Send + 'static>(
    app: &Arc<App>,
    f: impl FnOnce(&crate::store::Store) -> Result<T, crate::store::StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    let app = app.clone();
    tokio::task::spawn_blocking(move || f(&app.store))
        .await
        .map_err(|e| ApiError::internal(format!("the store task failed: {e}")))?
        .map_err(ApiError::from)
}

/// Paging and ordering of a listing, from the query string.
struct Listing {
    page: Option<u64>,
    per_page: Option<u64>,
    order: Order,
}

fn listing(query: Option<&str>, orders: &[OrderBy]) -> Result<Listing, ApiError> {
    let mut out = Listing {
        page: None,
        per_page: None,
        order: Order {
            by: OrderBy::CreatedAt,
            ascending: false,
        },
    };
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let number = |min: u64, max: u64| {
            value
                .parse::<u64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| {
                    ApiError::invalid(format!(
                        "`{key}` must be a whole number from {min} to {max}"
                    ))
                })
        };
        match key {
            "page" => out.page = Some(number(1, 1_000_000)?),
            "per_page" => out.per_page = Some(number(1, 1_000)?),
            "order_by" => {
                out.order.by = OrderBy::parse(value)
                    .filter(|o| orders.contains(o))
                    .ok_or_else(|| {
                        ApiError::invalid(format!(
                            "`order_by` must be one of: {}",
                            orders
                                .iter()
                                .map(|o| o.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                    })?;
            }
            "order_by_direction" => {
                out.order.ascending = match value {
                    "asc" => true,
                    "desc" => false,
                    _ => return Err(ApiError::invalid("`order_by_direction` is asc or desc")),
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// A listing's answer: `{"success": true, "data": {key: items, page, per_page, order_by,
/// order_by_direction}}`.
fn listing_reply(key: &str, items: Vec<Value>, page: u64, per_page: u64, order: Order) -> Response {
    let mut data = Map::new();
    data.insert(key.into(), Value::Array(items));
    data.insert("page".into(), json!(page));
    data.insert("per_page".into(), json!(per_page));
    data.insert("order_by".into(), json!(order.by.as_str()));
    data.insert(
        "order_by_direction".into(),
        json!(if order.ascending { "asc" } else { "desc" }),
    );
    reply::ok("data", Value::Object(data))
}

/// The elements of a version as JSON (an array; `[]` if the stored text is unreadable).
fn elements_of(version: &Version) -> Value {
    serde_json::from_str(&version.data).unwrap_or_else(|_| json!([]))
}

fn version_json(v: &Version) -> Value {
    json!({
        "version_id": v.id,
        "data": v.data,
        "active": if v.active { "true" } else { "false" },
        "created_at": v.created_at,
        "is_valid": v.is_valid,
    })
}

fn deployment_json(d: &Deployment) -> Value {
    json!({
        "deployment_id": d.id,
        "version_id": d.version_id,
        "created_at": d.created_at,
    })
}

/// A route without its version and deployment (delete, create-version, create-deployment).
fn summary_json(route: &Route) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("id".into(), json!(route.id));
    out.insert("name".into(), json!(route.name));
    out.insert("elements".into(), elements_of(&route.version));
    out.insert("created_at".into(), json!(route.created_at));
    out.insert("modified_at".into(), json!(route.modified_at));
    out.insert("gateway_id".into(), json!(route.scope.gateway));
    out
}

/// A route with its version and deployment; `account_tag` in listings and updates.
fn route_json(route: &Route, account_tag: bool) -> Value {
    let mut out = summary_json(route);
    if account_tag {
        out.insert("account_tag".into(), json!(route.scope.account));
    }
    out.insert("version".into(), version_json(&route.version));
    out.insert("deployment".into(), deployment_json(&route.deployment));
    Value::Object(out)
}

/// Reads a JSON object body: absent or empty is `{}` (the description does not require
/// bodies); anything but `application/json` is 415; bad JSON is 400 with code 6007.
fn body_object(headers: &HeaderMap, body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            6003,
            format!(
                "Invalid request headers: the body must be application/json, not `{}`",
                if content_type.is_empty() {
                    "(no Content-Type)"
                } else {
                    content_type
                }
            ),
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::invalid("the request body must be a JSON object")),
        Err(e) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            6007,
            format!(
                "Malformed JSON in request body: {} at line {} column {}",
                e,
                e.line(),
                e.column()
            ),
        )),
    }
}

fn string_field(body: &Map<String, Value>, key: &str) -> Result<String, ApiError> {
    match body.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::String(_)) => Err(ApiError::invalid(format!("/{key}: must not be empty"))),
        Some(other) => Err(ApiError::invalid(format!(
            "/{key}: expected a string, not {}",
            dynroute_validator::condition::describe(other)
        ))),
        None => Err(ApiError::invalid(format!("/{key}: Required"))),
    }
}

async fn list(
    State(app): State<Arc<App>>,
    Path((account, gateway)): Ids2,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let l = listing(
        query.as_deref(),
        &[OrderBy::CreatedAt, OrderBy::ModifiedAt, OrderBy::Name],
    )?;
    let (page, per_page) = (l.page.unwrap_or(1), l.per_page.unwrap_or(20));
    let scope = scope(account, gateway);
    let routes = blocking(&app, move |s| s.routes(&scope, page, per_page, l.order)).await?;
    Ok(listing_reply(
        "routes",
        routes.iter().map(|r| route_json(r, true)).collect(),
        page,
        per_page,
        l.order,
    ))
}

async fn create(
    State(app): State<Arc<App>>,
    Path((account, gateway)): Ids2,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = body_object(&headers, &body)?;
    let verdict = validate::route(&Value::Object(body.clone()), app.config.strict)?;
    let name = string_field(&body, "name")?;
    let elements = body.get("elements").cloned().unwrap_or_else(|| json!([]));
    let scope = scope(account, gateway);
    let valid = verdict == Verdict::Valid;
    let route = blocking(&app, move |s| {
        s.create_route(&scope, &name, &elements, valid)
    })
    .await?;
    Ok(reply::ok("result", route_json(&route, false)))
}

async fn read(
    State(app): State<Arc<App>>,
    Path((account, gateway, id)): Ids3,
) -> Result<Response, ApiError> {
    let scope = scope(account, gateway);
    let route = blocking(&app, move |s| s.route(&scope, &id)).await?;
    Ok(reply::ok("result", route_json(&route, false)))
}

async fn update(
    State(app): State<Arc<App>>,
    Path((account, gateway, id)): Ids3,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = body_object(&headers, &body)?;
    let name = string_field(&body, "name")?;
    let scope = scope(account, gateway);
    let route = blocking(&app, move |s| s.rename(&scope, &id, &name)).await?;
    Ok(reply::ok("route", route_json(&route, true)))
}

async fn delete(
    State(app): State<Arc<App>>,
    Path((account, gateway, id)): Ids3,
) -> Result<Response, ApiError> {
    let scope = scope(account, gateway);
    let route = blocking(&app, move |s| s.delete(&scope, &id)).await?;
    Ok(reply::ok("result", Value::Object(summary_json(&route))))
}

async fn list_deployments(
    State(app): State<Arc<App>>,
    Path((account, gateway, id)): Ids3,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let l = listing(query.as_deref(), &[OrderBy::CreatedAt])?;
    let scope = scope(account, gateway);
    let ascending = l.order.ascending;
    let all = blocking(&app, move |s| s.deployments(&scope, &id, ascending)).await?;
    let (items, page, per_page) = page_of(&all, &l);
    Ok(listing_reply(
        "deployments",
        items.iter().map(deployment_json).collect(),
        page,
        per_page,
        l.order,
    ))
}

/// A page of a listing held whole: every item when no paging is asked for.
fn page_of<'a, T>(all: &'a [T], l: &Listing) -> (&'a [T], u64, u64) {
    let page = l.page.unwrap_or(1);
    let per_page = l.per_page.unwrap_or_else(|| (all.len() as u64).max(20));
    let start = usize::try_from(page.saturating_sub(1).saturating_mul(per_page))
        .unwrap_or(usize::MAX)
        .min(all.len());
    let end = start
        .saturating_add(usize::try_from(per_page).unwrap_or(usize::MAX))
        .min(all.len());
    (&all[start..end], page, per_page)
}

async fn create_deployment(
    State(app): State<Arc<App>>,
    Path((account, gateway, id)): Ids3,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = body_object(&headers, &body)?;
    let version_id = string_field(&body, "version_id")?;
    let scope = scope(account, gateway);
    let route = blocking(&app, move |s| s.deploy(&scope, &id, &version_id)).await?;
    Ok(reply::ok("result", Value::Object(summary_json(&route))))
}

async fn list_versions(
    State(app): State<Arc<App>>,
    Path((account, gateway, id)): Ids3,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let l = listing(query.as_deref(), &[OrderBy::CreatedAt])?;
    let scope = scope(account, gateway);
    let ascending = l.order.ascending;
    let all = blocking(&app, move |s| s.versions(&scope, &id, ascending)).await?;
    let (items, page, per_page) = page_of(&all, &l);
    Ok(listing_reply(
        "versions",
        items.iter().map(version_json).collect(),
        page,
        per_page,
        l.order,
    ))
}

async fn create_version(
    State(app): State<Arc<App>>,
    Path((account, gateway, id)): Ids3,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let mut body = body_object(&headers, &body)?;
    let scope = scope(account, gateway);
    // The validator reads a route document: the route's name with the body's elements.
    let (s2, id2) = (scope.clone(), id.clone());
    let current = blocking(&app, move |s| s.route(&s2, &id2)).await?;
    body.insert("name".into(), json!(current.name));
    let verdict = validate::route(&Value::Object(body.clone()), app.config.strict)?;
    let elements = body.get("elements").cloned().unwrap_or_else(|| json!([]));
    let valid = verdict == Verdict::Valid;
    let (route, _) = blocking(&app, move |s| {
        s.create_version(&scope, &id, &elements, valid)
    })
    .await?;
    Ok(reply::ok("result", Value::Object(summary_json(&route))))
}

async fn read_version(
    State(app): State<Arc<App>>,
    Path((account, gateway, id, version_id)): Ids4,
) -> Result<Response, ApiError> {
    let scope = scope(account, gateway);
    let (route, version) = blocking(&app, move |s| s.version(&scope, &id, &version_id)).await?;
    let mut out = summary_json(&route);
    out.insert("elements".into(), elements_of(&version));
    out.insert("created_at".into(), json!(version.created_at));
    out.insert("version_id".into(), json!(version.id));
    out.insert("data".into(), json!(version.data));
    out.insert(
        "active".into(),
        json!(if version.active { "true" } else { "false" }),
    );
    out.insert("is_valid".into(), json!(version.is_valid));
    Ok(reply::ok("result", Value::Object(out)))
}

/// Reads the whole request body, up to the configured limit: a larger body is a 413 in the
/// envelope, read no further.
pub async fn limit_body(
    State(app): State<Arc<App>>,
    request: axum::extract::Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, app.config.max_body).await {
        Ok(bytes) => {
            next.run(axum::extract::Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(_) => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            6004,
            format!(
                "the request body is larger than {} bytes (dynroute serve --max-body)",
                app.config.max_body
            ),
        )
        .into_response(),
    }
}

/// The answer to any path the API does not have, in the envelope, as api.cloudflare.com
/// words it.
pub async fn unknown_path(request: axum::extract::Request<Body>) -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        7003,
        format!(
            "Could not route to {}, perhaps your object identifier is invalid?",
            request.uri().path()
        ),
    )
    .into_response()
}

//! Models and an async client for Cloudflare AI Gateway Dynamic Routing.
//!
//! * [`models`]: the types of the API (generated from `spec/dynamic-routing.openapi.json`).
//! * [`Client`]: one async method per operation (generated), over a small hand-written
//!   [`runtime`] (credentials, retries, timeouts, errors, paging).
//!
//! Everything under `src/generated/` is written by `cargo xtask generate`; the runtime is the
//! source of the crate `dynroute-runtime` (`runtime/src/`), compiled here as this crate's own
//! module so that the generated operations can be methods of its [`Client`]. This file is the
//! hand-written crate root: it holds what is specific to Cloudflare (the `CLOUDFLARE_*`
//! environment variables, the `cf-ray` request id, and the normaliser for what the live API
//! sends that its description does not say).
//!
//! ```no_run
//! # async fn demo() -> Result<(), dynroute_client::Error> {
//! use dynroute_client::Client;
//! let client = Client::from_env()?;
//! let route = client.get("0d37909e38d3e99c29fa2cd343ac421a", "my-gateway", "route-id").await?;
//! println!("{} has {} elements", route.name, route.elements.len());
//! # Ok(())
//! # }
//! ```
//!
//! # Behaviour
//!
//! * Credentials: an API token (`Authorization: Bearer`) or an account email with the global
//!   API key (`X-Auth-Email` + `X-Auth-Key`). They are [`Secret`]s: never in `Debug` output or
//!   error messages.
//! * Retries: 2 by default, exponential backoff with jitter, `Retry-After` honoured up to 60 s.
//!   POST requests (create, create_version, create_deployment) are retried only when the server
//!   cannot have processed them; see [`runtime::RetryPolicy`].
//! * Timeouts: 60 s per attempt and 5 s to connect, settable on the builder or per call with
//!   [`Client::with_options`].
//! * Errors: one [`Error`] with a [`kind`](Error::kind) to match on, the HTTP status,
//!   Cloudflare's `errors[]`, the `cf-ray` id and the raw body when it is not JSON. A body with
//!   `"success": false` is an error whatever its status: the description declares Cloudflare's
//!   envelope (`x-dynroute-envelope`, [`ERROR_ENVELOPE`]) and the generated builders
//!   ([`Client::builder`], [`Client::builder_for`]) install it.

// Generated files are written by `cargo xtask generate` (prettyplease) and checked fresh
// byte for byte; rustfmt must leave them alone.
#[rustfmt::skip]
#[path = "generated/models.rs"]
pub mod models;

// The source of the crate dynroute-runtime. A module of this crate, not a dependency: the
// generated operations add inherent methods to its `Client`, which only the crate defining
// the type may do.
#[cfg(feature = "client")]
#[path = "../../runtime/src/lib.rs"]
pub mod runtime;

#[cfg(feature = "client")]
#[rustfmt::skip]
#[path = "generated/operations.rs"]
mod operations;

#[cfg(feature = "client")]
pub use operations::{DEFAULT_BASE_URL, ERROR_ENVELOPE};
#[cfg(feature = "client")]
pub use runtime::{
    Client, ClientBuilder, Credentials, Error, ErrorDetail, ErrorKind, RequestOptions, Secret,
};

/// The environment variable holding an API token.
pub const ENV_API_TOKEN: &str = "CLOUDFLARE_API_TOKEN";
/// The environment variable holding the account email (used with [`ENV_API_KEY`]).
pub const ENV_EMAIL: &str = "CLOUDFLARE_EMAIL";
/// The environment variable holding the global API key (used with [`ENV_EMAIL`]).
pub const ENV_API_KEY: &str = "CLOUDFLARE_API_KEY";
/// The environment variable that overrides the base URL.
pub const ENV_BASE_URL: &str = "CLOUDFLARE_BASE_URL";

/// The response header carrying Cloudflare's request id.
pub const REQUEST_ID_HEADER: &str = "cf-ray";

#[cfg(feature = "client")]
impl Credentials {
    /// An API token, sent as `Authorization: Bearer <token>` (the preferred scheme).
    pub fn api_token(token: impl Into<Secret>) -> Self {
        Credentials::bearer(token)
    }

    /// An account email with the global API key, sent as `X-Auth-Email` and `X-Auth-Key`.
    pub fn email_and_key(email: impl Into<Secret>, key: impl Into<Secret>) -> Self {
        Credentials::Headers(vec![
            ("X-Auth-Email".to_owned(), email.into()),
            ("X-Auth-Key".to_owned(), key.into()),
        ])
    }

    /// Credentials from `CLOUDFLARE_API_TOKEN`, else `CLOUDFLARE_EMAIL` with
    /// `CLOUDFLARE_API_KEY`. Empty variables count as unset.
    pub fn from_env() -> Result<Self, Error> {
        credentials_from(|name| std::env::var(name).ok())
    }
}

#[cfg(feature = "client")]
fn credentials_from(var: impl Fn(&str) -> Option<String>) -> Result<Credentials, Error> {
    let var = |name: &str| var(name).filter(|value| !value.trim().is_empty());
    if let Some(token) = var(ENV_API_TOKEN) {
        return Ok(Credentials::api_token(token));
    }
    match (var(ENV_EMAIL), var(ENV_API_KEY)) {
        (Some(email), Some(key)) => Ok(Credentials::email_and_key(email, key)),
        (Some(_), None) => Err(Error::config(format!(
            "{ENV_EMAIL} is set but {ENV_API_KEY} is not; set both, or set {ENV_API_TOKEN}"
        ))),
        (None, Some(_)) => Err(Error::config(format!(
            "{ENV_API_KEY} is set but {ENV_EMAIL} is not; set both, or set {ENV_API_TOKEN}"
        ))),
        (None, None) => Err(Error::config(format!(
            "no Cloudflare credentials: set {ENV_API_TOKEN} (an API token), or {ENV_EMAIL} and {ENV_API_KEY}"
        ))),
    }
}

#[cfg(feature = "client")]
impl Client {
    /// A client configured from the environment: credentials as in
    /// [`Credentials::from_env`], the base URL from `CLOUDFLARE_BASE_URL` when set (else
    /// [`DEFAULT_BASE_URL`]), and the default retries and timeouts.
    ///
    /// Fails with [`ErrorKind::Config`] and a message naming the variables when no credentials
    /// are set.
    pub fn from_env() -> Result<Client, Error> {
        let mut builder = Client::cloudflare_builder().credentials(Credentials::from_env()?);
        if let Some(url) = std::env::var(ENV_BASE_URL)
            .ok()
            .filter(|url| !url.trim().is_empty())
        {
            builder = builder.base_url(url);
        }
        builder.build()
    }

    /// A builder for [`DEFAULT_BASE_URL`] with the Cloudflare settings installed: Cloudflare's
    /// error envelope ([`ERROR_ENVELOPE`], from [`Client::builder`]), the `cf-ray` request id
    /// in errors and the [`normalize_response`] hook. Add credentials and build.
    pub fn cloudflare_builder() -> ClientBuilder {
        Client::builder()
            .request_id_header(REQUEST_ID_HEADER)
            .response_hook(normalize_response)
    }
}

/// Rewrites what the live API sends where it differs from its description, so the models
/// can stay faithful to the description:
///
/// * `version.data` (and `data` of a route version) arriving as the graph itself (a JSON
///   array) instead of JSON text: the array becomes `elements` when `elements` is missing,
///   null or empty, and `data` is re-serialised as a string (as Cloudflare's Terraform provider
///   does, terraform-provider-cloudflare#7300);
/// * `elements` missing from a route: it becomes an empty list.
///
/// Installed by [`Client::cloudflare_builder`] and [`Client::from_env`] as the response hook.
pub fn normalize_response(_operation_id: &str, body: &mut serde_json::Value) {
    use serde_json::Value;
    match body {
        Value::Object(map) => {
            let is_route = map.contains_key("gateway_id") && map.contains_key("id");
            let is_version = map.contains_key("version_id") && map.contains_key("active");
            // A route version carries its graph in `data` next to `elements`.
            if is_version
                && map.get("data").is_some_and(|d| !d.is_string())
                && let Some(data) = map.remove("data")
            {
                adopt_graph(map, &data);
                map.insert("data".to_owned(), Value::String(data.to_string()));
            }
            // A route carries it in `version.data`.
            let nested = map
                .get_mut("version")
                .and_then(Value::as_object_mut)
                .filter(|version| version.get("data").is_some_and(|d| !d.is_string()))
                .and_then(|version| {
                    let data = version.remove("data")?;
                    version.insert("data".to_owned(), Value::String(data.to_string()));
                    Some(data)
                });
            if let Some(data) = nested {
                adopt_graph(map, &data);
            }
            if (is_route || is_version) && map.get("elements").is_none_or(Value::is_null) {
                map.insert("elements".to_owned(), Value::Array(Vec::new()));
            }
            for value in map.values_mut() {
                normalize_response(_operation_id, value);
            }
        }
        Value::Array(items) => {
            for item in items {
                normalize_response(_operation_id, item);
            }
        }
        _ => {}
    }
}

/// Copies a graph array into `elements` when that is missing, null or empty.
fn adopt_graph(map: &mut serde_json::Map<String, serde_json::Value>, data: &serde_json::Value) {
    let empty = match map.get("elements") {
        None | Some(serde_json::Value::Null) => true,
        Some(serde_json::Value::Array(items)) => items.is_empty(),
        Some(_) => false,
    };
    if empty && data.is_array() {
        map.insert("elements".to_owned(), data.clone());
    }
}

#[cfg(all(test, feature = "client"))]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn version_data_array_becomes_elements_and_a_string() {
        let graph = json!([{"id": "s", "type": "start", "outputs": {"next": {"elementId": "e"}}},
                           {"id": "e", "type": "end", "outputs": {}}]);
        let mut body = json!({"success": true, "result": {
            "id": "route-1", "name": "route", "gateway_id": "gateway-1",
            "version": {"active": "true", "data": graph, "version_id": "version-1"}
        }});
        normalize_response("get", &mut body);
        let result = &body["result"];
        assert_eq!(result["elements"], graph);
        let data = result["version"]["data"].as_str().unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(data).unwrap(),
            graph
        );
    }

    #[test]
    fn existing_elements_are_kept() {
        let mut body = json!({"id": "r", "gateway_id": "g", "elements": [{"id": "x"}],
                              "version": {"version_id": "v", "active": "true", "data": [{"id": "y"}]}});
        normalize_response("get", &mut body);
        assert_eq!(body["elements"], json!([{"id": "x"}]));
        assert_eq!(body["version"]["data"], json!("[{\"id\":\"y\"}]"));
    }

    #[test]
    fn missing_elements_become_empty_and_string_data_is_untouched() {
        let mut body = json!({"data": {"routes": [{"id": "r", "gateway_id": "g",
            "version": {"version_id": "v", "active": "false", "data": "[]"}}]}});
        normalize_response("list", &mut body);
        assert_eq!(body["data"]["routes"][0]["elements"], json!([]));
        assert_eq!(body["data"]["routes"][0]["version"]["data"], json!("[]"));
    }

    #[test]
    fn route_version_data_array() {
        let mut body = json!({"id": "r", "gateway_id": "g", "version_id": "v", "active": "true",
                              "data": [{"id": "s"}]});
        normalize_response("getVersion", &mut body);
        assert_eq!(body["elements"], json!([{"id": "s"}]));
        assert_eq!(body["data"], json!("[{\"id\":\"s\"}]"));
    }

    #[test]
    fn cloudflare_client_decodes_a_live_route_with_graph_data() {
        use runtime::{Method, RequestSpec};
        let client = Client::cloudflare_builder().build().unwrap();
        let request = RequestSpec {
            operation_id: "get",
            method: Method::GET,
            path: "/routes/route-1".to_owned(),
            query: Vec::new(),
            body: None,
            unwrap: Some("result"),
        };
        let graph = json!([{"id": "s", "type": "start", "outputs": {"next": {"elementId": "e"}}},
                           {"id": "e", "type": "end", "outputs": {}}]);
        let body = json!({"success": true, "result": {
            "id": "route-1", "name": "route", "gateway_id": "gateway-1",
            "created_at": "2025-01-01T00:00:00Z", "modified_at": "2025-01-01T00:00:00Z",
            "version": {"version_id": "v1", "data": graph, "active": "true",
                        "created_at": "2025-01-01T00:00:00Z"},
            "deployment": {"deployment_id": "d1", "version_id": "v1",
                           "created_at": "2025-01-01T00:00:00Z"}
        }});
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(REQUEST_ID_HEADER, "ray-7".parse().unwrap());
        let ok = reqwest::StatusCode::OK;
        let route: models::Route = client
            .decode_response(&request, ok, &headers, body.to_string().as_bytes())
            .unwrap();
        assert_eq!(route.elements.len(), 2);
        assert_eq!(route.version.data, graph.to_string());

        let failed = br#"{"success": false, "errors": [{"code": 1, "message": "gone"}]}"#;
        let err = client
            .decode_response::<models::Route>(&request, ok, &headers, failed)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Api);
        assert_eq!(err.request_id(), Some("ray-7"));
    }

    #[test]
    fn credentials_from_env_prefers_token_and_explains_what_is_missing() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let token = credentials_from(env(&[
            (ENV_API_TOKEN, "tok"),
            (ENV_EMAIL, "a@example.com"),
            (ENV_API_KEY, "key"),
        ]))
        .unwrap();
        assert!(matches!(token, Credentials::Bearer(_)));
        let pair =
            credentials_from(env(&[(ENV_EMAIL, "a@example.com"), (ENV_API_KEY, "key")])).unwrap();
        assert!(matches!(pair, Credentials::Headers(ref h) if h.len() == 2));
        let err = credentials_from(env(&[])).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains(ENV_API_TOKEN), "{err}");
        let err = credentials_from(env(&[(ENV_EMAIL, "a@example.com"), (ENV_API_TOKEN, " ")]))
            .unwrap_err();
        assert!(
            err.to_string().contains("CLOUDFLARE_API_KEY is set but")
                || err.to_string().contains("CLOUDFLARE_EMAIL is set but"),
            "{err}"
        );
    }
}

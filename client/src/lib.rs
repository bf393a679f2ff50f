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
mod scan;
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
    /// in errors and the [`normalize_response`] hook (as [`ResponseNormalizer`], which lets
    /// bodies it would leave alone be decoded without a `serde_json::Value`). Add credentials
    /// and build.
    pub fn cloudflare_builder() -> ClientBuilder {
        Client::builder()
            .request_id_header(REQUEST_ID_HEADER)
            .response_hook(ResponseNormalizer)
    }
}

/// Rewrites what the live API sends where it differs from its description, so the models
/// can stay faithful to the description:
///
/// * `version.data` (and `data` of a route version) arriving as the graph itself (a JSON
///   array) instead of JSON text: the array becomes `elements` when `elements` is missing,
///   null or empty, and `data` is re-serialised as a string (as Cloudflare's Terraform provider
///   does, terraform-provider-cloudflare#7300);
/// * `elements` missing or `null` in a route (an object with `gateway_id` and `id`, which a
///   route version also has): it becomes an empty list. A version alone (`version_id` and
///   `active`, as in `route.version` or a version listing) has no `elements` in the
///   description and gets none.
///
/// The value of `elements`, the route's graph, is never looked into: the conditions in it are
/// the user's own objects, whose keys (request paths such as `metadata.id`) could be any of
/// the names above.
///
/// Installed by [`Client::cloudflare_builder`] and [`Client::from_env`] as the response hook,
/// through [`ResponseNormalizer`].
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
            if is_route && map.get("elements").is_none_or(Value::is_null) {
                map.insert("elements".to_owned(), Value::Array(Vec::new()));
            }
            for (key, value) in map.iter_mut() {
                if key != "elements" {
                    normalize_response(_operation_id, value);
                }
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

/// The response hook of Cloudflare clients: [`normalize_response`], with the check that lets
/// the client decode a body straight from its bytes when the normaliser would leave it as it
/// is (see [`ResponseHook::may_rewrite`](runtime::ResponseHook::may_rewrite)).
///
/// Installed by [`Client::cloudflare_builder`] and [`Client::from_env`]. Installing the
/// function [`normalize_response`] itself as the hook gives the same results, through a
/// `serde_json::Value` for every body.
#[cfg(feature = "client")]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResponseNormalizer;

#[cfg(feature = "client")]
impl runtime::ResponseHook for ResponseNormalizer {
    fn on_response(&self, operation_id: &str, body: &mut serde_json::Value) {
        normalize_response(operation_id, body);
    }

    fn may_rewrite(&self, _operation_id: &str, body: &[u8]) -> bool {
        normalizer_may_rewrite(body)
    }
}

/// Whether [`normalize_response`] may change the JSON text `body`: `false` only when it
/// certainly leaves it as it is. Decided in one pass over the bytes without parsing them,
/// from the braces and colons that [`scan::Events`] finds 64 bytes at a time (each key is
/// read backwards from its colon): the normaliser changes a body exactly when it holds
///
/// * an object with `version_id` and `active`, or the object value of a `version` key, whose
///   `data` is not a string (the normaliser turns it into one);
/// * an object with `gateway_id` and `id` whose `elements` is missing or `null` (the
///   normaliser makes it `[]`).
///
/// What an `elements` key holds is passed over, as the normaliser passes over it: only its
/// braces are counted, to find where it ends.
///
/// A key with a `\` in it could spell one of these names with `\u` escapes: the answer is
/// then `true`, as it is when a repeated key has one of these values in any occurrence (the
/// normaliser reads the last), and when objects nest more than 64 deep. For bytes that are
/// not JSON the answer does not matter: the direct decoding refuses them and the normaliser
/// never sees them.
#[cfg(feature = "client")]
fn normalizer_may_rewrite(body: &[u8]) -> bool {
    // What an open object holds so far.
    const VERSION_VALUE: u16 = 1;
    const VERSION_ID: u16 = 1 << 1;
    const ACTIVE: u16 = 1 << 2;
    const DATA_NOT_STRING: u16 = 1 << 3;
    const GATEWAY_ID: u16 = 1 << 4;
    const ID: u16 = 1 << 5;
    const ELEMENTS: u16 = 1 << 6;
    const ELEMENTS_NULL: u16 = 1 << 7;
    let rewritten = |bits: u16| {
        let version = bits & (VERSION_ID | ACTIVE) == VERSION_ID | ACTIVE;
        let route = bits & (GATEWAY_ID | ID) == GATEWAY_ID | ID;
        ((version || bits & VERSION_VALUE != 0) && bits & DATA_NOT_STRING != 0)
            || (route && (bits & ELEMENTS == 0 || bits & ELEMENTS_NULL != 0))
    };
    // The open objects, innermost last; deeper ones than this are left to the normaliser.
    let mut open = [0u16; 64];
    let mut depth: usize = 0;
    let mut next_is_version = false;
    let mut events = scan::Events::new(body);
    // The first byte of the value after the colon at `at`.
    let value = |at: usize| {
        body.get(skip_whitespace(body, at + 1))
            .copied()
            .unwrap_or(b' ')
    };
    // The event that ended the value of an `elements` key, still to be handled.
    let mut after_elements = None;
    while let Some(at) = after_elements.take().or_else(|| events.next()) {
        match body.get(at) {
            Some(b':') => {
                let Some(text) = events.key_before(at) else {
                    return true;
                };
                let Some(bits) = depth.checked_sub(1).and_then(|inner| open.get_mut(inner)) else {
                    return true;
                };
                next_is_version = false;
                *bits |= match text {
                    b"data" if value(at) != b'"' => DATA_NOT_STRING,
                    b"version_id" => VERSION_ID,
                    b"active" => ACTIVE,
                    b"gateway_id" => GATEWAY_ID,
                    b"id" => ID,
                    b"elements" if value(at) == b'n' => ELEMENTS | ELEMENTS_NULL,
                    b"elements" => {
                        after_elements = events.next_after_value();
                        ELEMENTS
                    }
                    b"version" => {
                        next_is_version = value(at) == b'{';
                        0
                    }
                    _ => 0,
                };
            }
            Some(b'{') => {
                let Some(bits) = open.get_mut(depth) else {
                    return true;
                };
                *bits = if next_is_version { VERSION_VALUE } else { 0 };
                depth += 1;
                next_is_version = false;
            }
            Some(b'}') => {
                let Some(inner) = depth.checked_sub(1) else {
                    continue;
                };
                depth = inner;
                if open.get(inner).is_some_and(|&bits| rewritten(bits)) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// The index of the first byte from `at` on that is not JSON white space.
#[cfg(feature = "client")]
fn skip_whitespace(body: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = body.get(at) {
        at += 1;
    }
    at
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
    fn the_graph_in_elements_is_left_as_it_is() {
        // Conditions are keyed by request paths, which may be any of the names the normaliser
        // reads; an element's properties are the user's too.
        let graph = json!([
            {"id": "c", "type": "conditional",
             "properties": {"conditions": {"id": {"$eq": "1"}, "gateway_id": {"$eq": "g"}}},
             "outputs": {"true": {"elementId": "e"}, "false": {"elementId": "e"}}},
            {"id": "e", "type": "end", "outputs": {},
             "properties": {"version": {"data": [1]}, "version_id": "v", "active": true}}
        ]);
        let mut body = json!({"success": true, "result": {
            "id": "r", "gateway_id": "g", "elements": graph,
            "version": {"version_id": "v", "active": "true", "data": graph}
        }});
        normalize_response("get", &mut body);
        assert_eq!(body["result"]["elements"], graph);
        assert_eq!(body["result"]["version"]["data"], json!(graph.to_string()));
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
            rereads: false,
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

    #[test]
    fn the_check_says_no_rewrite_only_when_the_normaliser_changes_nothing() {
        // Random bodies made of the names the normaliser reads, repeated keys, escaped keys,
        // long strings of escapes and runs of white space, so that keys cross 64-byte blocks.
        let mut seed: u64 = 0x853c_49e6_748f_ea9b;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        fn value(next: &mut impl FnMut(usize) -> usize, depth: usize, out: &mut String) {
            const KEYS: &[&str] = &[
                "data",
                "version_id",
                "active",
                "gateway_id",
                "id",
                "elements",
                "version",
                "x",
                r"g\u0061teway_id",
                r"a\\",
            ];
            const SCALARS: &[&str] = &[
                "null",
                "1",
                "true",
                r#""s""#,
                r#""[{\"id\": \"e\"}]""#,
                r#""\\\\\\""#,
            ];
            let space = |next: &mut dyn FnMut(usize) -> usize| " ".repeat(next(3) * next(30));
            match if depth > 3 { 0 } else { next(4) } {
                0 => out.push_str(SCALARS[next(SCALARS.len())]),
                1 => {
                    out.push('[');
                    for i in 0..next(3) {
                        if i > 0 {
                            out.push(',');
                        }
                        value(next, depth + 1, out);
                    }
                    out.push(']');
                }
                _ => {
                    out.push('{');
                    for i in 0..next(5) {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push_str(&space(next));
                        out.push_str(&format!("\"{}\"", KEYS[next(KEYS.len())]));
                        out.push_str(&space(next));
                        out.push(':');
                        out.push_str(&space(next));
                        value(next, depth + 1, out);
                    }
                    out.push('}');
                }
            }
        }
        let (mut untouched, mut checked) = (0, 0);
        for _ in 0..20_000 {
            let mut body = String::new();
            value(&mut next, 0, &mut body);
            if serde_json::from_str::<serde_json::Value>(&body).is_err() {
                continue;
            }
            checked += 1;
            if !normalizer_may_rewrite(body.as_bytes()) {
                untouched += 1;
                assert!(!normaliser_changes(&body), "{body}");
            }
        }
        // Both answers came up often enough for the test to mean something.
        assert!(
            untouched > 2_000 && checked - untouched > 2_000,
            "{untouched} of {checked}"
        );
    }

    /// Whether the normaliser changes `body` (JSON text).
    fn normaliser_changes(body: &str) -> bool {
        let before: serde_json::Value = serde_json::from_str(body).unwrap();
        let mut after = before.clone();
        normalize_response("op", &mut after);
        // `Value` equality ignores the order of keys; the text does not.
        let (after, before) = (after.to_string(), before.to_string());
        after != before
    }

    /// A route as `get` returns it, the graph in `elements` and again as text in
    /// `version.data` (the body of the client benchmark).
    fn live_route() -> serde_json::Value {
        let graph: serde_json::Value =
            serde_json::from_str(include_str!("../tests/fixtures/six-element-graph.json")).unwrap();
        json!({"success": true, "errors": [], "messages": [], "result": {
            "id": "r1", "name": "support", "gateway_id": "gw",
            "created_at": "2026-05-01T10:00:00Z", "modified_at": "2026-05-01T10:00:00Z",
            "elements": graph,
            "version": {"version_id": "v1", "data": graph.to_string(), "active": "true",
                        "created_at": "2026-05-01T10:00:00Z"},
            "deployment": {"deployment_id": "d1", "version_id": "v1",
                           "created_at": "2026-05-01T10:00:00Z"}
        }})
    }

    /// Bodies the normaliser leaves alone, then bodies it rewrites (each a small change to a
    /// body of the first kind), as JSON text.
    fn normaliser_bodies() -> (Vec<String>, Vec<String>) {
        let route = live_route();
        let pretty = serde_json::to_string_pretty(&route).unwrap();
        let alone = vec![
            route.to_string(),
            pretty.clone(),
            r#"{"success": true, "result": {"id": "r", "gateway_id": "g", "elements": []}}"#.into(),
            r#"{"version_id": "v", "active": "true", "data": "[]"}"#.into(),
            r#"{"version_id": "v", "data": [1]}"#.into(),
            r#"{"active": "true", "data": {"x": 1}, "id": "i"}"#.into(),
            r#"{"data": {"routes": [], "version": "3"}, "version": [{"data": 1}]}"#.into(),
            r#"{"id": "r", "elements": null, "x": {"gateway_id": "g"}}"#.into(),
            r#"{"s": "{\"gateway_id\": \"g\", \"id\": \"i\", \"data\": [1]}", "id": 1}"#.into(),
            r#"["version", {"version": {"data": "x"}}, "data", 1, null]"#.into(),
            // The graph is the user's: nothing in it is rewritten.
            r#"{"data": {"routes": [{"id": "r", "gateway_id": "g", "elements": [
                {"id": "e", "conditions": {"a": {"version_id": 1, "active": 2, "data": 3}}},
                {"id": "f", "properties": {"id": 1, "gateway_id": 2, "version": {"data": 4}}}],
                "after": {"version_id": 1, "active": 2, "data": "3"}}]}}"#
                .into(),
            r#"{"elements": {"id": "r", "gateway_id": "g", "x": {"elements": null}}, "id": 1}"#
                .into(),
            r#"{"success": false, "errors": [{"code": 1, "message": "gone"}]}"#.into(),
            "[]".into(),
            "7".into(),
        ];
        let with = |pointer: &str, value: serde_json::Value| {
            let mut route = route.clone();
            *route.pointer_mut(pointer).unwrap() = value;
            route.to_string()
        };
        let graph = route["result"]["elements"].clone();
        let rewritten = vec![
            pretty.replacen(r#""elements": ["#, r#""elements_": ["#, 1),
            with("/result/elements", serde_json::Value::Null),
            with("/result/version/data", graph.clone()),
            with("/result/version/data", json!({"elements": graph})),
            r#"{"version_id": "v", "active": "true", "data": ["s"]}"#.into(),
            r#"{"x": {"version": {"data": {"a": 1}}}}"#.into(),
            r#"{"version": {"data": null}}"#.into(),
            r#"[{"id": "r", "gateway_id": "g"}]"#.into(),
            r#"{"id":"r","gateway_id":"g","elements":[],"elements" : null}"#.into(),
            r#"{"data": {"routes": [{"id": "r", "gateway_id": "g", "elements": [{"id": "e"}],
                "x": {"version_id": 1, "active": 2, "data": 3}}]}}"#
                .into(),
        ];
        (alone, rewritten)
    }

    /// A `GET` whose success body is decoded from its `unwrap` property (or whole), into a
    /// type that reads each object once (as the generated operations say of the models).
    fn get_request(unwrap: Option<&'static str>) -> runtime::RequestSpec {
        runtime::RequestSpec {
            operation_id: "get",
            method: runtime::Method::GET,
            path: String::new(),
            query: Vec::new(),
            body: None,
            unwrap,
            rereads: false,
        }
    }

    #[test]
    fn the_normaliser_says_exactly_when_it_rewrites() {
        let (alone, rewritten) = normaliser_bodies();
        for body in &alone {
            assert!(!normaliser_changes(body), "{body}");
            assert!(!normalizer_may_rewrite(body.as_bytes()), "{body}");
        }
        for body in &rewritten {
            assert!(normaliser_changes(body), "{body}");
            assert!(normalizer_may_rewrite(body.as_bytes()), "{body}");
        }
        // Keys with escapes might spell a name the normaliser looks for: no promise.
        let escaped = r#"{"id": "r", "gateway_id": "g", "elements": [], "x\"y": 1}"#;
        assert!(!normaliser_changes(escaped) && normalizer_may_rewrite(escaped.as_bytes()));
        let spelt = r#"{"id": "r", "g\u0061teway_id": "g"}"#;
        assert!(normaliser_changes(spelt) && normalizer_may_rewrite(spelt.as_bytes()));
        // Objects nested deeper than the check follows are left to the normaliser.
        let nested = |depth: usize| format!("{}1{}", r#"{"a": "#.repeat(depth), "}".repeat(depth));
        assert!(!normaliser_changes(&nested(64)) && !normalizer_may_rewrite(nested(64).as_bytes()));
        assert!(!normaliser_changes(&nested(65)) && normalizer_may_rewrite(nested(65).as_bytes()));
        // Bytes that are not JSON get an answer and no panic.
        for junk in ["", "{", "\"", r#"{"a"#, r#"{"id"}"#, "}}]]", r#"{"a":"\"#] {
            let _ = normalizer_may_rewrite(junk.as_bytes());
        }
    }

    #[test]
    fn cloudflare_bodies_decode_alike_with_and_without_the_value() {
        let direct = Client::cloudflare_builder().build().unwrap();
        // The normaliser installed as a function: every body goes through a `Value`.
        let general = Client::builder()
            .request_id_header(REQUEST_ID_HEADER)
            .response_hook(normalize_response)
            .build()
            .unwrap();
        let ok = reqwest::StatusCode::OK;
        let headers = reqwest::header::HeaderMap::new();
        fn check<T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
            clients: [&Client; 2],
            unwrap: Option<&'static str>,
            body: &str,
        ) {
            let request = get_request(unwrap);
            let ok = reqwest::StatusCode::OK;
            let headers = reqwest::header::HeaderMap::new();
            let [a, b] = clients
                .map(|client| client.decode_response::<T>(&request, ok, &headers, body.as_bytes()));
            match (&a, &b) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{body}"),
                (Err(a), Err(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{body}"),
                _ => panic!("{body}: {a:?} / {b:?}"),
            }
        }
        let (alone, rewritten) = normaliser_bodies();
        for body in alone.iter().chain(&rewritten) {
            let clients = [&direct, &general];
            check::<models::Route>(clients, Some("result"), body);
            check::<models::RouteVersion>(clients, Some("result"), body);
            check::<models::RouteList>(clients, Some("data"), body);
            check::<serde_json::Value>(clients, Some("result"), body);
            check::<serde_json::Value>(clients, Some("data"), body);
            check::<serde_json::Value>(clients, None, body);
        }
        // The benchmark's body decodes without a `Value`, to the route the general path gives.
        let body = live_route().to_string();
        let request = get_request(Some("result"));
        assert!(!normalizer_may_rewrite(body.as_bytes()));
        let route: models::Route = direct
            .decode_response(&request, ok, &headers, body.as_bytes())
            .unwrap();
        assert_eq!(route.elements.len(), 7);
        let envelope: models::RouteResponse = serde_json::from_str(&body).unwrap();
        assert_eq!(route, envelope.result);
    }
}

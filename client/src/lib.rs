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
    /// in errors and the [`normalize_response`] hook (as [`ResponseNormalizer`], which lets
    /// the operations decode every body the models read as it is without a
    /// `serde_json::Value`). Add credentials and build.
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
///   array) instead of JSON text: `data` is re-serialised as a string (any `data` that is not
///   a string is: `null` becomes `"null"`), and an array becomes `elements` when `elements`
///   is missing or null (as Cloudflare's Terraform provider does,
///   terraform-provider-cloudflare#7300, which also fills an empty list). A version object
///   (`version_id` and `active`) whose `data` is an array gets it as `elements` too, which
///   its model does not read;
/// * `elements` missing or `null` in a route (an object with `gateway_id` and `id`, which a
///   route version also has): it becomes an empty list. A version alone (as in
///   `route.version` or a version listing) has no `elements` in the description and gets no
///   empty list.
///
/// The body itself is Cloudflare's envelope (`success`, `errors`, and the `result`, `data` or
/// `route` it holds): it is never taken for a route or a version, only what it holds is.
/// The value of an `elements` key, the route's graph, is never looked into: the conditions in
/// it are the user's own objects, whose keys (request paths such as `metadata.id`) could be
/// any of the names above. (A route written as a list of its fields, which serde's derived
/// structs also read, has no `elements` key: its graph is read like the rest.)
///
/// So the normaliser changes only a `data` that is not a string where the models read a
/// string, and an `elements` that is missing or null where the models read a required list:
/// values the models refuse (see [`ResponseNormalizer`]).
///
/// Installed by [`Client::cloudflare_builder`] and [`Client::from_env`] as the response hook,
/// through [`ResponseNormalizer`].
pub fn normalize_response(_operation_id: &str, body: &mut serde_json::Value) {
    normalize(body, true);
}

/// [`normalize_response`] for `value`, which is the envelope when `envelope`.
fn normalize(value: &mut serde_json::Value, envelope: bool) {
    use serde_json::Value;
    match value {
        Value::Object(map) if !envelope => {
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
            normalize_members(map);
        }
        Value::Object(map) => normalize_members(map),
        Value::Array(items) => {
            for item in items {
                normalize(item, false);
            }
        }
        _ => {}
    }
}

/// Normalises the members of an object, except the graph in `elements`.
fn normalize_members(map: &mut serde_json::Map<String, serde_json::Value>) {
    for (key, value) in map.iter_mut() {
        if key != "elements" {
            normalize(value, false);
        }
    }
}

/// Copies a graph array into `elements` when that is missing or null. An empty list is kept:
/// the models read it, and the normaliser changes nothing the models read.
fn adopt_graph(map: &mut serde_json::Map<String, serde_json::Value>, data: &serde_json::Value) {
    if data.is_array() && map.get("elements").is_none_or(serde_json::Value::is_null) {
        map.insert("elements".to_owned(), data.clone());
    }
}

/// The response hook of Cloudflare clients: [`normalize_response`], which repairs only what
/// the models refuse (see
/// [`ResponseHook::repairs_refused_only`](runtime::ResponseHook::repairs_refused_only)), so
/// the operations decode a body straight from its bytes and run the normaliser only when
/// that fails.
///
/// The promise holds for every operation: the normaliser changes only values the models
/// refuse, whatever object holds them.
///
/// * A `data` that is not a string: the models that read a `data`
///   ([`Version`](models::Version), [`RouteVersion`](models::RouteVersion)) read it as a
///   required string. The envelope's own `data` (a listing's page, which the client unwraps)
///   is never changed: the envelope is never taken for a version.
/// * An `elements` that is missing or null: every model that reads `elements` reads it as a
///   required list. The graph adopted from `data` only ever fills such an `elements`.
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

    fn repairs_refused_only(&self, _operation_id: &str) -> bool {
        true
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
    fn existing_elements_are_kept_even_when_empty() {
        for elements in [json!([{"id": "x"}]), json!([])] {
            let mut body = json!({"result": {"id": "r", "gateway_id": "g", "elements": elements,
                "version": {"version_id": "v", "active": "true", "data": [{"id": "y"}]}}});
            normalize_response("get", &mut body);
            assert_eq!(body["result"]["elements"], elements);
            assert_eq!(body["result"]["version"]["data"], json!("[{\"id\":\"y\"}]"));
        }
    }

    #[test]
    fn the_envelope_is_never_taken_for_a_route_or_a_version() {
        // A listing's page in `data` stays an object, whatever else the envelope holds.
        let mut body = json!({"success": true, "version_id": "v", "active": "true",
            "gateway_id": "g", "id": "i", "data": {"page": 1, "routes": []}});
        let before = body.clone();
        normalize_response("list", &mut body);
        assert_eq!(body, before);
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
        let mut body = json!({"result": {"id": "r", "gateway_id": "g", "version_id": "v",
                              "active": "true", "data": [{"id": "s"}]}});
        normalize_response("getVersion", &mut body);
        assert_eq!(body["result"]["elements"], json!([{"id": "s"}]));
        assert_eq!(body["result"]["data"], json!("[{\"id\":\"s\"}]"));
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
            declared: true,
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

    /// Random changes to the bodies of every operation, made of what the live API sends and
    /// what the normaliser looks for: each decodes to the same model, or fails alike, whether
    /// the normaliser runs first (a `Value` for every body) or only after the model refused
    /// the body as it is (the Cloudflare client).
    #[test]
    fn every_operation_decodes_alike_whether_the_normaliser_runs_first_or_on_refusal() {
        let mut seed: u64 = 0x853c_49e6_748f_ea9b;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let route = live_route()["result"].clone();
        let graph = route["elements"].clone();
        let mut summary = route.clone();
        let fields = summary.as_object_mut().unwrap();
        fields.remove("version");
        fields.remove("deployment");
        let mut account_route = route.clone();
        account_route["account_tag"] = json!("acct");
        let mut route_version = summary.clone();
        for (key, value) in route["version"].as_object().unwrap() {
            route_version[key] = value.clone();
        }
        let page = |items: &str, item: &serde_json::Value| {
            json!({"page": 1, "per_page": 20, "order_by": "created_at",
                   "order_by_direction": "desc", items: [item, item]})
        };
        let envelope = |property: &str, value: serde_json::Value| json!({"success": true, "errors": [], "messages": [], property: value});
        // The operations' bodies, the property they unwrap and the model the generated
        // operations decode it into.
        type Check = fn(Option<&'static str>, &str) -> Option<Decoded>;
        let operations: [(serde_json::Value, &str, Check); 7] = [
            (
                envelope("result", route.clone()),
                "result",
                decode_alike::<models::Route>,
            ),
            (
                envelope("result", summary),
                "result",
                decode_alike::<models::RouteSummary>,
            ),
            (
                envelope("route", account_route.clone()),
                "route",
                decode_alike::<models::AccountRoute>,
            ),
            (
                envelope("result", route_version),
                "result",
                decode_alike::<models::RouteVersion>,
            ),
            (
                envelope("data", page("routes", &account_route)),
                "data",
                decode_alike::<models::RouteList>,
            ),
            (
                envelope("data", page("versions", &route["version"])),
                "data",
                decode_alike::<models::VersionList>,
            ),
            (
                envelope("data", page("deployments", &route["deployment"])),
                "data",
                decode_alike::<models::DeploymentList>,
            ),
        ];
        let values = [
            serde_json::Value::Null,
            json!([]),
            graph.clone(),
            json!(graph.to_string()),
            json!({"elements": graph}),
            json!("true"),
            json!(7),
        ];
        let keys = [
            "elements",
            "data",
            "version",
            "gateway_id",
            "id",
            "version_id",
            "active",
        ];
        let (mut decoded, mut repaired, mut refused) = (0, 0, 0);
        for round in 0..2_800 {
            let (body, property, check) = &operations[round % operations.len()];
            let mut body = body.clone();
            for _ in 0..1 + next(3) {
                // Any object of the body, the graph's included one time in three.
                let mut objects = Vec::new();
                object_pointers(&body, String::new(), next(3) == 0, &mut objects);
                let pointer = &objects[next(objects.len())];
                let object = body.pointer_mut(pointer).and_then(|o| o.as_object_mut());
                let object = object.unwrap();
                let key = keys[next(keys.len())];
                match next(3) {
                    0 => drop(object.remove(key)),
                    _ => drop(object.insert(key.to_owned(), values[next(values.len())].clone())),
                }
            }
            let text = body.to_string();
            match check(Some(property), &text) {
                Some(Decoded::Directly) => decoded += 1,
                Some(Decoded::Repaired) => repaired += 1,
                None => refused += 1,
            }
        }
        // Each outcome came up often enough for the test to mean something.
        assert!(
            decoded > 1_000 && repaired > 50 && refused > 300,
            "{decoded} decoded, {repaired} repaired, {refused} refused"
        );
    }

    #[test]
    fn a_route_written_as_a_list_is_normalised_before_it_is_decoded() {
        // serde's derived structs also read a struct written as a list of its fields. There
        // the graph has no `elements` key to be passed over by, and the normaliser reads the
        // conditions in it: this one looks like a route without `elements`. The direct
        // decoding refuses a struct written as a list, so both paths give the normalised one.
        let mut route = live_route()["result"].clone();
        route["elements"][1]["properties"]["conditions"]["metadata.plan"] =
            json!({"gateway_id": "g", "id": "i"});
        let fields = [
            "id",
            "name",
            "elements",
            "created_at",
            "modified_at",
            "gateway_id",
            "account_tag",
            "version",
            "deployment",
        ];
        let list: Vec<_> = fields.iter().map(|field| route[field].clone()).collect();
        let body = json!({"success": true, "result": list}).to_string();
        let decoded = decode_alike::<models::Route>(Some("result"), &body);
        assert_eq!(decoded, Some(Decoded::Repaired));
    }

    /// The JSON pointers of the objects in `value` (at `at`), outermost first; those in an
    /// `elements` value (the graph) only when `graph`.
    fn object_pointers(value: &serde_json::Value, at: String, graph: bool, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                out.push(at.clone());
                for (key, value) in map.iter().filter(|(key, _)| graph || *key != "elements") {
                    let key = key.replace('~', "~0").replace('/', "~1");
                    object_pointers(value, format!("{at}/{key}"), graph, out);
                }
            }
            serde_json::Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    object_pointers(item, format!("{at}/{index}"), graph, out);
                }
            }
            _ => {}
        }
    }

    /// The Cloudflare client, and the client with the normaliser installed as a function (every
    /// body goes through a `Value`).
    fn clients() -> &'static [Client; 2] {
        static CLIENTS: std::sync::OnceLock<[Client; 2]> = std::sync::OnceLock::new();
        CLIENTS.get_or_init(|| {
            let general = Client::builder()
                .request_id_header(REQUEST_ID_HEADER)
                .response_hook(normalize_response)
                .build()
                .unwrap();
            [Client::cloudflare_builder().build().unwrap(), general]
        })
    }

    /// How a body the two [`clients`] agree on was decoded.
    #[derive(Debug, PartialEq, Eq)]
    enum Decoded {
        /// Straight from the bytes: the normaliser did not run.
        Directly,
        /// After the model refused it as it was: normalised first.
        Repaired,
    }

    /// What `body`, the success response of an operation that unwraps `unwrap`, decodes to in
    /// its declared type `T` through both [`clients`]: asserted to be the same model, or errors
    /// with the same kind, message, details and source. `None` when both refuse it.
    fn decode_alike<T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
        unwrap: Option<&'static str>,
        body: &str,
    ) -> Option<Decoded> {
        let ok = reqwest::StatusCode::OK;
        let headers = reqwest::header::HeaderMap::new();
        let request = get_request(unwrap, true);
        let [a, b] = clients()
            .each_ref()
            .map(|client| client.decode_response::<T>(&request, ok, &headers, body.as_bytes()));
        match (&a, &b) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{body}"),
            (Err(a), Err(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{body}"),
            _ => panic!("{body}: {a:?} / {b:?}"),
        }
        let direct = ERROR_ENVELOPE.decode_direct::<T>(body.as_bytes(), unwrap, false);
        match (a, direct) {
            (Ok(_), Some(_)) => Some(Decoded::Directly),
            (Ok(_), None) => Some(Decoded::Repaired),
            (Err(_), _) => None,
        }
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
            // The envelope itself is neither a version nor a route.
            r#"{"version_id": "v", "active": "true", "data": ["s"]}"#.into(),
            r#"{"version": {"data": null}, "id": "r", "gateway_id": "g"}"#.into(),
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
            r#"{"result": {"version_id": "v", "active": "true", "data": ["s"]}}"#.into(),
            r#"{"x": {"version": {"data": {"a": 1}}}}"#.into(),
            r#"{"result": {"version": {"data": null}}}"#.into(),
            r#"[{"id": "r", "gateway_id": "g"}]"#.into(),
            r#"{"result": {"id":"r","gateway_id":"g","elements":[],"elements" : null}}"#.into(),
            r#"{"data": {"routes": [{"id": "r", "gateway_id": "g", "elements": [{"id": "e"}],
                "x": {"version_id": 1, "active": 2, "data": 3}}]}}"#
                .into(),
        ];
        (alone, rewritten)
    }

    /// A `GET` whose success body is decoded from its `unwrap` property (or whole), into a
    /// type that reads each object once (as the generated operations say of the models):
    /// the operation's declared type when `declared`.
    fn get_request(unwrap: Option<&'static str>, declared: bool) -> runtime::RequestSpec {
        runtime::RequestSpec {
            operation_id: "get",
            method: runtime::Method::GET,
            path: String::new(),
            query: Vec::new(),
            body: None,
            unwrap,
            rereads: false,
            declared,
        }
    }

    #[test]
    fn the_normaliser_rewrites_exactly_these_bodies() {
        let (alone, rewritten) = normaliser_bodies();
        for body in &alone {
            assert!(!normaliser_changes(body), "{body}");
        }
        for body in &rewritten {
            assert!(normaliser_changes(body), "{body}");
        }
        // Keys are read as JSON reads them, escapes and all.
        let escaped = r#"{"result": {"id": "r", "gateway_id": "g", "elements": [], "x\"y": 1}}"#;
        assert!(!normaliser_changes(escaped));
        let spelt = r#"{"result": {"id": "r", "g\u0061teway_id": "g"}}"#;
        assert!(normaliser_changes(spelt));
    }

    #[test]
    fn cloudflare_bodies_decode_alike_with_and_without_the_value() {
        let (alone, rewritten) = normaliser_bodies();
        for body in alone.iter().chain(&rewritten) {
            decode_alike::<models::Route>(Some("result"), body);
            decode_alike::<models::RouteVersion>(Some("result"), body);
            decode_alike::<models::RouteList>(Some("data"), body);
            // A looser type than the declared one (a request that does not say `declared`)
            // gets the normalised body.
            let mut normalised: serde_json::Value = serde_json::from_str(body).unwrap();
            normalize_response("get", &mut normalised);
            for unwrap in [Some("result"), Some("data"), None] {
                let request = get_request(unwrap, false);
                let ok = reqwest::StatusCode::OK;
                let headers = reqwest::header::HeaderMap::new();
                let value = clients()[0].decode_response::<serde_json::Value>(
                    &request,
                    ok,
                    &headers,
                    body.as_bytes(),
                );
                let expected = match unwrap {
                    Some(property) => normalised.get(property).cloned(),
                    None => Some(normalised.clone()),
                };
                let success = normalised.get("success") != Some(&json!(false));
                match expected.filter(|_| success) {
                    Some(expected) => assert_eq!(value.unwrap(), expected, "{body}"),
                    None => assert!(value.is_err(), "{body}"),
                }
            }
        }
        // The benchmark's body decodes without a `Value`, to the route the general path gives.
        let body = live_route().to_string();
        let direct =
            ERROR_ENVELOPE.decode_direct::<models::Route>(body.as_bytes(), Some("result"), false);
        let route = direct.expect("the benchmark's body decodes directly");
        assert_eq!(route.elements.len(), 7);
        let envelope: models::RouteResponse = serde_json::from_str(&body).unwrap();
        assert_eq!(route, envelope.result);
        assert_eq!(
            decode_alike::<models::Route>(Some("result"), &body),
            Some(Decoded::Directly)
        );
    }
}

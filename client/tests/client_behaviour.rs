//! Behaviour tests: the client against a scripted HTTP server on 127.0.0.1 (random port).
//! Each test scripts the server's replies and asserts the number of attempts, the error
//! kinds, the decoded values, what was sent, and that no secret reaches Debug or error text.

mod client_support;

use std::time::{Duration, Instant};

use client_support::scripted::{Reply, ScriptedServer};
use client_support::{six_element_graph, six_elements};
use dynroute_client::models::{CreateDeploymentRequest, Element, RouteDefinition};
use dynroute_client::runtime::RetryPolicy;
use dynroute_client::{Client, Credentials, ErrorKind, RequestOptions};
use futures_util::TryStreamExt;
use serde_json::{Value, json};

const ACCOUNT: &str = "0d37909e38d3e99c29fa2cd343ac421a";
const GATEWAY: &str = "gw";
const TOKEN: &str = "tok-SECRET-4f9a2c";
const GLOBAL_KEY: &str = "key-SECRET-77b1e0";

/// Short backoff so retry tests stay quick; everything else as shipped.
fn client(server: &ScriptedServer) -> Client {
    Client::cloudflare_builder()
        .base_url(&server.base_url)
        .credentials(Credentials::api_token(TOKEN))
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(40),
            ..RetryPolicy::default()
        })
        .build()
        .expect("client builds")
}

fn route_json(id: &str) -> Value {
    json!({
        "id": id, "name": "support", "gateway_id": GATEWAY,
        "created_at": "2026-05-01T10:00:00Z", "modified_at": "2026-05-01T10:00:00Z",
        "elements": six_element_graph(),
        "version": {"version_id": "v1", "data": six_element_graph().to_string(), "active": "true",
                    "created_at": "2026-05-01T10:00:00Z"},
        "deployment": {"deployment_id": "d1", "version_id": "v1", "created_at": "2026-05-01T10:00:00Z"}
    })
}

fn ok(result: Value) -> Reply {
    Reply::json(200, json!({"success": true, "result": result}))
}

fn assert_no_secret(text: &str) {
    assert!(!text.contains(TOKEN), "token leaked: {text}");
    assert!(!text.contains(GLOBAL_KEY), "key leaked: {text}");
}

#[tokio::test]
async fn retries_429_after_the_retry_after_delay() {
    let server = ScriptedServer::start(vec![
        Reply::json(
            429,
            json!({"success": false, "errors": [{"code": 971, "message": "Please wait"}]}),
        )
        .header("retry-after", "1"),
        ok(route_json("r1")),
    ])
    .await;
    let started = Instant::now();
    let route = client(&server)
        .get(ACCOUNT, GATEWAY, "r1")
        .await
        .expect("second attempt succeeds");
    assert_eq!(route.id, "r1");
    assert_eq!(server.requests().len(), 2);
    // Retry-After: 1 means one second, far above the 40 ms backoff cap of this client.
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn retries_500_then_decodes_the_route() {
    let server = ScriptedServer::start(vec![
        Reply::json(
            500,
            json!({"success": false, "errors": [{"code": 10001, "message": "Internal"}]}),
        ),
        ok(route_json("r1")),
    ])
    .await;
    let route = client(&server)
        .get(ACCOUNT, GATEWAY, "r1")
        .await
        .expect("retried");
    assert_eq!(route.elements, six_elements());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn gives_up_after_the_configured_retries() {
    let server = ScriptedServer::start(vec![Reply::text(502, "<html>Bad gateway</html>")]).await;
    let err = client(&server)
        .get(ACCOUNT, GATEWAY, "r1")
        .await
        .expect_err("always 502");
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    // Non-JSON bodies are kept raw.
    assert_eq!(err.body(), Some("<html>Bad gateway</html>"));
    assert_eq!((err.attempts(), server.requests().len()), (3, 3));

    let server = ScriptedServer::start(vec![Reply::text(502, "down")]).await;
    let five = client(&server).with_options(RequestOptions::new().max_retries(4));
    let err = five
        .get(ACCOUNT, GATEWAY, "r1")
        .await
        .expect_err("always 502");
    assert_eq!((err.attempts(), server.requests().len()), (5, 5));

    let server = ScriptedServer::start(vec![Reply::text(502, "down")]).await;
    let none = client(&server).with_options(RequestOptions::new().max_retries(0));
    none.get(ACCOUNT, GATEWAY, "r1")
        .await
        .expect_err("always 502");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_hung_response_times_out_and_is_retried_for_get_but_not_post() {
    let server = ScriptedServer::start(vec![Reply::Hang]).await;
    let quick = client(&server).with_options(
        RequestOptions::new()
            .timeout(Duration::from_millis(300))
            .max_retries(1),
    );
    let err = quick
        .get(ACCOUNT, GATEWAY, "r1")
        .await
        .expect_err("no response");
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(server.requests().len(), 2);

    // A POST that timed out may have created the version: never retried.
    let server = ScriptedServer::start(vec![Reply::Hang]).await;
    let quick = client(&server).with_options(
        RequestOptions::new()
            .timeout(Duration::from_millis(300))
            .max_retries(2),
    );
    let err = quick
        .create_deployment(
            ACCOUNT,
            GATEWAY,
            "r1",
            &CreateDeploymentRequest {
                version_id: "v2".into(),
            },
        )
        .await
        .expect_err("no response");
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn post_is_retried_on_429_but_not_on_500() {
    let server = ScriptedServer::start(vec![
        Reply::json(429, json!({"success": false, "errors": []})).header("retry-after", "0"),
        ok(
            json!({"id": "r1", "name": "support", "gateway_id": GATEWAY, "elements": [],
                  "created_at": "x", "modified_at": "x"}),
        ),
    ])
    .await;
    let created = client(&server)
        .create_deployment(
            ACCOUNT,
            GATEWAY,
            "r1",
            &CreateDeploymentRequest {
                version_id: "v2".into(),
            },
        )
        .await
        .expect("429 means not processed: retried");
    assert_eq!(created.id, "r1");
    assert_eq!(server.requests().len(), 2);

    let server = ScriptedServer::start(vec![Reply::json(
        500,
        json!({"success": false, "errors": []}),
    )])
    .await;
    let err = client(&server)
        .create_deployment(
            ACCOUNT,
            GATEWAY,
            "r1",
            &CreateDeploymentRequest {
                version_id: "v2".into(),
            },
        )
        .await
        .expect_err("500 on POST is returned");
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn auth_error_carries_cloudflare_errors_and_ray_but_no_secret() {
    let server = ScriptedServer::start(vec![
        Reply::json(
            401,
            json!({"success": false, "errors": [{"code": 10000, "message": "Authentication error"}],
                                "messages": [], "result": null}),
        )
        .header("cf-ray", "8c1f2e3d4a5b6c7d-LHR"),
    ])
    .await;
    let client = client(&server);
    let err = client.get(ACCOUNT, GATEWAY, "r1").await.expect_err("401");
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.details().len(), 1);
    assert_eq!(err.details()[0].code, Some(10000));
    assert_eq!(err.details()[0].message, "Authentication error");
    assert_eq!(err.request_id(), Some("8c1f2e3d4a5b6c7d-LHR"));
    assert_eq!(server.requests().len(), 1, "401 is not retried");
    let text = err.to_string();
    assert!(text.contains("[10000] Authentication error"), "{text}");
    assert!(text.contains("8c1f2e3d4a5b6c7d-LHR"), "{text}");
    assert_no_secret(&text);
    assert_no_secret(&format!("{err:?}"));
    assert_no_secret(&format!("{client:?}"));
    // The token did go out, as a bearer header.
    let sent = &server.requests()[0];
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[tokio::test]
async fn email_and_key_are_sent_as_headers_and_never_shown() {
    let server = ScriptedServer::start(vec![Reply::json(
        403,
        json!({"success": false,
        "errors": [{"code": 9109, "message": "Unauthorized to access requested resource"}]}),
    )])
    .await;
    let client = Client::cloudflare_builder()
        .base_url(&server.base_url)
        .credentials(Credentials::email_and_key("ops@example.com", GLOBAL_KEY))
        .build()
        .expect("client builds");
    let err = client
        .delete(ACCOUNT, GATEWAY, "r1")
        .await
        .expect_err("403");
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_no_secret(&format!("{err} {err:?} {client:?}"));
    let sent = &server.requests()[0];
    assert_eq!(sent.method, "DELETE");
    assert_eq!(sent.header("x-auth-email"), Some("ops@example.com"));
    assert_eq!(sent.header("x-auth-key"), Some(GLOBAL_KEY));
    assert_eq!(sent.header("authorization"), None);
}

#[tokio::test]
async fn a_user_and_password_in_the_base_url_are_sent_as_basic_auth_unless_credentials_are_set() {
    let server = ScriptedServer::start(vec![ok(route_json("r1")), ok(route_json("r1"))]).await;
    let with_user = server.base_url.replacen("http://", "http://ops:p%40ss@", 1);
    let basic = Client::cloudflare_builder()
        .base_url(&with_user)
        .build()
        .expect("client builds");
    basic.get(ACCOUNT, GATEWAY, "r1").await.expect("the route");
    // The client's credentials replace the URL's.
    let bearer = Client::cloudflare_builder()
        .base_url(&with_user)
        .credentials(Credentials::api_token(TOKEN))
        .build()
        .expect("client builds");
    bearer.get(ACCOUNT, GATEWAY, "r1").await.expect("the route");
    let sent = server.requests();
    // base64 of "ops:p@ss": the password is percent-decoded, as reqwest does.
    assert_eq!(sent[0].header("authorization"), Some("Basic b3BzOnBAc3M="));
    assert_eq!(
        sent[1].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    for request in &sent {
        assert!(!request.target.contains("ops"), "{}", request.target);
    }
    // Nor is the password left in the client's base URL, which Debug shows.
    assert!(!format!("{basic:?}").contains("p%40ss"), "{basic:?}");
}

#[tokio::test]
async fn success_false_is_an_error_even_with_status_200() {
    let server = ScriptedServer::start(vec![Reply::json(
        200,
        json!({"success": false,
        "errors": [{"code": 7001, "message": "Invalid"}], "result": {}}),
    )])
    .await;
    let err = client(&server)
        .get(ACCOUNT, GATEWAY, "r1")
        .await
        .expect_err("success:false");
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(err.details()[0].code, Some(7001));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn not_found_and_decode_errors_have_their_kinds() {
    let server = ScriptedServer::start(vec![
        Reply::json(
            404,
            json!({"success": false, "errors": [{"code": 7003, "message": "Not found"}]}),
        ),
        Reply::json(200, json!({"success": true, "result": {"id": 5}})),
        Reply::text(200, "not json"),
    ])
    .await;
    let client = client(&server);
    let err = client.get(ACCOUNT, GATEWAY, "gone").await.expect_err("404");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = client
        .get(ACCOUNT, GATEWAY, "r1")
        .await
        .expect_err("wrong shape");
    assert_eq!(err.kind(), ErrorKind::Decode);
    let err = client
        .get(ACCOUNT, GATEWAY, "r1")
        .await
        .expect_err("not JSON");
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.body(), Some("not json"));
    assert_eq!(server.requests().len(), 3, "none of these is retried");
}

#[tokio::test]
async fn version_data_array_variant_is_normalised() {
    // The shape terraform-provider-cloudflare#7300 reports: no `elements`, the graph in
    // `version.data` as an array.
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"success": true, "result": {
        "id": "route-1", "name": "route", "gateway_id": "gateway-1",
        "created_at": "2026-05-01T10:00:00Z", "modified_at": "2026-05-01T10:00:00Z",
        "version": {"active": "true", "data": six_element_graph(), "version_id": "version-1",
                    "created_at": "2026-05-01T10:00:00Z"},
        "deployment": {"deployment_id": "d1", "version_id": "version-1", "created_at": "2026-05-01T10:00:00Z"},
        "unknown_field_from_the_future": {"ignored": true}
    }}))])
    .await;
    let route = client(&server)
        .get(ACCOUNT, GATEWAY, "route-1")
        .await
        .expect("decodes");
    assert_eq!(route.elements, six_elements());
    let data: Vec<Element> = serde_json::from_str(&route.version.data).expect("data is JSON text");
    assert_eq!(data, six_elements());
}

#[tokio::test]
async fn missing_elements_decode_as_empty() {
    let mut route = route_json("r1");
    route.as_object_mut().expect("object").remove("elements");
    let server = ScriptedServer::start(vec![ok(route)]).await;
    let route = client(&server)
        .get(ACCOUNT, GATEWAY, "r1")
        .await
        .expect("decodes");
    assert!(route.elements.is_empty());
}

#[tokio::test]
async fn path_parameters_are_encoded_and_empty_ones_refused_before_sending() {
    let server = ScriptedServer::start(vec![ok(route_json("a/b c"))]).await;
    let client = client(&server);
    client.get(ACCOUNT, GATEWAY, "a/b c?x#y").await.expect("ok");
    let sent = &server.requests()[0];
    assert_eq!(
        sent.target,
        format!("/accounts/{ACCOUNT}/ai-gateway/gateways/{GATEWAY}/routes/a%2Fb%20c%3Fx%23y")
    );

    let err = client
        .get(ACCOUNT, "", "r1")
        .await
        .expect_err("empty gateway");
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.to_string().contains("`gateway_id`"), "{err}");
    let err = client
        .get_version(ACCOUNT, GATEWAY, "r1", "")
        .await
        .expect_err("empty version");
    assert!(err.to_string().contains("`version_id`"), "{err}");
    assert_eq!(
        server.requests().len(),
        1,
        "nothing sent for the refused calls"
    );
}

#[tokio::test]
async fn create_sends_the_route_document_and_unwraps_result() {
    let server = ScriptedServer::start(vec![ok(route_json("r9"))]).await;
    let route = client(&server)
        .create(
            ACCOUNT,
            GATEWAY,
            &RouteDefinition {
                name: "support".into(),
                elements: six_elements(),
            },
        )
        .await
        .expect("created");
    assert_eq!(route.id, "r9");
    let sent = &server.requests()[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.header("content-type"), Some("application/json"));
    let body: Value = serde_json::from_str(&sent.body).expect("JSON body");
    assert_eq!(
        body,
        json!({"name": "support", "elements": six_element_graph()})
    );
}

#[tokio::test]
async fn update_returns_the_route_property() {
    let mut route = route_json("r1");
    route["account_tag"] = json!("acct-tag");
    let server = ScriptedServer::start(vec![Reply::json(
        200,
        json!({"success": true, "route": route}),
    )])
    .await;
    let renamed = client(&server)
        .update(
            ACCOUNT,
            GATEWAY,
            "r1",
            &dynroute_client::models::UpdateRouteRequest { name: "new".into() },
        )
        .await
        .expect("updated");
    assert_eq!(renamed.account_tag, "acct-tag");
    assert_eq!(server.requests()[0].method, "PATCH");
}

fn page(page: u64, ids: &[&str]) -> Reply {
    let routes: Vec<Value> = ids
        .iter()
        .map(|id| {
            let mut route = route_json(id);
            route["account_tag"] = json!("acct");
            route
        })
        .collect();
    Reply::json(
        200,
        json!({"success": true, "data": {
            "page": page, "per_page": 2, "order_by": "created_at", "order_by_direction": "desc",
            "routes": routes
        }}),
    )
}

#[tokio::test]
async fn list_stream_walks_every_page() {
    let server = ScriptedServer::start(vec![
        page(1, &["a", "b"]),
        page(2, &["c", "d"]),
        page(3, &["e"]),
    ])
    .await;
    let client = client(&server);
    let routes: Vec<_> = client
        .list_stream(ACCOUNT, GATEWAY, Some(2))
        .try_collect()
        .await
        .expect("all pages");
    let ids: Vec<&str> = routes.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    let targets: Vec<String> = server.requests().iter().map(|r| r.target.clone()).collect();
    let base = format!("/accounts/{ACCOUNT}/ai-gateway/gateways/{GATEWAY}/routes");
    assert_eq!(
        targets,
        [1, 2, 3]
            .map(|p| format!("{base}?page={p}&per_page=2"))
            .to_vec()
    );
}

#[tokio::test]
async fn list_stream_stops_on_an_empty_page_and_on_a_repeated_page() {
    let server = ScriptedServer::start(vec![page(1, &["a", "b"]), page(2, &[])]).await;
    let routes: Vec<_> = client(&server)
        .list_stream(ACCOUNT, GATEWAY, None)
        .try_collect()
        .await
        .expect("ok");
    assert_eq!(routes.len(), 2);
    assert_eq!(server.requests().len(), 2);

    // A server that ignores `page` answers the same page forever: the walk stops.
    let server = ScriptedServer::start(vec![page(1, &["a", "b"])]).await;
    let routes: Vec<_> = client(&server)
        .list_stream(ACCOUNT, GATEWAY, Some(2))
        .try_collect()
        .await
        .expect("ok");
    assert_eq!(routes.len(), 2);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn connection_refused_is_a_connection_error_and_retried() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let client = Client::cloudflare_builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .credentials(Credentials::api_token(TOKEN))
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        })
        .build()
        .expect("client builds");
    let err = client
        .get(ACCOUNT, GATEWAY, "r1")
        .await
        .expect_err("nobody listens");
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    assert_eq!(err.attempts(), 3);
    assert_no_secret(&format!("{err} {err:?}"));
}

/// A body over `max_response_bytes` is refused, whether the server announces its length or
/// only closes the connection after it, and it is not retried; a body of exactly the limit
/// decodes.
#[tokio::test]
async fn a_response_over_the_size_limit_is_refused_without_retrying() {
    let mut route = route_json("r1");
    route["name"] = json!("n".repeat(100_000));
    let reply = ok(route);
    let Reply::Respond { body, .. } = &reply else {
        panic!("a JSON reply");
    };
    let size = body.len();
    for reply in [reply.clone(), reply.unsized_body()] {
        let server = ScriptedServer::start(vec![reply]).await;
        let with_limit = |limit: usize| {
            Client::cloudflare_builder()
                .base_url(&server.base_url)
                .credentials(Credentials::api_token(TOKEN))
                .max_response_bytes(limit)
                .build()
                .expect("client builds")
        };
        let err = with_limit(size - 1)
            .get(ACCOUNT, GATEWAY, "r1")
            .await
            .expect_err("too large");
        assert_eq!(err.kind(), ErrorKind::Decode);
        assert_eq!(err.attempts(), 1);
        assert_eq!(server.requests().len(), 1, "not retried");
        let limit = size - 1;
        assert!(
            err.to_string().contains(&format!("limit of {limit} bytes")),
            "{err}"
        );
        let route = with_limit(size)
            .get(ACCOUNT, GATEWAY, "r1")
            .await
            .expect("decodes");
        assert_eq!(route.name.len(), 100_000);
    }
}

#[tokio::test]
async fn every_generated_builder_reads_cloudflares_envelope() {
    // `builder_for` (any base URL, such as a local `dynroute serve`) and `builder` are
    // generated with the description's envelope: a 200 body with `success: false` is an error.
    for make in [
        |url: &str| Client::builder_for(url),
        |url: &str| Client::builder().base_url(url),
    ] {
        let server = ScriptedServer::start(vec![Reply::json(
            200,
            json!({"success": false, "errors": [{"code": 7003, "message": "No route"}]}),
        )])
        .await;
        let client = make(&server.base_url)
            .max_retries(0)
            .build()
            .expect("a client");
        let err = client
            .get(ACCOUNT, GATEWAY, "r1")
            .await
            .expect_err("success: false is an error");
        assert_eq!(err.kind(), ErrorKind::Api);
        assert_eq!(err.details()[0].code, Some(7003));
    }
}

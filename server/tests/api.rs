//! The emulator over real HTTP on 127.0.0.1: the generated client through the whole
//! lifecycle, Cloudflare's envelopes and errors byte by byte with reqwest, validation,
//! credentials, faults, concurrency, persistence across restarts, and the route-aware
//! inference endpoint.

use dynroute_client::models::{
    CreateDeploymentRequest, CreateVersionRequest, RouteDefinition, UpdateRouteRequest,
    VersionActive,
};
use dynroute_client::{Client, Credentials, ErrorKind};
use dynroute_server::{Config, Emulator};
use serde_json::{Value, json};

const ACCOUNT: &str = "0d37909e38d3e99c29fa2cd343ac421a";
const GATEWAY: &str = "support-gateway";

fn start(config: Config) -> Emulator {
    Emulator::start(config).expect("the emulator starts")
}

fn client(emulator: &Emulator) -> Client {
    Client::cloudflare_builder()
        .base_url(emulator.base_url())
        .credentials(Credentials::bearer("test-token"))
        .max_retries(0)
        .build()
        .expect("client builds")
}

fn routes_url(emulator: &Emulator) -> String {
    format!(
        "{}/accounts/{ACCOUNT}/ai-gateway/gateways/{GATEWAY}/routes",
        emulator.base_url()
    )
}

/// A route: free users to a small model under a limit of `limit` requests a minute, others
/// split 30/70.
fn elements(limit: u32) -> Value {
    json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "plan"}}},
        {"id": "plan", "type": "conditional",
         "properties": {"conditions": {"metadata.plan": {"$eq": "free"}}},
         "outputs": {"true": {"elementId": "budget"}, "false": {"elementId": "split"}}},
        {"id": "budget", "type": "rate",
         "properties": {"key": "metadata.user_id", "limit": limit, "limitType": "count", "window": 60},
         "outputs": {"success": {"elementId": "cheap"}, "fallback": {"elementId": "strong"}}},
        {"id": "split", "type": "percentage",
         "outputs": {"30%": {"elementId": "cheap"}, "70%": {"elementId": "strong"}}},
        {"id": "cheap", "type": "model",
         "properties": {"provider": "workers-ai", "model": "@cf/meta/llama-3.1-8b-instruct", "timeout": 30000, "retries": 0},
         "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "strong"}}},
        {"id": "strong", "type": "model",
         "properties": {"provider": "openai", "model": "gpt-4o-mini", "timeout": 60000, "retries": 1},
         "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "end"}}},
        {"id": "end", "type": "end", "outputs": {}}
    ])
}

fn definition(name: &str, limit: u32) -> RouteDefinition {
    RouteDefinition {
        name: name.into(),
        elements: serde_json::from_value(elements(limit)).expect("elements"),
    }
}

fn http() -> reqwest::Client {
    // reqwest is built without a TLS provider of its own: the client runtime installs one.
    dynroute_client::runtime::install_crypto_provider().expect("a TLS provider");
    reqwest::Client::new()
}

async fn send(request: reqwest::RequestBuilder) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = request.send().await.expect("the emulator answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a body");
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    (status, headers, body)
}

fn error_codes(body: &Value) -> Vec<u64> {
    assert_eq!(body["success"], json!(false), "{body}");
    assert_eq!(body["result"], json!({}), "{body}");
    body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("errors[] in {body}"))
        .iter()
        .map(|e| e["code"].as_u64().expect("a code"))
        .collect()
}

#[tokio::test]
async fn the_client_runs_the_whole_lifecycle() {
    let emulator = start(Config::default());
    let client = client(&emulator);
    let created = client
        .create(ACCOUNT, GATEWAY, &definition("support", 100))
        .await
        .expect("create");
    assert_eq!(created.name, "support");
    assert_eq!(created.id.len(), 32);
    assert_eq!(created.version.active, VersionActive::True);
    assert_eq!(created.deployment.version_id, created.version.version_id);
    let first = created.version.version_id.clone();

    let listed = client
        .list(ACCOUNT, GATEWAY, None, None)
        .await
        .expect("list");
    assert_eq!(listed.routes.len(), 1);
    assert_eq!(listed.routes[0].account_tag, ACCOUNT);

    let updated = client
        .update(
            ACCOUNT,
            GATEWAY,
            &created.id,
            &UpdateRouteRequest {
                name: "support-v2".into(),
            },
        )
        .await
        .expect("update");
    assert_eq!(updated.name, "support-v2");

    client
        .create_version(
            ACCOUNT,
            GATEWAY,
            &created.id,
            &CreateVersionRequest {
                elements: serde_json::from_value(elements(5)).expect("elements"),
            },
        )
        .await
        .expect("create version");
    let versions = client
        .list_versions(ACCOUNT, GATEWAY, &created.id)
        .await
        .expect("versions");
    assert_eq!(versions.versions.len(), 2);
    let newest = &versions.versions[0];
    assert_ne!(newest.version_id, first, "newest first");
    assert_eq!(
        newest.active,
        VersionActive::False,
        "not live until deployed"
    );
    let still = client
        .get(ACCOUNT, GATEWAY, &created.id)
        .await
        .expect("get");
    assert_eq!(still.version.version_id, first);

    client
        .create_deployment(
            ACCOUNT,
            GATEWAY,
            &created.id,
            &CreateDeploymentRequest {
                version_id: newest.version_id.clone(),
            },
        )
        .await
        .expect("deploy");
    let live = client
        .get(ACCOUNT, GATEWAY, &created.id)
        .await
        .expect("get");
    assert_eq!(live.version.version_id, newest.version_id);
    let deployments = client
        .list_deployments(ACCOUNT, GATEWAY, &created.id)
        .await
        .expect("deployments");
    assert_eq!(deployments.deployments.len(), 2);

    let version = client
        .get_version(ACCOUNT, GATEWAY, &created.id, &first)
        .await
        .expect("get version");
    assert_eq!(version.active, VersionActive::False);

    client
        .delete(ACCOUNT, GATEWAY, &created.id)
        .await
        .expect("delete");
    let gone = client
        .get_version(ACCOUNT, GATEWAY, &created.id, &first)
        .await
        .expect_err("deleted with its history");
    assert_eq!(gone.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn envelopes_follow_each_operation() {
    let emulator = start(Config::default());
    let url = routes_url(&emulator);
    let auth = |r: reqwest::RequestBuilder| r.bearer_auth("t");
    let (status, headers, body) =
        send(auth(http().post(&url)).json(&json!({"name": "r", "elements": elements(3)}))).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(body["success"], json!(true));
    let result = &body["result"];
    assert!(
        result.get("account_tag").is_none(),
        "create has no account_tag"
    );
    assert_eq!(result["version"]["active"], json!("true"), "a string");
    assert_eq!(result["version"]["is_valid"], json!(true));
    let data: Value = serde_json::from_str(result["version"]["data"].as_str().expect("text"))
        .expect("data is the graph as JSON text");
    assert_eq!(data, elements(3));
    assert_eq!(result["elements"], elements(3));
    assert!(
        result["created_at"]
            .as_str()
            .expect("a time")
            .ends_with('Z')
    );
    let id = result["id"].as_str().expect("an id").to_string();

    let (_, _, body) = send(auth(http().get(format!(
        "{url}?per_page=5&order_by=name&order_by_direction=asc"
    ))))
    .await;
    assert_eq!(body["data"]["page"], json!(1));
    assert_eq!(body["data"]["per_page"], json!(5));
    assert_eq!(body["data"]["order_by"], json!("name"));
    assert_eq!(body["data"]["order_by_direction"], json!("asc"));
    assert_eq!(body["data"]["routes"][0]["account_tag"], json!(ACCOUNT));

    let (_, _, body) =
        send(auth(http().patch(format!("{url}/{id}"))).json(&json!({"name": "s"}))).await;
    assert_eq!(
        body["route"]["name"],
        json!("s"),
        "update answers under `route`"
    );
    assert!(body.get("result").is_none());

    let (_, _, body) = send(
        auth(http().post(format!("{url}/{id}/versions"))).json(&json!({"elements": elements(4)})),
    )
    .await;
    let slim = body["result"].as_object().expect("result");
    assert!(
        !slim.contains_key("version") && !slim.contains_key("deployment"),
        "{body}"
    );

    let (_, _, body) = send(auth(http().get(format!("{url}/{id}/versions")))).await;
    let versions = body["data"]["versions"].as_array().expect("versions");
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["active"], json!("false"));
    let newest = versions[0]["version_id"].as_str().expect("id").to_string();

    let (_, _, body) = send(auth(http().get(format!("{url}/{id}/versions/{newest}")))).await;
    assert_eq!(body["result"]["version_id"], json!(newest));
    assert_eq!(
        body["result"]["elements"],
        elements(4),
        "the version's own graph"
    );

    let (status, _, body) = send(
        auth(http().post(format!("{url}/{id}/deployments"))).json(&json!({"version_id": "nope"})),
    )
    .await;
    assert_eq!((status, error_codes(&body)), (404, vec![7003]));
}

#[tokio::test]
async fn bad_requests_get_the_error_envelope_with_the_right_status() {
    let emulator = start(Config {
        max_body: 64 * 1024,
        ..Config::default()
    });
    let url = routes_url(&emulator);

    let (status, _, body) = send(http().get(&url)).await;
    assert_eq!(
        (status, error_codes(&body)),
        (400, vec![9106]),
        "no credentials"
    );

    let auth = |r: reqwest::RequestBuilder| r.bearer_auth("t");
    let (status, _, body) = send(
        auth(http().post(&url))
            .header("content-type", "application/json")
            .body("{\"name\": \"r\",\n \"elements\": [}"),
    )
    .await;
    assert_eq!((status, error_codes(&body)), (400, vec![6007]));
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("line 2"),
        "{body}"
    );

    let (status, _, body) = send(
        auth(http().post(&url))
            .header("content-type", "text/plain")
            .body("{}"),
    )
    .await;
    assert_eq!((status, error_codes(&body)), (415, vec![6003]));

    let big = json!({"name": "r", "elements": [], "pad": "x".repeat(70 * 1024)});
    let (status, _, body) = send(auth(http().post(&url)).json(&big)).await;
    assert_eq!((status, error_codes(&body)), (413, vec![6004]));

    let (status, _, body) = send(auth(
        http().get(format!("{}/nothing/here", emulator.base_url())),
    ))
    .await;
    assert_eq!((status, error_codes(&body)), (404, vec![7003]));
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Could not route to")
    );

    let (status, _, body) = send(auth(http().put(&url)).json(&json!({}))).await;
    assert_eq!((status, error_codes(&body)), (405, vec![10405]));

    for path in ["/v1/a/g/compat/chat/completions", "/__dynroute/reset"] {
        let (status, _, body) = send(http().put(format!("{}{path}", emulator.root_url()))).await;
        assert_eq!((status, error_codes(&body)), (405, vec![10405]), "{path}");
    }

    let (status, _, body) = send(auth(http().get(format!("{url}/missing")))).await;
    assert_eq!((status, error_codes(&body)), (404, vec![7003]));

    let (status, _, body) = send(auth(http().get(format!("{url}?page=0")))).await;
    assert_eq!((status, error_codes(&body)), (400, vec![7001]));
}

#[tokio::test]
async fn schema_errors_are_rejected_and_graph_errors_marked_invalid_unless_strict() {
    let lenient = start(Config::default());
    let strict = start(Config {
        strict: true,
        ..Config::default()
    });
    let mut dangling = elements(3);
    dangling[0]["outputs"]["next"]["elementId"] = json!("nowhere");
    let mut with_else = elements(3);
    with_else[3]["outputs"]["else"] = json!({"elementId": "cheap"});
    let mut without_outputs = elements(3);
    without_outputs[6]
        .as_object_mut()
        .unwrap()
        .remove("outputs");
    let mut wrong_type = elements(3);
    wrong_type[2]["properties"]["limit"] = json!("100");

    for emulator in [&lenient, &strict] {
        let url = routes_url(emulator);
        for (broken, pointer) in [
            (&with_else, "/elements/3/outputs/else"),
            (&without_outputs, "/elements/6"),
            (&wrong_type, "/elements/2/properties/limit"),
        ] {
            let (status, _, body) = send(
                http()
                    .post(&url)
                    .bearer_auth("t")
                    .json(&json!({"name": "broken", "elements": broken})),
            )
            .await;
            assert_eq!((status, error_codes(&body)), (400, vec![7001]), "{body}");
            let message = body["errors"][0]["message"].as_str().unwrap_or_default();
            assert!(message.starts_with(pointer), "{message}");
        }
    }

    let (status, _, body) = send(
        http()
            .post(routes_url(&lenient))
            .bearer_auth("t")
            .json(&json!({"name": "dangling", "elements": dangling})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["result"]["version"]["is_valid"], json!(false));

    let (status, _, body) = send(
        http()
            .post(routes_url(&strict))
            .bearer_auth("t")
            .json(&json!({"name": "dangling", "elements": dangling})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(error_codes(&body).iter().all(|c| *c == 7001), "{body}");
    assert!(body.to_string().contains("dangling-reference"), "{body}");
}

#[tokio::test]
async fn a_token_restricts_access() {
    let emulator = start(Config {
        token: Some("right".into()),
        ..Config::default()
    });
    let url = routes_url(&emulator);
    let (status, _, body) = send(http().get(&url).bearer_auth("wrong")).await;
    assert_eq!((status, error_codes(&body)), (403, vec![10000]));
    let (status, _, _) = send(http().get(&url).bearer_auth("right")).await;
    assert_eq!(status, 200);
    let (status, _, _) = send(
        http()
            .get(&url)
            .header("X-Auth-Email", "user@example.com")
            .header("X-Auth-Key", "right"),
    )
    .await;
    assert_eq!(status, 200, "an API key with its email");
}

#[tokio::test]
async fn thirty_two_concurrent_writers_leave_thirty_two_versions() {
    let emulator = start(Config::default());
    let client = client(&emulator);
    let route = client
        .create(ACCOUNT, GATEWAY, &definition("busy", 1))
        .await
        .expect("create");
    let writers = (0..32u32).map(|i| {
        let client = client.clone();
        let id = route.id.clone();
        tokio::spawn(async move {
            client
                .create_version(
                    ACCOUNT,
                    GATEWAY,
                    &id,
                    &CreateVersionRequest {
                        elements: serde_json::from_value(elements(i + 10)).expect("elements"),
                    },
                )
                .await
        })
    });
    for writer in futures::future::join_all(writers).await {
        writer.expect("joins").expect("each write succeeds");
    }
    let versions = client
        .list_versions(ACCOUNT, GATEWAY, &route.id)
        .await
        .expect("versions");
    let ids: std::collections::BTreeSet<_> = versions
        .versions
        .iter()
        .map(|v| v.version_id.clone())
        .collect();
    assert_eq!(
        ids.len(),
        33,
        "the first version and 32 new ones, all distinct"
    );
    let limits: std::collections::BTreeSet<String> =
        versions.versions.iter().map(|v| v.data.clone()).collect();
    assert_eq!(limits.len(), 33, "each writer's graph is kept");
}

#[tokio::test]
async fn state_survives_a_restart_with_a_data_file() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data = dir.path().join("state.db");
    let config = Config {
        data: Some(data.clone()),
        ..Config::default()
    };
    let id = {
        let emulator = start(config.clone());
        client(&emulator)
            .create(ACCOUNT, GATEWAY, &definition("kept", 7))
            .await
            .expect("create")
            .id
    };
    let emulator = start(config);
    let route = client(&emulator)
        .get(ACCOUNT, GATEWAY, &id)
        .await
        .expect("the route is still there");
    assert_eq!(route.name, "kept");
}

#[tokio::test]
async fn faults_delay_refuse_or_reset_the_next_matching_requests() {
    let emulator = start(Config::default());
    let control = format!("{}/__dynroute/faults", emulator.root_url());
    let url = routes_url(&emulator);
    let add = |fault: Value| {
        let control = control.clone();
        async move {
            let (status, _, body) = send(http().post(&control).json(&fault)).await;
            assert_eq!(status, 200, "{body}");
        }
    };

    add(json!({"method": "GET", "path": "/client/v4/accounts/*/routes", "times": 2, "status": 429, "retry_after": 3})).await;
    for _ in 0..2 {
        let (status, headers, body) = send(http().get(&url).bearer_auth("t")).await;
        assert_eq!((status, error_codes(&body)), (429, vec![971]));
        assert_eq!(headers["retry-after"], "3");
    }
    let (status, _, _) = send(http().get(&url).bearer_auth("t")).await;
    assert_eq!(status, 200, "two uses, then normal again");

    // The client retries a 503 and succeeds once the fault is used up.
    add(json!({"path": "*/routes", "times": 2, "status": 503})).await;
    let retrying = Client::cloudflare_builder()
        .base_url(emulator.base_url())
        .credentials(Credentials::bearer("t"))
        .max_retries(3)
        .build()
        .expect("client");
    retrying
        .list(ACCOUNT, GATEWAY, None, None)
        .await
        .expect("succeeds after two 503s");

    add(json!({"reset": true})).await;
    let err = client(&emulator)
        .list(ACCOUNT, GATEWAY, None, None)
        .await
        .expect_err("the connection is reset");
    assert_eq!(err.kind(), ErrorKind::Connection, "{err:?}");

    add(json!({"delay_ms": 300})).await;
    let started = std::time::Instant::now();
    client(&emulator)
        .list(ACCOUNT, GATEWAY, None, None)
        .await
        .expect("answered after the delay");
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));

    let (status, _, body) = send(
        http()
            .post(&control)
            .json(&json!({"status": 429, "reset": true})),
    )
    .await;
    assert_eq!((status, error_codes(&body)), (400, vec![7001]));
}

#[tokio::test]
async fn reset_and_state_show_and_forget_everything() {
    let emulator = start(Config::default());
    client(&emulator)
        .create(ACCOUNT, GATEWAY, &definition("seen", 2))
        .await
        .expect("create");
    let root = emulator.root_url();
    let (_, _, body) = send(http().get(format!("{root}/__dynroute/state"))).await;
    let routes = body["result"]["routes"].as_array().expect("routes");
    assert_eq!(routes.len(), 1);
    assert_eq!(routes[0]["name"], json!("seen"));
    assert_eq!(routes[0]["versions"][0]["elements"], elements(2));
    let (status, _, _) = send(http().post(format!("{root}/__dynroute/reset"))).await;
    assert_eq!(status, 200);
    let listed = client(&emulator)
        .list(ACCOUNT, GATEWAY, None, None)
        .await
        .expect("list");
    assert!(listed.routes.is_empty());
}

async fn complete(
    emulator: &Emulator,
    route: &str,
    metadata: Value,
) -> (u16, reqwest::header::HeaderMap, Value) {
    send(
        http()
            .post(format!(
                "{}/v1/{ACCOUNT}/{GATEWAY}/compat/chat/completions",
                emulator.root_url()
            ))
            .header("cf-aig-metadata", metadata.to_string())
            .json(&json!({"model": format!("dynamic/{route}"), "messages": [{"role": "user", "content": "hi"}]})),
    )
    .await
}

#[tokio::test]
async fn inference_runs_the_deployed_route_with_real_counters_and_scripted_failures() {
    let emulator = start(Config::default());
    client(&emulator)
        .create(ACCOUNT, GATEWAY, &definition("support", 2))
        .await
        .expect("create");
    let free = json!({"plan": "free", "user_id": "42"});
    for _ in 0..2 {
        let (status, headers, body) = complete(&emulator, "support", free.clone()).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["object"], json!("chat.completion"));
        assert_eq!(body["model"], json!("@cf/meta/llama-3.1-8b-instruct"));
        assert_eq!(headers["cf-aig-provider"], "workers-ai");
        assert_eq!(headers["x-dynroute-path"], "start,plan,budget,cheap,end");
    }
    let (_, headers, _) = complete(&emulator, "support", free.clone()).await;
    assert_eq!(
        headers["cf-aig-model"], "gpt-4o-mini",
        "the third request in a minute is over the limit"
    );
    let (_, headers, _) = complete(
        &emulator,
        "support",
        json!({"plan": "free", "user_id": "7"}),
    )
    .await;
    assert_eq!(
        headers["cf-aig-provider"], "workers-ai",
        "another user has its own counter"
    );

    let providers = format!("{}/__dynroute/providers", emulator.root_url());
    let (status, _, _) = send(http().post(&providers).json(
        &json!({"target": "workers-ai/@cf/meta/llama-3.1-8b-instruct", "attempts": ["error"]}),
    ))
    .await;
    assert_eq!(status, 200);
    let (_, headers, _) = complete(
        &emulator,
        "support",
        json!({"plan": "free", "user_id": "8"}),
    )
    .await;
    assert_eq!(
        headers["x-dynroute-path"], "start,plan,budget,cheap,strong,end",
        "falls back as the route says"
    );
    assert_eq!(headers["cf-aig-model"], "gpt-4o-mini");

    let (status, _, _) = send(
        http()
            .post(&providers)
            .json(&json!({"target": "strong", "attempts": ["timeout"]})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, body) = complete(
        &emulator,
        "support",
        json!({"plan": "free", "user_id": "9"}),
    )
    .await;
    assert_eq!(status, 502);
    assert_eq!(body["error"][0]["code"], json!(2005), "{body}");

    let (status, _, body) = complete(&emulator, "missing", json!({})).await;
    assert_eq!(status, 404, "{body}");

    // The split draws at random: over many paid requests both models serve.
    send(http().delete(&providers)).await;
    let mut models = std::collections::BTreeSet::new();
    for _ in 0..60 {
        let (_, headers, _) = complete(&emulator, "support", json!({"plan": "paid"})).await;
        models.insert(headers["cf-aig-model"].to_str().unwrap().to_string());
    }
    assert_eq!(models.len(), 2, "{models:?}");
}

//! Contract tests: every operation of the client against Stoplight Prism serving Cloudflare's
//! OFFICIAL description (`shared/reference/cloudflare-dynamic-routing.openapi.json`) with
//! request validation on (`--errors`). Prism answers any request that breaks the contract
//! (path, query, headers, security, body) with an error, which fails the call; every response
//! Prism returns, static examples and dynamically generated ones, must decode.
//!
//! Needs `DYNROUTE_PRISM` (see `scripts/install-node-tool prism`); fails without it when `CI=true`.

mod client_support;

use client_support::prism::{self, Prism};
use client_support::six_elements;
use dynroute_client::models::{
    CreateDeploymentRequest, CreateVersionRequest, RouteDefinition, UpdateRouteRequest,
};
use dynroute_client::{Client, Credentials, Error, ErrorKind};
use futures_util::TryStreamExt;
use std::sync::atomic::{AtomicUsize, Ordering};

const ACCOUNT: &str = "0d37909e38d3e99c29fa2cd343ac421a";
const GATEWAY: &str = "support-gateway";

fn client(prism: &Prism, credentials: Credentials) -> Client {
    Client::cloudflare_builder()
        .base_url(&prism.base_url)
        .credentials(credentials)
        // A contract violation must show up as the error it is, not be retried away.
        .max_retries(0)
        .build()
        .expect("client builds")
}

/// How many dynamically generated `success: false` bodies were met (and correctly refused).
static GENERATED_FAILURES: AtomicUsize = AtomicUsize::new(0);

/// Awaits a call and returns its value, or fails the test with the error and Prism's log.
///
/// Cloudflare's description types `success` as any boolean, so Prism's dynamic responses
/// say `"success": false` about half of the time. The client must refuse those
/// ([`ErrorKind::Api`] with status 200); the call is then repeated (at most 40 times) until a
/// body that says `true` arrives and must decode.
macro_rules! call {
    ($prism:expr, $ctx:expr, $what:expr, $call:expr) => {{
        let mut tries = 0;
        loop {
            tries += 1;
            match $call.await {
                Ok(value) => break value,
                Err(err) if $ctx.dynamic && tries < 40 && is_generated_failure(&err) => {
                    GENERATED_FAILURES.fetch_add(1, Ordering::Relaxed);
                }
                Err(err) => panic!(
                    "{} failed against Prism: {err}\n(debug: {err:?})\nPrism log:\n{}",
                    $what,
                    $prism.log_tail()
                ),
            }
        }
    }};
}

fn is_generated_failure(err: &Error) -> bool {
    err.kind() == ErrorKind::Api && err.status().is_some_and(|s| s.as_u16() == 200)
}

struct Ctx {
    round: usize,
    dynamic: bool,
}

/// Calls all ten operations (and the paging helper) once.
async fn all_operations(prism: &Prism, client: &Client, ctx: &Ctx) {
    let elements = six_elements();
    let route_id = format!("route-{}", ctx.round);

    let created = call!(
        prism,
        ctx,
        "create",
        client.create(
            ACCOUNT,
            GATEWAY,
            &RouteDefinition {
                name: "support-routing".into(),
                elements: elements.clone(),
            },
        )
    );
    let _ = created.version.version_id;

    let listing = call!(
        prism,
        ctx,
        "list",
        client.list(ACCOUNT, GATEWAY, Some(1), Some(20))
    );
    let streamed: Vec<_> = call!(
        prism,
        ctx,
        "list_stream",
        client.list_stream(ACCOUNT, GATEWAY, Some(20)).try_collect()
    );
    if !ctx.dynamic {
        // The static page holds fewer than 20 routes, so the walk is exactly that page.
        assert!(listing.routes.len() < 20);
        assert_eq!(streamed, listing.routes);
    }

    let _route = call!(prism, ctx, "get", client.get(ACCOUNT, GATEWAY, &route_id));
    let renamed = call!(
        prism,
        ctx,
        "update",
        client.update(
            ACCOUNT,
            GATEWAY,
            &route_id,
            &UpdateRouteRequest {
                name: "support-routing-v2".into(),
            },
        )
    );
    let _ = renamed.account_tag;

    let version = call!(
        prism,
        ctx,
        "create_version",
        client.create_version(
            ACCOUNT,
            GATEWAY,
            &route_id,
            &CreateVersionRequest {
                elements: elements.clone(),
            },
        )
    );
    let _ = version.id;
    let versions = call!(
        prism,
        ctx,
        "list_versions",
        client.list_versions(ACCOUNT, GATEWAY, &route_id)
    );
    let _ = versions.versions.len();
    let _one = call!(
        prism,
        ctx,
        "get_version",
        client.get_version(ACCOUNT, GATEWAY, &route_id, "8c2f0a51")
    );
    let _deployed = call!(
        prism,
        ctx,
        "create_deployment",
        client.create_deployment(
            ACCOUNT,
            GATEWAY,
            &route_id,
            &CreateDeploymentRequest {
                version_id: "8c2f0a51".into(),
            },
        )
    );
    let deployments = call!(
        prism,
        ctx,
        "list_deployments",
        client.list_deployments(ACCOUNT, GATEWAY, &route_id)
    );
    let _ = deployments.deployments.len();
    let _deleted = call!(
        prism,
        ctx,
        "delete",
        client.delete(ACCOUNT, GATEWAY, &route_id)
    );
}

async fn run(dynamic: bool, rounds: usize) {
    let Some(binary) = prism::binary() else {
        return;
    };
    let prism = Prism::start(&binary, &prism::cloudflare_spec(), dynamic);
    let token = client(&prism, Credentials::api_token("contract-test-token"));
    let key = client(
        &prism,
        Credentials::email_and_key("user@example.com", "144c9defac04969c7bfad8efaa8ea194"),
    );
    for round in 0..rounds {
        let ctx = Ctx { round, dynamic };
        all_operations(&prism, &token, &ctx).await;
        all_operations(&prism, &key, &ctx).await;
    }
}

#[tokio::test]
async fn every_operation_matches_the_contract_static_examples() {
    run(false, 1).await;
}

#[tokio::test]
async fn every_operation_decodes_dynamic_responses() {
    // Each round gets freshly generated responses.
    run(true, 5).await;
    if prism::binary().is_some() {
        assert!(
            GENERATED_FAILURES.load(Ordering::Relaxed) > 0,
            "no generated `success: false` body was met: the envelope rule went untested"
        );
    }
}

#[tokio::test]
async fn prism_rejects_a_request_that_breaks_the_contract() {
    // The harness itself: a request without credentials violates the security requirement,
    // so a passing contract test above means Prism really checked our requests.
    let Some(binary) = prism::binary() else {
        return;
    };
    let prism = Prism::start(&binary, &prism::cloudflare_spec(), false);
    let anonymous = Client::cloudflare_builder()
        .base_url(&prism.base_url)
        .max_retries(0)
        .build()
        .expect("client builds");
    let err = anonymous
        .get(ACCOUNT, GATEWAY, "route-1")
        .await
        .expect_err("Prism must refuse a request without credentials");
    assert_eq!(err.kind(), dynroute_client::ErrorKind::Auth, "{err}");

    // A body that breaks the schema (no `elements`, a numeric name), sent through the
    // runtime's escape hatch since the typed methods cannot build it.
    let client = client(&prism, Credentials::api_token("contract-test-token"));
    let err = client
        .execute_value(dynroute_client::runtime::RequestSpec {
            operation_id: "create",
            method: dynroute_client::runtime::Method::POST,
            path: format!("/accounts/{ACCOUNT}/ai-gateway/gateways/{GATEWAY}/routes"),
            query: Vec::new(),
            body: Some(br#"{"name": 5}"#.to_vec()),
            unwrap: None,
            rereads: true,
            declared: false,
        })
        .await
        .expect_err("Prism must refuse a body that breaks the schema");
    assert_eq!(err.kind(), ErrorKind::Api, "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{err}");
}

#[tokio::test]
async fn the_example_program_runs_against_the_contract_server() {
    let Some(binary) = prism::binary() else {
        return;
    };
    // `cargo test` builds the examples next to the test binaries' `deps/` directory.
    let example = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.join("examples/route_lifecycle")))
        .filter(|path| path.is_file());
    let Some(example) = example else {
        panic!("the route_lifecycle example was not built next to this test binary");
    };
    let prism = Prism::start(&binary, &prism::cloudflare_spec(), false);
    let output = std::process::Command::new(&example)
        .args([ACCOUNT, GATEWAY])
        .env("CLOUDFLARE_API_TOKEN", "contract-test-token")
        .env("CLOUDFLARE_BASE_URL", &prism.base_url)
        .output()
        .expect("run the example");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "example failed: {}\n{stdout}\nPrism log:\n{}",
        String::from_utf8_lossy(&output.stderr),
        prism.log_tail()
    );
    assert!(stdout.contains("created route"), "{stdout}");
    assert!(stdout.contains("deployed version"), "{stdout}");
}

//! Creates a route, adds a version, deploys it and lists the versions.
//!
//! ```sh
//! export CLOUDFLARE_API_TOKEN=...            # or CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY
//! cargo run -p dynroute-client --example route_lifecycle -- <account_id> <gateway_id>
//! ```
//!
//! Against the contract test server instead of Cloudflare (Prism serving Cloudflare's
//! description, see the README):
//!
//! ```sh
//! "$(scripts/install-node-tool prism)" mock -p 4010 ../shared/reference/cloudflare-dynamic-routing.openapi.json &
//! CLOUDFLARE_API_TOKEN=test CLOUDFLARE_BASE_URL=http://127.0.0.1:4010 \
//!   cargo run -p dynroute-client --example route_lifecycle -- 0d37909e38d3e99c29fa2cd343ac421a my-gateway
//! ```

use dynroute_client::Client;
use dynroute_client::models::{
    CreateDeploymentRequest, CreateVersionRequest, Element, RouteDefinition, VersionActive,
};
use serde_json::json;

/// A route that sends free-plan users to a small model (within a rate limit) and splits
/// everyone else between two models, falling back to the stronger one.
fn graph(cheap_share: u32) -> Result<Vec<Element>, serde_json::Error> {
    let cheap = format!("{cheap_share}%");
    let strong = format!("{}%", 100 - cheap_share);
    serde_json::from_value(json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "plan"}}},
        {"id": "plan", "type": "conditional",
         "properties": {"conditions": {"metadata.plan": {"$eq": "free"}}},
         "outputs": {"true": {"elementId": "budget"}, "false": {"elementId": "split"}}},
        {"id": "budget", "type": "rate",
         "properties": {"key": "metadata.user_id", "limit": 100, "limitType": "count", "window": 3600},
         "outputs": {"success": {"elementId": "cheap"}, "fallback": {"elementId": "end"}}},
        {"id": "split", "type": "percentage",
         "outputs": {cheap: {"elementId": "cheap"}, strong: {"elementId": "strong"}}},
        {"id": "cheap", "type": "model",
         "properties": {"provider": "workers-ai", "model": "@cf/meta/llama-3.1-8b-instruct", "timeout": 30000, "retries": 2},
         "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "strong"}}},
        {"id": "strong", "type": "model",
         "properties": {"provider": "openai", "model": "gpt-4o-mini", "timeout": 60000, "retries": 4},
         "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "end"}}},
        {"id": "end", "type": "end", "outputs": {}}
    ]))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(account), Some(gateway)) = (args.next(), args.next()) else {
        eprintln!("usage: route_lifecycle <account_id> <gateway_id>");
        return std::process::ExitCode::from(2);
    };
    match run(&account, &gateway).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(account: &str, gateway: &str) -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;

    let route = client
        .create(
            account,
            gateway,
            &RouteDefinition {
                name: "support-routing".into(),
                elements: graph(30)?,
            },
        )
        .await?;
    println!(
        "created route {} ({}), version {} deployed",
        route.id, route.name, route.version.version_id
    );

    // Shift more traffic to the small model: a new version of the graph.
    client
        .create_version(
            account,
            gateway,
            &route.id,
            &CreateVersionRequest {
                elements: graph(60)?,
            },
        )
        .await?;

    // The create-version response does not name the new version: take the newest one.
    let versions = client.list_versions(account, gateway, &route.id).await?;
    let Some(newest) = versions
        .versions
        .iter()
        .max_by(|a, b| a.created_at.cmp(&b.created_at))
    else {
        return Err("the route has no versions".into());
    };
    client
        .create_deployment(
            account,
            gateway,
            &route.id,
            &CreateDeploymentRequest {
                version_id: newest.version_id.clone(),
            },
        )
        .await?;
    println!("deployed version {}", newest.version_id);

    let versions = client.list_versions(account, gateway, &route.id).await?;
    for version in &versions.versions {
        let marker = if version.active == VersionActive::True {
            "live"
        } else {
            ""
        };
        println!("{}  {}  {}", version.version_id, version.created_at, marker);
    }
    Ok(())
}

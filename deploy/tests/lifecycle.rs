//! Routes as code end to end against `dynroute serve` (in-process, 127.0.0.1): pull, edit,
//! plan, apply, plan again, rollback, history; a stale plan; drift made behind the tool's
//! back; and a fault injected at every step of an apply, each followed by a second apply that
//! converges, with the emulator's versions and deployment checked after each.

use std::path::Path;

use dynroute_client::{Client, Credentials};
use dynroute_deploy::apply::{ApplyError, apply};
use dynroute_deploy::canonical::same_graph;
use dynroute_deploy::history::{history, rollback};
use dynroute_deploy::plan::{Action, Plan, make};
use dynroute_deploy::remote::{Target, deployed, versions};
use dynroute_deploy::{local, pull};
use dynroute_server::{Config, Emulator};
use serde_json::{Value, json};

fn target() -> Target {
    Target {
        account: "0d37909e38d3e99c29fa2cd343ac421a".into(),
        gateway: "prod".into(),
    }
}

fn client(emulator: &Emulator) -> Client {
    Client::cloudflare_builder()
        .base_url(emulator.base_url())
        .credentials(Credentials::api_token("t"))
        .max_retries(0)
        .build()
        .expect("client")
}

fn elements(model: &str, limit: f64) -> Value {
    json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "budget"}}},
        {"id": "budget", "type": "rate",
         "properties": {"key": "metadata.user_id", "limit": limit, "limitType": "count", "window": 60},
         "outputs": {"success": {"elementId": "main"}, "fallback": {"elementId": "end"}}},
        {"id": "main", "type": "model",
         "properties": {"provider": "openai", "model": model, "timeout": 30000, "retries": 1},
         "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "end"}}},
        {"id": "end", "type": "end", "outputs": {}}
    ])
}

fn write(dir: &Path, file: &str, name: &str, elements: &Value) {
    std::fs::write(
        dir.join(file),
        serde_json::to_string_pretty(&json!({"name": name, "elements": elements})).expect("JSON"),
    )
    .expect("written");
}

async fn plan(client: &Client, dir: &Path, prune: bool) -> Plan {
    let routes = local::read(dir).expect("valid files");
    make(client, &target(), &routes, prune).await.expect("plan")
}

fn actions(plan: &Plan) -> Vec<(String, Action)> {
    plan.changes
        .iter()
        .map(|c| (c.name.clone(), c.action))
        .collect()
}

fn quiet(_: &str) {}

/// An emulator, a client for it and an empty routes folder.
fn started() -> (Emulator, Client, tempfile::TempDir) {
    let emulator = Emulator::start(Config::default()).expect("starts");
    let client = client(&emulator);
    (emulator, client, tempfile::tempdir().expect("folder"))
}

/// An emulator with the route `support` (model gpt-4o) applied from a folder.
async fn deployed_support() -> (Emulator, Client, tempfile::TempDir) {
    let (emulator, client, dir) = started();
    write(
        dir.path(),
        "support.json",
        "support",
        &elements("gpt-4o", 100.0),
    );
    apply(
        &client,
        &plan(&client, dir.path(), false).await,
        true,
        &quiet,
    )
    .await
    .expect("apply");
    (emulator, client, dir)
}

#[tokio::test]
async fn pull_edit_plan_apply_plan_rollback() {
    let (_emulator, client, dir) = started();
    write(
        dir.path(),
        "support.json",
        "support",
        &elements("gpt-4o", 100.0),
    );
    write(
        dir.path(),
        "search.json",
        "search",
        &elements("gpt-4o-mini", 10.0),
    );

    let first = plan(&client, dir.path(), false).await;
    assert_eq!(
        actions(&first),
        [
            ("search".to_string(), Action::Create),
            ("support".to_string(), Action::Create)
        ]
    );
    let done = apply(&client, &first, true, &quiet).await.expect("apply");
    assert_eq!(done.created, 2);
    assert!(!plan(&client, dir.path(), false).await.has_changes());

    // Pull into another folder: the canonical files plan no change either.
    let pulled = tempfile::tempdir().expect("folder");
    let files = pull(&client, &target(), pulled.path()).await.expect("pull");
    assert_eq!(files.len(), 2);
    assert!(!plan(&client, pulled.path(), false).await.has_changes());

    // An edit: 100.0 is not a change, the model is.
    write(
        dir.path(),
        "support.json",
        "support",
        &elements("gpt-4.1", 100.0),
    );
    let edited = plan(&client, dir.path(), false).await;
    let support = edited
        .changes
        .iter()
        .find(|c| c.name == "support")
        .expect("support");
    assert_eq!(support.action, Action::Update);
    let differences: Vec<String> = support
        .differences
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        differences,
        ["~ `main` /properties/model: \"gpt-4o\" -> \"gpt-4.1\""]
    );
    let done = apply(&client, &edited, true, &quiet).await.expect("apply");
    assert_eq!((done.versions, done.deployed, done.unchanged), (1, 1, 1));
    assert!(!plan(&client, dir.path(), false).await.has_changes());

    // Rollback deploys the previous version; the plan then wants the file's version back,
    // which exists: a deployment, not a new version.
    let (from, to) = rollback(&client, &target(), "support", None)
        .await
        .expect("rollback");
    assert_ne!(from, to);
    let back = plan(&client, dir.path(), false).await;
    let support = back
        .changes
        .iter()
        .find(|c| c.name == "support")
        .expect("support");
    assert_eq!(support.action, Action::Deploy);
    assert_eq!(support.version_id.as_deref(), Some(from.as_str()));
    apply(&client, &back, true, &quiet).await.expect("apply");

    let h = history(&client, &target(), "support")
        .await
        .expect("history");
    assert_eq!(h.versions.len(), 2, "no duplicate version");
    assert_eq!(h.deployments.len(), 4, "create, update, rollback, deploy");
    assert_eq!(
        h.versions[1].1.len(),
        1,
        "one field changed between the versions"
    );
}

#[tokio::test]
async fn a_stale_plan_is_refused_and_drift_shows_in_the_plan() {
    let (emulator, client, dir) = deployed_support().await;
    write(
        dir.path(),
        "support.json",
        "support",
        &elements("gpt-4.1", 100.0),
    );
    let planned = plan(&client, dir.path(), false).await;

    // Someone changes the route in the dashboard.
    let route = &deployed(&client, &target()).await.expect("deployed")[0];
    let dashboard = elements("claude", 5.0);
    emulator
        .app()
        .seed(
            &dynroute_server::store::Scope {
                account: target().account,
                gateway: target().gateway,
            },
            "support",
            &dashboard,
            true,
        )
        .expect("changed behind the tool's back");
    match apply(&client, &planned, true, &quiet).await {
        Err(ApplyError::Stale(lines)) => {
            assert_eq!(lines.len(), 1);
            assert!(lines[0].contains(&route.version_id), "{lines:?}");
        }
        other => panic!("expected a stale plan, got {other:?}"),
    }
    let now = &deployed(&client, &target()).await.expect("deployed")[0];
    assert!(same_graph(&now.elements, &dashboard), "nothing was applied");

    let drift = plan(&client, dir.path(), false).await;
    let differences: Vec<String> = drift.changes[0]
        .differences
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        differences.contains(&"~ `budget` /properties/limit: 5 -> 100".to_string()),
        "{differences:?}"
    );
}

#[tokio::test]
async fn deletes_happen_only_with_prune() {
    let (_emulator, client, dir) = started();
    write(dir.path(), "a.json", "a", &elements("m", 1.0));
    write(dir.path(), "b.json", "b", &elements("m", 1.0));
    apply(
        &client,
        &plan(&client, dir.path(), false).await,
        true,
        &quiet,
    )
    .await
    .expect("apply");
    std::fs::remove_file(dir.path().join("b.json")).expect("removed");
    assert!(!plan(&client, dir.path(), false).await.has_changes());
    let pruning = plan(&client, dir.path(), true).await;
    assert_eq!(
        actions(&pruning),
        [
            ("a".to_string(), Action::Unchanged),
            ("b".to_string(), Action::Delete)
        ]
    );
    apply(&client, &pruning, true, &quiet).await.expect("apply");
    let names: Vec<String> = deployed(&client, &target())
        .await
        .expect("deployed")
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(names, ["a"]);
}

/// A fault at each step of an update; the first apply fails, a second converges with no
/// duplicate version and only the planned graph deployed.
#[tokio::test]
async fn an_interrupted_apply_converges_when_run_again() {
    let faults = [
        json!({"method": "GET", "path": "*/versions", "status": 503}),
        json!({"method": "POST", "path": "*/versions", "status": 503}),
        json!({"method": "POST", "path": "*/versions", "reset": true, "after": true}),
        json!({"method": "POST", "path": "*/deployments", "status": 500}),
        json!({"method": "POST", "path": "*/deployments", "reset": true, "after": true}),
    ];
    for fault in faults {
        let (emulator, client, dir) = deployed_support().await;
        let wanted = elements("gpt-4.1", 100.0);
        write(dir.path(), "support.json", "support", &wanted);
        let planned = plan(&client, dir.path(), false).await;

        let control = format!("{}/__dynroute/faults", emulator.root_url());
        dynroute_client::runtime::install_crypto_provider().expect("a TLS provider");
        let added = reqwest::Client::new()
            .post(&control)
            .json(&fault)
            .send()
            .await
            .expect("fault added");
        assert!(added.status().is_success());
        let first = apply(&client, &planned, true, &quiet).await;
        assert!(first.is_err(), "{fault}: the fault stops the first apply");
        let route = &deployed(&client, &target()).await.expect("deployed")[0];
        let after_fault = versions(&client, &target(), &route.id)
            .await
            .expect("versions");
        assert!(after_fault.len() <= 2, "{fault}: {after_fault:?}");

        // Again, with the same plan: nothing it finds is stale.
        apply(&client, &planned, true, &quiet)
            .await
            .unwrap_or_else(|e| panic!("{fault}: the second apply converges: {e}"));
        let route = &deployed(&client, &target()).await.expect("deployed")[0];
        assert!(same_graph(&route.elements, &wanted), "{fault}");
        let all = versions(&client, &target(), &route.id)
            .await
            .expect("versions");
        assert_eq!(all.len(), 2, "{fault}: no duplicate version");
        assert!(
            !plan(&client, dir.path(), false).await.has_changes(),
            "{fault}"
        );
    }
}

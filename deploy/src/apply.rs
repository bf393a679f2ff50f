//! Makes a plan so: a new route is created; a changed one gets a new version, then a
//! deployment of it (a route is never deleted and recreated to change it); a delete happens
//! only when planned. Work that an interrupted run already did is found and reused: a
//! version that holds the planned graph is deployed rather than created again, and a route
//! that already is as planned is left alone, so running again converges without duplicate
//! versions and deploys nothing but the planned graphs.

use dynroute_client::models::{
    CreateDeploymentRequest, CreateVersionRequest, Element, RouteDefinition,
};
use dynroute_client::{Client, Error};
use futures::{StreamExt, TryStreamExt};
use serde_json::Value;

use crate::canonical::same_graph;
use crate::plan::{Action, Change, Plan};
use crate::remote::{self, CONCURRENCY, Deployed, Target};

/// Why an apply stopped.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// What is deployed changed since the plan was made.
    #[error("the plan is stale, what is deployed changed since it was made:\n{}", .0.join("\n"))]
    Stale(Vec<String>),
    /// A request failed.
    #[error("{route}: {source}")]
    Api {
        /// The route being applied.
        route: String,
        /// The client's error.
        #[source]
        source: Error,
    },
    /// The plan holds something that is not a route graph.
    #[error("{0}")]
    Plan(String),
}

/// What an apply did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Routes created.
    pub created: usize,
    /// Versions created.
    pub versions: usize,
    /// Deployments made.
    pub deployed: usize,
    /// Routes deleted.
    pub deleted: usize,
    /// Routes already as planned.
    pub unchanged: usize,
}

impl std::fmt::Display for Applied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} created, {} new versions, {} deployed, {} deleted, {} already as planned",
            self.created, self.versions, self.deployed, self.deleted, self.unchanged
        )
    }
}

/// Applies `plan`. With `check_stale`, refuses (before changing anything) when a route's
/// deployed version is not the one the plan was made against, unless the route already is
/// as planned. `progress` receives one line per step.
pub async fn apply(
    client: &Client,
    plan: &Plan,
    check_stale: bool,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Applied, ApplyError> {
    let target = Target {
        account: plan.account_id.clone(),
        gateway: plan.gateway_id.clone(),
    };
    let deployed = remote::deployed(client, &target)
        .await
        .map_err(|source| ApplyError::Api {
            route: "(listing routes)".into(),
            source,
        })?;
    if check_stale {
        let stale: Vec<String> = plan
            .changes
            .iter()
            .filter_map(|c| stale(c, deployed.iter().find(|d| d.name == c.name)))
            .collect();
        if !stale.is_empty() {
            return Err(ApplyError::Stale(stale));
        }
    }
    let outcomes: Vec<Applied> = futures::stream::iter(plan.changes.iter().map(|change| {
        let current = deployed.iter().find(|d| d.name == change.name).cloned();
        let target = target.clone();
        async move { one(client, &target, change, current, progress).await }
    }))
    .buffer_unordered(CONCURRENCY)
    .try_collect()
    .await?;
    Ok(outcomes
        .into_iter()
        .fold(Applied::default(), |a, b| Applied {
            created: a.created + b.created,
            versions: a.versions + b.versions,
            deployed: a.deployed + b.deployed,
            deleted: a.deleted + b.deleted,
            unchanged: a.unchanged + b.unchanged,
        }))
}

/// Whether the route already is what the change leads to.
fn done(change: &Change, current: Option<&Deployed>) -> bool {
    match (change.action, current) {
        (Action::Delete, current) => current.is_none(),
        (_, Some(current)) => change
            .elements
            .as_ref()
            .is_none_or(|e| same_graph(e, &current.elements)),
        (_, None) => false,
    }
}

fn stale(change: &Change, current: Option<&Deployed>) -> Option<String> {
    if done(change, current) {
        return None;
    }
    let now = current.map(|c| c.version_id.as_str());
    (now != change.planned_against.as_deref()).then(|| {
        format!(
            "  {}: planned against {}, now {}",
            change.name,
            change.planned_against.as_deref().unwrap_or("no route"),
            now.unwrap_or("no route")
        )
    })
}

fn typed(change: &Change) -> Result<Vec<Element>, ApplyError> {
    let elements = change.elements.clone().unwrap_or(Value::Null);
    serde_json::from_value(elements).map_err(|e| {
        ApplyError::Plan(format!(
            "{}: the planned graph is not a route: {e}",
            change.name
        ))
    })
}

async fn one(
    client: &Client,
    target: &Target,
    change: &Change,
    current: Option<Deployed>,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Applied, ApplyError> {
    let api = |source| ApplyError::Api {
        route: change.name.clone(),
        source,
    };
    let mut applied = Applied::default();
    if change.action == Action::Unchanged || done(change, current.as_ref()) {
        applied.unchanged = 1;
        return Ok(applied);
    }
    let (account, gateway) = (target.account.as_str(), target.gateway.as_str());
    match (change.action, current) {
        (Action::Delete, Some(current)) => {
            progress(&format!("{}: deleting", change.name));
            client
                .delete(account, gateway, &current.id)
                .await
                .map_err(api)?;
            applied.deleted = 1;
        }
        (Action::Delete, None) | (Action::Unchanged, _) => applied.unchanged = 1,
        (_, None) => {
            progress(&format!("{}: creating", change.name));
            client
                .create(
                    account,
                    gateway,
                    &RouteDefinition {
                        name: change.name.clone(),
                        elements: typed(change)?,
                    },
                )
                .await
                .map_err(api)?;
            applied.created = 1;
        }
        (_, Some(current)) => {
            let wanted = change.elements.clone().unwrap_or(Value::Null);
            let existing = |versions: &[remote::Version]| {
                versions
                    .iter()
                    .find(|v| !v.active && same_graph(&v.elements, &wanted))
                    .map(|v| v.id.clone())
            };
            let versions = remote::versions(client, target, &current.id)
                .await
                .map_err(api)?;
            let version = match existing(&versions) {
                Some(id) => id,
                None => {
                    progress(&format!("{}: creating a version", change.name));
                    client
                        .create_version(
                            account,
                            gateway,
                            &current.id,
                            &CreateVersionRequest {
                                elements: typed(change)?,
                            },
                        )
                        .await
                        .map_err(api)?;
                    applied.versions = 1;
                    let versions = remote::versions(client, target, &current.id)
                        .await
                        .map_err(api)?;
                    existing(&versions).ok_or_else(|| {
                        ApplyError::Plan(format!(
                            "{}: the new version is not among the route's versions",
                            change.name
                        ))
                    })?
                }
            };
            progress(&format!("{}: deploying version {version}", change.name));
            client
                .create_deployment(
                    account,
                    gateway,
                    &current.id,
                    &CreateDeploymentRequest {
                        version_id: version,
                    },
                )
                .await
                .map_err(api)?;
            applied.deployed = 1;
        }
    }
    Ok(applied)
}

//! What is deployed: every route of the gateway with its live graph, read through the
//! generated client (listings paged), and a route's versions when a plan needs them.

use dynroute_client::models::VersionActive;
use dynroute_client::{Client, Error};
use futures::TryStreamExt;
use serde_json::Value;

/// The gateway a command works on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Account id.
    pub account: String,
    /// Gateway id.
    pub gateway: String,
}

/// A deployed route.
#[derive(Debug, Clone, PartialEq)]
pub struct Deployed {
    /// Route id.
    pub id: String,
    /// Route name.
    pub name: String,
    /// The deployed version.
    pub version_id: String,
    /// Its graph (from `version.data`, in the order it was sent).
    pub elements: Value,
}

/// One version of a route.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    /// Version id.
    pub id: String,
    /// Its graph.
    pub elements: Value,
    /// Whether it is deployed.
    pub active: bool,
    /// When it was made.
    pub created_at: String,
}

/// Requests a command keeps in flight at once.
pub const CONCURRENCY: usize = 8;

/// The graph in a version's `data` (JSON text of the elements array).
pub fn graph_of(data: &str) -> Value {
    serde_json::from_str(data).unwrap_or(Value::Null)
}

/// Every route of the gateway, with its deployed graph.
pub async fn deployed(client: &Client, target: &Target) -> Result<Vec<Deployed>, Error> {
    let routes: Vec<_> = client
        .list_stream(&target.account, &target.gateway, Some(100))
        .try_collect()
        .await?;
    Ok(routes
        .into_iter()
        .map(|r| Deployed {
            elements: graph_of(&r.version.data),
            id: r.id,
            name: r.name,
            version_id: r.version.version_id,
        })
        .collect())
}

/// The versions of a route, newest first.
pub async fn versions(client: &Client, target: &Target, id: &str) -> Result<Vec<Version>, Error> {
    let mut versions: Vec<Version> = client
        .list_versions(&target.account, &target.gateway, id)
        .await?
        .versions
        .into_iter()
        .map(|v| Version {
            elements: graph_of(&v.data),
            active: v.active == VersionActive::True,
            id: v.version_id,
            created_at: v.created_at,
        })
        .collect();
    versions.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    Ok(versions)
}

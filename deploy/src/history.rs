//! A route's history, read from the API's own versions and deployments: `history` lists them
//! with what changed between consecutive versions, `rollback` deploys an earlier version.

use std::fmt::Write;

use dynroute_validator::text::safe;

use dynroute_client::models::CreateDeploymentRequest;
use dynroute_client::{Client, Error};

use crate::diff::{Difference, diff};
use crate::remote::{self, Deployed, Target, Version};

/// Why a history command failed.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// No route has that name or id.
    #[error("no route named `{0}` in this gateway")]
    NoRoute(String),
    /// Nothing to roll back to.
    #[error("{0}")]
    Nothing(String),
    /// A request failed.
    #[error(transparent)]
    Api(#[from] Error),
}

/// The route named (or with the id) `route`.
pub async fn find(client: &Client, target: &Target, route: &str) -> Result<Deployed, HistoryError> {
    remote::deployed(client, target)
        .await?
        .into_iter()
        .find(|d| d.name == route || d.id == route)
        .ok_or_else(|| HistoryError::NoRoute(route.to_string()))
}

/// A deployment.
#[derive(Debug, Clone, PartialEq)]
pub struct Deployment {
    /// The version it made live.
    pub version_id: String,
    /// When.
    pub created_at: String,
}

/// A route's versions (oldest first, each with its differences from the one before) and
/// deployments (oldest first).
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// The route.
    pub route: Deployed,
    /// Versions with what changed from the previous one.
    pub versions: Vec<(Version, Vec<Difference>)>,
    /// Deployments.
    pub deployments: Vec<Deployment>,
}

/// Reads a route's history.
pub async fn history(
    client: &Client,
    target: &Target,
    route: &str,
) -> Result<History, HistoryError> {
    let route = find(client, target, route).await?;
    let mut versions = remote::versions(client, target, &route.id).await?;
    versions.reverse();
    let mut previous = serde_json::Value::Array(Vec::new());
    let versions = versions
        .into_iter()
        .map(|v| {
            let changes = diff(&previous, &v.elements);
            previous = v.elements.clone();
            (v, changes)
        })
        .collect();
    let deployments = deployments(client, target, &route.id).await?;
    Ok(History {
        route,
        versions,
        deployments,
    })
}

async fn deployments(client: &Client, target: &Target, id: &str) -> Result<Vec<Deployment>, Error> {
    let mut out: Vec<Deployment> = client
        .list_deployments(&target.account, &target.gateway, id)
        .await?
        .deployments
        .into_iter()
        .map(|d| Deployment {
            version_id: d.version_id,
            created_at: d.created_at,
        })
        .collect();
    // Oldest first; the API's order is not documented, and ties keep the order it gave
    // (newest first), reversed.
    out.reverse();
    out.sort_by(|a, b| a.created_at.cmp(&b.created_at));
    Ok(out)
}

/// The history for people.
pub fn render(history: &History) -> String {
    let mut out = format!(
        "route {} ({}), deployed version {}\n\nversions, oldest first:\n",
        safe(&history.route.name),
        safe(&history.route.id),
        safe(&history.route.version_id)
    );
    for (v, changes) in &history.versions {
        let _ = writeln!(
            out,
            "  {} {}{}",
            safe(&v.created_at),
            safe(&v.id),
            if v.active { "  (deployed)" } else { "" }
        );
        for c in changes {
            let _ = writeln!(out, "      {}", safe(&c.to_string()));
        }
    }
    let _ = writeln!(out, "\ndeployments, oldest first:");
    for d in &history.deployments {
        let _ = writeln!(out, "  {} {}", safe(&d.created_at), safe(&d.version_id));
    }
    out
}

/// Deploys `to`, or else the version deployed before the current one. Returns (from, to).
pub async fn rollback(
    client: &Client,
    target: &Target,
    route: &str,
    to: Option<&str>,
) -> Result<(String, String), HistoryError> {
    let current = find(client, target, route).await?;
    let to = match to {
        Some(version) => {
            let versions = remote::versions(client, target, &current.id).await?;
            if !versions.iter().any(|v| v.id == version) {
                return Err(HistoryError::Nothing(format!(
                    "route `{}` has no version `{version}`",
                    current.name
                )));
            }
            version.to_string()
        }
        None => deployments(client, target, &current.id)
            .await?
            .into_iter()
            .rev()
            .map(|d| d.version_id)
            .find(|v| *v != current.version_id)
            .ok_or_else(|| {
                HistoryError::Nothing(format!(
                    "route `{}` has no earlier deployment to roll back to",
                    current.name
                ))
            })?,
    };
    client
        .create_deployment(
            &target.account,
            &target.gateway,
            &current.id,
            &CreateDeploymentRequest {
                version_id: to.clone(),
            },
        )
        .await?;
    Ok((current.version_id, to))
}

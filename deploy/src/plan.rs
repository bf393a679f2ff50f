//! A plan: per route, what `apply` would do to make the deployed state equal the files, and
//! the deployed version it was planned against (so a stale plan is refused).

use std::fmt::Write;

use dynroute_client::{Client, Error};
use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use dynroute_validator::text::safe;

use crate::canonical::same_graph;
use crate::diff::{Difference, diff};
use crate::local::LocalRoute;
use crate::remote::{self, CONCURRENCY, Deployed, Target};

/// The version of the json plan format.
pub const FORMAT_VERSION: u32 = 1;

/// What happens to one route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// A new route (its first version is deployed).
    Create,
    /// A new version, then its deployment.
    Update,
    /// A deployment of a version that already holds the graph.
    Deploy,
    /// Nothing.
    Unchanged,
    /// The route is deleted (`--prune`, no file names it).
    Delete,
}

/// The plan of one route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Route name.
    pub name: String,
    /// What happens.
    pub action: Action,
    /// The route file (none for a delete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The route's id, when it exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_id: Option<String>,
    /// The version deployed when the plan was made (none for a create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_against: Option<String>,
    /// The existing version a `deploy` makes live.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// The graph the route ends with (create, update, deploy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elements: Option<Value>,
    /// What changes, per element and field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<Difference>,
}

/// A plan for a gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Account id.
    pub account_id: String,
    /// Gateway id.
    pub gateway_id: String,
    /// One entry per route, in name order.
    pub changes: Vec<Change>,
}

impl Plan {
    /// Whether applying the plan changes anything.
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(|c| c.action != Action::Unchanged)
    }

    /// How many routes each action touches: (create, update + deploy, delete, unchanged).
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let count =
            |f: &dyn Fn(Action) -> bool| self.changes.iter().filter(|c| f(c.action)).count();
        (
            count(&|a| a == Action::Create),
            count(&|a| matches!(a, Action::Update | Action::Deploy)),
            count(&|a| a == Action::Delete),
            count(&|a| a == Action::Unchanged),
        )
    }
}

/// Plans the files against what is deployed; with `prune`, deployed routes no file names
/// are deleted. Versions are read only for routes whose graph changed, `CONCURRENCY` at a
/// time.
pub async fn make(
    client: &Client,
    target: &Target,
    local: &[LocalRoute],
    prune: bool,
) -> Result<Plan, Error> {
    let deployed = remote::deployed(client, target).await?;
    let mut changes: Vec<Change> = futures::stream::iter(local.iter().map(|route| {
        let current = deployed.iter().find(|d| d.name == route.name).cloned();
        plan_one(client, target, route, current)
    }))
    .buffer_unordered(CONCURRENCY)
    .try_collect()
    .await?;
    if prune {
        for d in &deployed {
            if !local.iter().any(|l| l.name == d.name) {
                changes.push(Change {
                    name: d.name.clone(),
                    action: Action::Delete,
                    file: None,
                    route_id: Some(d.id.clone()),
                    planned_against: Some(d.version_id.clone()),
                    version_id: None,
                    elements: None,
                    differences: Vec::new(),
                });
            }
        }
    }
    changes.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Plan {
        format_version: FORMAT_VERSION,
        account_id: target.account.clone(),
        gateway_id: target.gateway.clone(),
        changes,
    })
}

async fn plan_one(
    client: &Client,
    target: &Target,
    route: &LocalRoute,
    current: Option<Deployed>,
) -> Result<Change, Error> {
    let mut change = Change {
        name: route.name.clone(),
        action: Action::Create,
        file: Some(route.file.display().to_string()),
        route_id: None,
        planned_against: None,
        version_id: None,
        elements: Some(route.elements.clone()),
        differences: diff(&Value::Array(Vec::new()), &route.elements),
    };
    let Some(current) = current else {
        return Ok(change);
    };
    change.route_id = Some(current.id.clone());
    change.planned_against = Some(current.version_id.clone());
    change.differences = diff(&current.elements, &route.elements);
    if same_graph(&current.elements, &route.elements) {
        change.action = Action::Unchanged;
        change.elements = None;
        return Ok(change);
    }
    let versions = remote::versions(client, target, &current.id).await?;
    match versions
        .iter()
        .find(|v| !v.active && same_graph(&v.elements, &route.elements))
    {
        Some(existing) => {
            change.action = Action::Deploy;
            change.version_id = Some(existing.id.clone());
        }
        None => change.action = Action::Update,
    }
    Ok(change)
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::Create => "create",
        Action::Update => "update (new version, then deploy)",
        Action::Deploy => "deploy an existing version",
        Action::Unchanged => "unchanged",
        Action::Delete => "delete",
    }
}

fn summary(plan: &Plan) -> String {
    let (create, update, delete, unchanged) = plan.counts();
    format!("{create} to create, {update} to update, {delete} to delete, {unchanged} unchanged")
}

/// The plan for people. Names, ids and values come from route files and the server: they
/// are printed through [`safe`], so none of them can start a line of its own or reach the
/// terminal as an escape sequence.
pub fn human(plan: &Plan) -> String {
    let mut out = String::new();
    for c in &plan.changes {
        let _ = write!(out, "{}: {}", safe(&c.name), verb(c.action));
        if let Some(v) = &c.version_id {
            let _ = write!(out, " {}", safe(v));
        }
        out.push('\n');
        if c.action != Action::Delete {
            for d in &c.differences {
                let _ = writeln!(out, "    {}", safe(&d.to_string()));
            }
        }
    }
    let _ = writeln!(out, "\n{}", summary(plan));
    out
}

/// The plan as a pull-request comment.
pub fn markdown(plan: &Plan) -> String {
    let mut out = format!(
        "### dynroute plan: gateway `{}`\n\n{}\n\n| route | action | changes |\n| --- | --- | --- |\n",
        safe(&plan.gateway_id),
        summary(plan)
    );
    for c in &plan.changes {
        let changes = if c.action == Action::Delete || c.action == Action::Unchanged {
            String::new()
        } else {
            c.differences
                .iter()
                .map(|d| {
                    format!(
                        "`{}`",
                        safe(&d.to_string()).replace('`', "'").replace('|', "\\|")
                    )
                })
                .collect::<Vec<_>>()
                .join("<br>")
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            safe(&c.name).replace('|', "\\|"),
            verb(c.action),
            changes
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_values_from_files_cannot_forge_lines_or_colour_the_terminal() {
        let plan = Plan {
            format_version: FORMAT_VERSION,
            account_id: "a".into(),
            gateway_id: "g\u{1b}[2J".into(),
            changes: vec![Change {
                name: "r\nx: delete".into(),
                action: Action::Update,
                file: None,
                route_id: None,
                planned_against: None,
                version_id: None,
                elements: None,
                differences: vec![Difference::Added {
                    element: "m\u{202e}\u{1b}[31m".into(),
                }],
            }],
        };
        for text in [human(&plan), markdown(&plan)] {
            assert!(
                !text.contains('\u{1b}') && !text.contains('\u{202e}'),
                "{text:?}"
            );
            assert!(!text.lines().any(|l| l.starts_with("x: delete")), "{text}");
            assert!(text.contains("r\\u{a}x: delete"), "{text}");
        }
    }
}

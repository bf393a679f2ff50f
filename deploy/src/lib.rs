//! Routes as code: take route files to Cloudflare's Dynamic Routing API safely, using the
//! API's own versions and deployments as the history (no state file).
//!
//! * [`local`] reads and validates the route files of a folder;
//! * [`remote`] reads what is deployed through the generated client;
//! * [`canonical`] says when two graphs are the same and writes the form `pull` saves;
//! * [`diff`] lists the differences per element and field;
//! * [`plan`] decides per route: create, update (a new version, then a deployment), deploy
//!   an existing version, unchanged, delete;
//! * [`apply`] makes a plan so, converging when run again after an interruption;
//! * [`history`] lists versions and deployments, and rolls back.

pub mod apply;
pub mod canonical;
pub mod diff;
pub mod history;
pub mod local;
pub mod plan;
pub mod remote;

use std::path::{Path, PathBuf};

use dynroute_client::{Client, Error};

use remote::Target;

/// A file name for a route name: characters other than letters, digits, `.`, `_` and `-`
/// become `_`.
pub fn file_name(route: &str) -> String {
    let stem: String = route
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stem = stem.trim_start_matches('.');
    format!("{}.json", if stem.is_empty() { "_" } else { stem })
}

/// Writes every deployed route of the gateway as `dir/<name>.json` in canonical form;
/// returns the files written.
pub async fn pull(client: &Client, target: &Target, dir: &Path) -> Result<Vec<PathBuf>, PullError> {
    let deployed = remote::deployed(client, target).await?;
    std::fs::create_dir_all(dir).map_err(|e| PullError::Io(dir.to_path_buf(), e))?;
    let mut written = Vec::new();
    for route in deployed {
        let path = dir.join(file_name(&route.name));
        std::fs::write(&path, canonical::document(&route.name, &route.elements))
            .map_err(|e| PullError::Io(path.clone(), e))?;
        written.push(path);
    }
    Ok(written)
}

/// Why a pull failed.
#[derive(Debug, thiserror::Error)]
pub enum PullError {
    /// A request failed.
    #[error(transparent)]
    Api(#[from] Error),
    /// A file could not be written.
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_safe() {
        assert_eq!(super::file_name("support"), "support.json");
        assert_eq!(super::file_name("a/b c"), "a_b_c.json");
        assert_eq!(super::file_name("../x"), "_x.json");
        assert_eq!(super::file_name(""), "_.json");
    }
}

//! The route files of a folder: every `*.json` that is not a test file (`*.test.json`) or
//! hidden, each a route document checked by the validator first.

use std::path::{Path, PathBuf};

use dynroute_validator::files::is_route_file_name;
use dynroute_validator::{Config, Report, Severity, check_bytes};
use serde_json::Value;

/// A route file that passed validation.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalRoute {
    /// The file.
    pub file: PathBuf,
    /// The route's `name`.
    pub name: String,
    /// Its `elements`, in file order.
    pub elements: Value,
}

/// Why the folder cannot be planned.
#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    /// The folder or a file could not be read.
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    /// Files with errors, with their reports.
    #[error("{} route file(s) have errors", .0.len())]
    Invalid(Vec<Report>),
    /// A file is valid but not a route document (`name` and `elements`).
    #[error("{0}: not a route document with `name` and `elements`")]
    NotADocument(PathBuf),
    /// Two files name the same route.
    #[error("{0} and {1} both define the route `{2}`")]
    SameName(PathBuf, PathBuf, String),
    /// The embedded schema is unusable.
    #[error("the route schema is unusable: {0}")]
    Schema(String),
}

/// The route files of `dir`, in name order.
pub fn route_files(dir: &Path) -> Result<Vec<PathBuf>, LocalError> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| LocalError::Io(dir.to_path_buf(), e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(is_route_file_name)
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Reads and validates every route file of `dir`; any error stops with every report.
pub fn read(dir: &Path) -> Result<Vec<LocalRoute>, LocalError> {
    let mut invalid = Vec::new();
    let mut routes: Vec<LocalRoute> = Vec::new();
    for file in route_files(dir)? {
        let bytes = std::fs::read(&file).map_err(|e| LocalError::Io(file.clone(), e))?;
        let report = check_bytes(&file.display().to_string(), bytes, &Config::default())
            .map_err(|e| LocalError::Schema(e.to_string()))?;
        if report
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
        {
            invalid.push(report);
            continue;
        }
        let document: Value = serde_json::from_str(&report.text)
            .map_err(|_| LocalError::NotADocument(file.clone()))?;
        let (Some(name), Some(elements)) = (
            document.get("name").and_then(Value::as_str),
            document.get("elements").filter(|e| e.is_array()),
        ) else {
            return Err(LocalError::NotADocument(file));
        };
        if let Some(other) = routes.iter().find(|r| r.name == name) {
            return Err(LocalError::SameName(
                other.file.clone(),
                file,
                name.to_string(),
            ));
        }
        routes.push(LocalRoute {
            file,
            name: name.to_string(),
            elements: elements.clone(),
        });
    }
    if invalid.is_empty() {
        Ok(routes)
    } else {
        Err(LocalError::Invalid(invalid))
    }
}

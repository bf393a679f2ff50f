//! What create and create-version accept: the validator runs on the route document. Schema
//! errors (missing fields, wrong types, an unknown `type`) and percentage keys (`else`, a
//! sum other than 100 %) are what the live API is known or documented to reject (400, code
//! 7001); other graph-rule errors are rejected too with `--strict`, else the version is
//! saved with `is_valid: false`.

use axum::http::StatusCode;
use dynroute_validator::{Config, Severity, check_source};
use serde_json::Value;

use crate::reply::ApiError;

/// Rules whose errors the live API is known to reject.
const REJECTED: &[&str] = &["schema", "invalid-json", "duplicate-key", "percentage-sum"];

/// Whether a graph the API accepts is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// No error.
    Valid,
    /// Graph-rule errors only: saved with `is_valid: false`.
    Invalid,
}

/// Checks a route document (`{"name", "elements"}`).
pub fn route(document: &Value, strict: bool) -> Result<Verdict, ApiError> {
    let text = document.to_string();
    let diagnostics = check_source("body", &text, &Config::default())
        .map_err(|e| ApiError::internal(format!("the route schema is unusable: {e}")))?;
    let errors: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let rejected: Vec<(u32, String)> = errors
        .iter()
        .filter(|d| strict || REJECTED.contains(&d.rule))
        .map(|d| {
            let at = if d.pointer.is_empty() {
                "/"
            } else {
                &d.pointer
            };
            (7001, format!("{at}: {} [{}]", d.message, d.rule))
        })
        .collect();
    if !rejected.is_empty() {
        return Err(ApiError {
            status: StatusCode::BAD_REQUEST,
            errors: rejected,
        });
    }
    Ok(if errors.is_empty() {
        Verdict::Valid
    } else {
        Verdict::Invalid
    })
}

//! The route engine: what a route does with a request, before it is deployed.
//!
//! A route file is checked by the validator first; a route with errors is refused with the
//! validator's diagnostics ([`load`]). A valid one is compiled into a [`Graph`] and a
//! [`Request`] (metadata, headers, body) is walked through it ([`trace()`]): conditions are
//! evaluated ([`condition`], [`eval`]), percentage draws, model attempts and rate counters
//! come from [`Pins`], and each element's decision ([`step`]) is recorded with its reason.
//! Without a pinned draw, [`distribution()`] gives the exact probability of every outcome in
//! time linear in the graph. [`render`] writes a trace for people.
//!
//! Route tests: [`text`] reads a test file (JSON or YAML) with the position of every node,
//! [`suite`] turns it into cases, runs them and measures the coverage of output edges, and
//! [`report`] writes the results (human, json, junit, github).
//!
//! The engine does no I/O and pulls no HTTP or async crate.
//!
//! ```
//! use dynroute_engine::{Outcome, Pins, Request, load, trace};
//!
//! let text = br#"{"name": "r", "elements": [
//!   {"id": "s", "type": "start", "outputs": {"next": {"elementId": "is_free"}}},
//!   {"id": "is_free", "type": "conditional",
//!    "properties": {"conditions": {"metadata.plan": {"$eq": "free"}}},
//!    "outputs": {"true": {"elementId": "small"}, "false": {"elementId": "large"}}},
//!   {"id": "small", "type": "model",
//!    "properties": {"provider": "workers-ai", "model": "llama", "timeout": 1000, "retries": 0},
//!    "outputs": {"success": {"elementId": "e"}, "fallback": {"elementId": "e"}}},
//!   {"id": "large", "type": "model",
//!    "properties": {"provider": "openai", "model": "gpt-4o", "timeout": 1000, "retries": 1},
//!    "outputs": {"success": {"elementId": "e"}, "fallback": {"elementId": "e"}}},
//!   {"id": "e", "type": "end", "outputs": {}}
//! ]}"#;
//! let reasons = &dynroute_validator::schema::Compiled;
//! let graph = load("route.json", text.to_vec(), reasons).expect("a valid route");
//! let request: Request = serde_json::from_str(r#"{"metadata": {"plan": "free"}}"#)?;
//! let t = trace(&graph, &request, &Pins::default());
//! assert_eq!(t.outcome, Outcome::Served);
//! assert_eq!(t.model.as_deref(), Some("llama"));
//! assert_eq!(t.path, ["s", "is_free", "small", "e"]);
//! # Ok::<(), serde_json::Error>(())
//! ```

pub mod eval;
pub mod graph;
pub mod pins;
pub mod render;
pub mod report;
pub mod request;
pub mod step;
pub mod suite;
pub mod text;
pub mod timeline;
pub mod trace;

pub use dynroute_validator::condition;
pub use graph::{Graph, GraphError};
pub use pins::{Attempt, Draw, Pins, Script};
pub use request::Request;
pub use trace::{Distribution, Outcome, Share, Trace, distribution, trace};

use dynroute_validator::schema::Reasons;
use dynroute_validator::{Config, Report, Severity, document, parse};

/// Why a route file cannot be traced.
#[derive(Debug)]
pub enum Refusal {
    /// The validator found errors; the report holds them (errors only).
    Invalid(Report),
    /// The embedded schema could not be compiled (a build defect), or the reasons could not
    /// say why the file fails it (the hook's helper could not be reached).
    Schema(dynroute_validator::schema::SchemaError),
    /// The route passed validation but cannot be compiled (a rule turned off).
    Graph(GraphError),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Invalid(report) => write!(
                f,
                "{} is not a valid route ({} error(s))",
                report.file,
                report.diagnostics.len()
            ),
            Refusal::Schema(e) => e.fmt(f),
            Refusal::Graph(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Refusal {}

/// Validates a route file's bytes with the validator's default rules, `reasons` saying why a
/// file fails the route schema, and compiles the route. Errors refuse a route, warnings do
/// not.
pub fn load(file: &str, bytes: Vec<u8>, reasons: &'static dyn Reasons) -> Result<Graph, Refusal> {
    let config = Config::with_reasons(reasons);
    let mut report =
        dynroute_validator::check_bytes(file, bytes, &config).map_err(Refusal::Schema)?;
    report.diagnostics.retain(|d| d.severity == Severity::Error);
    if !report.diagnostics.is_empty() {
        return Err(Refusal::Invalid(report));
    }
    let invalid = |message: &str| {
        Refusal::Graph(GraphError {
            pointer: String::new(),
            message: message.to_string(),
        })
    };
    let parsed = parse::parse(&report.text).map_err(|e| invalid(&e.message))?;
    let doc = document::extract(parsed.root()).map_err(|f| invalid(&f.message))?;
    let (elements, pointer) = doc
        .elements
        .ok_or_else(|| invalid("the file holds no route elements"))?;
    let serde_json::Value::Array(items) = elements.to_value() else {
        return Err(invalid("the elements are not an array"));
    };
    Graph::new(&items, &pointer).map_err(Refusal::Graph)
}

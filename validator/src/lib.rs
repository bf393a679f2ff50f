//! Validation of Cloudflare AI Gateway Dynamic Routing route files, and the `dynroute`
//! command line.
//!
//! The pipeline runs one way, one module per step:
//! text -> [`parse`] (strict JSON with positions, duplicate keys) -> [`document`] (route,
//! bare array or API envelope) -> [`schema`] (JSON Schema, per element type) -> [`route`] +
//! [`rules`] (graph rules and warnings) -> [`Diagnostic`]s with line:column. Rendering lives at
//! the command-line edge ([`cli`]).
//!
//! ```
//! let text = r#"{"name": "r", "elements": [
//!   {"id": "s", "type": "start", "outputs": {"next": {"elementId": "nowhere"}}}
//! ]}"#;
//! let diagnostics = dynroute_validator::check_source("route.json", text, &Default::default())?;
//! assert!(diagnostics.iter().any(|d| d.rule == "dangling-reference" && d.line == 2));
//! # Ok::<(), dynroute_validator::schema::SchemaError>(())
//! ```

pub mod cli;
pub mod diagnostic;
pub mod document;
pub mod draw;
pub mod locate;
pub mod parse;
pub mod pointer;
pub mod route;
pub mod rules;
pub mod schema;
pub mod source;
pub mod suggest;

use std::collections::HashMap;

pub use diagnostic::{Diagnostic, Finding, Position, Severity};
pub use rules::{RULES, Rule};

use crate::rules::names;

/// Per-rule severity overrides (`--allow`, `--warn`, `--deny`).
#[derive(Debug, Clone, Default)]
pub struct Config {
    overrides: HashMap<&'static str, Option<Severity>>,
}

/// A rule name that no rule has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule `{0}` (run `dynroute explain` for the list)")]
pub struct UnknownRule(pub String);

impl Config {
    /// Sets a rule's severity; `None` turns the rule off.
    pub fn set(&mut self, rule: &str, severity: Option<Severity>) -> Result<(), UnknownRule> {
        let rule = rules::rule(rule).ok_or_else(|| UnknownRule(rule.to_string()))?;
        self.overrides.insert(rule.name, severity);
        Ok(())
    }

    /// The effective severity of a rule, `None` when it is off.
    pub fn severity(&self, rule: &str) -> Option<Severity> {
        match self.overrides.get(rule) {
            Some(s) => *s,
            None => Some(rules::rule(rule).map_or(Severity::Error, |r| r.default_severity)),
        }
    }
}

/// One input after checking: the text its snippets are drawn from and what was found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The name shown in diagnostics (`<stdin>` for standard input).
    pub file: String,
    /// The text, with invalid UTF-8 sequences replaced by U+FFFD.
    pub text: String,
    /// The findings, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks a file's bytes. Bytes that are not UTF-8 give one `invalid-json` finding at the
/// first invalid sequence. Fails only when the embedded schema is unusable.
pub fn check_bytes(
    file: &str,
    bytes: Vec<u8>,
    config: &Config,
) -> Result<Report, schema::SchemaError> {
    let (text, diagnostics) = match String::from_utf8(bytes) {
        Ok(text) => {
            let diagnostics = check_source(file, &text, config)?;
            (text, diagnostics)
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            // The lossy text has the same bytes up to the first invalid sequence, so `at`
            // is a position in it too.
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let finding = Finding::new(
                names::INVALID_JSON,
                "",
                "the file is not valid UTF-8",
                "JSON text must be UTF-8: re-save the file with UTF-8 encoding",
            );
            let diagnostics = to_diagnostics(file, &text, vec![finding], &[(at, at)], config);
            (text, diagnostics)
        }
    };
    Ok(Report {
        file: file.to_string(),
        text,
        diagnostics,
    })
}

/// Checks one file's text. `file` is only copied into the diagnostics. Fails only when the
/// embedded schema is unusable, which is a build defect, not a property of the input.
pub fn check_source(
    file: &str,
    text: &str,
    config: &Config,
) -> Result<Vec<Diagnostic>, schema::SchemaError> {
    let schema = schema::embedded()?;
    let parsed = match parse::parse(text) {
        Ok(p) => p,
        Err(e) => {
            let finding = Finding::new(
                names::INVALID_JSON,
                "",
                e.message,
                "the file must be strict JSON: no comments, trailing commas or single quotes",
            );
            let ranges = [(e.start, e.end)];
            return Ok(to_diagnostics(file, text, vec![finding], &ranges, config));
        }
    };
    let findings = findings(schema, &parsed.value, parsed.duplicates);
    let ranges: Vec<(usize, usize)> = findings
        .iter()
        .map(|f| {
            let at = locate::locate(&parsed.ast, &f.pointer, f.at_key);
            (at.start, at.end)
        })
        .collect();
    Ok(to_diagnostics(file, text, findings, &ranges, config))
}

/// Runs every rule after parsing. Rules run as far as the document allows: schema errors
/// do not stop the graph rules, which read whatever is well-formed.
fn findings(
    schema: &schema::RouteSchema,
    value: &serde_json::Value,
    mut out: Vec<Finding>,
) -> Vec<Finding> {
    let doc = match document::extract(value) {
        Ok(doc) => doc,
        Err(finding) => {
            out.push(finding);
            return out;
        }
    };
    if let Some((route, pointer)) = &doc.route {
        schema.check_route(route, pointer, &mut out);
        if doc.shape == document::Shape::Route {
            rules::suspicious::check_route_fields(schema, route, pointer, &mut out);
        }
    }
    // Without an elements array there is no graph; the document schema has reported why.
    let Some((elements, pointer)) = &doc.elements else {
        return out;
    };
    let Some(items) = elements.as_array() else {
        return out;
    };
    schema.check_elements(items, pointer, &mut out);
    let route = route::Route::new(elements, pointer);
    rules::graph::check(&route, &mut out);
    rules::percentage::check(&route, &mut out);
    rules::suspicious::check(schema, &route, &mut out);
    out
}

fn to_diagnostics(
    file: &str,
    text: &str,
    findings: Vec<Finding>,
    ranges: &[(usize, usize)],
    config: &Config,
) -> Vec<Diagnostic> {
    let index = source::LineIndex::new(text);
    let offsets: Vec<usize> = ranges.iter().flat_map(|&(s, e)| [s, e]).collect();
    let positions = index.positions(text, &offsets);
    let mut out: Vec<Diagnostic> = findings
        .into_iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let severity = config.severity(f.rule)?;
            let start = positions[2 * i];
            let end = positions[2 * i + 1];
            Some(Diagnostic {
                file: file.to_string(),
                rule: f.rule,
                severity,
                message: f.message,
                help: f.help,
                pointer: f.pointer,
                line: start.line,
                column: start.column,
                end: (end.offset > start.offset).then_some(end),
                offset: start.offset,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (a.line, a.column, a.rule, &a.message).cmp(&(b.line, b.column, b.rule, &b.message))
    });
    out
}

//! Validation of Cloudflare AI Gateway Dynamic Routing route files.
//!
//! The pipeline runs one way, one module per step:
//! text -> [`parse`] (strict JSON with positions, duplicate keys) -> [`document`] (route,
//! bare array or API envelope) -> [`schema`] (JSON Schema, per element type) -> [`route`] +
//! [`rules`] (graph rules and warnings) -> [`Diagnostic`]s with line:column -> [`output`]
//! (human, short, json, sarif, github). Every rule is declared once, in the leaf module
//! [`registry`], which the steps read. [`draw_bytes`] draws a file's graph instead
//! ([`draw`]). The `dynroute` command (package `dynroute`) is a front over this library.
//!
//! ```
//! let text = r#"{"name": "r", "elements": [
//!   {"id": "s", "type": "start", "outputs": {"next": {"elementId": "nowhere"}}}
//! ]}"#;
//! let diagnostics = dynroute_validator::check_source("route.json", text, &Default::default())?;
//! assert!(diagnostics.iter().any(|d| d.rule == "dangling-reference" && d.line == 2));
//! # Ok::<(), dynroute_validator::schema::SchemaError>(())
//! ```

pub mod condition;
pub mod diagnostic;
pub mod document;
pub mod draw;
pub mod fields;
pub mod files;
pub mod locate;
pub mod output;
pub mod parse;
pub mod pointer;
pub mod registry;
pub mod route;
pub mod rules;
pub mod schema;
pub mod source;
pub mod suggest;
pub mod text;
pub mod tree;
mod verdict;

#[cfg(all(fuzzing, feature = "generated"))]
#[doc(hidden)]
pub use verdict::verdicts;

use std::collections::HashMap;

pub use diagnostic::{Diagnostic, Finding, Position};
pub use registry::{RULES, Rule, Severity};

use crate::registry::names;

/// What the pipeline reports: per-rule severity overrides (`--allow`, `--warn`, `--deny`),
/// the most findings kept per file, and what says why a file fails the route schema (by
/// default the schema compiled in this process, [`schema::Compiled`]).
#[derive(Debug, Clone)]
pub struct Config {
    overrides: HashMap<&'static str, Option<Severity>>,
    limit: Option<usize>,
    reasons: &'static dyn schema::Reasons,
}

impl Default for Config {
    fn default() -> Self {
        Config::with_reasons(&schema::Compiled)
    }
}

/// A rule setting that cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A rule name that no rule has, with the closest name when one is close.
    #[error("unknown rule `{name}`{}", suggestion.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default() + "; run `dynroute explain` for the list")]
    UnknownRule {
        /// The name given.
        name: String,
        /// The closest rule name, when one is close enough to be a typo.
        suggestion: Option<&'static str>,
    },
    /// `invalid-json` and `schema` are always errors: a file that is not a route never passes.
    #[error("rule `{0}` is always an error: a file that is not a route never passes")]
    Fixed(&'static str),
}

impl ConfigError {
    /// The error for a name that no rule has.
    pub fn unknown(name: &str) -> Self {
        ConfigError::UnknownRule {
            name: name.to_string(),
            suggestion: suggest::closest(name, RULES.iter().map(|r| r.name))
                .and_then(|s| registry::rule(s).map(|r| r.name)),
        }
    }
}

/// The rules whose severity cannot change: what they report is not a route at all.
pub const FIXED_RULES: [&str; 2] = [names::INVALID_JSON, names::SCHEMA];

impl Config {
    /// The default settings, with `reasons` saying why a file fails the route schema.
    pub fn with_reasons(reasons: &'static dyn schema::Reasons) -> Self {
        Config {
            overrides: HashMap::new(),
            limit: None,
            reasons,
        }
    }

    /// Whether a rule can be given a severity: the rule's own name when it can (an unknown
    /// name is refused with the closest rule; `invalid-json` and `schema` are always errors).
    pub fn check(rule: &str, severity: Option<Severity>) -> Result<&'static str, ConfigError> {
        let rule = registry::rule(rule).ok_or_else(|| ConfigError::unknown(rule))?;
        if FIXED_RULES.contains(&rule.name) && severity != Some(Severity::Error) {
            return Err(ConfigError::Fixed(rule.name));
        }
        Ok(rule.name)
    }

    /// Sets a rule's severity; `None` turns the rule off. A later setting of the same rule
    /// replaces an earlier one. `invalid-json` and `schema` can only be set to error.
    pub fn set(&mut self, rule: &str, severity: Option<Severity>) -> Result<(), ConfigError> {
        let name = Config::check(rule, severity)?;
        self.overrides.insert(name, severity);
        Ok(())
    }

    /// Keeps at most `max` findings per file (errors first, then warnings, each in file
    /// order); `None` keeps all. The [`Report`] counts what was left out.
    pub fn limit(&mut self, max: Option<usize>) {
        self.limit = max;
    }

    /// The effective severity of a rule, `None` when it is off.
    pub fn severity(&self, rule: &str) -> Option<Severity> {
        match self.overrides.get(rule) {
            Some(s) => *s,
            None => Some(registry::rule(rule).map_or(Severity::Error, |r| r.default_severity)),
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
    /// Findings left out by [`Config::limit`].
    pub omitted: Counts,
}

/// Errors and warnings counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
}

impl Counts {
    /// Errors plus warnings.
    pub fn total(self) -> usize {
        self.errors + self.warnings
    }
}

impl Report {
    /// Every finding of the file, those left out by the limit included.
    pub fn counts(&self) -> Counts {
        let errors = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Counts {
            errors: errors + self.omitted.errors,
            warnings: self.diagnostics.len() - errors + self.omitted.warnings,
        }
    }
}

/// Checks a file's bytes. Bytes that are not UTF-8 give one `invalid-json` finding at the
/// first invalid sequence. Fails only when the embedded schema is unusable or the config's
/// [`schema::Reasons`] cannot say why the file fails it.
pub fn check_bytes(
    file: &str,
    bytes: Vec<u8>,
    config: &Config,
) -> Result<Report, schema::SchemaError> {
    let (text, (diagnostics, omitted)) = match String::from_utf8(bytes) {
        Ok(text) => {
            let found = check_text(file, &text, config)?;
            (text, found)
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
            let found = to_diagnostics(file, &text, vec![finding], &[(at, at)], config);
            (text, found)
        }
    };
    Ok(Report {
        file: file.to_string(),
        text,
        diagnostics,
        omitted,
    })
}

/// Checks one file's text. `file` is only copied into the diagnostics. Fails only when the
/// embedded schema is unusable, which is a build defect, not a property of the input, or
/// when the config's [`schema::Reasons`] cannot say why the file fails it.
/// Findings beyond [`Config::limit`] are left out; [`check_bytes`] counts them.
pub fn check_source(
    file: &str,
    text: &str,
    config: &Config,
) -> Result<Vec<Diagnostic>, schema::SchemaError> {
    check_text(file, text, config).map(|(diagnostics, _)| diagnostics)
}

/// The findings of one text, and how many the limit left out.
fn check_text(
    file: &str,
    text: &str,
    config: &Config,
) -> Result<(Vec<Diagnostic>, Counts), schema::SchemaError> {
    let mut parsed = match parse::parse(text) {
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
    let duplicates = std::mem::take(&mut parsed.duplicates);
    let findings = findings(config.reasons, text, parsed.root(), duplicates)?;
    let wanted: Vec<(&str, bool)> = findings
        .iter()
        .map(|f| (f.pointer.as_str(), f.at_key))
        .collect();
    let ranges: Vec<(usize, usize)> = locate::locate_all(&parsed, &wanted)
        .into_iter()
        .map(|at| (at.start, at.end))
        .collect();
    Ok(to_diagnostics(file, text, findings, &ranges, config))
}

/// Runs every rule after parsing `text` into `value`. Rules run as far as the document
/// allows: schema errors do not stop the graph rules, which read whatever is well-formed.
fn findings(
    reasons: &dyn schema::Reasons,
    text: &str,
    value: tree::Json<'_>,
    mut out: Vec<Finding>,
) -> Result<Vec<Finding>, schema::SchemaError> {
    let doc = match document::extract(value) {
        Ok(doc) => doc,
        Err(finding) => {
            out.push(finding);
            return Ok(out);
        }
    };
    let elements = doc
        .elements
        .as_ref()
        .filter(|(elements, _)| elements.is_array());
    // The quick verdict first: the reasons only say why a file fails. A route's elements
    // are its own `elements`, which the route's verdict covers.
    let valid = match (&doc.route, elements) {
        (Some((route, _)), _) => verdict::route(*route),
        (None, Some((elements, _))) => elements.items().all(verdict::element),
        (None, None) => false,
    };
    if !valid {
        reasons.explain(text, &doc, &mut out)?;
    }
    // Without an elements array there is no graph; the document schema has reported why.
    let graph = elements.map(|(elements, pointer)| route::Route::new(*elements, pointer));
    // Only a route document's own keys are route fields: an API response's are not.
    let document = match (&doc.route, doc.shape) {
        (Some((route, pointer)), document::Shape::Route) => Some((*route, pointer.as_str())),
        _ => None,
    };
    rules::run(
        &rules::Context::new(document, graph, schema::known_fields()?),
        &mut out,
    );
    Ok(out)
}

/// What [`draw_bytes`] makes of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drawing {
    /// The picture of the route graph.
    Picture(String),
    /// There is no graph to draw: the bytes are not UTF-8 or not JSON, or hold no elements
    /// array. The report holds the errors [`check_bytes`] finds in the file, which say why.
    Undrawable(Report),
}

/// Draws the route graph in a file's bytes, tolerating everything but what leaves no graph
/// (as the graph rules do). A file without one is checked with `config` to say why. Fails
/// only when the embedded schema is unusable or the reasons cannot be had.
pub fn draw_bytes(
    file: &str,
    bytes: Vec<u8>,
    format: draw::GraphFormat,
    config: &Config,
) -> Result<Drawing, schema::SchemaError> {
    if let Ok(text) = std::str::from_utf8(&bytes)
        && let Ok(parsed) = parse::parse(text)
        && let Ok(document::Document {
            elements: Some((elements, pointer)),
            ..
        }) = document::extract(parsed.root())
    {
        let route = route::Route::new(elements, &pointer);
        return Ok(Drawing::Picture(draw::draw(&route, format)));
    }
    let mut report = check_bytes(file, bytes, config)?;
    report.diagnostics.retain(|d| d.severity == Severity::Error);
    Ok(Drawing::Undrawable(report))
}

/// Positions the findings that are on (with their configured severity), keeping at most
/// the configured number: errors first, then warnings, each in file order. Returns them
/// sorted by position, and the counts of those left out.
fn to_diagnostics(
    file: &str,
    text: &str,
    findings: Vec<Finding>,
    ranges: &[(usize, usize)],
    config: &Config,
) -> (Vec<Diagnostic>, Counts) {
    let mut on: Vec<(Severity, usize, Finding)> = findings
        .into_iter()
        .enumerate()
        .filter_map(|(i, f)| Some((config.severity(f.rule)?, i, f)))
        .collect();
    let mut omitted = Counts::default();
    if let Some(max) = config.limit
        && on.len() > max
    {
        on.sort_by_key(|&(severity, i, _)| (severity, ranges[i].0));
        for (severity, _, _) in on.drain(max..) {
            match severity {
                Severity::Error => omitted.errors += 1,
                Severity::Warning => omitted.warnings += 1,
            }
        }
    }
    if on.is_empty() {
        return (Vec::new(), omitted);
    }
    let index = source::LineIndex::new(text);
    let offsets: Vec<usize> = on
        .iter()
        .flat_map(|&(_, i, _)| [ranges[i].0, ranges[i].1])
        .collect();
    let positions = index.positions(text, &offsets);
    let mut out: Vec<Diagnostic> = on
        .into_iter()
        .zip(positions.chunks_exact(2))
        .map(|((severity, _, f), at)| {
            let (start, end) = (at[0], at[1]);
            Diagnostic {
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
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.line, a.column, a.rule, &a.message).cmp(&(b.line, b.column, b.rule, &b.message))
    });
    (out, omitted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draw::GraphFormat;

    fn draw(text: &[u8]) -> Drawing {
        draw_bytes(
            "in.json",
            text.to_vec(),
            GraphFormat::Mermaid,
            &Config::default(),
        )
        .expect("schema compiles")
    }

    #[test]
    fn route_fields_are_checked_without_an_elements_array() {
        let text = r#"{"name": "r", "nmae": 1, "$schema": "x.json"}"#;
        let found: Vec<(&str, String)> = check_source("r.json", text, &Config::default())
            .expect("schema compiles")
            .into_iter()
            .map(|d| (d.rule, d.pointer))
            .collect();
        assert_eq!(
            found,
            [
                ("schema", String::new()),
                ("ignored-property", "/nmae".to_string())
            ]
        );
    }

    #[test]
    fn a_graph_is_drawn_whatever_the_rules_say_about_it() {
        let looping = br#"[{"id": "s", "type": "start", "outputs": {"next": {"elementId": "s"}}}]"#;
        let Drawing::Picture(picture) = draw(looping) else {
            panic!("no picture")
        };
        assert!(picture.starts_with("flowchart TD\n"), "{picture}");
        assert!(matches!(
            draw(br#"{"name": "r", "elements": 5}"#),
            Drawing::Picture(_)
        ));
    }

    #[test]
    fn without_a_graph_the_errors_say_why() {
        for (text, rule) in [
            (&b"{"[..], "invalid-json"),
            (b"\xff", "invalid-json"),
            (b"null", "schema"),
            (br#"{"name": "r", "nmae": 1}"#, "schema"),
            (br#"{"result": {"version": {}}}"#, "schema"),
        ] {
            let Drawing::Undrawable(report) = draw(text) else {
                panic!("{text:?} is drawn")
            };
            assert_eq!(report.file, "in.json");
            assert!(!report.diagnostics.is_empty(), "{text:?}");
            assert!(
                report
                    .diagnostics
                    .iter()
                    .all(|d| d.rule == rule && d.severity == Severity::Error),
                "{text:?}: {:?}",
                report.diagnostics
            );
        }
    }

    /// Reasons that answer with one finding at the route's name, or fail, and count the
    /// texts they were asked about.
    #[derive(Debug)]
    struct Counted {
        fail: bool,
        asked: std::sync::Mutex<Vec<String>>,
    }

    impl schema::Reasons for Counted {
        fn explain(
            &self,
            text: &str,
            document: &document::Document<'_>,
            out: &mut Vec<Finding>,
        ) -> Result<(), schema::SchemaError> {
            self.asked.lock().unwrap().push(text.to_string());
            if self.fail {
                return Err(schema::SchemaError::Reasons("no helper".to_string()));
            }
            let at = document.route.as_ref().map_or("", |(_, p)| p.as_str());
            out.push(Finding::new(
                names::SCHEMA,
                format!("{at}/name"),
                "said",
                "so",
            ));
            Ok(())
        }
    }

    #[cfg(feature = "generated")]
    #[test]
    fn the_reasons_are_asked_only_about_a_file_that_fails_the_verdict() {
        static ANSWERS: Counted = Counted {
            fail: false,
            asked: std::sync::Mutex::new(Vec::new()),
        };
        let config = Config::with_reasons(&ANSWERS);
        let valid = include_str!("../../spec/examples/valid/support-route.json");
        assert!(check_source("v.json", valid, &config).unwrap().is_empty());
        assert!(ANSWERS.asked.lock().unwrap().is_empty());

        let invalid = "{\"name\": \"r\",\n \"elements\": 5}";
        let found = check_source("i.json", invalid, &config).unwrap();
        assert_eq!(*ANSWERS.asked.lock().unwrap(), [invalid]);
        let said: Vec<_> = found
            .iter()
            .map(|d| (d.rule, d.message.as_str(), d.pointer.as_str(), d.line))
            .collect();
        assert_eq!(said, [("schema", "said", "/name", 1)]);
    }

    #[test]
    fn reasons_that_cannot_answer_fail_the_check() {
        static NONE: Counted = Counted {
            fail: true,
            asked: std::sync::Mutex::new(Vec::new()),
        };
        let error = check_source("i.json", "{}", &Config::with_reasons(&NONE)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "cannot say why the file does not match the route schema: no helper"
        );
    }
}

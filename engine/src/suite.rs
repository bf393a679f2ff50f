//! Route tests: cases read from a test file, run against their routes, checked against
//! their expectations, with the coverage of every output edge.
//!
//! A test file (JSON or YAML) names a route and its cases:
//!
//! ```yaml
//! route: support.json
//! cases:
//!   - name: free users go to workers-ai
//!     request: {metadata: {plan: free, user_id: "42"}}
//!     expect: {outcome: served, model: "@cf/meta/llama-3.1-8b-instruct"}
//!   - name: "{plan} plan"
//!     request: {metadata: {plan: "{plan}"}}
//!     draw: 50
//!     expect: {model: "{model}"}
//!     rows:
//!       - {plan: pro, model: gpt-4o-mini}
//!       - {plan: team, model: gpt-4o-mini}
//! ```
//!
//! The engine does no I/O: [`run_case`] runs a case against a route its caller has loaded
//! from the path the case names.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::graph::{Graph, Kind};
use crate::pins::{Attempt, Draw, Pins, Script};
use crate::request::Request;
use crate::step::{self, Next};
use crate::text::Document;
use crate::timeline::{Counters, Window};
use crate::trace::{Outcome, Share, Trace, distribution, trace};

/// Keys of a test file.
pub const FILE_KEYS: &[&str] = &["$schema", "route", "cases"];
/// Keys of a case.
pub const CASE_KEYS: &[&str] = &[
    "name", "route", "request", "draw", "fail", "attempts", "used", "window", "sequence", "expect",
    "rows",
];
/// Keys of an item of `sequence`.
pub const TIMED_KEYS: &[&str] = &["at", "times", "request", "cost", "expect"];
/// The most requests one sequence may send.
pub const MAX_SEQUENCE: u64 = 1_000_000;
/// Keys of `expect`.
pub const EXPECT_KEYS: &[&str] = &[
    "outcome",
    "provider",
    "model",
    "element",
    "path",
    "distribution",
    "tolerance",
];
/// Keys of an item of `expect.distribution`.
pub const SHARE_KEYS: &[&str] = &["outcome", "provider", "model", "element", "probability"];
/// The tolerance of probabilities when `expect.tolerance` is not given.
pub const DEFAULT_TOLERANCE: f64 = 1e-9;

/// A malformed test file: where and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormatError {
    /// JSON pointer in the test file.
    pub pointer: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// One case, rows expanded.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// The name (placeholders filled in).
    pub name: String,
    /// The route path as written.
    pub route: String,
    /// Where the case (or its row) is written.
    pub pointer: String,
    /// Its line.
    pub line: usize,
    /// Its column.
    pub column: usize,
    /// The request.
    pub request: Request,
    /// Draws, scripts and counters.
    pub pins: Pins,
    /// What must hold (of the last request of a sequence).
    pub expect: Option<Expect>,
    /// How rate windows move over the sequence.
    pub window: Window,
    /// Timed requests sent in order; empty for a case of one request.
    pub sequence: Vec<Timed>,
}

/// Requests of a sequence sent at one time.
#[derive(Debug, Clone, PartialEq)]
pub struct Timed {
    /// Seconds since the sequence started.
    pub at: f64,
    /// How many identical requests are sent.
    pub times: u64,
    /// The request: the case's, with this item's metadata and headers over it and its body.
    pub request: Request,
    /// What each request costs when served, for cost limits.
    pub cost: f64,
    /// What must hold of each of these requests.
    pub expect: Option<Expect>,
    /// Where the item is written.
    pub pointer: String,
    /// Its line.
    pub line: usize,
    /// Its column.
    pub column: usize,
}

/// The expectations of a case; `None` checks nothing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Expect {
    /// `served`, `failed` or `error`.
    pub outcome: Option<Outcome>,
    /// The provider that serves (`Some(None)`: nothing serves).
    pub provider: Option<Option<String>>,
    /// The model that serves.
    pub model: Option<Option<String>>,
    /// The model element that serves.
    pub element: Option<Option<String>>,
    /// The element ids visited, in order.
    pub path: Option<Vec<String>>,
    /// Every outcome with its probability.
    pub distribution: Option<Vec<ShareExpect>>,
    /// How far a probability may be from the one expected.
    pub tolerance: f64,
}

/// An expected item of a distribution: the fields given must match one share.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShareExpect {
    /// The share's outcome.
    pub outcome: Option<Outcome>,
    /// Its provider.
    pub provider: Option<String>,
    /// Its model.
    pub model: Option<String>,
    /// Its element.
    pub element: Option<String>,
    /// Its probability.
    pub probability: f64,
}

/// Reads a test file into cases. `document` is the parsed file; positions come from it.
pub fn read(document: &Document) -> Result<Vec<Case>, FormatError> {
    let fail = |pointer: &str, message: String| {
        let (line, column) = if message.starts_with("unknown key") {
            document.key_position(pointer)
        } else {
            document.position(pointer)
        };
        FormatError {
            pointer: pointer.to_string(),
            line,
            column,
            message,
        }
    };
    let file = object(&document.value, "", "a test file").map_err(|(p, m)| fail(&p, m))?;
    keys(file, "", FILE_KEYS).map_err(|(p, m)| fail(&p, m))?;
    let default_route = match file.get("route") {
        None => None,
        Some(Value::String(route)) => Some(route.clone()),
        Some(other) => {
            return Err(fail(
                "/route",
                format!("`route` is a path, not {}", kind(other)),
            ));
        }
    };
    let Some(Value::Array(cases)) = file.get("cases") else {
        return Err(fail(
            "",
            "a test file has `cases`: an array of cases".into(),
        ));
    };
    let mut out = Vec::new();
    for (i, raw) in cases.iter().enumerate() {
        let at = format!("/cases/{i}");
        let case = object(raw, &at, "a case").map_err(|(p, m)| fail(&p, m))?;
        keys(case, &at, CASE_KEYS).map_err(|(p, m)| fail(&p, m))?;
        match case.get("rows") {
            None => out
                .push(one(case, &at, &at, default_route.as_deref()).map_err(|(p, m)| fail(&p, m))?),
            Some(Value::Array(rows)) => {
                if rows.is_empty() {
                    return Err(fail(&format!("{at}/rows"), "`rows` is empty".into()));
                }
                for (j, row) in rows.iter().enumerate() {
                    let row_at = format!("{at}/rows/{j}");
                    let row = object(row, &row_at, "a row").map_err(|(p, m)| fail(&p, m))?;
                    let mut filled = Map::new();
                    for (key, value) in case {
                        if key != "rows" {
                            let value = fill(value, row, &format!("{at}/{}", escape(key)))
                                .map_err(|(p, m)| fail(&p, m))?;
                            filled.insert(key.clone(), value);
                        }
                    }
                    let mut case = one(&filled, &at, &row_at, default_route.as_deref())
                        .map_err(|(p, m)| fail(&p, m))?;
                    if !contains_placeholder(case_name(raw)) {
                        case.name = format!("{} [row {}]", case.name, j + 1);
                    }
                    out.push(case);
                }
            }
            Some(other) => {
                return Err(fail(
                    &format!("{at}/rows"),
                    format!("`rows` is an array of objects, not {}", kind(other)),
                ));
            }
        }
    }
    for case in &mut out {
        (case.line, case.column) = document.position(&case.pointer);
        for item in &mut case.sequence {
            (item.line, item.column) = document.position(&item.pointer);
        }
    }
    Ok(out)
}

type Problem = (String, String);

fn case_name(raw: &Value) -> &str {
    raw.get("name").and_then(Value::as_str).unwrap_or_default()
}

fn contains_placeholder(text: &str) -> bool {
    text.find('{')
        .is_some_and(|open| text[open..].contains('}'))
}

/// Fills `{name}` placeholders from a row: a string that is exactly `{name}` becomes the
/// row's value (any JSON), a string holding `{name}` among other text gets the value's text.
fn fill(value: &Value, row: &Map<String, Value>, at: &str) -> Result<Value, Problem> {
    Ok(match value {
        Value::String(text) => {
            if let Some(name) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}'))
                && !name.contains(['{', '}'])
            {
                return row.get(name).cloned().ok_or_else(|| unknown(name, at));
            }
            let mut out = String::new();
            let mut rest = text.as_str();
            while let Some(open) = rest.find('{') {
                let Some(close) = rest[open..].find('}') else {
                    break;
                };
                let name = &rest[open + 1..open + close];
                let value = row.get(name).ok_or_else(|| unknown(name, at))?;
                out.push_str(&rest[..open]);
                match value {
                    Value::String(s) => out.push_str(s),
                    other => out.push_str(&other.to_string()),
                }
                rest = &rest[open + close + 1..];
            }
            out.push_str(rest);
            Value::String(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| fill(item, row, &format!("{at}/{i}")))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), fill(v, row, &format!("{at}/{}", escape(k)))?)))
                .collect::<Result<_, Problem>>()?,
        ),
        other => other.clone(),
    })
}

fn unknown(name: &str, at: &str) -> Problem {
    (
        at.to_string(),
        format!("the placeholder `{{{name}}}` names no column of the row"),
    )
}

/// One case from its (filled) object. `at` points at the case, `written` at the case or row.
fn one(
    case: &Map<String, Value>,
    at: &str,
    written: &str,
    default_route: Option<&str>,
) -> Result<Case, Problem> {
    let field = |key: &str| format!("{at}/{key}");
    let name = match case.get("name") {
        Some(Value::String(name)) if !name.is_empty() => name.clone(),
        _ => {
            return Err((
                at.to_string(),
                "a case has a `name` (a non-empty string)".into(),
            ));
        }
    };
    let route = match case.get("route") {
        Some(Value::String(route)) => route.clone(),
        Some(other) => {
            return Err((
                field("route"),
                format!("`route` is a path, not {}", kind(other)),
            ));
        }
        None => default_route.map(str::to_string).ok_or_else(|| {
            (
                at.to_string(),
                "the case names no `route`, and the file has none".into(),
            )
        })?,
    };
    let request: Request = match case.get("request") {
        None => Request::default(),
        Some(value) => serde_json::from_value(value.clone())
            .map_err(|e| (field("request"), format!("the request: {e}")))?,
    };
    let window = match case.get("window") {
        None => Window::default(),
        Some(value) => value
            .as_str()
            .and_then(Window::parse)
            .ok_or_else(|| (field("window"), "`window` is fixed or sliding".to_string()))?,
    };
    let sequence = match case.get("sequence") {
        None => Vec::new(),
        Some(value) => sequence(value, case.get("request"), &field("sequence"))?,
    };
    let mut pins = Pins::default();
    match case.get("draw") {
        None => {}
        Some(Value::Object(draws)) => {
            for (element, value) in draws {
                pins.draws.insert(
                    element.clone(),
                    draw(value, &format!("{}/{}", field("draw"), escape(element)))?,
                );
            }
        }
        Some(value) => pins.draw = Some(draw(value, &field("draw"))?),
    }
    match case.get("fail") {
        None => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let element = item.as_str().ok_or_else(|| {
                    (
                        format!("{}/{i}", field("fail")),
                        "`fail` lists element ids or provider/model names".into(),
                    )
                })?;
                pins.scripts
                    .insert(element.to_string(), Script::always_failing());
            }
        }
        Some(other) => {
            return Err((
                field("fail"),
                format!("`fail` is an array, not {}", kind(other)),
            ));
        }
    }
    if let Some(value) = case.get("attempts") {
        let map = object(value, &field("attempts"), "`attempts`")?;
        for (element, outcomes) in map {
            let at = format!("{}/{}", field("attempts"), escape(element));
            let Value::Array(list) = outcomes else {
                return Err((
                    at,
                    "the attempts of an element are an array such as [error, ok]".into(),
                ));
            };
            let mut attempts = list
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    o.as_str().and_then(Attempt::parse).ok_or_else(|| {
                        (
                            format!("{at}/{i}"),
                            "an attempt is ok, error or timeout".to_string(),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let then = attempts
                .pop()
                .ok_or_else(|| (at.clone(), "list at least one attempt".to_string()))?;
            pins.scripts
                .insert(element.clone(), Script { attempts, then });
        }
    }
    if let Some(value) = case.get("used") {
        let map = object(value, &field("used"), "`used`")?;
        for (element, used) in map {
            let at = format!("{}/{}", field("used"), escape(element));
            let counters = pins.used.entry(element.clone()).or_default();
            match used {
                Value::Object(by_key) => {
                    for (key, amount) in by_key {
                        counters.insert(
                            key.clone(),
                            amount_of(amount, &format!("{at}/{}", escape(key)))?,
                        );
                    }
                }
                other => {
                    counters.insert("*".to_string(), amount_of(other, &at)?);
                }
            }
        }
    }
    let expect = case
        .get("expect")
        .map(|value| expect(value, &field("expect")))
        .transpose()?;
    if expect.is_none() && sequence.iter().all(|t| t.expect.is_none()) {
        return Err((
            at.to_string(),
            "a case has `expect` (with a `sequence`, its requests may have their own)".into(),
        ));
    }
    Ok(Case {
        name,
        route,
        pointer: written.to_string(),
        line: 0,
        column: 0,
        request,
        pins,
        expect,
        window,
        sequence,
    })
}

/// The items of a `sequence`; `base` is the case's request.
fn sequence(value: &Value, base: Option<&Value>, at: &str) -> Result<Vec<Timed>, Problem> {
    let Value::Array(items) = value else {
        return Err((
            at.to_string(),
            format!(
                "`sequence` is an array of timed requests, not {}",
                kind(value)
            ),
        ));
    };
    if items.is_empty() {
        return Err((at.to_string(), "`sequence` is empty".into()));
    }
    let mut out: Vec<Timed> = Vec::with_capacity(items.len());
    let mut total = 0u64;
    for (i, item) in items.iter().enumerate() {
        let here = format!("{at}/{i}");
        let map = object(item, &here, "an item of `sequence`")?;
        keys(map, &here, TIMED_KEYS)?;
        let field = |key: &str| format!("{here}/{key}");
        let previous = out.last().map_or(0.0, |t| t.at);
        let at_time = match map.get("at") {
            None => previous,
            Some(value) => value
                .as_f64()
                .filter(|t| t.is_finite() && *t >= 0.0)
                .ok_or_else(|| {
                    (
                        field("at"),
                        "`at` is a number of seconds since the sequence started".to_string(),
                    )
                })?,
        };
        if at_time < previous {
            return Err((
                field("at"),
                format!("`at` goes back in time: {at_time} s comes after {previous} s"),
            ));
        }
        let times = match map.get("times") {
            None => 1,
            Some(value) => value.as_u64().filter(|n| *n >= 1).ok_or_else(|| {
                (
                    field("times"),
                    "`times` is a whole number of requests, at least 1".to_string(),
                )
            })?,
        };
        total = total.saturating_add(times);
        if total > MAX_SEQUENCE {
            return Err((
                field("times"),
                format!("a sequence sends at most {MAX_SEQUENCE} requests"),
            ));
        }
        let merged = merge_request(base, map.get("request"));
        let request: Request = serde_json::from_value(merged).map_err(|e| {
            (
                if map.contains_key("request") {
                    field("request")
                } else {
                    here.clone()
                },
                format!("the request: {e}"),
            )
        })?;
        let cost = match map.get("cost") {
            None => 0.0,
            Some(value) => amount_of(value, &field("cost"))?,
        };
        let expect = map
            .get("expect")
            .map(|value| expect(value, &field("expect")))
            .transpose()?;
        out.push(Timed {
            at: at_time,
            times,
            request,
            cost,
            expect,
            pointer: here,
            line: 0,
            column: 0,
        });
    }
    Ok(out)
}

/// An item's request over the case's: `metadata` and `headers` entries replace the case's
/// one by one, a `body` replaces the case's body.
fn merge_request(base: Option<&Value>, item: Option<&Value>) -> Value {
    let mut merged = base.cloned().unwrap_or_else(|| Value::Object(Map::new()));
    match (&mut merged, item) {
        (_, None) => {}
        (Value::Object(into), Some(Value::Object(parts))) => {
            for (part, value) in parts {
                match (into.get_mut(part), value) {
                    (Some(Value::Object(entries)), Value::Object(more)) if part != "body" => {
                        entries.extend(more.iter().map(|(k, v)| (k.clone(), v.clone())));
                    }
                    _ => {
                        into.insert(part.clone(), value.clone());
                    }
                }
            }
        }
        (_, Some(other)) => return other.clone(),
    }
    merged
}

fn draw(value: &Value, at: &str) -> Result<Draw, Problem> {
    match value {
        Value::Number(n) => Draw::parse(&n.to_string()).map_err(|m| (at.to_string(), m)),
        other => Err((
            at.to_string(),
            format!("a draw is a number, not {}", kind(other)),
        )),
    }
}

fn amount_of(value: &Value, at: &str) -> Result<f64, Problem> {
    value
        .as_f64()
        .filter(|a| a.is_finite() && *a >= 0.0)
        .ok_or_else(|| {
            (
                at.to_string(),
                "a used amount is a non-negative number".into(),
            )
        })
}

fn expect(value: &Value, at: &str) -> Result<Expect, Problem> {
    let map = object(value, at, "`expect`")?;
    keys(map, at, EXPECT_KEYS)?;
    let field = |key: &str| format!("{at}/{key}");
    let nullable = |key: &str| -> Result<Option<Option<String>>, Problem> {
        match map.get(key) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(Value::String(s)) => Ok(Some(Some(s.clone()))),
            Some(other) => Err((
                field(key),
                format!("`{key}` is a string or null, not {}", kind(other)),
            )),
        }
    };
    let tolerance = match map.get("tolerance") {
        None => DEFAULT_TOLERANCE,
        Some(value) => value
            .as_f64()
            .filter(|t| (0.0..1.0).contains(t))
            .ok_or_else(|| {
                (
                    field("tolerance"),
                    "`tolerance` is a number from 0 to below 1".to_string(),
                )
            })?,
    };
    let path = match map.get("path") {
        None => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    id.as_str().map(str::to_string).ok_or_else(|| {
                        (
                            format!("{}/{i}", field("path")),
                            "the path lists element ids".to_string(),
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
        ),
        Some(other) => {
            return Err((
                field("path"),
                format!("`path` is an array, not {}", kind(other)),
            ));
        }
    };
    let distribution = match map.get("distribution") {
        None => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| share(item, &format!("{}/{i}", field("distribution"))))
                .collect::<Result<_, _>>()?,
        ),
        Some(other) => {
            return Err((
                field("distribution"),
                format!("`distribution` is an array, not {}", kind(other)),
            ));
        }
    };
    Ok(Expect {
        outcome: map
            .get("outcome")
            .map(|v| outcome(v, &field("outcome")))
            .transpose()?,
        provider: nullable("provider")?,
        model: nullable("model")?,
        element: nullable("element")?,
        path,
        distribution,
        tolerance,
    })
}

fn share(value: &Value, at: &str) -> Result<ShareExpect, Problem> {
    let map = object(value, at, "an item of `distribution`")?;
    keys(map, at, SHARE_KEYS)?;
    let text = |key: &str| -> Result<Option<String>, Problem> {
        match map.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err((
                format!("{at}/{key}"),
                format!("`{key}` is a string, not {}", kind(other)),
            )),
        }
    };
    let probability = map
        .get("probability")
        .and_then(Value::as_f64)
        .filter(|p| (0.0..=1.0).contains(p))
        .ok_or_else(|| {
            (
                format!("{at}/probability"),
                "`probability` is a number from 0 to 1".to_string(),
            )
        })?;
    Ok(ShareExpect {
        outcome: map
            .get("outcome")
            .map(|v| outcome(v, &format!("{at}/outcome")))
            .transpose()?,
        provider: text("provider")?,
        model: text("model")?,
        element: text("element")?,
        probability,
    })
}

fn outcome(value: &Value, at: &str) -> Result<Outcome, Problem> {
    match value.as_str() {
        Some("served") => Ok(Outcome::Served),
        Some("failed") => Ok(Outcome::Failed),
        Some("error") => Ok(Outcome::Error),
        _ => Err((
            at.to_string(),
            "`outcome` is served, failed or error".into(),
        )),
    }
}

fn object<'v>(value: &'v Value, at: &str, what: &str) -> Result<&'v Map<String, Value>, Problem> {
    value.as_object().ok_or_else(|| {
        (
            at.to_string(),
            format!("{what} is an object, not {}", kind(value)),
        )
    })
}

fn keys(map: &Map<String, Value>, at: &str, allowed: &[&str]) -> Result<(), Problem> {
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        None => Ok(()),
        Some(key) => Err((
            format!("{at}/{}", escape(key)),
            format!(
                "unknown key `{key}` (expected one of: {})",
                allowed.join(", ")
            ),
        )),
    }
}

fn kind(value: &Value) -> &'static str {
    crate::condition::describe(value)
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A route as a test run sees it.
#[derive(Debug, Clone)]
pub struct Route {
    /// The compiled route.
    pub graph: Graph,
}

/// One difference between what a case expects and what happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mismatch {
    /// What was checked (`model`, `path`, `distribution`...).
    pub field: String,
    /// The expectation.
    pub expected: String,
    /// What happened.
    pub actual: String,
}

impl Mismatch {
    /// The mismatch of one request of a sequence, named by `label`.
    fn within(self, label: &str) -> Mismatch {
        Mismatch {
            field: format!("{label}: {}", self.field),
            ..self
        }
    }
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: expected {}, got {}",
            self.field, self.expected, self.actual
        )
    }
}

/// How a case ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "lowercase", tag = "status")]
pub enum Status {
    /// Every expectation held.
    Passed,
    /// Some did not.
    Failed {
        /// Each difference.
        mismatches: Vec<Mismatch>,
    },
    /// The case could not run (its route is missing or invalid).
    Error {
        /// Why.
        message: String,
    },
}

/// The result of one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseResult {
    /// The case.
    pub case: Case,
    /// How it ended.
    pub status: Status,
    /// The output edges it took: (element index, output label).
    pub edges: Vec<(usize, String)>,
}

/// Runs one case against its route: its request, or each request of its sequence with the
/// rate counters the earlier ones left.
pub fn run_case(case: &Case, route: &Route) -> CaseResult {
    let graph = &route.graph;
    let mut mismatches = Vec::new();
    let edges = if case.sequence.is_empty() {
        let t = trace(graph, &case.request, &case.pins);
        if let Some(expect) = &case.expect {
            mismatches = check(expect, &t, graph, &case.request, &case.pins);
        }
        edges_of(graph, &t, &case.request, &case.pins)
    } else {
        let mut counters = Counters::new(case.window);
        let mut edges = BTreeSet::new();
        let last = case.sequence.len() - 1;
        let mut sent = 0u64;
        for (i, item) in case.sequence.iter().enumerate() {
            let mut item_failed = false;
            for n in 0..item.times {
                sent += 1;
                let pins = counters.pins(graph, &item.request, &case.pins, item.at);
                let t = trace(graph, &item.request, &pins);
                counters.record(graph, &t, item.at, item.cost);
                edges.extend(edges_of(graph, &t, &item.request, &pins));
                let label = format!("request {sent} (at {} s, line {})", item.at, item.line);
                if let Some(expect) = item.expect.as_ref().filter(|_| !item_failed) {
                    let found = check(expect, &t, graph, &item.request, &pins);
                    item_failed = !found.is_empty();
                    mismatches.extend(found.into_iter().map(|m| m.within(&label)));
                }
                if let Some(expect) = case
                    .expect
                    .as_ref()
                    .filter(|_| i == last && n + 1 == item.times)
                {
                    let found = check(expect, &t, graph, &item.request, &pins);
                    mismatches.extend(found.into_iter().map(|m| m.within(&label)));
                }
            }
        }
        edges.into_iter().collect()
    };
    let status = if mismatches.is_empty() {
        Status::Passed
    } else {
        Status::Failed { mismatches }
    };
    CaseResult {
        case: case.clone(),
        status,
        edges,
    }
}

/// The output edges of a trace, and with no draw pinned every edge the request can take.
fn edges_of(graph: &Graph, t: &Trace, request: &Request, pins: &Pins) -> Vec<(usize, String)> {
    let mut edges: Vec<(usize, String)> = t
        .steps
        .iter()
        .filter_map(|s| Some((graph.index(&s.element)?, s.output.clone()?)))
        .collect();
    if !pins.pins_draw() {
        edges.extend(edges_taken(graph, request, pins));
    }
    edges
}

/// The differences between what `expect` asks and what the trace `t` did.
fn check(e: &Expect, t: &Trace, graph: &Graph, request: &Request, pins: &Pins) -> Vec<Mismatch> {
    let mut mismatches = Vec::new();
    let mut check = |field: &str, expected: String, actual: String| {
        if expected != actual {
            mismatches.push(Mismatch {
                field: field.to_string(),
                expected,
                actual,
            });
        }
    };
    let shown = |v: &Option<String>| {
        v.as_deref()
            .map_or("null".to_string(), |s| format!("{s:?}"))
    };
    if let Some(outcome) = e.outcome {
        check("outcome", word(outcome).into(), word(t.outcome).into());
    }
    if let Some(provider) = &e.provider {
        check("provider", shown(provider), shown(&t.provider));
    }
    if let Some(model) = &e.model {
        check("model", shown(model), shown(&t.model));
    }
    if let Some(element) = &e.element {
        check("element", shown(element), shown(&t.element));
    }
    if let Some(path) = &e.path {
        check("path", path.join(" -> "), t.path.join(" -> "));
    }
    if let Some(expected) = &e.distribution {
        // The trace already holds the distribution when no draw is pinned and a percentage
        // element is reachable; the distribution never depends on the pinned draws.
        let shares = match &t.distribution {
            Some(shares) => Ok(shares.clone()),
            None => distribution(graph, request, pins).map(|d| d.shares),
        };
        match shares {
            Ok(shares) => compare_distribution(expected, &shares, e.tolerance, &mut mismatches),
            Err(message) => mismatches.push(Mismatch {
                field: "distribution".into(),
                expected: "a distribution".into(),
                actual: message,
            }),
        }
    }
    mismatches
}

fn word(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Served => "served",
        Outcome::Failed => "failed",
        Outcome::Error => "error",
    }
}

/// Every expected item matches one share within the tolerance, and every share above the
/// tolerance is expected.
fn compare_distribution(
    expected: &[ShareExpect],
    actual: &[Share],
    tolerance: f64,
    out: &mut Vec<Mismatch>,
) {
    let mut used = vec![false; actual.len()];
    for item in expected {
        let found = actual.iter().enumerate().find(|(i, s)| {
            !used[*i]
                && item.outcome.is_none_or(|o| o == s.outcome)
                && item
                    .element
                    .as_ref()
                    .is_none_or(|e| s.element.as_ref() == Some(e))
                && item
                    .provider
                    .as_ref()
                    .is_none_or(|p| s.provider.as_ref() == Some(p))
                && item
                    .model
                    .as_ref()
                    .is_none_or(|m| s.model.as_ref() == Some(m))
        });
        let label = [
            item.outcome.map(|o| word(o).to_string()),
            item.provider.clone(),
            item.model.clone(),
            item.element.clone(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        match found {
            Some((i, share)) => {
                used[i] = true;
                if (share.probability - item.probability).abs() > tolerance {
                    out.push(Mismatch {
                        field: format!("distribution[{label}]"),
                        expected: format!("{}", item.probability),
                        actual: format!("{}", share.probability),
                    });
                }
            }
            None if item.probability > tolerance => out.push(Mismatch {
                field: format!("distribution[{label}]"),
                expected: format!("{}", item.probability),
                actual: "no such outcome".into(),
            }),
            None => {}
        }
    }
    for (i, share) in actual.iter().enumerate() {
        if !used[i] && share.probability > tolerance {
            out.push(Mismatch {
                field: "distribution".into(),
                expected: "no other outcome".into(),
                actual: format!(
                    "{} with probability {}",
                    crate::render::describe(share),
                    share.probability
                ),
            });
        }
    }
}

/// The output edges a request can take over every draw: each element decides as in a
/// trace, a percentage element takes every output with a share.
pub fn edges_taken(graph: &Graph, request: &Request, pins: &Pins) -> Vec<(usize, String)> {
    let mut seen = vec![false; graph.nodes.len()];
    let mut stack = vec![graph.start];
    let mut out = Vec::new();
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        if let Kind::Percentage { branches } = &graph.nodes[i].kind {
            for b in branches.iter().filter(|b| b.share > 0) {
                out.push((i, b.out.label.clone()));
                stack.push(b.out.target);
            }
            continue;
        }
        let d = step::decide(graph, i, request, pins);
        if let (Next::To(target), Some(label)) = (d.next, d.step.output) {
            out.push((i, label));
            stack.push(target);
        }
    }
    out
}

/// The coverage of one route: every output edge, and which ones some case took.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    /// The route path.
    pub route: String,
    /// Edges taken.
    pub covered: usize,
    /// Every edge.
    pub total: usize,
    /// The edges no case took.
    pub uncovered: Vec<Edge>,
}

/// An output edge of a route.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Edge {
    /// The element's id.
    pub element: String,
    /// The output.
    pub output: String,
    /// The element it leads to.
    pub target: String,
    /// JSON pointer of the output's `elementId` in the route file.
    pub pointer: String,
    /// Its line in the route file (filled by the caller, which has the text).
    pub line: usize,
    /// Its column.
    pub column: usize,
}

impl std::fmt::Display for Edge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` -> {} -> `{}` is never taken",
            self.element, self.output, self.target
        )
    }
}

impl Coverage {
    /// Percent of the edges covered (100 for a route without edges).
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            self.covered as f64 * 100.0 / self.total as f64
        }
    }
}

/// The coverage of `graph` by the edges of `results`.
pub fn coverage(route: &str, graph: &Graph, taken: &BTreeSet<(usize, String)>) -> Coverage {
    let mut total = 0;
    let mut covered = 0;
    let mut uncovered = Vec::new();
    for (i, node) in graph.nodes.iter().enumerate() {
        for out in node.outs() {
            total += 1;
            if taken.contains(&(i, out.label.clone())) {
                covered += 1;
            } else {
                uncovered.push(Edge {
                    element: node.id.clone(),
                    output: out.label.clone(),
                    target: graph.nodes[out.target].id.clone(),
                    pointer: format!("{}/outputs/{}/elementId", node.pointer, escape(&out.label)),
                    line: 0,
                    column: 0,
                });
            }
        }
    }
    Coverage {
        route: route.to_string(),
        covered,
        total,
        uncovered,
    }
}

/// Gathers the edges of every result by route.
pub fn taken_by_route<'a>(
    results: impl IntoIterator<Item = &'a CaseResult>,
) -> BTreeMap<String, BTreeSet<(usize, String)>> {
    let mut out: BTreeMap<String, BTreeSet<(usize, String)>> = BTreeMap::new();
    for r in results {
        out.entry(r.case.route.clone())
            .or_default()
            .extend(r.edges.iter().cloned());
    }
    out
}

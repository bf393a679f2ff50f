//! A route compiled for evaluation: elements by index, outputs resolved to indexes in file
//! order, conditions read into trees, percentage keys into shares of a million.
//!
//! It is built from the route as the validator read it (serde_json with the file's key
//! order, which decides the draw ranges of percentage outputs), and it never panics on what
//! a library caller hands it: anything that is not a well-formed element is an error.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::condition::{self, Condition, ConditionError};
use crate::request::Path;

/// Shares of percentage outputs are counted in millionths of a percent, so 100 % is this.
pub const WHOLE: u64 = 100_000_000;

/// One output of an element, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Out {
    /// The output's name (`next`, `true`, `fallback`, `30%`).
    pub label: String,
    /// The index of the element it leads to.
    pub target: usize,
}

/// A percentage output with its share.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    /// The output.
    pub out: Out,
    /// Its share in millionths of a percent (`30%` is 30,000,000).
    pub share: u64,
}

/// What a rate element counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitType {
    /// Requests.
    Count,
    /// Cost.
    Cost,
}

/// What an element does.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// Forwards to `next`.
    Start {
        /// `next`.
        next: Out,
    },
    /// Chooses `true` or `false`; a condition that cannot be read is kept as its error,
    /// reported when a request reaches the element.
    Conditional {
        /// The condition, or why it cannot be read.
        condition: Result<Condition, ConditionError>,
        /// `true`.
        on_true: Out,
        /// `false`.
        on_false: Out,
    },
    /// Draws one branch.
    Percentage {
        /// The outputs in file order.
        branches: Vec<Branch>,
    },
    /// Lets a request through under its limit.
    Rate {
        /// The request path whose value selects the counter, or why it cannot be read.
        key: Result<Path, String>,
        /// The key as written.
        key_written: String,
        /// The limit per window.
        limit: f64,
        /// Requests or cost.
        limit_type: LimitType,
        /// The window in seconds.
        window: f64,
        /// Under the limit.
        success: Out,
        /// Over the limit.
        fallback: Out,
    },
    /// Calls a model, 1 + `retries` attempts.
    Model {
        /// Provider slug.
        provider: String,
        /// Model name.
        model: String,
        /// Retries after the first attempt (a negative or fractional value is read as its
        /// whole part, at least 0).
        retries: u64,
        /// Per-attempt timeout in milliseconds.
        timeout: f64,
        /// The model answered.
        success: Out,
        /// Every attempt failed.
        fallback: Out,
    },
    /// Ends the route.
    End,
}

/// One element.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The element's id.
    pub id: String,
    /// Its JSON pointer in the route file.
    pub pointer: String,
    /// What it does.
    pub kind: Kind,
}

impl Node {
    /// Every output, in the order the element lists them.
    pub fn outs(&self) -> Vec<&Out> {
        match &self.kind {
            Kind::Start { next } => vec![next],
            Kind::Conditional {
                on_true, on_false, ..
            } => vec![on_true, on_false],
            Kind::Percentage { branches } => branches.iter().map(|b| &b.out).collect(),
            Kind::Rate {
                success, fallback, ..
            }
            | Kind::Model {
                success, fallback, ..
            } => vec![success, fallback],
            Kind::End => Vec::new(),
        }
    }
}

/// A compiled route.
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    /// The elements in file order.
    pub nodes: Vec<Node>,
    /// The index of the start element.
    pub start: usize,
}

/// Why a route cannot be compiled (the validator reports these as diagnostics first; a
/// library caller that skips it gets this instead of a panic).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at {pointer})")]
pub struct GraphError {
    /// Where.
    pub pointer: String,
    /// What.
    pub message: String,
}

impl Graph {
    /// Compiles an elements array whose JSON pointer in the file is `base`.
    pub fn new(elements: &[Value], base: &str) -> Result<Graph, GraphError> {
        let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(elements.len());
        for (i, element) in elements.iter().enumerate() {
            let at = format!("{base}/{i}");
            let id = element
                .get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| error(&at, "the element has no string `id`"))?;
            if by_id.insert(id, i).is_some() {
                return Err(error(&at, format!("the id `{id}` is used twice")));
            }
        }
        let mut nodes = Vec::with_capacity(elements.len());
        let mut starts = Vec::new();
        for (i, element) in elements.iter().enumerate() {
            let at = format!("{base}/{i}");
            let kind = kind(element, &at, &by_id)?;
            if matches!(kind, Kind::Start { .. }) {
                starts.push(i);
            }
            nodes.push(Node {
                id: element["id"].as_str().unwrap_or_default().to_string(),
                pointer: at,
                kind,
            });
        }
        match starts[..] {
            [start] => Ok(Graph { nodes, start }),
            _ => Err(error(
                base,
                format!(
                    "a route has one start element, this one has {}",
                    starts.len()
                ),
            )),
        }
    }

    /// The index of the element with `id`.
    pub fn index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }
}

fn kind(element: &Value, at: &str, by_id: &HashMap<&str, usize>) -> Result<Kind, GraphError> {
    let outputs = element
        .get("outputs")
        .and_then(Value::as_object)
        .ok_or_else(|| error(at, "the element has no `outputs` object"))?;
    let out = |label: &str| -> Result<Out, GraphError> {
        let pointer = format!(
            "{at}/outputs/{}",
            label.replace('~', "~0").replace('/', "~1")
        );
        let target = outputs
            .get(label)
            .and_then(|o| o.get("elementId"))
            .and_then(Value::as_str)
            .ok_or_else(|| error(&pointer, format!("output `{label}` has no `elementId`")))?;
        let index = by_id
            .get(target)
            .copied()
            .ok_or_else(|| error(&pointer, format!("no element has the id `{target}`")))?;
        Ok(Out {
            label: label.to_string(),
            target: index,
        })
    };
    let empty = Map::new();
    let properties = element
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let number = |name: &str| -> Result<f64, GraphError> {
        properties
            .get(name)
            .and_then(Value::as_f64)
            .ok_or_else(|| error(at, format!("`properties.{name}` is not a number")))
    };
    let string = |name: &str| -> Result<String, GraphError> {
        properties
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| error(at, format!("`properties.{name}` is not a string")))
    };
    let kind = element
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    Ok(match kind {
        "start" => Kind::Start { next: out("next")? },
        "conditional" => Kind::Conditional {
            condition: match properties.get("conditions") {
                None => Ok(Condition::All {
                    parts: Vec::new(),
                    implicit: false,
                }),
                Some(Value::Object(map)) => condition::parse(map).map_err(|e| ConditionError {
                    pointer: format!("{at}/properties/conditions{}", e.pointer),
                    message: e.message,
                }),
                Some(other) => Err(ConditionError {
                    pointer: format!("{at}/properties/conditions"),
                    message: format!(
                        "`conditions` is an object, not {}",
                        condition::describe(other)
                    ),
                }),
            },
            on_true: out("true")?,
            on_false: out("false")?,
        },
        "percentage" => {
            let mut branches = Vec::with_capacity(outputs.len());
            for label in outputs.keys() {
                let share = dynroute_validator::rules::percentage::parse_key(label)
                    .map_err(|_| error(at, format!("`{label}` is not a percentage")))?;
                branches.push(Branch {
                    out: out(label)?,
                    share,
                });
            }
            let total: u64 = branches.iter().map(|b| b.share).sum();
            if total != WHOLE {
                return Err(error(at, "the percentage outputs do not sum to 100%"));
            }
            Kind::Percentage { branches }
        }
        "rate" => {
            let key_written = string("key")?;
            Kind::Rate {
                key: Path::parse(&key_written),
                key_written,
                limit: number("limit")?,
                limit_type: match properties.get("limitType").and_then(Value::as_str) {
                    Some("count") => LimitType::Count,
                    Some("cost") => LimitType::Cost,
                    _ => return Err(error(at, "`properties.limitType` is not count or cost")),
                },
                window: number("window")?,
                success: out("success")?,
                fallback: out("fallback")?,
            }
        }
        "model" => Kind::Model {
            provider: string("provider")?,
            model: string("model")?,
            // Saturating float-to-int conversion: NaN and negatives become 0.
            retries: number("retries")? as u64,
            timeout: number("timeout")?,
            success: out("success")?,
            fallback: out("fallback")?,
        },
        "end" => Kind::End,
        other => {
            return Err(error(at, format!("unknown element type `{other}`")));
        }
    })
}

fn error(pointer: &str, message: impl Into<String>) -> GraphError {
    GraphError {
        pointer: pointer.to_string(),
        message: message.into(),
    }
}

//! What one element does with one request: the output it takes and why. Percentage
//! elements are decided by the caller (a trace draws one branch, a distribution takes all).

use serde::Serialize;
use serde_json::Value;

use crate::eval::{self, Evaluation};
use crate::graph::{Graph, Kind, LimitType, Out};
use crate::pins::{Attempt, Draw, Pins};
use crate::request::Request;

/// One element visited, with the reason for the output taken.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// The element's id.
    pub element: String,
    /// The element's type.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The output taken; `None` at an end element or an error.
    pub output: Option<String>,
    /// One line for people.
    pub reason: String,
    /// A conditional's tests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<Evaluation>,
    /// A percentage element's draw.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draw: Option<DrawRecord>,
    /// A rate element's counter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counter: Option<Counter>,
    /// A model element's attempts (the scripted ones and the one that decided).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attempts: Vec<AttemptRecord>,
    /// Choices Cloudflare does not document that this step relied on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assumed: Vec<String>,
}

/// The draw of a percentage element.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DrawRecord {
    /// The draw in percent.
    pub value: f64,
    /// Whether it was pinned (else 0 is used and the distribution gives every branch).
    pub pinned: bool,
    /// The range of the output taken, in percent: `[from, to)`.
    pub range: [f64; 2],
}

/// A rate element's counter for the request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Counter {
    /// The key path (`metadata.user_id`).
    pub key: String,
    /// The request's value at that path (`None` when missing).
    pub value: Option<Value>,
    /// What the window has used before this request.
    pub used: f64,
    /// The limit.
    pub limit: f64,
    /// `count` or `cost`.
    pub limit_type: &'static str,
    /// Whether the request is over the limit.
    pub limited: bool,
}

/// One model attempt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttemptRecord {
    /// 1-based attempt number.
    pub number: u64,
    /// What happened.
    pub outcome: Attempt,
}

/// Where the request goes after an element.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// To this element.
    To(usize),
    /// The route ends here.
    End,
    /// The route cannot be evaluated further.
    Error(String),
}

/// A decided step.
#[derive(Debug, Clone, PartialEq)]
pub struct Decided {
    /// The record.
    pub step: Step,
    /// Where the request goes.
    pub next: Next,
    /// Whether a model answered at this element.
    pub served: bool,
}

fn base(graph: &Graph, i: usize, kind: &'static str) -> Step {
    Step {
        element: graph.nodes[i].id.clone(),
        kind,
        output: None,
        reason: String::new(),
        condition: None,
        draw: None,
        counter: None,
        attempts: Vec::new(),
        assumed: Vec::new(),
    }
}

fn take(mut step: Step, out: &Out, reason: String) -> Decided {
    step.output = Some(out.label.clone());
    step.reason = reason;
    Decided {
        step,
        next: Next::To(out.target),
        served: false,
    }
}

/// Decides every element but a percentage one (for which see [`percentage`]).
pub fn decide(graph: &Graph, i: usize, request: &Request, pins: &Pins) -> Decided {
    match &graph.nodes[i].kind {
        Kind::Start { next } => take(
            base(graph, i, "start"),
            next,
            "the route starts here".into(),
        ),
        Kind::Conditional {
            condition,
            on_true,
            on_false,
        } => {
            let mut step = base(graph, i, "conditional");
            match condition {
                Ok(condition) => {
                    let evaluation = eval::evaluate(condition, request);
                    let (out, word) = if evaluation.matched {
                        (on_true, "holds")
                    } else {
                        (on_false, "does not hold")
                    };
                    step.assumed.clone_from(&evaluation.assumed);
                    let reason = format!("the condition {word}: {}", summary(&evaluation));
                    step.condition = Some(evaluation);
                    take(step, out, reason)
                }
                Err(e) => {
                    step.reason = format!("the condition cannot be evaluated: {e}");
                    Decided {
                        next: Next::Error(step.reason.clone()),
                        step,
                        served: false,
                    }
                }
            }
        }
        Kind::Percentage { .. } => {
            let step = base(graph, i, "percentage");
            Decided {
                next: Next::Error("a percentage element is drawn by the caller".into()),
                step,
                served: false,
            }
        }
        Kind::Rate {
            key,
            key_written,
            limit,
            limit_type,
            success,
            fallback,
            ..
        } => {
            let mut step = base(graph, i, "rate");
            let path = match key {
                Ok(path) => path,
                Err(message) => {
                    step.reason = format!("the rate key cannot be read: {message}");
                    return Decided {
                        next: Next::Error(step.reason.clone()),
                        step,
                        served: false,
                    };
                }
            };
            let value = request.get(path).cloned();
            if value.is_none() {
                step.assumed.push(format!(
                    "requests without `{key_written}` share one counter"
                ));
            }
            let counter_key = counter_key(value.as_ref());
            let used = pins
                .used
                .get(&graph.nodes[i].id)
                .and_then(|counters| counters.get(&counter_key).or_else(|| counters.get("*")))
                .copied()
                .unwrap_or(0.0);
            // A count limit lets the request through when it still fits; a cost limit while
            // the budget is not spent (the request's own cost is known only after it ran).
            let limited = match limit_type {
                LimitType::Count => used + 1.0 > *limit,
                LimitType::Cost => used >= *limit,
            };
            let type_word = match limit_type {
                LimitType::Count => "count",
                LimitType::Cost => "cost",
            };
            let shown = value
                .as_ref()
                .map_or_else(|| "(missing)".to_string(), Value::to_string);
            let reason = format!(
                "{key_written} = {shown}: {used} of {limit} used ({type_word}), {}",
                if limited {
                    "over the limit"
                } else {
                    "under the limit"
                }
            );
            step.counter = Some(Counter {
                key: key_written.clone(),
                value,
                used,
                limit: *limit,
                limit_type: type_word,
                limited,
            });
            take(step, if limited { fallback } else { success }, reason)
        }
        Kind::Model {
            provider,
            model,
            retries,
            success,
            fallback,
            ..
        } => {
            let mut step = base(graph, i, "model");
            let attempts = retries.saturating_add(1);
            let script = pins.script_for(&graph.nodes[i].id, provider, model);
            // After its listed attempts a script repeats one outcome, so the attempts that
            // matter are the listed ones and one more: no loop over `retries`.
            let listed = script.map_or(0, |s| s.attempts.len() as u64);
            let mut answered = None;
            for n in 0..attempts.min(listed + 1) {
                let outcome = script.map_or(Attempt::Ok, |s| s.attempt(n));
                step.attempts.push(AttemptRecord {
                    number: n + 1,
                    outcome,
                });
                if outcome == Attempt::Ok {
                    answered = Some(n + 1);
                    break;
                }
            }
            match answered {
                Some(n) => {
                    let reason =
                        format!("{provider}/{model} answered on attempt {n} of {attempts}");
                    let mut decided = take(step, success, reason);
                    decided.served = true;
                    decided
                }
                None => {
                    let reason = format!("{provider}/{model} failed all {attempts} attempt(s)");
                    take(step, fallback, reason)
                }
            }
        }
        Kind::End => {
            let mut step = base(graph, i, "end");
            step.reason = "the route ends here".into();
            Decided {
                step,
                next: Next::End,
                served: false,
            }
        }
    }
}

/// The branch a draw takes: the output whose cumulative range, in file order, holds it.
/// Branches with a share of 0 are never taken.
pub fn percentage(graph: &Graph, i: usize, draw: Draw, pinned: bool) -> Decided {
    let mut step = base(graph, i, "percentage");
    let Kind::Percentage { branches } = &graph.nodes[i].kind else {
        step.reason = "not a percentage element".into();
        return Decided {
            next: Next::Error(step.reason.clone()),
            step,
            served: false,
        };
    };
    let mut from = 0;
    for branch in branches {
        let to = from + branch.share;
        if (from..to).contains(&draw.0) {
            step.draw = Some(DrawRecord {
                value: draw.percent(),
                pinned,
                range: [from as f64 / 1e6, to as f64 / 1e6],
            });
            let reason = if pinned {
                format!(
                    "draw {} falls in [{}, {})",
                    draw.percent(),
                    from as f64 / 1e6,
                    to as f64 / 1e6
                )
            } else {
                "no draw pinned: the first output is followed; see the distribution".to_string()
            };
            return take(step, &branch.out, reason);
        }
        from = to;
    }
    step.reason = "the outputs' shares do not cover the draw".into();
    Decided {
        next: Next::Error(step.reason.clone()),
        step,
        served: false,
    }
}

/// `metadata.plan $eq "free" (actual "free")`, for each test.
fn summary(evaluation: &Evaluation) -> String {
    if evaluation.checks.is_empty() {
        return "no tests (an empty condition holds)".to_string();
    }
    evaluation
        .checks
        .iter()
        .map(|c| {
            let actual = c
                .actual
                .as_ref()
                .map_or_else(|| "missing".to_string(), Value::to_string);
            format!(
                "{} {} {} (actual {actual}: {})",
                c.path,
                c.op,
                c.operand,
                if c.result { "yes" } else { "no" }
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The counter a rate element keeps for a request whose value at the element's `key` is
/// `value`: strings as written, other values as JSON text, a missing field the empty key
/// (one counter shared by every request without it).
pub fn counter_key(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

//! One request through a route: the path, a step per element with its reason, the model
//! that served; and, when no draw is pinned, the exact probability of every outcome.

use serde::Serialize;

use crate::graph::{Graph, Kind};
use crate::pins::{Draw, Pins};
use crate::request::Request;
use crate::step::{self, Decided, Next, Step};

/// How a request ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// A model answered and the route reached an end element: the last model that answered
    /// serves the request.
    Served,
    /// The route reached an end element with no model having answered.
    Failed,
    /// The route could not be evaluated (a condition or key that cannot be read, a loop).
    Error,
}

/// The result of a trace. Its JSON form is a contract of `dynroute trace --format json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trace {
    /// How the request ends.
    pub outcome: Outcome,
    /// The model element that served, `None` when nothing served.
    pub element: Option<String>,
    /// Its provider.
    pub provider: Option<String>,
    /// Its model.
    pub model: Option<String>,
    /// Why the route could not be evaluated, for the `error` outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Element ids in the order visited.
    pub path: Vec<String>,
    /// One step per element visited.
    pub steps: Vec<Step>,
    /// Every outcome with its probability, when no draw is pinned and a percentage
    /// element can be reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distribution: Option<Vec<Share>>,
}

/// One outcome of the distribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    /// How requests with this share end.
    pub outcome: Outcome,
    /// The model element that serves them (for `error`, the element that cannot be
    /// evaluated), `None` for `failed`.
    pub element: Option<String>,
    /// Its provider (`served` only).
    pub provider: Option<String>,
    /// Its model (`served` only).
    pub model: Option<String>,
    /// The probability, from 0 to 1.
    pub probability: f64,
}

fn decide(graph: &Graph, i: usize, request: &Request, pins: &Pins) -> Decided {
    match graph.nodes[i].kind {
        Kind::Percentage { .. } => {
            let own = pins.draw_for(&graph.nodes[i].id);
            step::percentage(graph, i, own.unwrap_or(Draw(0)), own.is_some())
        }
        _ => step::decide(graph, i, request, pins),
    }
}

fn model_of(graph: &Graph, i: usize) -> (Option<String>, Option<String>) {
    match &graph.nodes[i].kind {
        Kind::Model {
            provider, model, ..
        } => (Some(provider.clone()), Some(model.clone())),
        _ => (None, None),
    }
}

/// Walks `request` through `graph`. Each element is visited at most once, so the walk ends
/// on any graph, a cyclic one included (an `error` outcome).
pub fn trace(graph: &Graph, request: &Request, pins: &Pins) -> Trace {
    let mut visited = vec![false; graph.nodes.len()];
    let mut path = Vec::new();
    let mut steps = Vec::new();
    let mut served = None;
    let mut at = graph.start;
    let (outcome, error) = loop {
        if visited[at] {
            break (
                Outcome::Error,
                Some(format!("the route loops back to `{}`", graph.nodes[at].id)),
            );
        }
        visited[at] = true;
        path.push(graph.nodes[at].id.clone());
        let decided = decide(graph, at, request, pins);
        if decided.served {
            served = Some(at);
        }
        steps.push(decided.step);
        match decided.next {
            Next::To(next) => at = next,
            Next::End if served.is_some() => break (Outcome::Served, None),
            Next::End => break (Outcome::Failed, None),
            Next::Error(message) => break (Outcome::Error, Some(message)),
        }
    };
    let served = served.filter(|_| outcome == Outcome::Served);
    let (provider, model) = served.map_or((None, None), |i| model_of(graph, i));
    let distribution = if pins.pins_draw() {
        None
    } else {
        match distribution(graph, request, pins) {
            Ok(d) if d.percentage_reached => Some(d.shares),
            _ => None,
        }
    };
    Trace {
        outcome,
        element: served.map(|i| graph.nodes[i].id.clone()),
        provider,
        model,
        error,
        path,
        steps,
        distribution,
    }
}

/// The distribution of outcomes for one request over every draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    /// The outcomes with a probability above 0, most likely first (file order on ties).
    pub shares: Vec<Share>,
    /// Whether any percentage element is on a path the request can take.
    pub percentage_reached: bool,
}

/// The exact probability of every outcome of `request`, over the draws of every percentage
/// element (the other elements decide the same way on every path: conditions read the same
/// request, counters and attempt scripts are pinned).
///
/// Linear in the size of the graph: a forward pass gives the probability of reaching each
/// element (`mass`); a backward pass gives, for each element, the probability that the
/// rest of the route reaches an end without another model answering (`tail`). A model that
/// answers serves exactly the requests that reach it and then meet no later answering
/// model: `mass × tail(success output)`. Requests that reach an end with no answer at all
/// fail: `tail(start)`. Fails with a message when the reachable graph has a loop.
pub fn distribution(graph: &Graph, request: &Request, pins: &Pins) -> Result<Distribution, String> {
    let n = graph.nodes.len();
    let mut decided: Vec<Option<Decided>> = vec![None; n];
    // Successors with their probabilities, for reachable elements.
    let mut edges: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    // Iterative depth-first search for a post-order; state 1 = on the stack, 2 = done.
    let mut state = vec![0u8; n];
    let mut order = Vec::with_capacity(n);
    let mut stack = vec![(graph.start, 0usize)];
    state[graph.start] = 1;
    fill(graph, graph.start, request, pins, &mut decided, &mut edges);
    while let Some(top) = stack.len().checked_sub(1) {
        let (node, next) = stack[top];
        if let Some(&(child, _)) = edges[node].get(next) {
            stack[top].1 += 1;
            match state[child] {
                0 => {
                    state[child] = 1;
                    fill(graph, child, request, pins, &mut decided, &mut edges);
                    stack.push((child, 0));
                }
                1 => {
                    return Err(format!(
                        "the route loops through `{}`",
                        graph.nodes[child].id
                    ));
                }
                _ => {}
            }
        } else {
            state[node] = 2;
            order.push(node);
            stack.pop();
        }
    }
    let mut mass = vec![0.0f64; n];
    mass[graph.start] = 1.0;
    for &node in order.iter().rev() {
        for &(child, p) in &edges[node] {
            mass[child] += mass[node] * p;
        }
    }
    let mut tail = vec![0.0f64; n];
    for &node in &order {
        let Some(d) = &decided[node] else { continue };
        tail[node] = match d.next {
            Next::End => 1.0,
            Next::Error(_) => 0.0,
            _ if d.served => 0.0,
            _ => edges[node].iter().map(|&(child, p)| p * tail[child]).sum(),
        };
    }
    let mut shares = Vec::new();
    let mut percentage_reached = false;
    for &node in order.iter().rev() {
        let Some(d) = &decided[node] else { continue };
        if mass[node] <= 0.0 {
            continue;
        }
        percentage_reached |= matches!(graph.nodes[node].kind, Kind::Percentage { .. });
        let probability = match (&d.next, d.served) {
            (Next::To(success), true) => mass[node] * tail[*success],
            (Next::Error(_), _) => mass[node],
            _ => continue,
        };
        if probability <= 0.0 {
            continue;
        }
        let (provider, model) = model_of(graph, node);
        shares.push(Share {
            outcome: if d.served {
                Outcome::Served
            } else {
                Outcome::Error
            },
            element: Some(graph.nodes[node].id.clone()),
            provider,
            model,
            probability,
        });
    }
    if tail[graph.start] > 0.0 {
        shares.push(Share {
            outcome: Outcome::Failed,
            element: None,
            provider: None,
            model: None,
            probability: tail[graph.start],
        });
    }
    let position = |s: &Share| {
        s.element
            .as_deref()
            .and_then(|id| graph.index(id))
            .unwrap_or(usize::MAX)
    };
    shares.sort_by(|a, b| {
        b.probability
            .total_cmp(&a.probability)
            .then_with(|| position(a).cmp(&position(b)))
    });
    Ok(Distribution {
        shares,
        percentage_reached,
    })
}

/// Decides element `i` once and records its successors with their probabilities.
fn fill(
    graph: &Graph,
    i: usize,
    request: &Request,
    pins: &Pins,
    decided: &mut [Option<Decided>],
    edges: &mut [Vec<(usize, f64)>],
) {
    if let Kind::Percentage { branches } = &graph.nodes[i].kind {
        edges[i] = branches
            .iter()
            .filter(|b| b.share > 0)
            .map(|b| (b.out.target, b.share as f64 / crate::graph::WHOLE as f64))
            .collect();
        decided[i] = Some(Decided {
            step: step::percentage(graph, i, Draw(0), false).step,
            next: Next::To(edges[i].first().map_or(i, |e| e.0)),
            served: false,
        });
        return;
    }
    let d = step::decide(graph, i, request, pins);
    if let Next::To(target) = d.next {
        edges[i] = vec![(target, 1.0)];
    }
    decided[i] = Some(d);
}

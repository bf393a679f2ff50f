//! Timed request sequences: each request of a sequence meets rate counters holding what the
//! earlier requests spent in each rate element's window, fixed or sliding.
//!
//! A request that a rate element lets through spends 1 on a count limit, and its `cost` on a
//! cost limit when the route serves it (a cost is known only once a model answered). A
//! request over the limit spends nothing. Counters start from the pinned `used` amounts,
//! spent at time 0.

use std::collections::{HashMap, VecDeque};

use crate::graph::{Graph, Kind};
use crate::pins::Pins;
use crate::request::Request;
use crate::step::counter_key;
use crate::trace::{Outcome, Trace};

/// How a rate element's window moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Window {
    /// Windows start at 0, `window`, 2 × `window`, ... seconds; a counter empties when the
    /// next one starts.
    #[default]
    Fixed,
    /// The window is the `window` seconds before the request: what was spent at `t`
    /// counts while `now - window < t`.
    Sliding,
}

impl Window {
    /// Reads `fixed` or `sliding`.
    pub fn parse(text: &str) -> Option<Window> {
        match text {
            "fixed" => Some(Window::Fixed),
            "sliding" => Some(Window::Sliding),
            _ => None,
        }
    }

    /// Whether an amount spent at `then` still counts at `now` (`then <= now`), for a
    /// window of `seconds`.
    fn holds(self, then: f64, now: f64, seconds: f64) -> bool {
        if seconds <= 0.0 {
            return then == now;
        }
        match self {
            Window::Fixed => (then / seconds).floor() == (now / seconds).floor(),
            Window::Sliding => now - seconds < then,
        }
    }
}

/// What one counter has spent: (time, amount) in time order, amounts at one time merged.
#[derive(Debug, Default)]
struct Spent {
    entries: VecDeque<(f64, f64)>,
    total: f64,
}

/// The counters of every rate element of a route over a sequence whose times never go
/// back.
#[derive(Debug)]
pub struct Counters {
    window: Window,
    spent: HashMap<(usize, String), Spent>,
}

impl Counters {
    /// Empty counters moving by `window`.
    pub fn new(window: Window) -> Counters {
        Counters {
            window,
            spent: HashMap::new(),
        }
    }

    /// The pins of a request at `now`: `base` with, for each rate element, what its window
    /// holds for the request's counter (the pinned amount while `now` is in the window of
    /// time 0, plus what the sequence spent).
    pub fn pins(&mut self, graph: &Graph, request: &Request, base: &Pins, now: f64) -> Pins {
        let mut pins = base.clone();
        pins.used.clear();
        for (i, node) in graph.nodes.iter().enumerate() {
            let Kind::Rate {
                key: Ok(path),
                window,
                ..
            } = &node.kind
            else {
                continue;
            };
            let key = counter_key(request.get(path));
            let pinned = if self.window.holds(0.0, now, *window) {
                base.used
                    .get(&node.id)
                    .and_then(|by_key| by_key.get(&key).or_else(|| by_key.get("*")))
                    .copied()
                    .unwrap_or(0.0)
            } else {
                0.0
            };
            let spent = match self.spent.get_mut(&(i, key.clone())) {
                Some(spent) => {
                    while let Some(&(then, amount)) = spent.entries.front() {
                        if self.window.holds(then, now, *window) {
                            break;
                        }
                        spent.entries.pop_front();
                        spent.total -= amount;
                    }
                    if spent.entries.is_empty() {
                        spent.total = 0.0;
                    }
                    spent.total
                }
                None => 0.0,
            };
            pins.used
                .entry(node.id.clone())
                .or_default()
                .insert(key, pinned + spent);
        }
        pins
    }

    /// Records what the request traced at `now` spent at each rate element that let it
    /// through; `cost` is its cost when served.
    pub fn record(&mut self, graph: &Graph, trace: &Trace, now: f64, cost: f64) {
        for step in &trace.steps {
            let Some(counter) = step.counter.as_ref().filter(|c| !c.limited) else {
                continue;
            };
            let Some(i) = graph.index(&step.element) else {
                continue;
            };
            let amount = match counter.limit_type {
                "cost" if trace.outcome == Outcome::Served => cost,
                "cost" => 0.0,
                _ => 1.0,
            };
            if amount == 0.0 {
                continue;
            }
            let spent = self
                .spent
                .entry((i, counter_key(counter.value.as_ref())))
                .or_default();
            match spent.entries.back_mut() {
                Some((then, total)) if *then == now => *total += amount,
                _ => spent.entries.push_back((now, amount)),
            }
            spent.total += amount;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_windows_start_at_multiples_of_the_window() {
        let w = Window::Fixed;
        assert!(w.holds(0.0, 59.999, 60.0));
        assert!(!w.holds(59.0, 60.0, 60.0));
        assert!(w.holds(60.0, 119.0, 60.0));
        assert!(!w.holds(0.0, 60.0, 60.0));
    }

    #[test]
    fn sliding_windows_reach_back_a_window_from_now() {
        let w = Window::Sliding;
        assert!(w.holds(59.0, 60.0, 60.0));
        assert!(w.holds(0.5, 60.0, 60.0));
        assert!(!w.holds(0.0, 60.0, 60.0));
        assert!(w.holds(0.0, 59.999, 60.0));
    }

    #[test]
    fn a_window_of_zero_holds_only_the_same_instant() {
        for w in [Window::Fixed, Window::Sliding] {
            assert!(w.holds(5.0, 5.0, 0.0));
            assert!(!w.holds(5.0, 5.5, 0.0));
        }
    }
}

//! What a trace or a test case fixes that a live request leaves to chance or to the
//! outside world: the percentage draw, model failures and rate-limit counters.

use std::collections::HashMap;

use serde::Serialize;

use crate::graph::WHOLE;

/// The outcome of one model attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Attempt {
    /// The model answered (started streaming a response).
    Ok,
    /// The provider returned an error.
    Error,
    /// The attempt ran past the element's `timeout`.
    Timeout,
}

impl Attempt {
    /// Reads `ok`, `error` or `timeout`.
    pub fn parse(text: &str) -> Option<Attempt> {
        match text {
            "ok" => Some(Attempt::Ok),
            "error" => Some(Attempt::Error),
            "timeout" => Some(Attempt::Timeout),
            _ => None,
        }
    }
}

/// Scripted outcomes of the attempts of a model: `attempts[i]` for attempt `i`, `then` for
/// every attempt after them. A script applies afresh to each element it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// The first attempts, in order.
    pub attempts: Vec<Attempt>,
    /// Every later attempt.
    pub then: Attempt,
}

impl Script {
    /// Every attempt fails with `error`.
    pub fn always_failing() -> Script {
        Script {
            attempts: Vec::new(),
            then: Attempt::Error,
        }
    }

    /// The outcome of attempt `i` (0-based).
    pub fn attempt(&self, i: u64) -> Attempt {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.attempts.get(i).copied())
            .unwrap_or(self.then)
    }
}

/// A percentage draw in millionths of a percent: 0 <= draw < 100 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Draw(pub u64);

impl Draw {
    /// Reads a draw written as a decimal number of percent (`37.5`), exactly, with up to six
    /// decimal places, as percentage keys are read.
    pub fn parse(text: &str) -> Result<Draw, String> {
        let millionths = dynroute_validator::rules::percentage::parse_key(&format!("{text}%"))
            .map_err(|_| {
                format!(
                    "`{text}` is not a draw: write a number of percent from 0 to less than 100, \
                     with at most six decimal places (for example 37.5)"
                )
            })?;
        if millionths >= WHOLE {
            return Err(format!(
                "`{text}` is not a draw: it must be below 100 (the ranges of the outputs cover \
                 0 to 100, upper bound excluded)"
            ));
        }
        Ok(Draw(millionths))
    }

    /// The draw in percent, for display.
    pub fn percent(self) -> f64 {
        self.0 as f64 / 1_000_000.0
    }
}

/// Everything a trace fixes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pins {
    /// The draw of every percentage element without one of its own.
    pub draw: Option<Draw>,
    /// Draws per percentage element id.
    pub draws: HashMap<String, Draw>,
    /// Attempt scripts per model element id, or per `provider/model` (the element id wins).
    pub scripts: HashMap<String, Script>,
    /// Counter state per rate element id, per key value (`*`: every key value without
    /// its own): what the current window has used (requests for a count limit, cost for a
    /// cost limit).
    pub used: HashMap<String, HashMap<String, f64>>,
}

impl Pins {
    /// Whether any draw is pinned.
    pub fn pins_draw(&self) -> bool {
        self.draw.is_some() || !self.draws.is_empty()
    }

    /// The draw of a percentage element: its own, the general one, or 0 (the first output
    /// with a share, as Envoy's router_check_tool defaults its random value to 0).
    pub fn draw_for(&self, element: &str) -> Option<Draw> {
        self.draws.get(element).copied().or(self.draw)
    }

    /// The attempt script of a model element.
    pub fn script_for(&self, element: &str, provider: &str, model: &str) -> Option<&Script> {
        self.scripts
            .get(element)
            .or_else(|| self.scripts.get(&format!("{provider}/{model}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_read_exactly_and_bounded() {
        assert_eq!(Draw::parse("37.5"), Ok(Draw(37_500_000)));
        assert_eq!(Draw::parse("4.35"), Ok(Draw(4_350_000)));
        assert_eq!(Draw::parse("0"), Ok(Draw(0)));
        assert_eq!(Draw::parse("99.999999"), Ok(Draw(99_999_999)));
        assert!(Draw::parse("100").unwrap_err().contains("below 100"));
        assert!(Draw::parse("-1").is_err());
        assert!(Draw::parse("1e2").is_err());
        assert!(Draw::parse("0.0000001").is_err());
    }

    #[test]
    fn scripts_repeat_their_last_outcome() {
        let script = Script {
            attempts: vec![Attempt::Error, Attempt::Timeout],
            then: Attempt::Ok,
        };
        assert_eq!(script.attempt(0), Attempt::Error);
        assert_eq!(script.attempt(1), Attempt::Timeout);
        assert_eq!(script.attempt(2), Attempt::Ok);
        assert_eq!(script.attempt(u64::MAX), Attempt::Ok);
    }

    #[test]
    fn an_element_script_wins_over_a_model_script() {
        let mut pins = Pins::default();
        pins.scripts
            .insert("openai/gpt-4o".into(), Script::always_failing());
        pins.scripts.insert(
            "primary".into(),
            Script {
                attempts: vec![],
                then: Attempt::Ok,
            },
        );
        assert_eq!(
            pins.script_for("primary", "openai", "gpt-4o")
                .map(|s| s.then),
            Some(Attempt::Ok)
        );
        assert_eq!(
            pins.script_for("other", "openai", "gpt-4o").map(|s| s.then),
            Some(Attempt::Error)
        );
        assert_eq!(pins.script_for("other", "openai", "gpt-4o-mini"), None);
    }
}

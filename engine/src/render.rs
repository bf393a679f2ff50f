//! A trace for people: the outcome, one line per step, the distribution and the choices the
//! result relied on. Text from the route or the request (ids, values) is printed with
//! control and bidirectional characters escaped, so a file cannot forge lines or reorder
//! what a terminal shows.

use std::fmt::Write;

use crate::trace::{Outcome, Share, Trace};

/// Renders `trace` of the route in `file`.
pub fn human(file: &str, trace: &Trace) -> String {
    let mut out = String::new();
    let headline = match trace.outcome {
        Outcome::Served => format!(
            "served by {}/{} (element {})",
            safe(trace.provider.as_deref().unwrap_or_default()),
            safe(trace.model.as_deref().unwrap_or_default()),
            safe(trace.element.as_deref().unwrap_or_default())
        ),
        Outcome::Failed => "failed: the route ended with no model having answered".to_string(),
        Outcome::Error => format!(
            "error: {}",
            safe(
                trace
                    .error
                    .as_deref()
                    .unwrap_or("the route cannot be evaluated")
            )
        ),
    };
    let _ = writeln!(out, "{}: {headline}", safe(file));
    let width = trace
        .steps
        .iter()
        .map(|s| safe(&s.element).chars().count())
        .max()
        .unwrap_or(0);
    for step in &trace.steps {
        let output = step
            .output
            .as_deref()
            .map_or_else(|| "-".to_string(), |o| format!("-> {}", safe(o)));
        let _ = writeln!(
            out,
            "  {:<width$}  {:<11}  {:<12}  {}",
            safe(&step.element),
            step.kind,
            output,
            safe(&step.reason),
        );
    }
    if let Some(shares) = &trace.distribution {
        let _ = writeln!(out, "distribution (no draw pinned):");
        for share in shares {
            let _ = writeln!(
                out,
                "  {:>11.6} %  {}",
                share.probability * 100.0,
                describe(share)
            );
        }
    }
    let mut assumed: Vec<(String, &str)> = Vec::new();
    for step in &trace.steps {
        for note in &step.assumed {
            assumed.push((safe(note), step.element.as_str()));
        }
    }
    if !assumed.is_empty() {
        let _ = writeln!(out, "assumed (not documented by Cloudflare):");
        for (note, element) in assumed {
            let _ = writeln!(out, "  - {note} [{}]", safe(element));
        }
    }
    out
}

/// One outcome of a distribution, for people: `provider/model (element)`, `failed (nothing
/// served)` or `error at element`.
pub fn describe(share: &Share) -> String {
    match share.outcome {
        Outcome::Served => format!(
            "{}/{} ({})",
            safe(share.provider.as_deref().unwrap_or_default()),
            safe(share.model.as_deref().unwrap_or_default()),
            safe(share.element.as_deref().unwrap_or_default())
        ),
        Outcome::Failed => "failed (nothing served)".to_string(),
        Outcome::Error => format!(
            "error at {}",
            safe(share.element.as_deref().unwrap_or_default())
        ),
    }
}

/// Text from a route, made safe to print (control and bidirectional characters escaped).
pub fn safe(text: &str) -> String {
    dynroute_validator::text::safe(text).into_owned()
}

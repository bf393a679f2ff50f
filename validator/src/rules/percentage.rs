//! percentage-sum: a percentage element's output keys are `N%` and sum to exactly 100.
//!
//! Fractional keys (`"33.5%"`) are accepted: the documentation only says keys are
//! percentages, and rejecting a split like 33.5/33.5/33 would be a guess. They are summed
//! in millionths of a percent as integers, so 33.3% + 33.3% + 33.4% is exactly 100 and no
//! floating-point rounding can make a correct split fail. More than six decimal places is
//! reported as malformed.

use serde_json::Value;

use crate::diagnostic::Finding;
use crate::pointer::push_token;
use crate::registry::names;
use crate::rules::Context;

/// The documented maximum number of outputs of a percentage element.
pub const MAX_OUTPUTS: usize = 5;
const SCALE: u64 = 1_000_000;

/// Parses `"12.5%"` into millionths of a percent.
pub fn parse_key(key: &str) -> Option<u64> {
    let number = key.strip_suffix('%')?;
    let (whole, fraction) = match number.split_once('.') {
        Some((w, f)) => (w, f),
        None => (number, ""),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (number.contains('.') && !digits(fraction)) || fraction.len() > 6 {
        return None;
    }
    let whole: u64 = whole.parse().ok()?;
    let mut frac: u64 = if fraction.is_empty() {
        0
    } else {
        fraction.parse().ok()?
    };
    for _ in fraction.len()..6 {
        frac *= 10;
    }
    whole.checked_mul(SCALE)?.checked_add(frac)
}

fn format_millionths(v: u64) -> String {
    let whole = v / SCALE;
    let frac = v % SCALE;
    if frac == 0 {
        format!("{whole}")
    } else {
        let f = format!("{frac:06}");
        format!("{whole}.{}", f.trim_end_matches('0'))
    }
}

/// `percentage-sum`: checks every percentage element.
pub fn sum(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(route) = &cx.graph else { return };
    for (i, element) in route.elements.iter().enumerate() {
        if element.kind != Some("percentage") {
            continue;
        }
        let Some(outputs) = element.value.get("outputs").and_then(Value::as_object) else {
            continue; // the schema rule reports a missing or non-object `outputs`
        };
        let pointer = route.field(i, "outputs");
        let mut sum: u64 = 0;
        let mut malformed = false;
        for key in outputs.keys() {
            match parse_key(key) {
                Some(v) => sum = sum.saturating_add(v),
                None => {
                    malformed = true;
                    let help = if key == "else" {
                        "the API rejects `else`: give every branch an explicit share such as \"20%\""
                            .to_string()
                    } else {
                        "write the share as a number followed by %, e.g. \"25%\" or \"12.5%\""
                            .to_string()
                    };
                    out.push(
                        Finding::new(
                            names::PERCENTAGE_SUM,
                            push_token(&pointer, key),
                            format!("output key `{key}` is not a percentage"),
                            help,
                        )
                        .at_key(),
                    );
                }
            }
        }
        if outputs.len() > MAX_OUTPUTS {
            out.push(Finding::new(
                names::PERCENTAGE_SUM,
                pointer.clone(),
                format!(
                    "{} has {} outputs; a percentage element allows at most {MAX_OUTPUTS}",
                    element.name(i),
                    outputs.len()
                ),
                "merge branches or chain two percentage elements",
            ));
        }
        if !malformed && sum != 100 * SCALE {
            out.push(Finding::new(
                names::PERCENTAGE_SUM,
                pointer,
                format!(
                    "the outputs of {} sum to {}%, not 100%",
                    element.name(i),
                    format_millionths(sum)
                ),
                "adjust the percentages so that they add up to exactly 100",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_whole_and_fractional_keys_exactly() {
        assert_eq!(parse_key("10%"), Some(10 * SCALE));
        assert_eq!(parse_key("33.5%"), Some(33_500_000));
        assert_eq!(parse_key("0.000001%"), Some(1));
        for bad in [
            "10",
            "%",
            "-5%",
            "+5%",
            "1.%",
            ".5%",
            "5 %",
            "1e2%",
            "0.0000001%",
            "else",
            "½%",
        ] {
            assert_eq!(parse_key(bad), None, "{bad}");
        }
        assert_eq!(parse_key("99999999999999999999%"), None);
        assert_eq!(format_millionths(33_300_000), "33.3");
        assert_eq!(format_millionths(90 * SCALE), "90");
    }
}

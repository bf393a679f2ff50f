//! percentage-sum: a percentage element's output keys are `N%` and sum to exactly 100.
//!
//! Fractional keys (`"33.5%"`) are accepted: the documentation only says keys are
//! percentages, and rejecting a split like 33.5/33.5/33 would be a guess. They are summed
//! in millionths of a percent as integers, so 33.3% + 33.3% + 33.4% is exactly 100 and no
//! floating-point rounding can make a correct split fail. A key with more than six
//! significant decimal places, or above 100%, is reported as such. Keys must differ as
//! strings (they are JSON object keys), so an even split writes one number two ways:
//! `"50%"` and `"50.0%"`.

use crate::diagnostic::Finding;
use crate::pointer::push_token;
use crate::registry::names;
use crate::rules::Context;

/// The documented maximum number of outputs of a percentage element.
pub const MAX_OUTPUTS: usize = 5;
const SCALE: u64 = 1_000_000;

/// Why an output key is not a share of a percentage element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyError {
    /// Not a non-negative decimal number followed by `%`.
    NotAPercentage,
    /// A percentage with more than six decimal places.
    TooPrecise,
    /// A percentage above 100.
    TooLarge,
}

/// Parses `"12.5%"` into millionths of a percent: at most six decimal places, at most 100%.
pub fn parse_key(key: &str) -> Result<u64, KeyError> {
    let number = key.strip_suffix('%').ok_or(KeyError::NotAPercentage)?;
    let (whole, fraction) = match number.split_once('.') {
        Some((w, f)) => (w, f),
        None => (number, ""),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (number.contains('.') && !digits(fraction)) {
        return Err(KeyError::NotAPercentage);
    }
    let whole = whole.trim_start_matches('0');
    // More than three digits before the point is more than 100%, however many there are.
    if whole.len() > 3 {
        return Err(KeyError::TooLarge);
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| KeyError::TooLarge)?
    };
    let significant = fraction.trim_end_matches('0');
    if significant.len() > 6 {
        return Err(KeyError::TooPrecise);
    }
    let mut frac: u64 = if significant.is_empty() {
        0
    } else {
        significant.parse().map_err(|_| KeyError::TooPrecise)?
    };
    for _ in significant.len()..6 {
        frac *= 10;
    }
    let value = whole * SCALE + frac;
    if value > 100 * SCALE {
        return Err(KeyError::TooLarge);
    }
    Ok(value)
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
        let Some(outputs) = element.outputs.filter(|o| o.is_object()) else {
            continue; // the schema rule reports a missing or non-object `outputs`
        };
        // Made only for a finding.
        let pointer = || route.field(i, "outputs");
        let mut sum: u64 = 0;
        let mut malformed = false;
        for (key, _) in outputs.members() {
            let (message, help) = match parse_key(key) {
                Ok(v) => {
                    sum = sum.saturating_add(v);
                    continue;
                }
                Err(KeyError::NotAPercentage) if key == "else" => (
                    "output key `else` is not a percentage",
                    "the API rejects `else`: give every branch an explicit share such as \"20%\"",
                ),
                Err(KeyError::NotAPercentage) => (
                    "output key `{key}` is not a percentage",
                    "write the share as a number followed by %, e.g. \"25%\" or \"12.5%\"",
                ),
                Err(KeyError::TooPrecise) => (
                    "output key `{key}` has more than 6 decimal places",
                    "round the share to at most 6 decimal places (shares are summed exactly \
                     to the millionth of a percent)",
                ),
                Err(KeyError::TooLarge) => (
                    "output key `{key}` is more than 100%",
                    "a share is at most 100%: the shares of all outputs add up to exactly 100",
                ),
            };
            malformed = true;
            out.push(
                Finding::new(
                    names::PERCENTAGE_SUM,
                    push_token(&pointer(), key),
                    message.replace("{key}", key),
                    help,
                )
                .at_key(),
            );
        }
        if outputs.len() > MAX_OUTPUTS {
            out.push(Finding::new(
                names::PERCENTAGE_SUM,
                pointer(),
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
                pointer(),
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

/// `zero-percent`: a percentage output of 0% never runs.
pub fn zero_percent(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(route) = &cx.graph else { return };
    for (i, element) in route.elements.iter().enumerate() {
        if element.kind != Some("percentage") {
            continue;
        }
        let Some(outputs) = element.outputs.filter(|o| o.is_object()) else {
            continue;
        };
        for (key, _) in outputs.members().filter(|(key, _)| parse_key(key) == Ok(0)) {
            out.push(
                Finding::new(
                    names::ZERO_PERCENT,
                    push_token(&route.field(i, "outputs"), key),
                    format!(
                        "output `{key}` of {} gets no traffic: its branch never runs",
                        element.name(i)
                    ),
                    "remove the output, or give it a share",
                )
                .at_key(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_whole_and_fractional_keys_exactly() {
        assert_eq!(parse_key("10%"), Ok(10 * SCALE));
        assert_eq!(parse_key("33.5%"), Ok(33_500_000));
        assert_eq!(parse_key("0.000001%"), Ok(1));
        assert_eq!(parse_key("100%"), Ok(100 * SCALE));
        assert_eq!(parse_key("0100.000%"), Ok(100 * SCALE));
        assert_eq!(parse_key("0%"), Ok(0));
        // Trailing zeros are not precision: the same number written two ways.
        assert_eq!(parse_key("50.00000000%"), Ok(50 * SCALE));
        for bad in [
            "10", "%", "-5%", "+5%", "1.%", ".5%", "5 %", "1e2%", "else", "½%",
        ] {
            assert_eq!(parse_key(bad), Err(KeyError::NotAPercentage), "{bad}");
        }
        assert_eq!(parse_key("0.0000001%"), Err(KeyError::TooPrecise));
        assert_eq!(parse_key("33.3333333%"), Err(KeyError::TooPrecise));
        assert_eq!(parse_key("100.000001%"), Err(KeyError::TooLarge));
        assert_eq!(parse_key("101%"), Err(KeyError::TooLarge));
        assert_eq!(parse_key("99999999999999999999%"), Err(KeyError::TooLarge));
        assert_eq!(format_millionths(33_300_000), "33.3");
        assert_eq!(format_millionths(90 * SCALE), "90");
    }
}

//! When to retry, and how long to wait first.
//!
//! The policy follows the Stainless-generated SDKs (2 retries, exponential backoff from 0.5 s
//! to 8 s with up to 25 % jitter, `Retry-After` honoured) with one difference: a request that
//! may have changed state on the server (POST) is retried only when the server cannot have
//! processed it, so a retry never creates a duplicate. See [`RetryPolicy`].

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// Retry settings of a client.
///
/// What is retried:
///
/// * methods other than POST (GET, PUT, PATCH, DELETE, HEAD): connection errors, timeouts, and
///   the statuses 408, 429 and 5xx;
/// * POST: only failures where the server did not process the request: a connection that
///   could not be established (nothing was sent), 429 (the request was refused by rate
///   limiting), and 503 carrying `Retry-After` (the server said it did not take the request).
///   A POST that timed out or got another 5xx is **not** retried, because it may have created
///   the resource; the error is returned and the caller decides (for example by listing first).
///
/// A `Retry-After` (or `retry-after-ms`) header sets the wait before the next attempt. When it
/// asks for longer than [`max_retry_after`](RetryPolicy::max_retry_after) (60 s by default) the
/// call gives up at once and the error carries the requested delay
/// ([`Error::retry_after`](super::Error::retry_after)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (2 by default; 0 disables retries).
    pub max_retries: u32,
    /// The first backoff delay (0.5 s); it doubles on each retry.
    pub initial_backoff: Duration,
    /// The largest backoff delay (8 s).
    pub max_backoff: Duration,
    /// The longest `Retry-After` the client will wait for (60 s).
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// What happened on one attempt, as far as retrying is concerned.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Attempt<'a> {
    /// The connection could not be established: nothing reached the server.
    ConnectFailed,
    /// The request may have reached the server but no (complete) response came back.
    Interrupted,
    /// A response with a non-success status.
    Status(StatusCode, &'a HeaderMap),
}

/// The decision after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    RetryAfter(Duration),
    GiveUp,
}

impl RetryPolicy {
    /// Decides whether attempt number `attempt` (0-based) is followed by another.
    pub(crate) fn decide(
        &self,
        attempt: u32,
        may_change_state: bool,
        outcome: Attempt<'_>,
    ) -> Decision {
        if attempt >= self.max_retries {
            return Decision::GiveUp;
        }
        let server_delay = match outcome {
            Attempt::Status(_, headers) => retry_after(headers, SystemTime::now()),
            _ => None,
        };
        let retryable = match outcome {
            Attempt::ConnectFailed => true,
            Attempt::Interrupted => !may_change_state,
            Attempt::Status(status, _) => {
                let code = status.as_u16();
                if may_change_state {
                    code == 429 || (code == 503 && server_delay.is_some())
                } else {
                    code == 408 || code == 429 || status.is_server_error()
                }
            }
        };
        if !retryable {
            return Decision::GiveUp;
        }
        match server_delay {
            Some(delay) if delay > self.max_retry_after => Decision::GiveUp,
            Some(delay) => Decision::RetryAfter(delay),
            None => Decision::RetryAfter(self.backoff(attempt)),
        }
    }

    /// Exponential backoff with jitter: `min(initial * 2^attempt, max) * (1 - 0.25 * rand)`.
    /// The jitter spreads out clients that failed together so they do not retry together.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.min(16));
        let base = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        // The product is at most `base`; `try_` keeps a `Duration::MAX` bound from panicking
        // on the float round trip.
        Duration::try_from_secs_f64(base.as_secs_f64() * (1.0 - 0.25 * fastrand::f64()))
            .map_or(base, |jittered| jittered.min(base))
    }
}

/// The server's requested delay: `retry-after-ms` (milliseconds), else `Retry-After` in
/// seconds or as an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(delay) = header_str(headers, "retry-after-ms")
        .and_then(|v| v.trim().parse::<f64>().ok())
        .and_then(|ms| seconds(ms / 1000.0))
    {
        return Some(delay);
    }
    let value = header_str(headers, "retry-after")?.trim();
    if let Ok(number) = value.parse::<f64>() {
        return seconds(number);
    }
    let at = parse_http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A delay in seconds as a server wrote it: negative and NaN values are no delay; values too
/// large for a `Duration` (`1e300`, `inf`) saturate, so the policy still sees "too long" and
/// gives up instead of retrying early.
fn seconds(value: f64) -> Option<Duration> {
    if value.is_nan() || value < 0.0 {
        return None;
    }
    Some(Duration::try_from_secs_f64(value).unwrap_or(Duration::MAX))
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok()
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the only date format servers are
/// required to send (RFC 9110 §5.6.7).
fn parse_http_date(value: &str) -> Option<SystemTime> {
    let rest = value.split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let day: u64 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut clock = parts.next()?.split(':');
    let hour: u64 = clock.next()?.parse().ok()?;
    let minute: u64 = clock.next()?.parse().ok()?;
    let second: u64 = clock.next()?.parse().ok()?;
    // Four-digit years only (as IMF-fixdate has), which also keeps the arithmetic below far
    // from overflowing on a hostile header.
    if parts.next()? != "GMT"
        || !(1..=9999).contains(&year)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = u64::try_from(days_from_civil(year, month, day)).ok()?;
    let secs = days * 86_400 + hour * 3_600 + minute * 60 + second;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u64, day: u64) -> i64 {
    let month = month as i64;
    let day = day as i64;
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(
            retry_after(&headers(&[("retry-after", "3")]), now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            retry_after(
                &headers(&[("retry-after-ms", "250"), ("retry-after", "3")]),
                now
            ),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            retry_after(
                &headers(&[("retry-after", "Sun, 06 Nov 1994 08:49:47 GMT")]),
                now
            ),
            Some(Duration::from_secs(10))
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")]), now), None);
        assert_eq!(retry_after(&headers(&[("retry-after", "-1")]), now), None);
    }

    #[test]
    fn hostile_retry_after_values_do_not_panic() {
        let now = SystemTime::UNIX_EPOCH;
        for value in ["1e300", "inf", "18446744073709551616"] {
            for name in ["retry-after", "retry-after-ms"] {
                let delay = retry_after(&headers(&[(name, value)]), now);
                assert!(
                    delay.is_some_and(|d| d > Duration::from_secs(1_000_000)),
                    "{name}: {value}: {delay:?}"
                );
            }
            // Too long to wait for: the call gives up instead of retrying early.
            let huge = headers(&[("retry-after", value)]);
            let outcome = Attempt::Status(StatusCode::TOO_MANY_REQUESTS, &huge);
            assert_eq!(
                RetryPolicy::default().decide(0, false, outcome),
                Decision::GiveUp
            );
        }
        for value in ["NaN", "-0.5", "-inf"] {
            assert_eq!(retry_after(&headers(&[("retry-after", value)]), now), None);
        }
        for date in [
            "Sun, 06 Nov 9223372036854775807 08:49:37 GMT",
            "Sun, 06 Nov -9223372036854775808 08:49:37 GMT",
            "Sun, 06 Nov 0 08:49:37 GMT",
        ] {
            assert_eq!(retry_after(&headers(&[("retry-after", date)]), now), None);
        }
        // The largest accepted date is still a (long) delay, which the policy then refuses.
        let far = retry_after(
            &headers(&[("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT")]),
            now,
        );
        assert!(far.is_some_and(|d| d > Duration::from_secs(60)), "{far:?}");
    }

    #[test]
    fn backoff_survives_extreme_bounds() {
        let policy = RetryPolicy {
            initial_backoff: Duration::MAX,
            max_backoff: Duration::MAX,
            ..RetryPolicy::default()
        };
        for attempt in [0, 1, 31, u32::MAX] {
            assert!(policy.backoff(attempt) <= Duration::MAX);
        }
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let policy = RetryPolicy::default();
        for attempt in 0..10 {
            let delay = policy.backoff(attempt);
            let base = (0.5 * 2f64.powi(attempt as i32)).min(8.0);
            assert!(
                delay.as_secs_f64() <= base && delay.as_secs_f64() >= base * 0.75,
                "{attempt}: {delay:?}"
            );
        }
    }

    #[test]
    fn post_is_retried_only_when_not_processed() {
        let policy = RetryPolicy::default();
        let none = HeaderMap::new();
        let with_after = headers(&[("retry-after", "1")]);
        let status = |code| StatusCode::from_u16(code).unwrap();
        let retried = |post, outcome| policy.decide(0, post, outcome) != Decision::GiveUp;

        assert!(retried(true, Attempt::ConnectFailed));
        assert!(!retried(true, Attempt::Interrupted));
        assert!(retried(true, Attempt::Status(status(429), &none)));
        assert!(retried(true, Attempt::Status(status(503), &with_after)));
        assert!(!retried(true, Attempt::Status(status(503), &none)));
        assert!(!retried(true, Attempt::Status(status(500), &none)));

        assert!(retried(false, Attempt::Interrupted));
        assert!(retried(false, Attempt::Status(status(408), &none)));
        assert!(retried(false, Attempt::Status(status(500), &none)));
        assert!(!retried(false, Attempt::Status(status(400), &none)));
        assert!(!retried(false, Attempt::Status(status(404), &none)));
    }

    #[test]
    fn gives_up_after_max_retries_and_on_long_retry_after() {
        let policy = RetryPolicy::default();
        let none = HeaderMap::new();
        let outcome = Attempt::Status(StatusCode::INTERNAL_SERVER_ERROR, &none);
        assert_ne!(policy.decide(1, false, outcome), Decision::GiveUp);
        assert_eq!(policy.decide(2, false, outcome), Decision::GiveUp);
        let long = headers(&[("retry-after", "3600")]);
        let outcome = Attempt::Status(StatusCode::TOO_MANY_REQUESTS, &long);
        assert_eq!(policy.decide(0, false, outcome), Decision::GiveUp);
        let short = headers(&[("retry-after", "2")]);
        let outcome = Attempt::Status(StatusCode::TOO_MANY_REQUESTS, &short);
        assert_eq!(
            policy.decide(0, false, outcome),
            Decision::RetryAfter(Duration::from_secs(2))
        );
    }
}

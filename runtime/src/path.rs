//! Parameter encoding: path, query, header and cookie parameters.

use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde_json::Value;

use super::error::{Error, ErrorKind};

/// Everything but RFC 3986 unreserved characters is escaped, so a value can never add a path
/// segment (`/`), start a query (`?`) or a fragment (`#`).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What a cookie value may not hold as it is (RFC 6265 `cookie-octet` is printable ASCII
/// but space, `"`, `,`, `;` and `\`), plus `%` itself, so that every value decodes back
/// unambiguously. Other bytes (non-ASCII) are always escaped.
const COOKIE_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');

/// Percent-encodes one path parameter.
///
/// Refuses, before anything is sent, an empty value (it would address a different resource:
/// `/routes/` is the collection) and the dot segments `.` and `..` (URL normalisation would
/// turn them into a different path).
pub fn encode_path_param(
    operation: &'static str,
    name: &'static str,
    value: &str,
) -> Result<String, Error> {
    if value.is_empty() {
        return Err(Error::new(ErrorKind::InvalidRequest, operation)
            .with_message(format!("path parameter `{name}` must not be empty")));
    }
    if value == "." || value == ".." {
        return Err(Error::new(ErrorKind::InvalidRequest, operation)
            .with_message(format!("path parameter `{name}` must not be `{value}`")));
    }
    Ok(utf8_percent_encode(value, PATH_SEGMENT).to_string())
}

/// Renders a parameter value: strings as they are, whole numbers without a fraction (`50`,
/// also from an `f64` holding 50.0), other numbers and booleans as JSON writes them, anything
/// else as JSON text.
pub fn query_value<T: Serialize + ?Sized>(
    operation: &'static str,
    name: &'static str,
    value: &T,
) -> Result<String, Error> {
    Ok(render(&to_json(operation, name, value)?))
}

/// The `(name, value)` pairs of one query parameter in OpenAPI's default `form` style: none
/// for `None`; for an array, one pair per item when `explode` (`tags=a&tags=b`, the
/// default) or one pair of comma-joined items (`tags=a,b`); otherwise one pair rendered as
/// [`query_value`] does.
pub fn query_pairs<T: Serialize + ?Sized>(
    operation: &'static str,
    name: &'static str,
    value: Option<&T>,
    explode: bool,
) -> Result<Vec<(&'static str, String)>, Error> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    Ok(match to_json(operation, name, value)? {
        Value::Array(items) if explode => items.iter().map(|item| (name, render(item))).collect(),
        Value::Array(items) => {
            let joined: Vec<String> = items.iter().map(render).collect();
            vec![(name, joined.join(","))]
        }
        other => vec![(name, render(&other))],
    })
}

/// The `(name, value)` of one header parameter in OpenAPI's `simple` style: none for `None`
/// or a null value; for an array, its items joined by commas (`a,b`); otherwise the value
/// rendered as [`query_value`] does.
///
/// A value that cannot be sent in a header (a line break or another control character) is
/// refused before anything is sent.
pub fn header_pairs<T: Serialize + ?Sized>(
    operation: &'static str,
    name: &'static str,
    value: Option<&T>,
) -> Result<Vec<(&'static str, String)>, Error> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let text = match to_json(operation, name, value)? {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(render).collect();
            items.join(",")
        }
        other => render(&other),
    };
    if reqwest::header::HeaderValue::from_str(&text).is_err() {
        return Err(
            Error::new(ErrorKind::InvalidRequest, operation).with_message(format!(
                "header parameter `{name}` holds a character that cannot be sent in a header \
             (a line break or another control character)"
            )),
        );
    }
    Ok(vec![(name, text)])
}

/// The `(name, value)` of one cookie parameter: none for `None` or a null value; otherwise
/// the value rendered as [`query_value`] does (an array's items joined by commas), then
/// percent-encoded where a cookie value cannot hold it as it is: controls, space, `"`, `,`,
/// `;`, `\`, `%` and every non-ASCII byte. The runtime sends every cookie of a request in
/// one `Cookie` header (`name=value; name2=value2`).
pub fn cookie_pairs<T: Serialize + ?Sized>(
    operation: &'static str,
    name: &'static str,
    value: Option<&T>,
) -> Result<Vec<(&'static str, String)>, Error> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let text = match to_json(operation, name, value)? {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => {
            let items: Vec<String> = items
                .iter()
                .map(|item| utf8_percent_encode(&render(item), COOKIE_VALUE).to_string())
                .collect();
            return Ok(vec![(name, items.join(","))]);
        }
        other => render(&other),
    };
    Ok(vec![(
        name,
        utf8_percent_encode(&text, COOKIE_VALUE).to_string(),
    )])
}

fn to_json<T: Serialize + ?Sized>(
    operation: &'static str,
    name: &'static str,
    value: &T,
) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(|err| {
        Error::new(ErrorKind::InvalidRequest, operation)
            .with_message(format!("parameter `{name}` cannot be serialized"))
            .with_source(err)
    })
}

/// A parameter value as text: strings as they are, whole numbers without a fraction, other
/// values as JSON writes them.
pub(crate) fn render(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => match whole_number(number) {
            Some(whole) => whole.to_string(),
            None => number.to_string(),
        },
        other => other.to_string(),
    }
}

/// The value of `number` as an integer when it has no fractional part and fits in an `i64`
/// exactly (a `number` parameter given 50.0 means 50).
pub(crate) fn whole_number(number: &serde_json::Number) -> Option<i64> {
    if let Some(integer) = number.as_i64() {
        return Some(integer);
    }
    let float = number.as_f64()?;
    // 2^53: beyond it not every integer is an f64, so the conversion would not be exact.
    (float.fract() == 0.0 && float.abs() <= 9_007_199_254_740_992.0).then_some(float as i64)
}

/// Serializes a request body to JSON once, so retries resend the same bytes.
pub fn json_body<T: Serialize + ?Sized>(
    operation: &'static str,
    body: &T,
) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(body).map_err(|err| {
        Error::new(ErrorKind::InvalidRequest, operation)
            .with_message("the request body cannot be serialized")
            .with_source(err)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_characters() {
        assert_eq!(
            encode_path_param("get", "id", "a/b?c#d e").unwrap(),
            "a%2Fb%3Fc%23d%20e"
        );
        assert_eq!(
            encode_path_param("get", "id", "route-1_v2.x~").unwrap(),
            "route-1_v2.x~"
        );
        assert_eq!(encode_path_param("get", "id", "é").unwrap(), "%C3%A9");
    }

    #[test]
    fn refuses_empty_and_dot_segments() {
        for value in ["", ".", ".."] {
            let err = encode_path_param("get", "id", value).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidRequest);
            assert!(err.to_string().contains("`id`"), "{err}");
        }
    }

    #[test]
    fn query_values() {
        assert_eq!(query_value("list", "page", &3i64).unwrap(), "3");
        assert_eq!(query_value("list", "q", "a b").unwrap(), "a b");
        assert_eq!(query_value("list", "flag", &true).unwrap(), "true");
        assert_eq!(query_value("list", "per_page", &50.0f64).unwrap(), "50");
        assert_eq!(query_value("list", "ratio", &0.25f64).unwrap(), "0.25");
        assert_eq!(query_value("list", "big", &1e300f64).unwrap(), "1e+300");
    }

    #[test]
    fn query_pairs_follow_the_form_style() {
        let tags = vec!["a b".to_string(), "c".to_string()];
        assert_eq!(
            query_pairs("list", "tags", Some(&tags), true).unwrap(),
            [("tags", "a b".to_string()), ("tags", "c".to_string())]
        );
        assert_eq!(
            query_pairs("list", "tags", Some(&tags), false).unwrap(),
            [("tags", "a b,c".to_string())]
        );
        assert_eq!(
            query_pairs("list", "n", Some(&[1.0f64, 2.5]), true).unwrap(),
            [("n", "1".to_string()), ("n", "2.5".to_string())]
        );
        assert_eq!(
            query_pairs("list", "page", Some(&3i64), true).unwrap(),
            [("page", "3".to_string())]
        );
        assert_eq!(query_pairs::<str>("list", "q", None, true).unwrap(), []);
    }

    #[test]
    fn header_values_are_plain_text_and_arrays_are_comma_joined() {
        assert_eq!(
            header_pairs("get", "X-Trace", Some("a b")).unwrap(),
            [("X-Trace", "a b".to_string())]
        );
        assert_eq!(
            header_pairs("get", "X-Limit", Some(&50.0f64)).unwrap(),
            [("X-Limit", "50".to_string())]
        );
        assert_eq!(
            header_pairs("get", "X-Dry", Some(&true)).unwrap(),
            [("X-Dry", "true".to_string())]
        );
        assert_eq!(
            header_pairs("get", "X-Tags", Some(&["a", "b"])).unwrap(),
            [("X-Tags", "a,b".to_string())]
        );
        assert_eq!(header_pairs::<str>("get", "X-None", None).unwrap(), []);
        assert_eq!(
            header_pairs("get", "X-Null", Some(&None::<String>)).unwrap(),
            []
        );
        assert_eq!(
            header_pairs("get", "X-Utf8", Some("café")).unwrap(),
            [("X-Utf8", "café".to_string())]
        );
    }

    #[test]
    fn header_values_with_line_breaks_are_refused_before_sending() {
        for value in ["a\r\nInjected: 1", "a\nb", "nul\0"] {
            let err = header_pairs("get", "X-Trace", Some(value)).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidRequest);
            assert!(err.to_string().contains("`X-Trace`"), "{err}");
        }
    }

    #[test]
    fn cookie_values_are_percent_encoded_where_needed() {
        assert_eq!(
            cookie_pairs("get", "session", Some("abc-123_~!#$&'()*+./:<=>?@[]^`{|}")).unwrap(),
            [("session", "abc-123_~!#$&'()*+./:<=>?@[]^`{|}".to_string())]
        );
        assert_eq!(
            cookie_pairs("get", "q", Some("a b;c,d\"e\\f%g é")).unwrap(),
            [("q", "a%20b%3Bc%2Cd%22e%5Cf%25g%20%C3%A9".to_string())]
        );
        assert_eq!(
            cookie_pairs("get", "n", Some(&7i64)).unwrap(),
            [("n", "7".to_string())]
        );
        assert_eq!(
            cookie_pairs("get", "ids", Some(&["a,b", "c"])).unwrap(),
            [("ids", "a%2Cb,c".to_string())]
        );
        assert_eq!(cookie_pairs::<str>("get", "q", None).unwrap(), []);
        assert_eq!(cookie_pairs("get", "q", Some(&None::<String>)).unwrap(), []);
    }
}

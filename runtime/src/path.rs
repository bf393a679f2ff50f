//! Parameter encoding: path, query, header and cookie parameters.

use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;

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
    // A value with nothing to encode (the usual id) is copied as it is.
    Ok(Cow::from(utf8_percent_encode(value, PATH_SEGMENT)).into_owned())
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

/// How a query, header or cookie parameter is written: OpenAPI's `style` with its
/// `explode`. Each location has its own default: `form` for query and cookie parameters
/// ([`Style::Form`]), `simple` for headers ([`Style::Simple`]).
///
/// | style | array `[a, b]` | object `{R: 1, G: 2}` |
/// | --- | --- | --- |
/// | `Form` | `tags=a&tags=b` | `R=1&G=2` |
/// | `FormJoined` | `tags=a,b` | `color=R,1,G,2` |
/// | `SpaceDelimited` | `tags=a b` | `color=R 1 G 2` |
/// | `PipeDelimited` | `tags=a\|b` | `color=R\|1\|G\|2` |
/// | `DeepObject` | `tags=a&tags=b` | `color[R]=1&color[G]=2` |
/// | `Simple` | `a,b` | `R,1,G,2` |
/// | `SimpleExploded` | `a,b` | `R=1,G=2` |
///
/// A scalar is its text in every style; what an array or object holds beyond scalars is
/// written as JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `form`, `explode: true` (the default of query and cookie parameters).
    Form,
    /// `form`, `explode: false`.
    FormJoined,
    /// `spaceDelimited`, `explode: false`.
    SpaceDelimited,
    /// `pipeDelimited`, `explode: false`.
    PipeDelimited,
    /// `deepObject`, `explode: true`.
    DeepObject,
    /// `simple`, `explode: false` (the default of header parameters).
    Simple,
    /// `simple`, `explode: true`.
    SimpleExploded,
}

/// One parameter as `(name, text)` pairs in `style`, text not encoded yet: none for a null
/// value.
fn styled_pairs(
    name: &'static str,
    value: &Value,
    style: Style,
) -> Vec<(Cow<'static, str>, String)> {
    let joined =
        |separator: &str, parts: Vec<String>| vec![(Cow::Borrowed(name), parts.join(separator))];
    let separator = match style {
        Style::SpaceDelimited => " ",
        Style::PipeDelimited => "|",
        _ => ",",
    };
    match value {
        Value::Null => Vec::new(),
        Value::Array(items) => match style {
            Style::Form | Style::DeepObject => items
                .iter()
                .map(|item| (Cow::Borrowed(name), render(item)))
                .collect(),
            _ => joined(separator, items.iter().map(render).collect()),
        },
        Value::Object(members) => match style {
            Style::Form => members
                .iter()
                .map(|(key, member)| (Cow::Owned(key.clone()), render(member)))
                .collect(),
            Style::DeepObject => members
                .iter()
                .map(|(key, member)| (Cow::Owned(format!("{name}[{key}]")), render(member)))
                .collect(),
            Style::SimpleExploded => joined(
                ",",
                members
                    .iter()
                    .map(|(key, member)| format!("{key}={}", render(member)))
                    .collect(),
            ),
            _ => joined(
                separator,
                members
                    .iter()
                    .flat_map(|(key, member)| [key.clone(), render(member)])
                    .collect(),
            ),
        },
        scalar => vec![(Cow::Borrowed(name), render(scalar))],
    }
}

/// The `(name, value)` pairs of one query parameter in `style` (see [`Style`]): none for
/// `None` or a null value.
pub fn query_pairs<T: Serialize + ?Sized>(
    operation: &'static str,
    name: &'static str,
    value: Option<&T>,
    style: Style,
) -> Result<Vec<(Cow<'static, str>, String)>, Error> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    Ok(styled_pairs(name, &to_json(operation, name, value)?, style))
}

/// The `(name, value)` of one header parameter in `style` (`simple`, see [`Style`]): none
/// for `None` or a null value.
///
/// A value that cannot be sent in a header (a line break or another control character) is
/// refused before anything is sent.
pub fn header_pairs<T: Serialize + ?Sized>(
    operation: &'static str,
    name: &'static str,
    value: Option<&T>,
    style: Style,
) -> Result<Vec<(Cow<'static, str>, String)>, Error> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let pairs = styled_pairs(name, &to_json(operation, name, value)?, style);
    for (_, text) in &pairs {
        if reqwest::header::HeaderValue::from_str(text).is_err() {
            return Err(
                Error::new(ErrorKind::InvalidRequest, operation).with_message(format!(
                    "header parameter `{name}` holds a character that cannot be sent in a \
                     header (a line break or another control character)"
                )),
            );
        }
    }
    Ok(pairs)
}

/// The `(name, value)` pairs of one cookie parameter in `style` (`form`, see [`Style`]):
/// none for `None` or a null value; values percent-encoded where a cookie value cannot hold
/// them as they are: controls, space, `"`, `,`, `;`, `\`, `%` and every non-ASCII byte (the
/// commas that join an array's items stay). An exploded array is one cookie per item, an
/// exploded object one cookie per member. The runtime sends every cookie of a request in
/// one `Cookie` header (`name=value; name2=value2`).
pub fn cookie_pairs<T: Serialize + ?Sized>(
    operation: &'static str,
    name: &'static str,
    value: Option<&T>,
    style: Style,
) -> Result<Vec<(Cow<'static, str>, String)>, Error> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    // Each scalar is encoded before joining, so that the joining commas stay commas.
    let encoded = encode_scalars(&to_json(operation, name, value)?);
    Ok(styled_pairs(name, &encoded, style))
}

/// `value` with every string and number inside it (one level of array or object) rendered
/// and percent-encoded for a cookie.
fn encode_scalars(value: &Value) -> Value {
    let encode = |item: &Value| -> Value {
        Value::String(utf8_percent_encode(&render(item), COOKIE_VALUE).to_string())
    };
    match value {
        Value::Null => Value::Null,
        Value::Array(items) => Value::Array(items.iter().map(encode).collect()),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(key, member)| {
                    (
                        utf8_percent_encode(key, COOKIE_VALUE).to_string(),
                        encode(member),
                    )
                })
                .collect(),
        ),
        scalar => encode(scalar),
    }
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

    /// `(name, value)` pairs as owned text, for comparing.
    fn text(pairs: Result<Vec<(Cow<'static, str>, String)>, Error>) -> Vec<(String, String)> {
        pairs
            .unwrap()
            .into_iter()
            .map(|(name, value)| (name.into_owned(), value))
            .collect()
    }

    fn want(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect()
    }

    #[test]
    fn query_pairs_follow_the_form_style() {
        let tags = vec!["a b".to_string(), "c".to_string()];
        let pairs = |style| text(query_pairs("list", "tags", Some(&tags), style));
        assert_eq!(pairs(Style::Form), want(&[("tags", "a b"), ("tags", "c")]));
        assert_eq!(pairs(Style::FormJoined), want(&[("tags", "a b,c")]));
        assert_eq!(
            text(query_pairs("list", "n", Some(&[1.0f64, 2.5]), Style::Form)),
            want(&[("n", "1"), ("n", "2.5")])
        );
        assert_eq!(
            text(query_pairs("list", "page", Some(&3i64), Style::Form)),
            want(&[("page", "3")])
        );
        assert_eq!(text(query_pairs::<str>("list", "q", None, Style::Form)), []);
    }

    #[test]
    fn every_style_writes_arrays_and_objects_as_openapi_says() {
        // OpenAPI 3.0.3, "Style Examples": `color` as the array and the object there.
        let array = serde_json::json!(["blue", "black", "brown"]);
        let object = serde_json::json!({"R": 100, "G": 200, "B": 150});
        let pairs = |value: &Value, style| text(query_pairs("get", "color", Some(value), style));
        assert_eq!(
            pairs(&array, Style::Form),
            want(&[("color", "blue"), ("color", "black"), ("color", "brown")])
        );
        assert_eq!(
            pairs(&object, Style::Form),
            want(&[("R", "100"), ("G", "200"), ("B", "150")])
        );
        assert_eq!(
            pairs(&array, Style::FormJoined),
            want(&[("color", "blue,black,brown")])
        );
        assert_eq!(
            pairs(&object, Style::FormJoined),
            want(&[("color", "R,100,G,200,B,150")])
        );
        assert_eq!(
            pairs(&array, Style::SpaceDelimited),
            want(&[("color", "blue black brown")])
        );
        assert_eq!(
            pairs(&object, Style::SpaceDelimited),
            want(&[("color", "R 100 G 200 B 150")])
        );
        assert_eq!(
            pairs(&array, Style::PipeDelimited),
            want(&[("color", "blue|black|brown")])
        );
        assert_eq!(
            pairs(&object, Style::PipeDelimited),
            want(&[("color", "R|100|G|200|B|150")])
        );
        assert_eq!(
            pairs(&object, Style::DeepObject),
            want(&[
                ("color[R]", "100"),
                ("color[G]", "200"),
                ("color[B]", "150")
            ])
        );
        assert_eq!(
            pairs(&array, Style::Simple),
            want(&[("color", "blue,black,brown")])
        );
        assert_eq!(
            pairs(&object, Style::Simple),
            want(&[("color", "R,100,G,200,B,150")])
        );
        assert_eq!(
            pairs(&array, Style::SimpleExploded),
            want(&[("color", "blue,black,brown")])
        );
        assert_eq!(
            pairs(&object, Style::SimpleExploded),
            want(&[("color", "R=100,G=200,B=150")])
        );
        // A scalar is its text in every style.
        for style in [
            Style::Form,
            Style::DeepObject,
            Style::PipeDelimited,
            Style::SimpleExploded,
        ] {
            assert_eq!(
                pairs(&serde_json::json!(5.0), style),
                want(&[("color", "5")])
            );
        }
    }

    #[test]
    fn header_values_are_plain_text_and_arrays_and_objects_are_comma_joined() {
        let header =
            |name, value: &Value, style| text(header_pairs("get", name, Some(value), style));
        assert_eq!(
            header("X-Trace", &serde_json::json!("a b"), Style::Simple),
            want(&[("X-Trace", "a b")])
        );
        assert_eq!(
            header("X-Limit", &serde_json::json!(50.0), Style::Simple),
            want(&[("X-Limit", "50")])
        );
        assert_eq!(
            header("X-Dry", &serde_json::json!(true), Style::Simple),
            want(&[("X-Dry", "true")])
        );
        assert_eq!(
            header("X-Tags", &serde_json::json!(["a", "b"]), Style::Simple),
            want(&[("X-Tags", "a,b")])
        );
        assert_eq!(
            header(
                "X-Obj",
                &serde_json::json!({"a": 1, "b": "c"}),
                Style::SimpleExploded
            ),
            want(&[("X-Obj", "a=1,b=c")])
        );
        assert_eq!(
            text(header_pairs::<str>("get", "X-None", None, Style::Simple)),
            []
        );
        assert_eq!(header("X-Null", &Value::Null, Style::Simple), []);
        assert_eq!(
            header("X-Utf8", &serde_json::json!("café"), Style::Simple),
            want(&[("X-Utf8", "café")])
        );
    }

    #[test]
    fn header_values_with_line_breaks_are_refused_before_sending() {
        for value in ["a\r\nInjected: 1", "a\nb", "nul\0"] {
            let err = header_pairs("get", "X-Trace", Some(value), Style::Simple).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidRequest);
            assert!(err.to_string().contains("`X-Trace`"), "{err}");
        }
    }

    #[test]
    fn cookie_values_are_percent_encoded_where_needed() {
        let cookie =
            |name, value: &Value, style| text(cookie_pairs("get", name, Some(value), style));
        assert_eq!(
            cookie(
                "session",
                &serde_json::json!("abc-123_~!#$&'()*+./:<=>?@[]^`{|}"),
                Style::Form
            ),
            want(&[("session", "abc-123_~!#$&'()*+./:<=>?@[]^`{|}")])
        );
        assert_eq!(
            cookie("q", &serde_json::json!("a b;c,d\"e\\f%g é"), Style::Form),
            want(&[("q", "a%20b%3Bc%2Cd%22e%5Cf%25g%20%C3%A9")])
        );
        assert_eq!(
            cookie("n", &serde_json::json!(7), Style::Form),
            want(&[("n", "7")])
        );
        // Items are encoded before they are joined: the joining comma stays a comma.
        assert_eq!(
            cookie("ids", &serde_json::json!(["a,b", "c"]), Style::FormJoined),
            want(&[("ids", "a%2Cb,c")])
        );
        // Exploded: a cookie per item, a cookie per member.
        assert_eq!(
            cookie("ids", &serde_json::json!(["a", "b c"]), Style::Form),
            want(&[("ids", "a"), ("ids", "b%20c")])
        );
        assert_eq!(
            cookie("c", &serde_json::json!({"R": 1, "G;": "x"}), Style::Form),
            want(&[("R", "1"), ("G%3B", "x")])
        );
        assert_eq!(text(cookie_pairs::<str>("get", "q", None, Style::Form)), []);
        assert_eq!(cookie("q", &Value::Null, Style::Form), []);
    }
}

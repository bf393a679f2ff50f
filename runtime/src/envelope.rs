//! How an API's response bodies report failure, for APIs that wrap every response in an
//! envelope.

use serde_json::Value;

use super::error::ErrorDetail;

/// The properties of a response envelope that report failure, for APIs whose bodies look like
/// `{"success": false, "errors": [{"code": 7003, "message": "..."}], ...}`.
///
/// A client reads no envelope unless one is installed with
/// [`ClientBuilder::error_envelope`](super::ClientBuilder::error_envelope): then a success
/// status is a success whatever the body holds, and the body of an error status is kept as
/// text in [`Error::body`](super::Error::body). Generated clients install the envelope their
/// OpenAPI description declares (the top-level extension `x-dynroute-envelope`), so only APIs
/// that say they use one get these rules.
///
/// * [`success_flag`](Self::success_flag) names a boolean property: a body in which it is
///   `false` is an [`ErrorKind::Api`](super::ErrorKind::Api) error, whatever the HTTP status
///   (the body is then neither hooked, unwrapped nor decoded).
/// * [`errors`](Self::errors) names an array property: its entries become the error's
///   [`details`](super::Error::details), for a failed body as for an error status. Each entry
///   is read as an [`ErrorDetail`]: `code` (a number, or a string holding one) and `message`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ErrorEnvelope {
    success: Option<&'static str>,
    errors: Option<&'static str>,
}

impl ErrorEnvelope {
    /// An envelope that reports nothing; name its properties with
    /// [`success_flag`](Self::success_flag) and [`errors`](Self::errors).
    pub const fn new() -> Self {
        Self {
            success: None,
            errors: None,
        }
    }

    /// Names the boolean property whose `false` marks a failed response.
    pub const fn success_flag(mut self, property: &'static str) -> Self {
        self.success = Some(property);
        self
    }

    /// Names the array property that lists what went wrong.
    pub const fn errors(mut self, property: &'static str) -> Self {
        self.errors = Some(property);
        self
    }

    /// The boolean property whose `false` marks a failed response, when one is named.
    pub const fn success_property(&self) -> Option<&'static str> {
        self.success
    }

    /// The array property that lists what went wrong, when one is named.
    pub const fn errors_property(&self) -> Option<&'static str> {
        self.errors
    }

    /// The success flag's name when `body` sets it to `false`.
    pub(crate) fn failure(&self, body: &Value) -> Option<&'static str> {
        let flag = self.success?;
        (body.get(flag) == Some(&Value::Bool(false))).then_some(flag)
    }

    /// The entries of the errors array of `body` (none when it names no array or the body
    /// has none), tolerating entries without a code and codes sent as strings.
    pub(crate) fn details(&self, body: &Value) -> Vec<ErrorDetail> {
        let Some(errors) = self
            .errors
            .and_then(|property| body.get(property))
            .and_then(Value::as_array)
        else {
            return Vec::new();
        };
        errors
            .iter()
            .map(|entry| ErrorDetail {
                code: entry.get("code").and_then(|code| {
                    code.as_i64()
                        .or_else(|| code.as_str().and_then(|s| s.parse().ok()))
                }),
                message: match entry.get("message") {
                    Some(Value::String(message)) => message.clone(),
                    Some(other) => other.to_string(),
                    None => entry.to_string(),
                },
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorEnvelope;
    use serde_json::json;

    #[test]
    fn details_tolerate_missing_and_string_codes() {
        let body = json!({"errors": [
            {"code": 7001, "message": "Invalid"},
            {"message": "no code"},
            {"code": "42", "message": "string code"}
        ]});
        let details = ErrorEnvelope::new().errors("errors").details(&body);
        assert_eq!(details[0].code, Some(7001));
        assert_eq!(details[1].code, None);
        assert_eq!(details[2].code, Some(42));
        assert_eq!(details[2].message, "string code");
    }

    #[test]
    fn only_named_properties_are_read() {
        let body = json!({"success": false, "ok": false,
                          "errors": [{"message": "a"}], "problems": [{"message": "b"}]});
        let none = ErrorEnvelope::new();
        assert_eq!(
            (none.failure(&body), none.details(&body)),
            (None, Vec::new())
        );
        let custom = ErrorEnvelope::new().success_flag("ok").errors("problems");
        assert_eq!(custom.failure(&body), Some("ok"));
        assert_eq!(custom.details(&body)[0].message, "b");
        assert_eq!(custom.failure(&json!({"ok": true})), None);
        // Only the boolean `false` fails: absent, null or a string is not a verdict.
        for body in [
            json!({}),
            json!({"ok": null}),
            json!({"ok": "false"}),
            json!([1]),
        ] {
            assert_eq!(custom.failure(&body), None, "{body}");
        }
        assert_eq!(
            (custom.success_property(), custom.errors_property()),
            (Some("ok"), Some("problems"))
        );
    }
}

//! The error envelope a description declares with the top-level vendor extension
//! `x-dynroute-envelope: {"success": "<property>", "errors": "<property>"}`.
//!
//! Some APIs wrap every response in an object that also says whether the request worked
//! (`{"success": false, "errors": [{"code": 7003, "message": "..."}], ...}`). The extension
//! names those properties (either may be left out); the client emitter turns them into a
//! `ERROR_ENVELOPE` constant that the generated `builder()` installs in the runtime
//! (`ClientBuilder::error_envelope`): a 2xx body whose `success` property is `false` is then
//! an error, and the `code` and `message` of each entry of `errors` become its details. A
//! description without the extension gets a client that reads no envelope, since nothing in
//! OpenAPI itself says that a 2xx body can report a failure.

use crate::error::Error;
use crate::pointer::Pointer;
use openapiv3::OpenAPI;

/// The name of the extension.
pub const EXTENSION: &str = "x-dynroute-envelope";

/// The properties of the declared error envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorEnvelope {
    /// The boolean property whose `false` marks a failed response.
    pub success: Option<String>,
    /// The array property listing `{code, message}` entries.
    pub errors: Option<String>,
}

/// Reads `x-dynroute-envelope` from the top level of `spec` (`None` when absent).
pub fn collect(spec: &OpenAPI) -> Result<Option<ErrorEnvelope>, Error> {
    let Some(value) = spec.extensions.get(EXTENSION) else {
        return Ok(None);
    };
    let pointer = Pointer::root().push(EXTENSION);
    let Some(object) = value.as_object() else {
        return Err(Error::invalid(
            format!("{EXTENSION} must be an object {{success, errors}}"),
            &pointer,
        ));
    };
    if let Some(key) = object
        .keys()
        .find(|key| !matches!(key.as_str(), "success" | "errors"))
    {
        return Err(Error::invalid(
            format!("unknown key `{key}` (expected `success` and/or `errors`)"),
            &pointer.push(key.clone()),
        ));
    }
    let field = |key: &str| -> Result<Option<String>, Error> {
        match object.get(key) {
            None => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Error::invalid(
                format!("`{key}` must be a string (a property of the response body)"),
                &pointer.push(key),
            )),
        }
    };
    let envelope = ErrorEnvelope {
        success: field("success")?,
        errors: field("errors")?,
    };
    if envelope.success.is_none() && envelope.errors.is_none() {
        return Err(Error::invalid(
            format!("{EXTENSION} names neither `success` nor `errors`"),
            &pointer,
        ));
    }
    Ok(Some(envelope))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(extension: &str) -> Result<Option<ErrorEnvelope>, Error> {
        let text = format!(
            r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{}}
                {extension}}}"#
        );
        let spec: OpenAPI = serde_json::from_str(&text).expect("test spec parses");
        collect(&spec)
    }

    #[test]
    fn reads_the_declared_properties() {
        assert_eq!(envelope("").unwrap(), None);
        assert_eq!(
            envelope(r#", "x-dynroute-envelope": {"success": "ok", "errors": "problems"}"#)
                .unwrap(),
            Some(ErrorEnvelope {
                success: Some("ok".into()),
                errors: Some("problems".into())
            })
        );
        assert_eq!(
            envelope(r#", "x-dynroute-envelope": {"errors": "errors"}"#).unwrap(),
            Some(ErrorEnvelope {
                success: None,
                errors: Some("errors".into())
            })
        );
    }

    #[test]
    fn malformed_declarations_are_errors_with_pointers() {
        let cases = [
            (r#""x-dynroute-envelope": true"#, "/x-dynroute-envelope"),
            (r#""x-dynroute-envelope": {}"#, "/x-dynroute-envelope"),
            (
                r#""x-dynroute-envelope": {"success": false}"#,
                "/x-dynroute-envelope/success",
            ),
            (
                r#""x-dynroute-envelope": {"succes": "success"}"#,
                "/x-dynroute-envelope/succes",
            ),
        ];
        for (extension, pointer) in cases {
            let err = envelope(&format!(", {extension}")).unwrap_err();
            assert!(err.to_string().contains(&format!("#{pointer}")), "{err}");
        }
    }
}

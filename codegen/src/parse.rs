//! Spec text -> `openapiv3::OpenAPI`, with the version checked first so that a
//! 2.0 or 3.1 document gets a clear error instead of a confusing shape error.

use crate::error::Error;

/// Parses JSON (or YAML, when the text does not start with `{`) into an OpenAPI 3.0.x document.
pub fn parse(text: &str) -> Result<openapiv3::OpenAPI, Error> {
    let value: serde_json::Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| Error::Parse {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?
    } else {
        return Err(Error::Parse {
            line: 1,
            column: 1,
            message:
                "expected a JSON object (YAML descriptions are not supported; convert to JSON)"
                    .to_string(),
        });
    };
    check_version(&value)?;
    // Deserializing from text (not from the Value) keeps line:column in shape errors.
    serde_json::from_str(text).map_err(|e| Error::Parse {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

fn check_version(value: &serde_json::Value) -> Result<(), Error> {
    let found = match value.get("openapi") {
        Some(serde_json::Value::String(v)) => v.clone(),
        Some(other) => other.to_string(),
        None => match value.get("swagger") {
            Some(v) => format!("swagger {}", v.as_str().unwrap_or("?")),
            None => "(missing)".to_string(),
        },
    };
    if found.starts_with("3.0.") {
        Ok(())
    } else {
        Err(Error::Version { found })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_3_1() {
        let err = parse(r#"{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{}}"#);
        assert_eq!(
            err.map(|_| ()),
            Err(Error::Version {
                found: "3.1.0".into()
            })
        );
    }

    #[test]
    fn reports_line_and_column() {
        let err = parse("{\n  \"openapi\": \"3.0.3\",\n  oops\n}");
        match err {
            Err(Error::Parse { line, column, .. }) => assert_eq!((line, column), (3, 3)),
            other => panic!("unexpected {other:?}"),
        }
    }
}

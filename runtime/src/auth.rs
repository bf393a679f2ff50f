//! Credentials and the request headers they become.

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

use super::error::{Error, ErrorKind};
use super::secret::Secret;

/// How requests authenticate.
///
/// The values are [`Secret`]s and the headers built from them are marked sensitive, so neither
/// `Debug` output of the client nor error messages contain them.
#[derive(Clone, Debug)]
pub enum Credentials {
    /// `Authorization: Bearer <token>` (OpenAPI `http` scheme `bearer`).
    Bearer(Secret),
    /// API-key headers sent together (OpenAPI `apiKey` schemes `in: header`), for example an
    /// account identifier and a key that are only valid as a pair.
    Headers(Vec<(String, Secret)>),
}

impl Credentials {
    /// A bearer token.
    pub fn bearer(token: impl Into<Secret>) -> Self {
        Self::Bearer(token.into())
    }

    /// API-key headers, each `(header name, value)`.
    pub fn headers<N, V>(pairs: impl IntoIterator<Item = (N, V)>) -> Self
    where
        N: Into<String>,
        V: Into<Secret>,
    {
        Self::Headers(
            pairs
                .into_iter()
                .map(|(name, value)| (name.into(), value.into()))
                .collect(),
        )
    }

    /// The headers to add to every request. Fails (naming the header, never the value) when a
    /// name or value cannot be sent in HTTP.
    pub(crate) fn to_headers(&self) -> Result<HeaderMap, Error> {
        let mut map = HeaderMap::new();
        match self {
            Self::Bearer(token) => {
                let value =
                    sensitive_value("Authorization", &format!("Bearer {}", token.expose()))?;
                map.insert(AUTHORIZATION, value);
            }
            Self::Headers(pairs) => {
                for (name, value) in pairs {
                    let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                        Error::new(ErrorKind::Config, "client")
                            .with_message(format!("`{name}` is not a valid HTTP header name"))
                    })?;
                    map.insert(header, sensitive_value(name, value.expose())?);
                }
            }
        }
        Ok(map)
    }
}

fn sensitive_value(name: &str, value: &str) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        Error::new(ErrorKind::Config, "client").with_message(format!(
            "the credential for header `{name}` contains characters that HTTP headers cannot carry"
        ))
    })?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::Credentials;

    #[test]
    fn bearer_header_is_sensitive_and_redacted() {
        let headers = Credentials::bearer("tok-123").to_headers().unwrap();
        let value = &headers["authorization"];
        assert!(value.is_sensitive());
        assert_eq!(value.to_str().unwrap(), "Bearer tok-123");
        assert!(!format!("{headers:?}").contains("tok-123"));
    }

    #[test]
    fn invalid_value_error_names_header_not_value() {
        let err = Credentials::headers([("X-Key", "bad\nvalue-xyz")])
            .to_headers()
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("X-Key"), "{text}");
        assert!(!text.contains("value-xyz"), "{text}");
    }
}

//! The client handle, its builder and per-request options.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::auth::Credentials;
use super::envelope::ErrorEnvelope;
use super::error::{Error, ErrorKind};
use super::hook::ResponseHook;
use super::retry::RetryPolicy;

/// Default time allowed for one attempt (connect, send, and read the whole response).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default limit on the size of one response body (64 MiB): a larger body is refused while it
/// arrives, so a misbehaving server cannot make the client hold unbounded memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// Per-request overrides of the client's settings; `None` keeps the client's value.
///
/// Use them through [`Client::with_options`], which returns a cheap handle sharing the
/// connection pool: `client.with_options(RequestOptions::new().max_retries(5)).get(..)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
    /// Time allowed for one attempt.
    pub timeout: Option<Duration>,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Overrides the number of retries (0 disables retries).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Overrides the per-attempt timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

/// An API client. Cheap to clone (the connection pool and settings are shared).
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
    pub(crate) options: RequestOptions,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) default_headers: HeaderMap,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) max_response_bytes: usize,
    pub(crate) request_id_header: Option<HeaderName>,
    pub(crate) hook: Option<Arc<dyn ResponseHook>>,
    pub(crate) envelope: ErrorEnvelope,
    credentials_kind: &'static str,
}

impl Client {
    /// The same client with some settings overridden for the calls made through the returned
    /// handle. The connection pool is shared; the original client is unchanged.
    pub fn with_options(&self, options: RequestOptions) -> Client {
        Client {
            inner: Arc::clone(&self.inner),
            options: RequestOptions {
                max_retries: options.max_retries.or(self.options.max_retries),
                timeout: options.timeout.or(self.options.timeout),
            },
        }
    }

    /// The base URL requests are sent to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    pub(crate) fn max_retries(&self) -> u32 {
        self.options
            .max_retries
            .unwrap_or(self.inner.retry.max_retries)
    }

    pub(crate) fn timeout(&self) -> Duration {
        self.options.timeout.unwrap_or(self.inner.timeout)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials_kind)
            .field("max_retries", &self.max_retries())
            .field("timeout", &self.timeout())
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
pub struct ClientBuilder {
    base_url: String,
    credentials: Option<Credentials>,
    retry: RetryPolicy,
    timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: usize,
    user_agent: String,
    request_id_header: Option<String>,
    hook: Option<Arc<dyn ResponseHook>>,
    envelope: ErrorEnvelope,
    http: Option<reqwest::Client>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder with the default settings: no credentials, 2 retries, 60 s per attempt, 5 s
    /// to connect, response bodies up to 64 MiB, no error envelope.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            credentials: None,
            retry: RetryPolicy::default(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned(),
            request_id_header: None,
            hook: None,
            envelope: ErrorEnvelope::new(),
            http: None,
        }
    }

    /// Sets the base URL (tests point it at a local server).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Sets the credentials sent with every request.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Sets the number of retries after the first attempt (0 disables retries).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// Replaces the whole retry policy (backoff bounds, longest `Retry-After` honoured).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets the time allowed for one attempt (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the time allowed to establish a connection (default 5 s). Ignored when a
    /// ready-made HTTP client is supplied with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the largest response body accepted, in bytes (default 64 MiB). A response that
    /// announces or sends more fails with [`ErrorKind::Decode`] and is not retried.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Sets the `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Names the response header that carries the server's request id (copied into errors).
    pub fn request_id_header(mut self, name: impl Into<String>) -> Self {
        self.request_id_header = Some(name.into());
        self
    }

    /// Installs a hook that rewrites successful response bodies before decoding.
    pub fn response_hook(mut self, hook: impl ResponseHook) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// Reads failures from response bodies as `envelope` says: a body whose success flag is
    /// `false` is an [`ErrorKind::Api`] error whatever the status, and the entries of its
    /// errors array become [`Error::details`]. None by default; see [`ErrorEnvelope`].
    pub fn error_envelope(mut self, envelope: ErrorEnvelope) -> Self {
        self.envelope = envelope;
        self
    }

    /// Uses a ready-made `reqwest::Client` (proxies, custom TLS roots, ...). Its own timeouts
    /// apply; the per-attempt timeout of this builder is still set on every request. reqwest
    /// needs a TLS crypto provider to build it: call
    /// [`install_crypto_provider`](super::install_crypto_provider) first, or install your own.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Builds the client. Fails on an unusable base URL, credential or header name.
    pub fn build(self) -> Result<Client, Error> {
        let config_error =
            |message: String| Error::new(ErrorKind::Config, "client").with_message(message);
        let mut base_url = self.base_url.trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&base_url)
            .map_err(|err| config_error(format!("invalid base URL `{base_url}`: {err}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(config_error(format!(
                "base URL `{base_url}` must use http or https"
            )));
        }
        let mut default_headers = match &self.credentials {
            Some(credentials) => credentials.to_headers()?,
            None => HeaderMap::new(),
        };
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| config_error(format!("invalid User-Agent `{}`", self.user_agent)))?;
        default_headers.insert(reqwest::header::USER_AGENT, user_agent);
        default_headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        let request_id_header =
            match &self.request_id_header {
                Some(name) => Some(HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                    config_error(format!("`{name}` is not a valid HTTP header name"))
                })?),
                None => None,
            };
        let http = match self.http {
            Some(http) => http,
            None => {
                super::tls::install_crypto_provider()?;
                reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .build()
                    .map_err(|err| {
                        config_error("cannot build the HTTP client".to_owned()).with_source(err)
                    })?
            }
        };
        // A user name and password in the base URL: reqwest's `RequestBuilder` turns them into
        // a Basic `Authorization` header and takes them out of the URL. Requests are built as
        // `reqwest::Request` (see `execute::send`), so that is done once, here, by the same
        // code; the client's credentials, when they set `Authorization`, still win.
        if !parsed.username().is_empty() || parsed.password().is_some() {
            let request = http
                .request(reqwest::Method::GET, parsed)
                .build()
                .map_err(|err| config_error(format!("invalid base URL: {err}")))?;
            base_url = request.url().as_str().trim_end_matches('/').to_owned();
            if let Some(basic) = request.headers().get(reqwest::header::AUTHORIZATION) {
                default_headers
                    .entry(reqwest::header::AUTHORIZATION)
                    .or_insert_with(|| basic.clone());
            }
        }
        let credentials_kind = match &self.credentials {
            Some(Credentials::Bearer(_)) => "bearer token",
            Some(Credentials::Headers(_)) => "API key headers",
            None => "none",
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                default_headers,
                retry: self.retry,
                timeout: self.timeout,
                max_response_bytes: self.max_response_bytes,
                request_id_header,
                hook: self.hook,
                envelope: self.envelope,
                credentials_kind,
            }),
            options: RequestOptions::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_options_overrides_and_keeps_the_rest() {
        let client = ClientBuilder::new("http://127.0.0.1:1/v4/")
            .credentials(Credentials::bearer("tok-secret-1"))
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:1/v4");
        assert_eq!(client.max_retries(), 2);
        assert_eq!(client.timeout(), DEFAULT_TIMEOUT);
        let patient = client.with_options(RequestOptions::new().max_retries(0));
        assert_eq!(patient.max_retries(), 0);
        assert_eq!(patient.timeout(), DEFAULT_TIMEOUT);
        let both = patient.with_options(RequestOptions::new().timeout(Duration::from_secs(1)));
        assert_eq!(
            (both.max_retries(), both.timeout()),
            (0, Duration::from_secs(1))
        );
        assert_eq!(client.max_retries(), 2);
        assert!(!format!("{client:?}").contains("tok-secret-1"));
    }

    #[test]
    fn builder_debug_hides_credentials() {
        let bearer = ClientBuilder::new("http://127.0.0.1:1")
            .credentials(Credentials::bearer("tok-secret-2"));
        let pair = ClientBuilder::new("http://127.0.0.1:1")
            .credentials(Credentials::headers([("X-Key", "key-secret-3")]));
        let text = format!("{bearer:?} {pair:?}");
        assert!(
            !text.contains("tok-secret-2") && !text.contains("key-secret-3"),
            "{text}"
        );
        assert!(text.contains("X-Key"), "{text}");
    }

    #[test]
    fn rejects_bad_base_url() {
        let err = ClientBuilder::new("not a url").build().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        let err = ClientBuilder::new("ftp://example.com").build().unwrap_err();
        assert!(err.to_string().contains("http or https"), "{err}");
    }
}

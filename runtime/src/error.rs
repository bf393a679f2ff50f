//! The one error type every operation returns.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

/// What went wrong, coarse enough to match on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The client is misconfigured (missing credentials, an invalid base URL or header).
    Config,
    /// The request was refused before sending it (for example an empty path parameter).
    InvalidRequest,
    /// HTTP 401 or 403: the credentials are missing, wrong or lack a permission.
    Auth,
    /// HTTP 404.
    NotFound,
    /// HTTP 429.
    RateLimited,
    /// HTTP 5xx.
    Server,
    /// Any other non-success status, or a body that the client's
    /// [`ErrorEnvelope`](super::ErrorEnvelope) marks as failed, whatever its status.
    Api,
    /// No response arrived in time (the per-request timeout or the connect timeout elapsed).
    Timeout,
    /// The connection failed or broke.
    Connection,
    /// The response could not be decoded into the expected type.
    Decode,
}

impl ErrorKind {
    /// The kind for a non-success HTTP status.
    pub fn from_status(status: StatusCode) -> Self {
        match status.as_u16() {
            401 | 403 => Self::Auth,
            404 => Self::NotFound,
            429 => Self::RateLimited,
            500..=599 => Self::Server,
            _ => Self::Api,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Config => "client configuration error",
            Self::InvalidRequest => "invalid request",
            Self::Auth => "authentication failed",
            Self::NotFound => "not found",
            Self::RateLimited => "rate limited",
            Self::Server => "server error",
            Self::Api => "API error",
            Self::Timeout => "timed out",
            Self::Connection => "connection error",
            Self::Decode => "could not decode the response",
        }
    }
}

/// One entry of the errors array of an [`ErrorEnvelope`](super::ErrorEnvelope)
/// (`{"code": 10000, "message": "..."}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorDetail {
    /// The numeric error code, when the server sent one.
    pub code: Option<i64>,
    /// The message.
    pub message: String,
}

/// The error of every client call: a [`kind`](Error::kind) to match on, plus what the server
/// said (status, the entries of its errors array, request id, raw body) when it said anything.
///
/// Neither `Debug` nor `Display` contains credentials: they live only in sensitive headers that
/// are never copied here.
///
/// The details are boxed so that `Result<T, Error>` stays one pointer wide on the error side.
#[derive(Debug)]
pub struct Error(Box<Inner>);

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    operation: &'static str,
    message: Option<String>,
    status: Option<StatusCode>,
    details: Vec<ErrorDetail>,
    request_id: Option<String>,
    body: Option<String>,
    retry_after: Option<Duration>,
    attempts: u32,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    /// A bare error of `kind` raised while running `operation` (an operationId, or `"client"`).
    pub fn new(kind: ErrorKind, operation: &'static str) -> Self {
        Self(Box::new(Inner {
            kind,
            operation,
            message: None,
            status: None,
            details: Vec::new(),
            request_id: None,
            body: None,
            retry_after: None,
            attempts: 0,
            source: None,
        }))
    }

    /// A configuration error ([`ErrorKind::Config`]) with `message`.
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, "client").with_message(message)
    }

    pub(crate) fn with_message(mut self, message: impl Into<String>) -> Self {
        self.0.message = Some(message.into());
        self
    }

    pub(crate) fn with_status(mut self, status: StatusCode) -> Self {
        self.0.status = Some(status);
        self
    }

    pub(crate) fn with_details(mut self, details: Vec<ErrorDetail>) -> Self {
        self.0.details = details;
        self
    }

    pub(crate) fn with_request_id(mut self, id: Option<String>) -> Self {
        self.0.request_id = id;
        self
    }

    pub(crate) fn with_body(mut self, body: Option<String>) -> Self {
        self.0.body = body;
        self
    }

    pub(crate) fn with_retry_after(mut self, after: Option<Duration>) -> Self {
        self.0.retry_after = after;
        self
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.0.attempts = attempts;
        self
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.0.source = Some(Box::new(source));
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The operation (operationId) that failed, or `"client"` for configuration errors.
    pub fn operation(&self) -> &'static str {
        self.0.operation
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        self.0.status
    }

    /// The entries of the errors array of the response, read as the client's
    /// [`ErrorEnvelope`](super::ErrorEnvelope) says (empty when it names no errors array or
    /// the server sent none).
    pub fn details(&self) -> &[ErrorDetail] {
        &self.0.details
    }

    /// The request id the server attached (from the header named with
    /// [`ClientBuilder::request_id_header`](super::ClientBuilder::request_id_header)), for support tickets.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// The raw response body when it was not JSON (or could not be decoded), and the body of
    /// an error status whenever the client's [`ErrorEnvelope`](super::ErrorEnvelope) names no
    /// errors array to read it with.
    pub fn body(&self) -> Option<&str> {
        self.0.body.as_deref()
    }

    /// How long the server asked us to wait (`Retry-After`), when it said so.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// How many HTTP attempts were made before giving up (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }

    /// Whether a later retry of the same call might succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.0.kind,
            ErrorKind::RateLimited | ErrorKind::Server | ErrorKind::Timeout | ErrorKind::Connection
        )
    }

    pub(crate) fn from_transport(operation: &'static str, err: reqwest::Error) -> Self {
        let kind = if err.is_timeout() {
            ErrorKind::Timeout
        } else if err.is_decode() {
            ErrorKind::Decode
        } else {
            ErrorKind::Connection
        };
        Self::new(kind, operation).with_source(err)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.operation, self.0.kind.describe())?;
        if let Some(status) = self.0.status {
            write!(f, " (HTTP {})", status.as_u16())?;
        }
        if let Some(message) = &self.0.message {
            write!(f, ": {message}")?;
        }
        for (i, detail) in self.0.details.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            match detail.code {
                Some(code) => write!(f, "[{code}] {}", detail.message)?,
                None => f.write_str(&detail.message)?,
            }
        }
        if let Some(source) = &self.0.source {
            write!(f, ": {source}")?;
        }
        if let Some(id) = &self.0.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::super::ErrorEnvelope;
    use super::*;

    #[test]
    fn status_kinds() {
        let kind = |code| ErrorKind::from_status(StatusCode::from_u16(code).unwrap());
        assert_eq!(kind(401), ErrorKind::Auth);
        assert_eq!(kind(403), ErrorKind::Auth);
        assert_eq!(kind(404), ErrorKind::NotFound);
        assert_eq!(kind(429), ErrorKind::RateLimited);
        assert_eq!(kind(502), ErrorKind::Server);
        assert_eq!(kind(400), ErrorKind::Api);
    }

    #[test]
    fn display_lists_details_with_and_without_codes() {
        let body = serde_json::json!({"errors": [
            {"code": 7001, "message": "Invalid"},
            {"message": "no code"},
            {"code": "42", "message": "string code"}
        ]});
        let details = ErrorEnvelope::new().errors("errors").details(&body);
        let text = Error::new(ErrorKind::Api, "create")
            .with_status(StatusCode::BAD_REQUEST)
            .with_details(details)
            .with_request_id(Some("8c1f".into()))
            .to_string();
        assert_eq!(
            text,
            "create: API error (HTTP 400): [7001] Invalid; no code; [42] string code (request id 8c1f)"
        );
    }
}

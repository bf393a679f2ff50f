//! The hand-written runtime under the generated operations: configuration, credentials,
//! retries with backoff, timeouts, the error type, parameter encoding (path, query, header,
//! cookie), request bodies other than JSON (form, multipart, text, bytes), paging, a
//! response hook and the TLS backend.
//!
//! It knows nothing about a particular API: generated code describes each request as a
//! [`RequestSpec`] (plus [`RequestParts`] for headers, cookies and other media types) and
//! calls [`Client::execute`] or one of its siblings. What an API adds (an [`ErrorEnvelope`], a
//! request id header, a [`ResponseHook`]) is a [`ClientBuilder`] setting, off by default.
//!
//! Generated operations are inherent methods of [`Client`], which Rust allows only in the
//! crate defining the type, so each client compiles this source as its own `runtime` module
//! (`dynroute-client` through `#[path]`, standalone crates as a copy); modules here name each
//! other with `super::`, never `crate::`. Built alone as `dynroute-runtime`, it compiles and
//! passes its tests with no API in reach, which is what keeps it API-agnostic.

mod auth;
pub mod body;
mod client;
mod envelope;
mod error;
mod execute;
mod hook;
pub mod paging;
pub mod path;
mod retry;
mod secret;
mod tls;

pub use auth::Credentials;
pub use body::Content;
pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
    RequestOptions,
};
pub use envelope::ErrorEnvelope;
pub use error::{Error, ErrorDetail, ErrorKind};
pub use execute::{RequestParts, RequestSpec};
pub use hook::ResponseHook;
pub use reqwest::Method;
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use tls::install_crypto_provider;

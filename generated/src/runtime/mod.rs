//! The hand-written runtime under the generated operations: configuration, credentials,
//! retries with backoff, timeouts, the error type, path encoding, paging and a response hook.
//!
//! It knows nothing about a particular API: generated code describes each request as a
//! [`RequestSpec`] and calls [`Client::execute`].

mod auth;
mod client;
mod error;
mod execute;
mod hook;
pub mod paging;
pub mod path;
mod retry;
mod secret;

pub use auth::Credentials;
pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
    RequestOptions,
};
pub use error::{Error, ErrorDetail, ErrorKind};
pub use execute::RequestSpec;
pub use hook::ResponseHook;
pub use reqwest::Method;
pub use retry::RetryPolicy;
pub use secret::Secret;

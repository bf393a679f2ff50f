//! Models and client for Cloudflare AI Gateway Dynamic Routing.

#[cfg(feature = "client")]
pub mod runtime;

#[cfg(feature = "client")]
pub use runtime::{Client, ClientBuilder, Credentials, Error, ErrorKind, RequestOptions, Secret};

//! `dynroute serve`: a stateful local stand-in for Cloudflare AI Gateway's Dynamic Routing
//! API, for tests and CI.
//!
//! * [`api`]: the ten operations under `/client/v4`, in Cloudflare's envelopes, credentials
//!   checked, route bodies checked by the validator ([`validate`]);
//! * [`store`]: routes, versions and deployments in SQLite, in memory or in a file that
//!   survives restarts and `kill -9`;
//! * [`control`]: `/__dynroute/...`: reset, a state dump, faults for the next requests that
//!   match (delay, a status such as 429 with `Retry-After`, a connection reset), provider
//!   scripts for the inference endpoint;
//! * [`inference`]: `POST /v1/{account_id}/{gateway_id}/compat/chat/completions` with
//!   `"model": "dynamic/<route>"` runs the deployed version through the route engine;
//! * [`listen`]: the accept loop (HTTP/1.1 over hyper), and [`Emulator`], the server started
//!   in-process on a free port for tests.
//!
//! ```no_run
//! let emulator = dynroute_server::Emulator::start(dynroute_server::Config::default())?;
//! let base_url = emulator.base_url(); // http://127.0.0.1:PORT/client/v4
//! # Ok::<(), dynroute_server::StartError>(())
//! ```

pub mod api;
pub mod control;
pub mod inference;
pub mod listen;
pub mod reply;
pub mod store;
pub mod validate;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;

pub use dynroute_engine::timeline::Window;
pub use listen::{Emulator, StartError, serve};

/// How the emulator behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen (`127.0.0.1:0` picks a free port).
    pub listen: SocketAddr,
    /// The database file; `None` keeps state in memory.
    pub data: Option<PathBuf>,
    /// Reject graph-rule errors too, not only schema errors.
    pub strict: bool,
    /// Accept only this token (or API key); `None` accepts any credentials.
    pub token: Option<String>,
    /// The largest request body, in bytes.
    pub max_body: usize,
    /// How rate windows move for inference requests.
    pub window: Window,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data: None,
            strict: false,
            token: None,
            max_body: 10 * 1024 * 1024,
            window: Window::Fixed,
        }
    }
}

/// The shared state of a running emulator.
#[derive(Debug)]
pub struct App {
    /// Routes, versions, deployments.
    pub store: store::Store,
    /// The configuration.
    pub config: Config,
    /// Faults waiting for their requests.
    pub faults: control::Faults,
    /// Provider scripts and rate counters of the inference endpoint.
    pub inference: inference::Traffic,
}

impl App {
    /// Opens the store the configuration names.
    pub fn new(config: Config) -> Result<App, store::StoreError> {
        Ok(App {
            store: store::Store::open(config.data.as_deref())?,
            faults: control::Faults::default(),
            inference: inference::Traffic::new(config.window),
            config,
        })
    }
}

impl App {
    /// Makes `elements` the deployed graph of the route `name` in `scope`: creates the
    /// route, or adds a version and deploys it when the deployed graph differs. Returns
    /// what happened (`created`, `updated` or `unchanged`). Callers validate first.
    pub fn seed(
        &self,
        scope: &store::Scope,
        name: &str,
        elements: &serde_json::Value,
        is_valid: bool,
    ) -> Result<&'static str, store::StoreError> {
        match self.store.route_named(scope, name)? {
            None => {
                self.store.create_route(scope, name, elements, is_valid)?;
                Ok("created")
            }
            Some(route)
                if serde_json::from_str::<serde_json::Value>(&route.version.data)
                    .ok()
                    .as_ref()
                    == Some(elements) =>
            {
                Ok("unchanged")
            }
            Some(route) => {
                let (_, version) = self
                    .store
                    .create_version(scope, &route.id, elements, is_valid)?;
                self.store.deploy(scope, &route.id, &version.id)?;
                Ok("updated")
            }
        }
    }
}

/// Every path the emulator answers: the API under `/client/v4`, the inference endpoint,
/// the control endpoints; anything else is a 404 in the envelope. Faults apply to all but
/// the control endpoints.
pub fn router(app: Arc<App>) -> Router {
    let served = Router::new()
        .nest("/client/v4", api::router(app.clone()))
        .merge(inference::router(app.clone()))
        .fallback(api::unknown_path)
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            api::limit_body,
        ))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            control::inject,
        ));
    Router::new()
        .nest("/__dynroute", control::router(app))
        .merge(served)
}

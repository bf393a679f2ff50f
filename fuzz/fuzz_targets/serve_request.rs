//! Any request the emulator can receive: a request line, headers and a body from the bytes,
//! through the whole router (credentials, body limit, faults, the ten operations, the
//! inference endpoint, the control endpoints). Nothing may panic, and every answer is a JSON
//! object that says `success` (Cloudflare's envelopes and the gateway's runtime errors alike).
#![no_main]

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::Request;
use dynroute_server::{App, Config, router};
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

fn app() -> &'static (tokio::runtime::Runtime, Arc<App>) {
    static APP: OnceLock<(tokio::runtime::Runtime, Arc<App>)> = OnceLock::new();
    APP.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let app = App::new(Config {
            max_body: 64 * 1024,
            ..Config::default()
        })
        .expect("an in-memory store");
        (runtime, Arc::new(app))
    })
}

/// `METHOD PATH\nName: value\n...\n\nbody`.
fn request(data: &[u8]) -> Option<Request<Body>> {
    let split = data.windows(2).position(|w| w == b"\n\n");
    let (head, body) = match split {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &b""[..]),
    };
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.lines();
    let (method, path) = lines.next()?.split_once(' ')?;
    let mut builder = Request::builder().method(method).uri(path);
    for line in lines {
        let (name, value) = line.split_once(':')?;
        builder = builder.header(name.trim(), value.trim());
    }
    builder.body(Body::from(body.to_vec())).ok()
}

fuzz_target!(|data: &[u8]| {
    let Some(request) = request(data) else {
        return;
    };
    let (runtime, app) = app();
    let response = runtime
        .block_on(router(app.clone()).oneshot(request))
        .expect("the router is infallible");
    // A fault added by this input would otherwise delay or refuse the next inputs.
    app.faults.clear();
    let status = response.status();
    let bytes = runtime
        .block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
        .expect("the body is complete");
    let body: serde_json::Value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{status}: not JSON ({e}): {:?}", String::from_utf8_lossy(&bytes)));
    assert!(
        body.get("success").is_some() || body.get("object").is_some(),
        "{status}: {body}"
    );
});

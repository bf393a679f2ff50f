//! The body of a `get` that the client benchmark (`benches/client.rs`) and
//! `examples/decode_loop.rs` decode.

use dynroute_client::runtime::{Method, RequestSpec};
use serde_json::json;

/// The gateway the route belongs to.
pub const GATEWAY: &str = "gw";

/// `{"success": true, "result": <route>}`, compact: the six-element graph of the client
/// tests, in `elements` and again as text in `version.data`.
pub fn body() -> String {
    // The same six-element graph the client tests use.
    let graph: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/fixtures/six-element-graph.json"))
            .expect("the fixture is JSON");
    json!({"success": true, "result": {
        "id": "r1", "name": "support", "gateway_id": GATEWAY,
        "created_at": "2026-05-01T10:00:00Z", "modified_at": "2026-05-01T10:00:00Z",
        "elements": graph,
        "version": {"version_id": "v1", "data": graph.to_string(), "active": "true",
                    "created_at": "2026-05-01T10:00:00Z"},
        "deployment": {"deployment_id": "d1", "version_id": "v1", "created_at": "2026-05-01T10:00:00Z"}
    }})
    .to_string()
}

/// The request of a `get` whose envelope unwraps `result`, for decoding the body without the
/// network.
pub fn get_request() -> RequestSpec {
    RequestSpec {
        operation_id: "get",
        method: Method::GET,
        path: String::new(),
        query: Vec::new(),
        body: None,
        unwrap: Some("result"),
        // As the generated `get` says: a route reads each object once, and is the type the
        // operation declares.
        rereads: false,
        declared: true,
    }
}

//! A server's response through the client runtime's decode path, as the Cloudflare client is
//! configured (its error envelope, the `cf-ray` request id, the response normaliser): status,
//! headers and body give a model or an `Error`, never a panic. A decoded model must also survive a serialisation round
//! trip unchanged, and the error must render.
//!
//! The Cloudflare client decodes a body into the operation's model straight from its bytes,
//! and runs the normaliser only on a body the model refuses; the same client with the
//! normaliser installed as a plain function (which gets a `serde_json::Value` of every body
//! first) must give the same model, or an error with the same kind, message, details and
//! source. A `serde_json::Value`, which is no operation's declared type, always gets the
//! normalised body.
//!
//! The input is a response written like HTTP/1.1 text, so that seeds are readable:
//!
//! ```text
//! 200 get
//! cf-ray: 8f1e2d3c4b5a6978-AMS
//! retry-after: 3
//!
//! {"success": true, "result": {...}}
//! ```
//!
//! The first line holds the status and the operationId (which sets the property unwrapped and
//! the model decoded); header lines follow up to an empty line; the rest is the body.
#![no_main]

use std::sync::OnceLock;

use dynroute_client::models;
use dynroute_client::runtime::{Client, Method, RequestSpec};
use libfuzzer_sys::fuzz_target;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

fuzz_target!(|data: &[u8]| {
    let Some(response) = Response::parse(data) else {
        return;
    };
    // The property each generated operation unwraps and the model it returns, as in
    // client/src/generated/operations.rs.
    match response.operation.as_str() {
        "list" => response.check::<models::RouteList>(Some("data"), true),
        "create" | "get" => response.check::<models::Route>(Some("result"), true),
        "delete" | "createDeployment" | "createVersion" => {
            response.check::<models::RouteSummary>(Some("result"), true)
        }
        "update" => response.check::<models::AccountRoute>(Some("route"), true),
        "listDeployments" => response.check::<models::DeploymentList>(Some("data"), true),
        "listVersions" => response.check::<models::VersionList>(Some("data"), true),
        "getVersion" => response.check::<models::RouteVersion>(Some("result"), true),
        // `execute_value` callers (paging) and unknown operations: the whole body as JSON.
        _ => response.check::<serde_json::Value>(None, false),
    }
});

struct Response<'a> {
    status: StatusCode,
    operation: String,
    headers: HeaderMap,
    body: &'a [u8],
}

impl<'a> Response<'a> {
    fn parse(data: &'a [u8]) -> Option<Self> {
        let (head, body) = match find(data, b"\n\n") {
            Some(at) => (&data[..at], &data[at + 2..]),
            None => (data, &[][..]),
        };
        let head = std::str::from_utf8(head).ok()?;
        let mut lines = head.lines();
        let (status, operation) = lines.next()?.split_once(' ')?;
        let status = StatusCode::from_bytes(status.as_bytes()).ok()?;
        let mut headers = HeaderMap::new();
        for line in lines {
            let (name, value) = line.split_once(':')?;
            headers.append(
                HeaderName::from_bytes(name.trim().as_bytes()).ok()?,
                HeaderValue::from_str(value.trim()).ok()?,
            );
        }
        Some(Self {
            status,
            operation: operation.trim().to_owned(),
            headers,
            body,
        })
    }

    fn check<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(
        &self,
        unwrap: Option<&'static str>,
        declared: bool,
    ) {
        let request = RequestSpec {
            operation_id: "fuzz",
            method: Method::GET,
            path: String::new(),
            query: Vec::new(),
            body: None,
            unwrap,
            // As the generated operations say for these types (none holds an untagged enum
            // or flattened fields): repeated keys are not checked, and the two paths must
            // agree all the same.
            rereads: false,
            declared,
        };
        let result = client().decode_response::<T>(&request, self.status, &self.headers, self.body);
        let general =
            general_client().decode_response::<T>(&request, self.status, &self.headers, self.body);
        match (&result, &general) {
            (Ok(model), Ok(other)) => assert_eq!(model, other, "the two decoding paths differ"),
            (Err(err), Err(other)) => assert_eq!(
                format!("{err:?}"),
                format!("{other:?}"),
                "the two decoding paths fail differently"
            ),
            _ => panic!("one decoding path fails: {result:?} / {general:?}"),
        }
        match result {
            Ok(model) => {
                let json = serde_json::to_value(&model).expect("a decoded model serialises");
                let again: T = serde_json::from_value(json.clone())
                    .unwrap_or_else(|err| panic!("{json} does not decode again: {err}"));
                assert_eq!(
                    again, model,
                    "the round trip through {json} changed the model"
                );
            }
            Err(err) => {
                let _ = format!("{err} {err:?}");
            }
        }
    }
}

/// The client as `Client::from_env` configures it (Cloudflare's error envelope, cf-ray
/// request id, the normaliser).
fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        Client::cloudflare_builder()
            .build()
            .expect("the Cloudflare client builds without credentials")
    })
}

/// The same client with the normaliser installed as a function: every body goes through a
/// `serde_json::Value`.
fn general_client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        Client::builder()
            .request_id_header(dynroute_client::REQUEST_ID_HEADER)
            .response_hook(dynroute_client::normalize_response)
            .build()
            .expect("the client builds without credentials")
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

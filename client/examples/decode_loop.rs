//! A fixed amount of work, for counting instructions (which, unlike time, do not depend on
//! what else the machine runs): decodes the client benchmark's route body `N` times, or gets
//! it `N` times from the benchmark's local server.
//!
//! ```sh
//! cargo build --release -p dynroute-client --example decode_loop
//! valgrind --tool=callgrind target/release/examples/decode_loop client 1200
//! ```
//!
//! `client` decodes through the Cloudflare client (the direct decoding of the envelope; the
//! normaliser runs only on a body the model refuses, which this one is not), `plain` through
//! a client without the normaliser, and `serde` with one `serde_json::from_slice` into the
//! envelope type. `repaired` decodes, through the Cloudflare client, the same route as the live
//! API sometimes sends it: without `elements`, its graph in `version.data` as an array, which
//! the model refuses and the normaliser repairs; `general` decodes that body through a client
//! with the normaliser installed as a function, which always takes the `Value` path. `get` is a whole `get` through the Cloudflare client and `bare` the same
//! request with bare reqwest and `serde_json::from_slice`, as the benchmark times them (the
//! server's work, in the same process, is counted on both sides). Counts of two runs with
//! different `N` (1,200 and 200, say), subtracted and divided by the difference, give the
//! instructions of one call without the set-up.

use dynroute_client::Client;
use dynroute_client::models::Route;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::hint::black_box;

#[path = "../benches/support/fixture.rs"]
mod fixture;
#[path = "../benches/support/route_body.rs"]
mod route_body;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(how), Some(Ok(times))) = (args.next(), args.next().map(|n| n.parse::<u32>())) else {
        eprintln!("usage: decode_loop client|plain|serde|repaired|general|get|bare N");
        std::process::exit(2);
    };
    let fixture = fixture::Fixture::new();
    let body = route_body::body();
    let request = route_body::get_request();
    let headers = HeaderMap::new();
    let plain = Client::builder().build().expect("client");
    let cloudflare = Client::cloudflare_builder().build().expect("client");
    let general = Client::builder()
        .response_hook(dynroute_client::normalize_response)
        .build()
        .expect("client");
    let mut live: serde_json::Value = serde_json::from_str(&body).expect("the body is JSON");
    let graph = live["result"]["elements"].take();
    live["result"]["version"]["data"] = graph;
    live["result"]
        .as_object_mut()
        .map(|route| route.remove("elements"));
    let live = live.to_string();
    for _ in 0..times {
        match how.as_str() {
            "client" => drop(black_box(fixture.decode_ours())),
            "plain" => drop(black_box(
                plain
                    .decode_response::<Route>(&request, StatusCode::OK, &headers, body.as_bytes())
                    .expect("the body decodes"),
            )),
            "serde" => drop(black_box(fixture.decode_bare())),
            "repaired" => drop(black_box(
                cloudflare
                    .decode_response::<Route>(&request, StatusCode::OK, &headers, live.as_bytes())
                    .expect("the repaired body decodes"),
            )),
            "general" => drop(black_box(
                general
                    .decode_response::<Route>(&request, StatusCode::OK, &headers, live.as_bytes())
                    .expect("the repaired body decodes"),
            )),
            "get" => drop(black_box(fixture.get_ours())),
            "bare" => drop(black_box(fixture.get_bare())),
            other => {
                eprintln!(
                    "decode_loop: {other} is not client, plain, serde, repaired, general, get or bare"
                );
                std::process::exit(2);
            }
        }
    }
}

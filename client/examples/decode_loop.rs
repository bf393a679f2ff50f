//! A fixed amount of decoding work, for counting instructions (which, unlike time, do not
//! depend on what else the machine runs): decodes the client benchmark's route body `N` times.
//!
//! ```sh
//! cargo build --release -p dynroute-client --example decode_loop
//! valgrind --tool=callgrind target/release/examples/decode_loop client 1200
//! ```
//!
//! `client` decodes through the Cloudflare client (the normaliser's check of the bytes, then
//! the direct decoding of the envelope), `plain` through a client without the normaliser,
//! `serde` with one `serde_json::from_slice` into the envelope type, and `scan` runs only the
//! normaliser's check. Counts of two runs with different `N` (1,200 and 200, say), subtracted
//! and divided by the difference, give the instructions of one decoding without the set-up.

use dynroute_client::models::{Route, RouteResponse};
use dynroute_client::runtime::ResponseHook;
use dynroute_client::{Client, ResponseNormalizer};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::hint::black_box;

#[path = "../benches/support/route_body.rs"]
mod route_body;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(how), Some(Ok(times))) = (args.next(), args.next().map(|n| n.parse::<u32>())) else {
        eprintln!("usage: decode_loop client|plain|serde|scan N");
        std::process::exit(2);
    };
    let body = route_body::body();
    let request = route_body::get_request();
    let headers = HeaderMap::new();
    let decode = |client: &Client| {
        client
            .decode_response::<Route>(&request, StatusCode::OK, &headers, body.as_bytes())
            .expect("the body decodes")
    };
    let cloudflare = Client::cloudflare_builder().build().expect("client");
    let plain = Client::builder().build().expect("client");
    for _ in 0..times {
        match how.as_str() {
            "client" => drop(black_box(decode(&cloudflare))),
            "plain" => drop(black_box(decode(&plain))),
            "serde" => drop(black_box(
                serde_json::from_slice::<RouteResponse>(body.as_bytes()).expect("the body decodes"),
            )),
            "scan" => drop(black_box(
                ResponseNormalizer.may_rewrite("get", body.as_bytes()),
            )),
            other => {
                eprintln!("decode_loop: {other} is not client, plain, serde or scan");
                std::process::exit(2);
            }
        }
    }
}

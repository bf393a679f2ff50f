//! A fixed amount of work, for counting instructions (which, unlike time, do not depend on
//! what else the machine runs): decodes the client benchmark's route body `N` times, or gets
//! it `N` times from the benchmark's local server.
//!
//! ```sh
//! cargo build --release -p dynroute-client --example decode_loop
//! valgrind --tool=callgrind target/release/examples/decode_loop client 1200
//! ```
//!
//! `client` decodes through the Cloudflare client (the normaliser's check of the bytes, then
//! the direct decoding of the envelope), `plain` through a client without the normaliser,
//! `serde` with one `serde_json::from_slice` into the envelope type, and `scan` runs only the
//! normaliser's check. `get` is a whole `get` through the Cloudflare client and `bare` the same
//! request with bare reqwest and `serde_json::from_slice`, as the benchmark times them (the
//! server's work, in the same process, is counted on both sides). Counts of two runs with
//! different `N` (1,200 and 200, say), subtracted and divided by the difference, give the
//! instructions of one call without the set-up.

use dynroute_client::models::Route;
use dynroute_client::runtime::ResponseHook;
use dynroute_client::{Client, ResponseNormalizer};
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
        eprintln!("usage: decode_loop client|plain|serde|scan|get|bare N");
        std::process::exit(2);
    };
    let fixture = fixture::Fixture::new();
    let body = route_body::body();
    let request = route_body::get_request();
    let headers = HeaderMap::new();
    let plain = Client::builder().build().expect("client");
    for _ in 0..times {
        match how.as_str() {
            "client" => drop(black_box(fixture.decode_ours())),
            "plain" => drop(black_box(
                plain
                    .decode_response::<Route>(&request, StatusCode::OK, &headers, body.as_bytes())
                    .expect("the body decodes"),
            )),
            "serde" => drop(black_box(fixture.decode_bare())),
            "scan" => drop(black_box(
                ResponseNormalizer.may_rewrite("get", body.as_bytes()),
            )),
            "get" => drop(black_box(fixture.get_ours())),
            "bare" => drop(black_box(fixture.get_bare())),
            other => {
                eprintln!("decode_loop: {other} is not client, plain, serde, scan, get or bare");
                std::process::exit(2);
            }
        }
    }
}

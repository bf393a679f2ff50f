//! The client's own cost per call, next to a bare reqwest call of the same request.
//!
//! Both sides send `GET /accounts/{account}/ai-gateway/gateways/{gateway}/routes/{id}` with a
//! bearer token to a keep-alive HTTP/1.1 server on 127.0.0.1 that answers with a fixed
//! `{"success": true, "result": <route with six elements>}` body, and both decode the body into
//! the typed `Route`. The bare call is what a hand-written call would do (one reqwest request,
//! `serde_json::from_slice` into the envelope type); the client adds path encoding, the retry
//! loop, the Cloudflare normaliser's check of the bytes (this body needs no rewrite) and the
//! direct decoding of the envelope from the bytes (no `serde_json::Value`; see
//! `Client::finish_typed` in runtime/src/execute.rs).
//!
//! Run: `cargo bench -p dynroute-client --bench client`
//!
//! Measured with `cargo bench -p dynroute-client --bench client -- --warm-up-time 1
//! --measurement-time 5` on 2 shared cores under load from other builds, so absolute times
//! drifted between runs (serde_json's decode took 14.6 to 26 µs); ratios are from the same
//! run. Four runs: get_route dynroute_client / bare_reqwest 1.02 to 1.22 (136.5 µs vs
//! 125.0 µs in the quietest); decode_route dynroute_client / serde_json 1.20 to 1.71 (20.9 µs
//! vs 15.4 µs, 1.36, in the quietest; a min-of-300 timing loop gave 1.36). The same
//! binaries before the direct path, run alternately with these: get_route 1.39 to 1.47,
//! decode_route 2.27 to 2.88 (the figures on a quiet machine were 91.9 µs vs 74.1 µs, 1.24,
//! and 16.2 µs vs 7.3 µs).

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use dynroute_client::models::{Route, RouteResponse};
use dynroute_client::runtime::{Method, RequestSpec};
use dynroute_client::{Client, Credentials};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use route_body::{GATEWAY, body};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::runtime::Runtime;

#[path = "support/route_body.rs"]
mod route_body;

const ACCOUNT: &str = "0d37909e38d3e99c29fa2cd343ac421a";

/// A keep-alive HTTP/1.1 server answering every request with the same response.
async fn serve(listener: TcpListener, response: &'static [u8]) {
    while let Ok((mut stream, _)) = listener.accept().await {
        tokio::spawn(async move {
            let mut buffer = vec![0u8; 16 * 1024];
            let mut filled = 0;
            loop {
                let Ok(n) = stream.read(&mut buffer[filled..]).await else {
                    return;
                };
                if n == 0 {
                    return;
                }
                filled += n;
                // GET requests have no body: every complete head is one request.
                while let Some(end) = buffer[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
                    if stream.write_all(response).await.is_err() {
                        return;
                    }
                    buffer.copy_within(end + 4..filled, 0);
                    filled -= end + 4;
                }
                if filled == buffer.len() {
                    return;
                }
            }
        });
    }
}

fn bench(c: &mut Criterion) {
    let runtime = Runtime::new().expect("tokio runtime");
    let body = body();
    let response: &'static [u8] = Box::leak(
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncf-ray: 8c1f-LHR\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
        .into_boxed_slice(),
    );
    let base_url = runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(serve(listener, response));
        url
    });

    let client = Client::cloudflare_builder()
        .base_url(&base_url)
        .credentials(Credentials::api_token("bench-token"))
        .build()
        .expect("client");
    let bare = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .build()
        .expect("reqwest client");
    let url = format!("{base_url}/accounts/{ACCOUNT}/ai-gateway/gateways/{GATEWAY}/routes/r1");

    // Both paths must decode the same route before they are compared.
    let ours = runtime
        .block_on(client.get(ACCOUNT, GATEWAY, "r1"))
        .expect("client call");
    let theirs = runtime.block_on(async {
        let bytes = bare
            .get(&url)
            .bearer_auth("bench-token")
            .send()
            .await?
            .bytes()
            .await?;
        Ok::<_, reqwest::Error>(
            serde_json::from_slice::<RouteResponse>(&bytes)
                .expect("decode")
                .result,
        )
    });
    assert_eq!(Some(ours), theirs.ok());

    let mut group = c.benchmark_group("get_route");
    group.bench_function("dynroute_client", |b| {
        b.iter(|| {
            runtime
                .block_on(client.get(ACCOUNT, GATEWAY, "r1"))
                .expect("client call")
        })
    });
    group.bench_function("bare_reqwest", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let bytes = bare
                    .get(&url)
                    .bearer_auth("bench-token")
                    .header("accept", "application/json")
                    .timeout(Duration::from_secs(60))
                    .send()
                    .await
                    .expect("send")
                    .bytes()
                    .await
                    .expect("body");
                serde_json::from_slice::<RouteResponse>(&bytes)
                    .expect("decode")
                    .result
            })
        })
    });
    group.finish();

    // The same split without the network: what the client does to a received body (the
    // normaliser's check of the bytes, the direct decoding of the envelope) next to one
    // `serde_json::from_slice` into the envelope type.
    let request = RequestSpec {
        operation_id: "get",
        method: Method::GET,
        path: String::new(),
        query: Vec::new(),
        body: None,
        unwrap: Some("result"),
    };
    let headers = HeaderMap::new();
    let mut group = c.benchmark_group("decode_route");
    group.bench_function("dynroute_client", |b| {
        b.iter(|| {
            client
                .decode_response::<Route>(&request, StatusCode::OK, &headers, body.as_bytes())
                .expect("decodes")
        })
    });
    group.bench_function("serde_json", |b| {
        b.iter(|| {
            serde_json::from_slice::<RouteResponse>(body.as_bytes())
                .expect("decodes")
                .result
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! The calls the client benchmark (`benches/client.rs`) times and `examples/decode_loop.rs`
//! counts: a `get` through the client and the same request with bare reqwest, against a
//! keep-alive HTTP/1.1 server on 127.0.0.1 that answers every request with the route body of
//! `route_body`, and the decoding of that body on both sides without the network.

use std::time::Duration;

use dynroute_client::models::{Route, RouteResponse};
use dynroute_client::runtime::RequestSpec;
use dynroute_client::{Client, Credentials};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::runtime::Runtime;

use crate::route_body::{GATEWAY, body, get_request};

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

/// The four calls the benchmark times, over one local server.
pub struct Fixture {
    runtime: Runtime,
    client: Client,
    bare: reqwest::Client,
    url: String,
    body: String,
    request: RequestSpec,
    headers: HeaderMap,
}

impl Fixture {
    pub fn new() -> Self {
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
        // What the client does to a received body, without the network: the decode pair.
        let request = get_request();
        let fixture = Fixture {
            runtime,
            client,
            bare,
            url,
            body,
            request,
            headers: HeaderMap::new(),
        };
        // Both sides of each pair must give the same route before they are compared.
        assert_eq!(fixture.get_ours(), fixture.get_bare());
        assert_eq!(fixture.decode_ours(), fixture.decode_bare());
        fixture
    }

    pub fn get_ours(&self) -> Route {
        self.runtime
            .block_on(self.client.get(ACCOUNT, GATEWAY, "r1"))
            .expect("client call")
    }

    pub fn get_bare(&self) -> Route {
        self.runtime.block_on(async {
            let bytes = self
                .bare
                .get(&self.url)
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
    }

    pub fn decode_ours(&self) -> Route {
        self.client
            .decode_response::<Route>(
                &self.request,
                StatusCode::OK,
                &self.headers,
                self.body.as_bytes(),
            )
            .expect("decodes")
    }

    pub fn decode_bare(&self) -> Route {
        serde_json::from_slice::<RouteResponse>(self.body.as_bytes())
            .expect("decodes")
            .result
    }
}

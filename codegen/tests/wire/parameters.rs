//! Run inside the crate built from the `parameters` snapshot (models, operations and the
//! runtime) by `tests/compile.rs`, against a scripted server on 127.0.0.1: header parameters
//! arrive as request headers in their plain text form, cookie parameters in one `Cookie`
//! header, percent-encoded where a cookie cannot hold them, and absent optional ones not at
//! all.

mod support;

use futures_util::TryStreamExt;
use serde_json::json;
use snapshot_parameters::models::{Color, Mode};
use snapshot_parameters::runtime::{Client, ErrorKind};
use support::{Reply, Server};

fn client(server: &Server) -> Client {
    Client::builder_for(&server.base_url)
        .max_retries(0)
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn header_and_cookie_parameters_are_on_the_wire() {
    let server = Server::start(vec![Reply::json(200, json!({"id": "a/b", "name": "n"}))]).await;
    let tags = vec!["x".to_owned(), "y z".to_owned()];
    let item = client(&server)
        .get_item(
            "a/b",
            "req-1",
            Some(50),
            Some(2.5),
            Some(true),
            Some(&Mode::SafeMode),
            Some(&tags),
            Some("custom-agent/1"),
            "s=1; évil,\"x\"",
            Some(&Mode::Fast),
            Some(3),
        )
        .await
        .expect("the item");
    assert_eq!(item.id, "a/b");
    let request = server.request();
    assert_eq!((request.method.as_str(), request.target.as_str()), ("GET", "/items/a%2Fb"));
    for (name, value) in [
        ("x-request-id", "req-1"),
        ("x-limit", "50"),
        ("x-ratio", "2.5"),
        ("x-dry-run", "true"),
        ("x-mode", "safe mode"),
        ("x-tags", "x,y z"),
        // A header parameter replaces the client's own header of the same name.
        ("user-agent", "custom-agent/1"),
        ("accept", "application/json"),
        ("cookie", "session=s=1%3B%20%C3%A9vil%2C%22x%22; theme=fast; visits=3"),
    ] {
        assert_eq!(request.header(name), Some(value), "{name}: {request:?}");
    }
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn optional_parameters_left_out_are_not_sent() {
    let server = Server::start(vec![Reply::json(200, json!({"id": "1"}))]).await;
    client(&server)
        .get_item("1", "req-2", None, None, None, None, None, None, "abc", None, None)
        .await
        .expect("the item");
    let request = server.request();
    for name in ["x-limit", "x-ratio", "x-dry-run", "x-mode", "x-tags"] {
        assert_eq!(request.header(name), None, "{name}");
    }
    assert_eq!(request.header("x-request-id"), Some("req-2"));
    assert_eq!(request.header("cookie"), Some("session=abc"));
    assert!(request.header("user-agent").is_some_and(|agent| agent.starts_with("snapshot-parameters/")));
}

#[tokio::test]
async fn a_header_value_that_could_inject_a_header_is_refused_before_sending() {
    let server = Server::start(vec![Reply::json(200, json!({"id": "1"}))]).await;
    let err = client(&server)
        .get_item("1", "a\r\nx-injected: 1", None, None, None, None, None, None, "s", None, None)
        .await
        .expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.to_string().contains("`X-Request-Id`"), "{err}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn the_paging_helper_sends_the_header_with_every_page() {
    let server = Server::start(vec![
        Reply::json(200, json!({"items": [{"id": "1"}, {"id": "2"}]})),
        Reply::json(200, json!({"items": []})),
    ])
    .await;
    let items: Vec<_> = client(&server)
        .list_items_stream("tenant-7")
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(items.len(), 2);
    let requests = server.requests();
    let targets: Vec<&str> = requests.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(targets, ["/items?page=1", "/items?page=2"]);
    for request in &requests {
        assert_eq!(request.header("x-tenant"), Some("tenant-7"));
    }
}

#[tokio::test]
async fn styles_write_arrays_and_objects_as_openapi_says() {
    let server = Server::start(vec![Reply::empty(204)]).await;
    let color = Color { r: 100, g: 200 };
    client(&server)
        .get_styled(
            "a b",
            Some(&color),
            Some(&vec![1, 2]),
            Some(&vec!["x".to_owned(), "y".to_owned()]),
            Some(&color),
            Some(&color),
            Some(&vec!["p,q".to_owned(), "r".to_owned()]),
        )
        .await
        .expect("no content");
    let request = server.request();
    assert_eq!(
        request.target,
        "/styled/.a%20b?color%5BR%5D=100&color%5BG%5D=200&ids=1%7C2&words=x+y"
    );
    assert_eq!(request.header("x-color"), Some("R=100,G=200"));
    assert_eq!(request.header("cookie"), Some("R=100; G=200; list=p%2Cq,r"));
}

//! Run inside the crate built from the `responses` snapshot (models, operations and the
//! runtime) by `tests/compile.rs`, against a scripted server on 127.0.0.1: JSON without a
//! schema, text (in its charset), binary and empty responses are decoded as the operation's
//! media types say, with the `Accept` header they name, and binary properties of JSON models
//! read and write as strings.

mod support;

use serde_json::json;
use snapshot_responses::models::Attachment;
use snapshot_responses::runtime::{Client, ErrorEnvelope, ErrorKind};
use support::{Reply, Server};

fn client(server: &Server) -> Client {
    Client::builder_for(&server.base_url)
        .max_retries(0)
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn json_without_a_schema_is_any_json_value() {
    let server = Server::start(vec![Reply::json(200, json!({"status": "ok", "n": [1, 2]}))]).await;
    let value = client(&server).health().await.expect("JSON");
    assert_eq!(value, json!({"status": "ok", "n": [1, 2]}));
    assert_eq!(server.request().header("accept"), Some("application/json"));
}

#[tokio::test]
async fn text_responses_are_strings_in_their_charset() {
    let csv = "id,name\n1,é\n";
    let server = Server::start(vec![Reply::new(200, "text/csv; charset=utf-8", csv)]).await;
    assert_eq!(client(&server).get_report().await.expect("text"), csv);
    assert_eq!(server.request().header("accept"), Some("text/csv"));

    let server =
        Server::start(vec![Reply::new(200, "text/html; charset=ISO-8859-1", b"caf\xe9".to_vec())])
            .await;
    assert_eq!(client(&server).get_page().await.expect("latin-1"), "café");
    assert_eq!(server.request().header("accept"), Some("text/html, text/plain"));

    let server = Server::start(vec![Reply::new(200, "text/plain", b"caf\xe9".to_vec())]).await;
    let err = client(&server).get_page().await.expect_err("not UTF-8");
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.body(), Some("caf\u{fffd}"));

    let server =
        Server::start(vec![Reply::new(200, "text/plain; charset=shift_jis", "x")]).await;
    let err = client(&server).get_page().await.expect_err("unknown charset");
    assert!(err.to_string().contains("shift_jis"), "{err}");
}

#[tokio::test]
async fn an_error_status_of_a_text_operation_is_an_error() {
    let server =
        Server::start(vec![Reply::json(404, json!({"message": "no report"}))]).await;
    let err = client(&server).get_report().await.expect_err("not found");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.body(), Some(r#"{"message":"no report"}"#));
}

#[tokio::test]
async fn binary_responses_are_the_bytes() {
    let png = [0x89, b'P', b'N', b'G', 0, 0xff, 0xfe];
    let server = Server::start(vec![Reply::new(200, "image/png", png.to_vec())]).await;
    assert_eq!(client(&server).get_photo("p 1").await.expect("bytes"), png);
    let request = server.request();
    assert_eq!(request.target, "/photos/p%201");
    assert_eq!(request.header("accept"), Some("image/png, image/jpeg"));

    let server = Server::start(vec![Reply::new(200, "application/octet-stream", Vec::new())]).await;
    assert_eq!(client(&server).download().await.expect("bytes"), Vec::<u8>::new());
    assert_eq!(server.request().header("accept"), Some("application/octet-stream"));
}

#[tokio::test]
async fn a_json_failure_envelope_is_an_error_for_binary_operations_too() {
    let server =
        Server::start(vec![Reply::json(200, json!({"ok": false, "problems": [{"code": 9, "message": "gone"}]}))])
            .await;
    let client = Client::builder_for(&server.base_url)
        .max_retries(0)
        .error_envelope(ErrorEnvelope::new().success_flag("ok").errors("problems"))
        .build()
        .expect("client builds");
    let err = client.download().await.expect_err("failed envelope");
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.details()[0].message, "gone");
    // The same bytes sent as a file are a file.
    let server = Server::start(vec![Reply::new(200, "application/octet-stream", r#"{"ok": false}"#)]).await;
    let client = Client::builder_for(&server.base_url)
        .error_envelope(ErrorEnvelope::new().success_flag("ok"))
        .build()
        .expect("client builds");
    assert_eq!(client.download().await.expect("bytes"), br#"{"ok": false}"#);
}

#[tokio::test]
async fn an_operation_without_content_ignores_the_body() {
    let server = Server::start(vec![Reply::new(200, "text/plain", "deleted")]).await;
    client(&server).delete_photo("p1").await.expect("deleted");
    assert_eq!(server.request().method, "DELETE");
    let server = Server::start(vec![Reply::empty(204)]).await;
    client(&server).delete_photo("p1").await.expect("deleted");
}

#[tokio::test]
async fn json_is_read_when_a_response_also_offers_text_and_binary_properties_are_strings() {
    let body = json!({"name": "a.txt", "data": "hello", "previews": ["x", [0, 159, 255]]});
    let server = Server::start(vec![Reply::json(200, body)]).await;
    let attachment: Attachment = client(&server).get_summary().await.expect("JSON");
    assert_eq!(attachment.data, b"hello");
    assert_eq!(attachment.previews, Some(vec![b"x".to_vec(), vec![0, 159, 255]]));
    // UTF-8 bytes are written as a string, other bytes as numbers, and read back the same.
    let written = serde_json::to_value(&attachment).expect("serializes");
    assert_eq!(
        written,
        json!({"name": "a.txt", "data": "hello", "previews": ["x", [0, 159, 255]]})
    );
    let again: Attachment = serde_json::from_value(written).expect("deserializes");
    assert_eq!(again, attachment);
}

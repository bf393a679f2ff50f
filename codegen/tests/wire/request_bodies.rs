//! Run inside the crate built from the `request_bodies` snapshot (models, operations and the
//! runtime) by `tests/compile.rs`, against a scripted server on 127.0.0.1: what each media
//! type puts on the wire, byte for byte (form fields, multipart parts with files, raw bytes,
//! text), with its `Content-Type`, and that a retry resends the same bytes.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;
use snapshot_request_bodies::models::{NewPet, UploadPhotoBody, UploadPhotoBodyMetadata};
use snapshot_request_bodies::runtime::{Client, RetryPolicy};
use support::{Recorded, Reply, Server};

fn client(server: &Server) -> Client {
    Client::builder_for(&server.base_url)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        })
        .max_retries(1)
        .build()
        .expect("client builds")
}

fn pet() -> NewPet {
    NewPet {
        name: "Rex the dog".to_owned(),
        age: Some(3),
        weight: Some(4.0),
        vaccinated: Some(true),
        tags: Some(vec!["a&b".to_owned(), "ü".to_owned()]),
    }
}

fn created() -> Reply {
    Reply::json(201, json!({"id": "p1", "name": "Rex"}))
}

/// One part of a multipart body: its head lines and its bytes.
#[derive(Debug, PartialEq)]
struct Part {
    head: Vec<String>,
    data: Vec<u8>,
}

/// The parts of a `multipart/form-data` request, read with the boundary its
/// `Content-Type` names; checks the framing on the way.
fn parts(request: &Recorded) -> Vec<Part> {
    let content_type = request.header("content-type").expect("content-type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("{content_type}"));
    let delimiter = format!("--{boundary}").into_bytes();
    let body = &request.body;
    let close = [&delimiter[..], b"--\r\n"].concat();
    assert!(body.ends_with(&close), "not closed: {:?}", String::from_utf8_lossy(body));
    let mut parts = Vec::new();
    let mut rest = &body[..body.len() - close.len()];
    while !rest.is_empty() {
        assert!(rest.starts_with(&delimiter), "{:?}", String::from_utf8_lossy(rest));
        rest = &rest[delimiter.len() + 2..];
        let next = rest
            .windows(delimiter.len())
            .position(|w| w == delimiter.as_slice())
            .unwrap_or(rest.len());
        let part = &rest[..next];
        let head_end = part.windows(4).position(|w| w == b"\r\n\r\n").expect("part head");
        let head = String::from_utf8(part[..head_end].to_vec()).expect("UTF-8 head");
        let data = part[head_end + 4..].strip_suffix(b"\r\n").expect("CRLF after data");
        parts.push(Part {
            head: head.split("\r\n").map(str::to_owned).collect(),
            data: data.to_vec(),
        });
        rest = &rest[next..];
    }
    parts
}

fn text_part(name: &str, value: &str) -> Part {
    Part {
        head: vec![format!("Content-Disposition: form-data; name=\"{name}\"")],
        data: value.as_bytes().to_vec(),
    }
}

fn file_part(name: &str, content_type: &str, data: &[u8]) -> Part {
    Part {
        head: vec![
            format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{name}\""),
            format!("Content-Type: {content_type}"),
        ],
        data: data.to_vec(),
    }
}

#[tokio::test]
async fn a_form_body_is_url_encoded_fields() {
    let server = Server::start(vec![created()]).await;
    let created = client(&server).create_pet(&pet()).await.expect("created");
    assert_eq!(created.id, "p1");
    let request = server.request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(
        String::from_utf8_lossy(&request.body),
        "name=Rex+the+dog&age=3&weight=4&vaccinated=true&tags=a%26b&tags=%C3%BC"
    );
    assert_eq!(request.header("content-length"), Some(request.body.len().to_string().as_str()));
}

#[tokio::test]
async fn a_multipart_body_has_text_json_and_file_parts() {
    let server = Server::start(vec![Reply::empty(204)]).await;
    let photo = [0x89, b'P', b'N', b'G', 0, 255, b'\r', b'\n'];
    let body = UploadPhotoBody {
        caption: Some("Holiday \"2024\"".to_owned()),
        photo: photo.to_vec(),
        thumbnails: Some(vec![vec![1, 2], vec![3]]),
        rating: Some(4.0),
        labels: Some(vec!["a".to_owned(), "b".to_owned()]),
        metadata: Some(UploadPhotoBodyMetadata {
            camera: Some("X100".to_owned()),
        }),
    };
    client(&server).upload_photo("p1", &body).await.expect("stored");
    let request = server.request();
    assert_eq!((request.method.as_str(), request.target.as_str()), ("PUT", "/pets/p1/photo"));
    let mut metadata = text_part("metadata", r#"{"camera":"X100"}"#);
    metadata.head.push("Content-Type: application/json".to_owned());
    assert_eq!(
        parts(&request),
        [
            text_part("caption", "Holiday \"2024\""),
            file_part("photo", "image/png", &photo),
            file_part("thumbnails", "application/octet-stream", &[1, 2]),
            file_part("thumbnails", "application/octet-stream", &[3]),
            text_part("rating", "4"),
            text_part("labels", "a"),
            text_part("labels", "b"),
            metadata,
        ]
    );
}

#[tokio::test]
async fn absent_optional_properties_give_no_part() {
    let server = Server::start(vec![Reply::empty(204)]).await;
    let body = UploadPhotoBody {
        caption: None,
        photo: Vec::new(),
        thumbnails: None,
        rating: None,
        labels: None,
        metadata: None,
    };
    client(&server).upload_photo("p1", &body).await.expect("stored");
    assert_eq!(parts(&server.request()), [file_part("photo", "image/png", &[])]);
}

#[tokio::test]
async fn a_retry_resends_the_same_multipart_bytes() {
    let server = Server::start(vec![Reply::empty(503), Reply::empty(204)]).await;
    let body = UploadPhotoBody {
        caption: Some("c".to_owned()),
        photo: vec![7; 64],
        thumbnails: None,
        rating: None,
        labels: None,
        metadata: None,
    };
    client(&server).upload_photo("p1", &body).await.expect("stored after a retry");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body);
    assert_eq!(requests[0].header("content-type"), requests[1].header("content-type"));
}

#[tokio::test]
async fn a_map_body_gives_one_part_per_property() {
    let server = Server::start(vec![Reply::empty(204)]).await;
    let fields: BTreeMap<String, serde_json::Value> =
        [("a".to_owned(), json!("1")), ("b".to_owned(), json!([2, 3]))].into();
    client(&server).upload_fields(Some(&fields)).await.expect("stored");
    assert_eq!(
        parts(&server.request()),
        [text_part("a", "1"), text_part("b", "2"), text_part("b", "3")]
    );
    // Left out, the optional body sends nothing.
    let server = Server::start(vec![Reply::empty(204)]).await;
    client(&server).upload_fields(None).await.expect("stored");
    let request = server.request();
    assert!(request.body.is_empty());
    assert_eq!(request.header("content-type"), None);
}

#[tokio::test]
async fn octet_stream_and_other_binary_bodies_are_the_bytes() {
    let server = Server::start(vec![Reply::empty(204)]).await;
    let bytes = [0u8, 1, 2, 255, b'\n'];
    client(&server).put_blob("k 1", &bytes).await.expect("stored");
    let request = server.request();
    assert_eq!(request.target, "/blobs/k%201");
    assert_eq!(request.header("content-type"), Some("application/octet-stream"));
    assert_eq!(request.body, bytes);

    let server = Server::start(vec![Reply::empty(204)]).await;
    client(&server).post_image(&bytes).await.expect("stored");
    let request = server.request();
    assert_eq!(request.header("content-type"), Some("image/png"));
    assert_eq!(request.body, bytes);
}

#[tokio::test]
async fn a_text_body_is_the_text() {
    let server = Server::start(vec![created()]).await;
    client(&server).create_note(Some("héllo\nworld")).await.expect("created");
    let request = server.request();
    assert_eq!(request.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(request.body, "héllo\nworld".as_bytes());
}

#[tokio::test]
async fn form_fields_win_over_text_and_bytes() {
    let server = Server::start(vec![Reply::empty(204)]).await;
    let mut pet = pet();
    pet.tags = None;
    pet.weight = Some(4.25);
    client(&server).submit_choice(Some(&pet)).await.expect("noted");
    let request = server.request();
    assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(
        String::from_utf8_lossy(&request.body),
        "name=Rex+the+dog&age=3&weight=4.25&vaccinated=true"
    );
}

//! Request bodies in media types other than JSON: form fields
//! (`application/x-www-form-urlencoded`), multipart parts (`multipart/form-data`), text and
//! raw bytes. Each is encoded once, before the first attempt, so that retries resend the same
//! bytes, and with this crate's own dependencies only (no HTTP client feature needed).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde_json::Value;

use super::error::{Error, ErrorKind};
use super::path::render;

/// An encoded request body and its `Content-Type`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Content {
    /// The `Content-Type` header sent with the body.
    pub content_type: String,
    /// The body.
    pub bytes: Vec<u8>,
}

/// What `application/x-www-form-urlencoded` keeps as it is (the WHATWG URL standard's
/// serializer): ASCII letters and digits, `*`, `-`, `.` and `_`. A space becomes `+`;
/// everything else is percent-encoded.
const FORM_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

/// The body as `application/x-www-form-urlencoded` fields: one `name=value` pair per
/// property of `body` (which must serialize to an object), in the order it serializes them
/// (a struct's declaration order).
/// Properties that are absent or null are left out; an array gives one pair per item
/// (`tag=a&tag=b`, OpenAPI's default `form` style); values are rendered as query parameters
/// are (strings as they are, whole numbers without a fraction, nested objects as JSON text).
pub fn form<T: Serialize + ?Sized>(operation: &'static str, body: &T) -> Result<Content, Error> {
    let Some(fields) = members(operation, body)? else {
        return Err(Error::new(ErrorKind::InvalidRequest, operation)
            .with_message("a form body must be an object"));
    };
    let mut pairs: Vec<String> = Vec::new();
    for (name, value) in &fields {
        let values = match value {
            Value::Null => continue,
            Value::Array(items) => items.iter().filter(|item| !item.is_null()).collect(),
            other => vec![other],
        };
        for value in values {
            pairs.push(format!(
                "{}={}",
                form_encode(name),
                form_encode(&render(value))
            ));
        }
    }
    Ok(Content {
        content_type: "application/x-www-form-urlencoded".to_owned(),
        bytes: pairs.join("&").into_bytes(),
    })
}

/// `text` percent-encoded for a form, spaces as `+`.
fn form_encode(text: &str) -> String {
    text.split(' ')
        .map(|piece| utf8_percent_encode(piece, FORM_COMPONENT).to_string())
        .collect::<Vec<_>>()
        .join("+")
}

/// A text body sent as it is, with `content_type` (the media type the description declares).
pub fn text(content_type: &str, body: &str) -> Content {
    Content {
        content_type: content_type.to_owned(),
        bytes: body.as_bytes().to_vec(),
    }
}

/// A body of raw bytes sent as they are, with `content_type` (the media type the description
/// declares, `application/octet-stream` for example).
pub fn bytes(content_type: &str, body: &[u8]) -> Content {
    Content {
        content_type: content_type.to_owned(),
        bytes: body.to_vec(),
    }
}

/// One part of a `multipart/form-data` body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Vec<u8>,
}

/// The text parts of one property: none for an absent or null value; for an array, one part
/// per item; a nested object (or an array item that is one) as a part of JSON text with
/// `Content-Type: application/json`, as OpenAPI's default encoding says; any other value as
/// a plain text part rendered as query parameters are.
pub fn text_parts<T: Serialize + ?Sized>(
    operation: &'static str,
    name: &str,
    value: &T,
) -> Result<Vec<Part>, Error> {
    let value = to_json(operation, value)?;
    let values = match &value {
        Value::Null => Vec::new(),
        Value::Array(items) => items.iter().filter(|item| !item.is_null()).collect(),
        other => vec![other],
    };
    Ok(values
        .into_iter()
        .map(|value| match value {
            Value::Object(_) | Value::Array(_) => Part {
                name: name.to_owned(),
                file_name: None,
                content_type: Some("application/json".to_owned()),
                data: value.to_string().into_bytes(),
            },
            scalar => Part {
                name: name.to_owned(),
                file_name: None,
                content_type: None,
                data: render(scalar).into_bytes(),
            },
        })
        .collect())
}

/// The file parts of one binary property, one per item of `files` (a required property
/// gives one, an absent one none, an array one per element). Each part carries the bytes as
/// they are, `content_type` (the property's `encoding.contentType`, else
/// `application/octet-stream`), and the property's name as its file name: servers commonly
/// treat a part as a file only when it has one, and the description names nothing else.
pub fn file_parts<I>(name: &str, content_type: &str, files: I) -> Vec<Part>
where
    I: IntoIterator,
    I::Item: AsRef<[u8]>,
{
    files
        .into_iter()
        .map(|file| Part {
            name: name.to_owned(),
            file_name: Some(name.to_owned()),
            content_type: Some(content_type.to_owned()),
            data: file.as_ref().to_vec(),
        })
        .collect()
}

/// The text parts of every property of `body` (which must serialize to an object), for a
/// multipart body whose schema declares no properties (a map): see [`text_parts`].
pub fn object_parts<T: Serialize + ?Sized>(
    operation: &'static str,
    body: &T,
) -> Result<Vec<Part>, Error> {
    let Some(fields) = members(operation, body)? else {
        return Err(Error::new(ErrorKind::InvalidRequest, operation)
            .with_message("a multipart body must be an object"));
    };
    let mut parts = Vec::new();
    for (name, value) in &fields {
        parts.extend(text_parts(operation, name, value)?);
    }
    Ok(parts)
}

/// The `multipart/form-data` body of `parts`, in order (RFC 7578), under a random boundary
/// that occurs in no part. Names and file names are written as HTML forms write them: `"`,
/// carriage return and line feed percent-encoded, everything else (UTF-8 included) as it is.
pub fn multipart(parts: Vec<Part>) -> Content {
    let boundary = boundary(&parts);
    let mut bytes = Vec::new();
    for part in &parts {
        bytes.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let mut disposition = format!(
            "Content-Disposition: form-data; name=\"{}\"",
            escape_name(&part.name)
        );
        if let Some(file_name) = &part.file_name {
            disposition.push_str(&format!("; filename=\"{}\"", escape_name(file_name)));
        }
        bytes.extend_from_slice(disposition.as_bytes());
        bytes.extend_from_slice(b"\r\n");
        if let Some(content_type) = &part.content_type {
            bytes.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        bytes.extend_from_slice(b"\r\n");
        bytes.extend_from_slice(&part.data);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Content {
        content_type: format!("multipart/form-data; boundary={boundary}"),
        bytes,
    }
}

/// A boundary found in none of `parts`: random, drawn again in the (vanishingly unlikely)
/// case that a part holds it.
fn boundary(parts: &[Part]) -> String {
    let mut candidate = String::new();
    for _ in 0..16 {
        candidate = format!(
            "dynroute-{:016x}{:016x}",
            fastrand::u64(..),
            fastrand::u64(..)
        );
        let needle = candidate.as_bytes();
        let found = parts.iter().any(|part| {
            [part.name.as_bytes(), part.data.as_slice()]
                .iter()
                .chain(part.file_name.as_ref().map(|n| n.as_bytes()).iter())
                .any(|haystack| haystack.windows(needle.len()).any(|w| w == needle))
        });
        if !found {
            break;
        }
    }
    candidate
}

/// A part name or file name inside its quotes.
fn escape_name(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The properties of `body` in the order it serializes them (whatever map type `serde_json`
/// was built with), or `None` when it is not an object.
fn members<T: Serialize + ?Sized>(
    operation: &'static str,
    body: &T,
) -> Result<Option<Vec<(String, Value)>>, Error> {
    /// An object read into a list, keeping the order of its members.
    struct Members(Option<Vec<(String, Value)>>);

    impl<'de> serde::Deserialize<'de> for Members {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct Visit;
            impl<'de> serde::de::Visitor<'de> for Visit {
                type Value = Members;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("any JSON value")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Members, A::Error> {
                    let mut members = Vec::new();
                    while let Some(member) = map.next_entry::<String, Value>()? {
                        members.push(member);
                    }
                    Ok(Members(Some(members)))
                }
                fn visit_seq<A: serde::de::SeqAccess<'de>>(
                    self,
                    mut seq: A,
                ) -> Result<Members, A::Error> {
                    while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                    Ok(Members(None))
                }
                fn visit_bool<E>(self, _: bool) -> Result<Members, E> {
                    Ok(Members(None))
                }
                fn visit_i64<E>(self, _: i64) -> Result<Members, E> {
                    Ok(Members(None))
                }
                fn visit_u64<E>(self, _: u64) -> Result<Members, E> {
                    Ok(Members(None))
                }
                fn visit_f64<E>(self, _: f64) -> Result<Members, E> {
                    Ok(Members(None))
                }
                fn visit_str<E>(self, _: &str) -> Result<Members, E> {
                    Ok(Members(None))
                }
                fn visit_unit<E>(self) -> Result<Members, E> {
                    Ok(Members(None))
                }
            }
            deserializer.deserialize_any(Visit)
        }
    }

    let text = serde_json::to_string(body).map_err(|err| cannot_serialize(operation, err))?;
    serde_json::from_str::<Members>(&text)
        .map(|members| members.0)
        .map_err(|err| cannot_serialize(operation, err))
}

fn cannot_serialize(operation: &'static str, err: serde_json::Error) -> Error {
    Error::new(ErrorKind::InvalidRequest, operation)
        .with_message("the request body cannot be serialized")
        .with_source(err)
}

fn to_json<T: Serialize + ?Sized>(operation: &'static str, body: &T) -> Result<Value, Error> {
    serde_json::to_value(body).map_err(|err| cannot_serialize(operation, err))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn form_fields_are_encoded_like_html_forms() {
        /// Fields in declaration order, whatever map type `serde_json` is built with.
        #[derive(Serialize)]
        struct Pet {
            name: &'static str,
            symbols: &'static str,
            age: f64,
            good: bool,
            tags: [&'static str; 2],
            missing: Option<u8>,
            meta: Value,
        }
        let body = Pet {
            name: "Rex the dog",
            symbols: "a+b&c=d/é*-._~",
            age: 3.0,
            good: true,
            tags: ["x y", "z"],
            missing: None,
            meta: json!({"k": 1}),
        };
        let content = form("create", &body).unwrap();
        assert_eq!(content.content_type, "application/x-www-form-urlencoded");
        assert_eq!(
            String::from_utf8(content.bytes).unwrap(),
            "name=Rex+the+dog&symbols=a%2Bb%26c%3Dd%2F%C3%A9*-._%7E&age=3&good=true\
             &tags=x+y&tags=z&meta=%7B%22k%22%3A1%7D"
        );
        let err = form("create", &json!(["not", "an", "object"])).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        assert_eq!(form("create", &json!({})).unwrap().bytes, b"");
    }

    #[test]
    fn multipart_bodies_hold_text_json_and_file_parts() {
        let mut parts = text_parts("upload", "title", "Holiday \"2024\"").unwrap();
        parts.extend(text_parts("upload", "count", &2.0f64).unwrap());
        parts.extend(text_parts("upload", "tags", &json!(["a", null, {"b": 1}])).unwrap());
        parts.extend(text_parts("upload", "none", &json!(null)).unwrap());
        parts.extend(file_parts(
            "photo",
            "image/png",
            [&[0u8, 159, 146, 150][..]],
        ));
        parts.extend(file_parts(
            "extra",
            "application/octet-stream",
            None::<Vec<u8>>,
        ));
        let content = multipart(parts);
        let boundary = content
            .content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap()
            .to_owned();
        let mut expected = Vec::new();
        for head in [
            "Content-Disposition: form-data; name=\"title\"\r\n\r\nHoliday \"2024\"",
            "Content-Disposition: form-data; name=\"count\"\r\n\r\n2",
            "Content-Disposition: form-data; name=\"tags\"\r\n\r\na",
            "Content-Disposition: form-data; name=\"tags\"\r\nContent-Type: application/json\r\n\r\n{\"b\":1}",
        ] {
            expected.extend_from_slice(format!("--{boundary}\r\n{head}\r\n").as_bytes());
        }
        expected.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"photo\"\r\n\
                 Content-Type: image/png\r\n\r\n"
            )
            .as_bytes(),
        );
        expected.extend_from_slice(&[0, 159, 146, 150]);
        expected.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        assert_eq!(content.bytes, expected);
    }

    #[test]
    fn part_names_cannot_break_the_part_head() {
        let parts = text_parts("upload", "a\"b\r\nc", "v").unwrap();
        let text = String::from_utf8(multipart(parts).bytes).unwrap();
        assert!(
            text.contains("name=\"a%22b%0D%0Ac\"\r\n\r\nv\r\n"),
            "{text}"
        );
    }

    #[test]
    fn the_boundary_is_in_no_part() {
        let parts = file_parts("f", "application/octet-stream", [b"--dynroute-".to_vec()]);
        let content = multipart(parts.clone());
        let boundary = content.content_type.split("boundary=").nth(1).unwrap();
        assert!(boundary.starts_with("dynroute-") && boundary.len() > 30);
        assert_ne!(multipart(parts).content_type, content.content_type);
    }

    #[test]
    fn maps_become_one_text_part_per_property() {
        let parts = object_parts("upload", &json!({"a": "1", "b": [2, 3]})).unwrap();
        assert_eq!(parts.len(), 3);
        assert!(object_parts("upload", &json!("text")).is_err());
    }

    #[test]
    fn text_and_bytes_are_sent_as_they_are() {
        assert_eq!(
            text("text/plain; charset=utf-8", "héllo"),
            Content {
                content_type: "text/plain; charset=utf-8".to_owned(),
                bytes: "héllo".as_bytes().to_vec()
            }
        );
        assert_eq!(bytes("application/octet-stream", &[0, 255]).bytes, [0, 255]);
    }
}

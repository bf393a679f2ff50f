//! Media types: what the client makes of each one a request body or a response declares.
//!
//! * JSON (`application/json`, any `+json` type): a model, serialized or decoded as JSON;
//! * `application/x-www-form-urlencoded`: a model sent as form fields;
//! * `multipart/form-data`: a model sent as parts (binary properties as file parts);
//! * text (`text/*`, `application/xml`, any `+xml` type): a string;
//! * anything else (`application/octet-stream`, `image/png`, `*/*`, ...): bytes.
//!
//! A request body offered in several media types is sent in the first of this list that it
//! offers (JSON, form, multipart, text, bytes; spec order within one kind). A media range
//! (`image/*`, `*/*`) names no type to send, so a request body cannot be sent as one; a
//! response in a range is read as bytes (or as text for `text/*`). Comparisons ignore case,
//! as media types do.

/// What the client makes of a media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Kind {
    /// JSON, typed by the schema.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// Text, as a string.
    Text,
    /// Anything else, as bytes.
    Binary,
}

/// A media type as a description writes it, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Media {
    /// What the client makes of it.
    pub(super) kind: Kind,
    /// Whether it is a range (`*` as its type or subtype).
    pub(super) range: bool,
}

/// `media` (a key of a `content` map), or `None` when it is not a media type (`type/subtype`
/// made of HTTP token characters, optionally followed by `;` parameters that can be sent in
/// a header).
pub(super) fn read(media: &str) -> Option<Media> {
    let (essence, parameters) = match media.split_once(';') {
        Some((essence, parameters)) => (essence, Some(parameters)),
        None => (media, None),
    };
    let essence = essence.trim().to_ascii_lowercase();
    let (main, sub) = essence.split_once('/')?;
    if !is_token(main) || !is_token(sub) {
        return None;
    }
    // Parameters go out in the `Content-Type` header as written.
    if parameters.is_some_and(|p| p.chars().any(|c| c.is_control() || !c.is_ascii())) {
        return None;
    }
    let range = main == "*" || sub == "*";
    let kind = if essence == "application/json" || sub.ends_with("+json") {
        Kind::Json
    } else if essence == "application/x-www-form-urlencoded" {
        Kind::Form
    } else if essence == "multipart/form-data" {
        Kind::Multipart
    } else if main == "text" || essence == "application/xml" || sub.ends_with("+xml") {
        Kind::Text
    } else {
        Kind::Binary
    };
    Some(Media { kind, range })
}

/// Whether `text` is an HTTP token (RFC 9110 `tchar`s, at least one): what header names,
/// cookie names and the parts of a media type are made of.
pub(super) fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Whether `media` is a JSON media type.
pub(super) fn is_json(media: &str) -> bool {
    read(media).is_some_and(|m| m.kind == Kind::Json)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(media: &str) -> Option<(Kind, bool)> {
        read(media).map(|m| (m.kind, m.range))
    }

    #[test]
    fn media_types_are_read_by_their_essence_whatever_the_case() {
        assert_eq!(kind("application/json"), Some((Kind::Json, false)));
        assert_eq!(
            kind("Application/JSON; charset=utf-8"),
            Some((Kind::Json, false))
        );
        assert_eq!(kind("application/problem+json"), Some((Kind::Json, false)));
        assert_eq!(
            kind("application/x-www-form-urlencoded"),
            Some((Kind::Form, false))
        );
        assert_eq!(
            kind("multipart/form-data; boundary=x"),
            Some((Kind::Multipart, false))
        );
        assert_eq!(kind("text/plain"), Some((Kind::Text, false)));
        assert_eq!(kind("text/*"), Some((Kind::Text, true)));
        assert_eq!(kind("application/atom+xml"), Some((Kind::Text, false)));
        assert_eq!(kind("image/png"), Some((Kind::Binary, false)));
        assert_eq!(kind("*/*"), Some((Kind::Binary, true)));
        assert_eq!(
            kind("application/octet-stream"),
            Some((Kind::Binary, false))
        );
    }

    #[test]
    fn what_is_not_a_media_type_is_none() {
        for media in [
            "",
            "json",
            "text/",
            "/plain",
            "text/plain/x",
            "text /plain",
            "text/pl ain",
            "tëxt/plain",
            "text/plain; a=\n",
            "text/plain; a=é",
        ] {
            assert_eq!(read(media), None, "{media:?}");
        }
    }
}

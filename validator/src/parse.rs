//! Strict JSON parsing (RFC 8259, as `serde_json` accepts it) into a [`Tree`] with the byte
//! range of every value and key.
//!
//! One pass over the text, without recursion: containers are kept on an explicit stack,
//! whose depth is limited to [`MAX_DEPTH`] (route documents nest about six levels). Duplicate
//! keys, which `serde_json` silently collapses, are reported as `duplicate-key` findings.
//! Files larger than 4 GiB are refused, as positions are 32-bit.

use crate::diagnostic::Finding;
use crate::registry::names;
use crate::tree::{Json, KEY_ESCAPED, Kind, MEMBER, Node, Tree, VALUE_ESCAPED, number};

/// The deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: usize = 512;

/// A parsed file: its tree and the `duplicate-key` findings.
#[derive(Debug)]
pub struct Parsed<'a> {
    /// The document.
    pub tree: Tree<'a>,
    /// One finding per repeated key, at the pointer of the key (which names its last
    /// occurrence, the value that is read).
    pub duplicates: Vec<Finding>,
}

impl Parsed<'_> {
    /// The top-level value.
    pub fn root(&self) -> Json<'_> {
        self.tree.root()
    }
}

/// Why a text is not a JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte range of the offending token.
    pub start: usize,
    /// Exclusive end of the range.
    pub end: usize,
    /// What the parser expected or found.
    pub message: String,
}

/// Parses `text` as strict RFC 8259 JSON.
pub fn parse(text: &str) -> Result<Parsed<'_>, SyntaxError> {
    if u32::try_from(text.len()).is_err() {
        return Err(SyntaxError {
            start: 0,
            end: 0,
            message: "the file is larger than 4 GiB".to_string(),
        });
    }
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        tree: Tree {
            text,
            // About one value per 25 bytes in pretty-printed routes, one per 12 when
            // minified: one allocation for most files, instead of one per doubling (at most
            // a million nodes reserved up front: a large file grows from there).
            nodes: Vec::with_capacity((text.len() / 12).min(1 << 20) + 8),
            keys: Vec::new(),
            strings: Vec::new(),
        },
        // Deep enough for routes without growing.
        stack: Vec::with_capacity(32),
        key: None,
        repeated: false,
    };
    parser.document()?;
    let mut tree = parser.tree;
    // What a large file left unused goes back (a small one's is not worth a copy).
    if tree.nodes.capacity() - tree.nodes.len() > 4096 {
        tree.nodes.shrink_to_fit();
    }
    let duplicates = if parser.repeated {
        duplicates(&tree)
    } else {
        Vec::new()
    };
    Ok(Parsed { tree, duplicates })
}

/// An open container: its node and whether it is an object.
struct Open {
    id: u32,
    object: bool,
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    tree: Tree<'a>,
    stack: Vec<Open>,
    /// The key read for the next value: its span and its decoded text when escaped.
    key: Option<(u32, u32, Option<Box<str>>)>,
    /// Whether some object repeats a key.
    repeated: bool,
}

impl<'a> Parser<'a> {
    fn document(&mut self) -> Result<(), SyntaxError> {
        self.space()?;
        // Each turn reads one value; a container that opens goes on the stack, and the
        // turns after its last child close it.
        loop {
            let opened = self.value()?;
            if opened {
                continue;
            }
            loop {
                self.space()?;
                let Some(open) = self.stack.last() else {
                    return match self.peek() {
                        None => Ok(()),
                        Some(_) => Err(self.unexpected("after the JSON value, nothing may follow")),
                    };
                };
                let (object, id) = (open.object, open.id);
                let close = if object { b'}' } else { b']' };
                match self.peek() {
                    Some(b',') => {
                        let comma = self.pos;
                        self.pos += 1;
                        self.space()?;
                        if self.peek() == Some(close) {
                            return Err(SyntaxError {
                                start: comma,
                                end: comma + 1,
                                message: format!(
                                    "trailing comma: JSON allows no `,` before `{}`",
                                    close as char
                                ),
                            });
                        }
                        if object {
                            self.member_key()?;
                        }
                        break;
                    }
                    Some(b) if b == close => {
                        self.pos += 1;
                        self.close(id, object);
                    }
                    Some(_) => {
                        return Err(self.unexpected(if object {
                            "expected `,` or `}` after an object member"
                        } else {
                            "expected `,` or `]` after an array item"
                        }));
                    }
                    None => {
                        let (start, _) = self.span_of(id);
                        return Err(never_closed(start, object, close));
                    }
                }
            }
        }
    }

    /// Reads one value. Scalars are complete on return; a container is opened, and `true`
    /// says that its first child comes next (`false`: it is empty and waits to be closed).
    fn value(&mut self) -> Result<bool, SyntaxError> {
        let start = self.pos;
        let Some(b) = self.peek() else {
            return Err(SyntaxError {
                start,
                end: start,
                message: if self.stack.is_empty() && self.tree.nodes.is_empty() {
                    "the file holds no JSON value".to_string()
                } else {
                    "the file ends where a value is expected".to_string()
                },
            });
        };
        match b {
            b'{' | b'[' => {
                let object = b == b'{';
                if self.stack.len() >= MAX_DEPTH {
                    return Err(SyntaxError {
                        start,
                        end: start + 1,
                        message: format!("nesting deeper than {MAX_DEPTH} levels"),
                    });
                }
                let kind = if object { Kind::Object } else { Kind::Array };
                let id = self.push(kind, start, start + 1, 0);
                self.pos += 1;
                self.stack.push(Open { id, object });
                self.space()?;
                let close = if object { b'}' } else { b']' };
                if self.peek() == Some(close) {
                    return Ok(false);
                }
                if self.peek().is_none() {
                    return Err(never_closed(start, object, close));
                }
                if object {
                    self.member_key()?;
                }
                Ok(true)
            }
            b'"' => {
                let decoded = self.string()?;
                let flags = if decoded.is_some() { VALUE_ESCAPED } else { 0 };
                let id = self.push(Kind::String, start, self.pos, flags);
                if let Some(decoded) = decoded {
                    self.tree.strings.push((id, decoded));
                }
                Ok(false)
            }
            b'-' | b'0'..=b'9' => {
                self.number()?;
                self.push(Kind::Number, start, self.pos, 0);
                Ok(false)
            }
            b't' | b'f' | b'n' => {
                let (word, kind) = match b {
                    b't' => ("true", Kind::Bool),
                    b'f' => ("false", Kind::Bool),
                    _ => ("null", Kind::Null),
                };
                let end = self.word_end();
                if &self.text[start..end] != word {
                    return Err(SyntaxError {
                        start,
                        end,
                        message: format!(
                            "`{}` is not a JSON value (expected `true`, `false`, `null`, a number, a string, an array or an object)",
                            crate::text::safe(&self.text[start..end])
                        ),
                    });
                }
                self.pos = end;
                self.push(kind, start, end, 0);
                Ok(false)
            }
            b'\'' => Err(self.unexpected("JSON strings are written in double quotes")),
            _ => Err(self.unexpected("expected a value")),
        }
    }

    /// Reads an object member's key and its `:`; the value comes next.
    fn member_key(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("expected a property name in double quotes"));
        }
        let decoded = self.string()?;
        let end = self.pos;
        self.space()?;
        if self.peek() != Some(b':') {
            return Err(self.unexpected("expected `:` after the property name"));
        }
        self.pos += 1;
        self.space()?;
        self.key = Some((start as u32, end as u32, decoded));
        Ok(())
    }

    /// Adds a node (with the pending key, if any) and returns its index.
    fn push(&mut self, kind: Kind, start: usize, end: usize, mut flags: u8) -> u32 {
        let id = self.tree.nodes.len() as u32;
        let (key_start, key_end) = match self.key.take() {
            Some((key_start, key_end, decoded)) => {
                flags |= MEMBER;
                if let Some(decoded) = decoded {
                    flags |= KEY_ESCAPED;
                    self.tree.keys.push((id, decoded));
                }
                (key_start, key_end)
            }
            None => (0, 0),
        };
        self.tree.nodes.push(Node {
            start: start as u32,
            end: end as u32,
            key_start,
            key_end,
            next: id + 1,
            kind,
            flags,
        });
        id
    }

    /// Closes the container `id`, whose closing bracket ends just before `self.pos`, and
    /// marks keys its members repeat.
    fn close(&mut self, id: u32, object: bool) {
        self.stack.pop();
        let next = self.tree.nodes.len() as u32;
        let node = &mut self.tree.nodes[id as usize];
        node.end = self.pos as u32;
        node.next = next;
        if object && self.tree.mark_repeated_keys(id) {
            self.repeated = true;
        }
    }

    fn span_of(&self, id: u32) -> (usize, usize) {
        let node = &self.tree.nodes[id as usize];
        (node.start as usize, node.end as usize)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skips JSON whitespace (space, tab, CR, LF). Other whitespace (a byte order mark, a
    /// no-break space, a form feed...) and comments are errors.
    #[inline]
    fn space(&mut self) -> Result<(), SyntaxError> {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        self.pos += rest
            .iter()
            .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .unwrap_or(rest.len());
        match self.peek() {
            // Printable ASCII other than `/` starts a token: the common case, decided
            // without decoding a character.
            None => Ok(()),
            Some(b) if b.is_ascii_graphic() && b != b'/' => Ok(()),
            Some(_) => self.unusual_space(),
        }
    }

    /// What follows white space when it is not printable ASCII other than `/`: a comment or
    /// a character that may not separate tokens is an error; other text starts a token.
    #[cold]
    #[inline(never)]
    fn unusual_space(&self) -> Result<(), SyntaxError> {
        if self.peek() == Some(b'/') {
            if matches!(self.bytes.get(self.pos + 1), Some(b'/' | b'*')) {
                return Err(SyntaxError {
                    start: self.pos,
                    end: self.pos + 2,
                    message: "comments are not allowed in JSON".to_string(),
                });
            }
            return Ok(());
        }
        let c = self.char_at();
        if c == '\u{feff}' && self.pos == 0 {
            return Err(SyntaxError {
                start: 0,
                end: c.len_utf8(),
                message: "the file starts with a byte order mark (U+FEFF), which \
                          JSON text must not have: save it as UTF-8 without BOM"
                    .to_string(),
            });
        }
        if c.is_whitespace() || c.is_control() {
            return Err(SyntaxError {
                start: self.pos,
                end: self.pos + c.len_utf8(),
                message: format!(
                    "unexpected character U+{:04X}: only space, tab, CR and LF may separate JSON tokens",
                    u32::from(c)
                ),
            });
        }
        Ok(())
    }

    fn char_at(&self) -> char {
        self.text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
            .unwrap_or('\u{fffd}')
    }

    /// An error at the character under the cursor: what was found, then `expected`.
    fn unexpected(&self, expected: &str) -> SyntaxError {
        let Some(_) = self.peek() else {
            return SyntaxError {
                start: self.pos,
                end: self.pos,
                message: format!("the file ends early: {expected}"),
            };
        };
        let c = self.char_at();
        let shown = if c.is_ascii_graphic() {
            format!("`{c}`")
        } else {
            format!("U+{:04X}", u32::from(c))
        };
        SyntaxError {
            start: self.pos,
            end: self.pos + c.len_utf8(),
            message: format!("unexpected {shown}: {expected}"),
        }
    }

    /// The end of a run of letters and digits (a misspelt literal, shown whole).
    fn word_end(&self) -> usize {
        let mut end = self.pos;
        while end < self.bytes.len() && self.bytes[end].is_ascii_alphanumeric() {
            end += 1;
        }
        end
    }

    /// Reads a string from its opening quote to past its closing one. Returns the decoded
    /// text when the string holds escapes (the raw text is the value otherwise).
    fn string(&mut self) -> Result<Option<Box<str>>, SyntaxError> {
        let open = self.pos;
        self.pos += 1;
        let mut escaped = false;
        loop {
            let Some(b) = self.peek() else {
                return Err(SyntaxError {
                    start: open,
                    end: open + 1,
                    message: "this string is never closed: the file ends before its `\"`"
                        .to_string(),
                });
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    break;
                }
                b'\\' => {
                    escaped = true;
                    let at = self.pos;
                    let valid = match self.bytes.get(at + 1) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => 2,
                        Some(b'u') => match self.bytes.get(at + 2..at + 6) {
                            Some(hex) if hex.iter().all(u8::is_ascii_hexdigit) => 6,
                            _ => 0,
                        },
                        _ => 0,
                    };
                    if valid == 0 {
                        let end = self
                            .text
                            .get(at + 1..)
                            .and_then(|rest| rest.chars().next())
                            .map_or(at + 1, |c| at + 1 + c.len_utf8());
                        return Err(SyntaxError {
                            start: at,
                            end,
                            message: format!(
                                "invalid escape `{}` in a string: JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX",
                                crate::text::safe(&self.text[at..end])
                            ),
                        });
                    }
                    self.pos += valid;
                }
                0..=0x1f => {
                    return Err(SyntaxError {
                        start: self.pos,
                        end: self.pos + 1,
                        message: "control character in a string: write it as an escape such \
                                  as \\n or \\t"
                            .to_string(),
                    });
                }
                _ => self.pos += 1,
            }
        }
        if !escaped {
            return Ok(None);
        }
        unescape(&self.text[open + 1..self.pos - 1], open + 1).map(|s| Some(s.into_boxed_str()))
    }

    /// Reads a number by the JSON grammar and checks that it is in range.
    fn number(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let from = p.pos;
            while p.peek().is_some_and(|b| b.is_ascii_digit()) {
                p.pos += 1;
            }
            p.pos - from
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    return Err(self.unexpected("a number cannot have a leading zero"));
                }
            }
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.unexpected("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return Err(self.unexpected("expected a digit after the decimal point"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.unexpected("expected a digit in the exponent"));
            }
        }
        let raw = &self.text[start..self.pos];
        match number(raw) {
            Some(_) => Ok(()),
            None => Err(SyntaxError {
                start,
                end: self.pos,
                message: format!("number `{raw}` is out of range"),
            }),
        }
    }
}

/// Decodes a string's escapes. `offset` is where `raw` starts in the text, for errors.
/// A `\u` escape of half a surrogate pair must be followed by the other half, as
/// `serde_json` requires.
fn unescape(raw: &str, offset: usize) -> Result<String, SyntaxError> {
    let mut out = String::with_capacity(raw.len());
    let bytes = raw.as_bytes();
    let mut i = 0;
    let hex = |at: usize| -> Option<u32> { u32::from_str_radix(raw.get(at..at + 4)?, 16).ok() };
    while i < bytes.len() {
        let Some(at) = raw[i..].find('\\') else {
            out.push_str(&raw[i..]);
            break;
        };
        out.push_str(&raw[i..i + at]);
        i += at;
        let code = bytes.get(i + 1).copied().unwrap_or(b'\\');
        if code != b'u' {
            out.push(match code {
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                other => other as char,
            });
            i += 2;
            continue;
        }
        let lone = |start: usize| SyntaxError {
            start: offset + start,
            end: offset + start + 6,
            message: "unpaired surrogate in a \\u escape: a character above U+FFFF is written \
                      as two escapes, \\uD800-\\uDBFF then \\uDC00-\\uDFFF"
                .to_string(),
        };
        let first = hex(i + 2).unwrap_or(0);
        let c = match first {
            0xD800..=0xDBFF => {
                let second = (bytes.get(i + 6) == Some(&b'\\') && bytes.get(i + 7) == Some(&b'u'))
                    .then(|| hex(i + 8))
                    .flatten();
                match second {
                    Some(low @ 0xDC00..=0xDFFF) => {
                        let c = 0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00);
                        i += 6;
                        char::from_u32(c).ok_or_else(|| lone(i - 6))?
                    }
                    _ => return Err(lone(i)),
                }
            }
            0xDC00..=0xDFFF => return Err(lone(i)),
            c => char::from_u32(c).ok_or_else(|| lone(i))?,
        };
        out.push(c);
        i += 6;
    }
    Ok(out)
}

/// The `duplicate-key` findings of a tree: one per member whose key an earlier member of the
/// same object has.
fn duplicates(tree: &Tree<'_>) -> Vec<Finding> {
    tree.repeated_keys()
        .into_iter()
        .map(|(pointer, key)| {
            Finding::new(
                names::DUPLICATE_KEY,
                pointer,
                format!("key `{key}` appears more than once in this object"),
                "JSON parsers keep only one of the values (usually the last) and drop the \
                 others without a word: remove or rename the duplicate",
            )
            .at_key()
        })
        .collect()
}

/// The error for an object (`object`) or array opened at `start` and not closed by `close`
/// before the end of the file.
fn never_closed(start: usize, object: bool, close: u8) -> SyntaxError {
    SyntaxError {
        start,
        end: start + 1,
        message: format!(
            "this {} is never closed: the file ends before its `{}`",
            if object { "object" } else { "array" },
            close as char
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(text: &str) -> bool {
        parse(text).is_ok()
    }

    fn error(text: &str) -> (usize, String) {
        match parse(text) {
            Ok(_) => panic!("{text:?} parses"),
            Err(e) => (e.start, e.message),
        }
    }

    #[test]
    fn agrees_with_serde_json_on_edge_cases() {
        let cases = [
            "{}",
            "[]",
            "{\"a\":1,}",
            "[1,]",
            "// c\n{}",
            "/* c */{}",
            "{'a':1}",
            "{a:1}",
            "0x10",
            "+1",
            ".5",
            "5.",
            "01",
            "-01",
            "-",
            "-0",
            "1e5",
            "1E+2",
            "1e",
            "1.e5",
            "NaN",
            "Infinity",
            "\"\\x41\"",
            "\"\\u00e9\"",
            "\"\\u00\"",
            "\"\\uD83D\\uDE00\"",
            "\"\\uDE00\"",
            "\"\\uD83Dx\"",
            "\"\\uD83D\\u0041\"",
            "\"a\tb\"",
            "\"\\ud800\"",
            "[1 2]",
            "{\"a\":1 \"b\":2}",
            "{\"a\" 1}",
            "{\"a\":}",
            "{,}",
            "[,1]",
            "1 2",
            "",
            "   ",
            "tru",
            "true",
            "trueX",
            "null",
            "nul",
            "\"\\/\"",
            "\u{b}{}",
            "{}\u{c}",
            "\u{feff}{}",
            "[1,\u{a0}2]",
            "[\"\u{a0}\"]",
            "[\"é\"]",
            "1e400",
            "-1e400",
            "1e-400",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "\"",
            "[",
            "{\"a\"",
            "{\"a\":1",
            "[[]",
            "{\"a\":[]}}",
        ];
        for case in cases {
            let ours = accepts(case);
            let serde = serde_json::from_str::<serde_json::Value>(case).is_ok();
            assert_eq!(ours, serde, "disagreement on {case:?}");
            if let Ok(parsed) = parse(case) {
                let theirs: serde_json::Value = serde_json::from_str(case).unwrap_or_default();
                assert_eq!(parsed.root().to_value(), theirs, "{case:?}");
            }
        }
    }

    #[test]
    fn reads_what_serde_json_reads() {
        let text = r#"{"s": "a\"b\\c\u00e9\ud83d\ude00\n", "k\u0065y": [1, -2.5e3, true, null, {}],
            "n": 18446744073709551615, "big": 1e300, "e": "", "x": {"a": 1, "a": 2}}"#;
        let parsed = parse(text).expect("valid");
        let theirs: serde_json::Value = serde_json::from_str(text).expect("valid");
        assert_eq!(parsed.root().to_value(), theirs);
        let root = parsed.root();
        assert_eq!(root.get("s").and_then(Json::as_str), Some("a\"b\\cé😀\n"));
        assert_eq!(root.get("key").map(Json::len), Some(5));
        assert_eq!(
            root.get("x").and_then(|x| x.get("a")).map(Json::raw),
            Some("2")
        );
        assert_eq!(root.get("x").map(Json::len), Some(1));
        assert_eq!(root.get("e").and_then(Json::as_str), Some(""));
        assert!(root.get("missing").is_none());
        let key = root
            .get("key")
            .and_then(|k| k.key_span())
            .expect("a member");
        assert_eq!(&text[key.0..key.1], r#""k\u0065y""#);
    }

    #[test]
    fn errors_say_where_and_why() {
        for (text, at, says) in [
            ("{\"a\": 1,}", 7, "trailing comma"),
            ("[1,\n]", 2, "trailing comma"),
            ("{\"a\": 1 // c\n}", 8, "comments are not allowed"),
            ("{'a': 1}", 1, "property name in double quotes"),
            ("['a']", 1, "double quotes"),
            ("{\"a\" 1}", 5, "expected `:`"),
            ("[1 2]", 3, "expected `,` or `]`"),
            ("{\"a\": 1 \"b\": 2}", 8, "expected `,` or `}`"),
            ("[tru]", 1, "`tru` is not a JSON value"),
            ("01", 1, "leading zero"),
            ("1.", 2, "after the decimal point"),
            ("1e400", 0, "out of range"),
            ("\"a\\x\"", 2, "invalid escape `\\x`"),
            ("\"a\u{1}\"", 2, "control character"),
            ("\"\\ud800\"", 1, "unpaired surrogate"),
            ("[\"abc", 1, "string is never closed"),
            ("  {\"a\": [1", 8, "array is never closed"),
            ("{\"a\": [1,", 9, "ends where a value is expected"),
            ("{} x", 3, "nothing may follow"),
            ("{", 0, "this object is never closed"),
            ("[ ", 0, "this array is never closed"),
            ("\u{feff}{}", 0, "byte order mark"),
            ("[1,\u{a0}2]", 3, "U+00A0"),
            ("[1,\u{c}2]", 3, "U+000C"),
            ("{\"a\": /* c */ 1}", 6, "comments are not allowed"),
            ("", 0, "holds no JSON value"),
            ("{\"a\":", 5, "ends where a value is expected"),
        ] {
            let (start, message) = error(text);
            assert!(message.contains(says), "{text:?}: {message}");
            assert_eq!(start, at, "{text:?}: {message}");
        }
    }

    #[test]
    fn reports_duplicate_keys_with_pointer_and_keeps_last_value() {
        let parsed = parse(r#"{"a": {"b~/": 1, "b~/": 2}, "l": [{"k": 1, "k": 2, "k": 3}]}"#)
            .map_err(|e| e.message);
        let Ok(parsed) = parsed else {
            panic!("valid JSON rejected")
        };
        let pointers: Vec<&str> = parsed
            .duplicates
            .iter()
            .map(|d| d.pointer.as_str())
            .collect();
        assert_eq!(pointers, ["/a/b~0~1", "/l/0/k", "/l/0/k"]);
        let value = parsed.root().to_value();
        assert_eq!(value["a"]["b~/"], 2);
        assert_eq!(value["l"][0]["k"], 3);
    }

    #[test]
    fn many_keys_are_checked_for_duplicates_in_linear_time() {
        let mut text = String::from("{");
        for i in 0..200_000 {
            text.push_str(&format!("\"k{i}\":{i},"));
        }
        text.push_str("\"k7\":0}");
        let parsed = parse(&text).expect("valid");
        assert_eq!(parsed.duplicates.len(), 1);
        assert_eq!(parsed.root().get("k7").map(Json::raw), Some("0"));
    }

    #[test]
    fn nesting_is_limited_without_recursion() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(parse(&deep(MAX_DEPTH)).is_ok());
        let (at, message) = error(&deep(MAX_DEPTH + 1));
        assert_eq!(at, MAX_DEPTH);
        assert!(message.contains("nesting deeper than 512"), "{message}");
        assert!(parse(&deep(100_000)).is_err());
    }
}

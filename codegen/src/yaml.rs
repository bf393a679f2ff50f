//! YAML descriptions: the text -> the JSON value it denotes ([`read`]), and where a JSON
//! pointer stands in a description's text, YAML or JSON ([`locate`], for error messages).
//! Both go through saphyr-parser's events (YAML 1.2, which contains JSON).
//!
//! An OpenAPI document is JSON data, so reading keeps to what JSON can hold:
//!
//! * plain scalars resolve with the YAML 1.2 core schema (`null`, `true`, `false`, integers,
//!   floats; anything else is a string); quoted and block scalars are strings;
//! * a mapping key is taken as written: `200:` is the key `"200"`, as response codes are
//!   usually written, not an error for being an integer;
//! * anchors and aliases are expanded, within a budget of nodes and the nesting limit, so a
//!   file of nested aliases can exhaust neither memory nor the stack;
//! * what JSON cannot hold is an error at its line and column: a key that is a mapping or a
//!   sequence (or an alias of anything but a string), the YAML 1.1 merge key `<<`, a tag
//!   outside the core schema (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!map`,
//!   `!!seq`), `.inf` and `.nan`, a second document, a key given twice in one mapping,
//!   nesting deeper than [`MAX_DEPTH`].
//!
//! Lines are counted by line feeds only (a lone carriage return is a YAML line break, but
//! not a line in an editor) and columns in characters.

use crate::error::{Error, Position};
use crate::pointer::Pointer;
use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Tag};
use serde_json::{Map, Number, Value};
use std::collections::{HashMap, HashSet};

/// Collections nested deeper than this are refused, as the JSON reader refuses them.
pub const MAX_DEPTH: usize = 128;
/// Nodes that aliases may add to a document, however they nest. Descriptions reuse small
/// parts through aliases (a response, a parameter); a few hundred bytes of nested aliases
/// could otherwise make a document of millions of nodes, seconds of generation each.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// Reads a YAML description into the JSON value it denotes. Errors are [`Error::Parse`]
/// with the line and column of the offending node.
pub fn read(text: &str) -> Result<Value, Error> {
    let mut reader = Reader {
        lines: Lines::new(text),
        stack: Vec::new(),
        root: None,
        anchors: HashMap::new(),
        alias_nodes: 0,
    };
    let mut documents = 0;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| reader.lines.error(*e.marker(), e.info()))?;
        let at = span.start;
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(reader
                        .lines
                        .error(at, "a second YAML document: a description is one document"));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                reader.scalar(&text, style, anchor, tag.as_deref(), at)?;
            }
            Event::Alias(id) => reader.alias(id, at)?,
            Event::SequenceStart(anchor, tag) => {
                reader.start(anchor, tag.as_deref(), false, at)?;
            }
            Event::MappingStart(anchor, tag) => {
                reader.start(anchor, tag.as_deref(), true, at)?;
            }
            Event::SequenceEnd | Event::MappingEnd => reader.end(at)?,
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    reader
        .root
        .map(|node| node.value)
        .ok_or_else(|| Error::Parse {
            line: 1,
            column: 1,
            message: "the file holds no YAML document, only comments or directives".to_string(),
        })
}

/// A finished node: its value, how deep its collections nest (0 for a scalar) and how many
/// nodes it holds (itself included).
#[derive(Clone)]
struct Node {
    value: Value,
    height: usize,
    nodes: usize,
}

/// A collection being built.
struct Frame {
    /// The items of a sequence, or `None` for a mapping.
    items: Option<Vec<Value>>,
    /// The members of a mapping.
    map: Map<String, Value>,
    /// The key whose value comes next, in a mapping.
    key: Option<String>,
    anchor: usize,
    /// The largest height of a member so far.
    height: usize,
    /// Nodes held so far, itself included.
    nodes: usize,
}

struct Reader {
    lines: Lines,
    stack: Vec<Frame>,
    root: Option<Node>,
    anchors: HashMap<usize, Node>,
    alias_nodes: usize,
}

impl Reader {
    /// Whether the next node is a key of the innermost mapping.
    fn expects_key(&self) -> bool {
        matches!(self.stack.last(), Some(frame) if frame.items.is_none() && frame.key.is_none())
    }

    fn scalar(
        &mut self,
        text: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        at: Marker,
    ) -> Result<(), Error> {
        let core = match tag {
            None => None,
            Some(tag) => match core_suffix(tag) {
                Some(suffix @ ("str" | "int" | "float" | "bool" | "null")) => Some(suffix),
                _ => return Err(self.lines.error(at, unsupported_tag(tag))),
            },
        };
        if self.expects_key() {
            if style == ScalarStyle::Plain && text == "<<" && core.is_none() {
                return Err(self.lines.error(
                    at,
                    "the merge key `<<` (YAML 1.1) is not supported: write the keys out",
                ));
            }
            if anchor > 0 {
                let node = leaf(Value::String(text.to_string()));
                self.anchors.insert(anchor, node);
            }
            return self.key(text.to_string(), at);
        }
        let value = scalar(text, style, core).map_err(|message| self.lines.error(at, message))?;
        self.attach(leaf(value), anchor, at)
    }

    fn alias(&mut self, id: usize, at: Marker) -> Result<(), Error> {
        let Some(node) = self.anchors.get(&id) else {
            return Err(self.lines.error(at, "an alias that names no anchor"));
        };
        if self.expects_key() {
            return match &node.value {
                Value::String(key) => {
                    let key = key.clone();
                    self.key(key, at)
                }
                _ => Err(self.lines.error(
                    at,
                    "a key must be a string; this alias names a value that is not",
                )),
            };
        }
        self.alias_nodes = self.alias_nodes.saturating_add(node.nodes);
        if self.alias_nodes > MAX_ALIAS_NODES {
            return Err(self.lines.error(
                at,
                format!("aliases expand the document by more than {MAX_ALIAS_NODES} nodes"),
            ));
        }
        if self.stack.len() + node.height > MAX_DEPTH {
            return Err(self.lines.error(
                at,
                format!("this alias nests collections deeper than {MAX_DEPTH} levels"),
            ));
        }
        let node = node.clone();
        self.attach(node, 0, at)
    }

    fn start(
        &mut self,
        anchor: usize,
        tag: Option<&Tag>,
        mapping: bool,
        at: Marker,
    ) -> Result<(), Error> {
        if let Some(tag) = tag {
            let expected = if mapping { "map" } else { "seq" };
            if core_suffix(tag) != Some(expected) {
                return Err(self.lines.error(at, unsupported_tag(tag)));
            }
        }
        if self.expects_key() {
            let kind = if mapping { "mapping" } else { "sequence" };
            return Err(self.lines.error(
                at,
                format!("a key must be a string, not a {kind} (JSON keys are strings)"),
            ));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.lines.error(
                at,
                format!("collections nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.stack.push(Frame {
            items: (!mapping).then(Vec::new),
            map: Map::new(),
            key: None,
            anchor,
            height: 0,
            nodes: 1,
        });
        Ok(())
    }

    fn end(&mut self, at: Marker) -> Result<(), Error> {
        let Some(frame) = self.stack.pop() else {
            return Err(self.lines.error(at, "a collection ends that never started"));
        };
        let node = Node {
            value: match frame.items {
                Some(items) => Value::Array(items),
                None => Value::Object(frame.map),
            },
            height: frame.height + 1,
            nodes: frame.nodes,
        };
        self.attach(node, frame.anchor, at)
    }

    fn key(&mut self, key: String, at: Marker) -> Result<(), Error> {
        let Some(frame) = self.stack.last_mut() else {
            return Ok(());
        };
        if frame.map.contains_key(&key) {
            return Err(self.lines.error(
                at,
                format!("the key `{key}` appears twice in one mapping (JSON keeps only one)"),
            ));
        }
        frame.key = Some(key);
        Ok(())
    }

    /// Adds a finished node to the innermost collection (or makes it the document).
    fn attach(&mut self, node: Node, anchor: usize, at: Marker) -> Result<(), Error> {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        frame.height = frame.height.max(node.height);
        frame.nodes = frame.nodes.saturating_add(node.nodes);
        match &mut frame.items {
            Some(items) => items.push(node.value),
            None => match frame.key.take() {
                Some(key) => {
                    frame.map.insert(key, node.value);
                }
                None => return Err(self.lines.error(at, "a mapping value without a key")),
            },
        }
        Ok(())
    }
}

fn leaf(value: Value) -> Node {
    Node {
        value,
        height: 0,
        nodes: 1,
    }
}

/// The suffix of a core schema tag (`!!str` -> `str`), `None` for any other tag.
fn core_suffix(tag: &Tag) -> Option<&str> {
    (tag.is_yaml_core_schema() || tag.handle == "!!").then_some(tag.suffix.as_str())
}

fn unsupported_tag(tag: &Tag) -> String {
    let shown = if tag.is_yaml_core_schema() {
        format!("!!{}", tag.suffix)
    } else {
        tag.to_string()
    };
    format!("the tag `{shown}` is not supported (JSON has no such value)")
}

/// A scalar under the YAML 1.2 core schema; `core` is the suffix of its `!!` tag.
fn scalar(text: &str, style: ScalarStyle, core: Option<&str>) -> Result<Value, String> {
    if core == Some("str") || (style != ScalarStyle::Plain && core.is_none()) {
        return Ok(Value::String(text.to_string()));
    }
    Ok(match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => {
            return Err(format!("`{text}` has no JSON form"));
        }
        _ => number(text).unwrap_or_else(|| Value::String(text.to_string())),
    })
}

/// An integer (decimal, `0o` octal, `0x` hexadecimal) or a float of the core schema.
fn number(text: &str) -> Option<Value> {
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    if let Some(octal) = text.strip_prefix("0o") {
        return digits(octal, 8)
            .then(|| u64::from_str_radix(octal, 8).ok().map(Value::from))
            .flatten();
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return digits(hex, 16)
            .then(|| u64::from_str_radix(hex, 16).ok().map(Value::from))
            .flatten();
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits(unsigned, 10) {
        return text
            .parse::<i64>()
            .ok()
            .map(Value::from)
            .or_else(|| text.parse::<u64>().ok().map(Value::from))
            .or_else(|| float(text));
    }
    // [-+]? ( . [0-9]+ | [0-9]+ ( . [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(cut) => (&unsigned[..cut], Some(&unsigned[cut + 1..])),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            (whole.is_empty() || digits(whole, 10))
                && (fraction.is_empty() || digits(fraction, 10))
                && !(whole.is_empty() && fraction.is_empty())
        }
        None => exponent.is_some() && digits(mantissa, 10),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    (mantissa_ok && exponent_ok).then(|| float(text)).flatten()
}

/// A finite float; `None` past the range of `f64`, which has no JSON form.
fn float(text: &str) -> Option<Value> {
    text.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map(Value::Number)
}

/// The line and column of each pointer in `text` (a description, YAML or JSON, that has
/// been read without error): of the key of an object member (where an editor shows the
/// member), of the node for an array item or the document; of the nearest ancestor that
/// has one when the pointer names nothing written (inside an expanded alias, say). `None`
/// when it is not found and the text cannot be read to its end as YAML (then an ancestor
/// could be far from it).
pub fn locate(text: &str, pointers: &[Pointer]) -> Vec<Option<Position>> {
    // Every prefix of a wanted pointer is wanted too, for the nearest-ancestor fallback;
    // below a node that is not wanted nothing is, so no pointer is made there.
    let mut wanted = HashSet::new();
    for pointer in pointers {
        let mut at = String::new();
        wanted.insert(at.clone());
        for token in pointer.tokens() {
            at.push('/');
            at.push_str(&escape(token));
            wanted.insert(at.clone());
        }
    }
    let lines = Lines::new(text);
    let mut found: HashMap<String, Position> = HashMap::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut complete = true;
    let mut record = |pointer: &Option<String>, at: Marker| {
        if let Some(pointer) = pointer {
            found.entry(pointer.clone()).or_insert_with(|| lines.at(at));
        }
    };
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else {
            complete = false;
            break;
        };
        let at = span.start;
        let expects_key = matches!(stack.last(), Some(open) if open.mapping && open.key.is_none());
        match event {
            Event::Scalar(key, ..) if expects_key => {
                let pointer = member(&stack, &wanted, &key);
                record(&pointer, at);
                if let Some(open) = stack.last_mut() {
                    open.key = Some(pointer);
                }
            }
            Event::Alias(_) if expects_key => {
                if let Some(open) = stack.last_mut() {
                    open.key = Some(None);
                }
            }
            Event::Scalar(..) | Event::Alias(_) => {
                record(&child(&stack, &wanted), at);
                advance(&mut stack);
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                let pointer = if expects_key {
                    None
                } else {
                    child(&stack, &wanted)
                };
                record(&pointer, at);
                stack.push(Open {
                    pointer,
                    mapping: matches!(event, Event::MappingStart(..)),
                    index: 0,
                    key: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
                match stack.last_mut() {
                    // A collection that was a key: its value comes next.
                    Some(open) if open.mapping && open.key.is_none() => open.key = Some(None),
                    _ => advance(&mut stack),
                }
            }
            Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::StreamStart
            | Event::StreamEnd
            | Event::Nothing => {}
        }
    }
    pointers
        .iter()
        .map(|pointer| {
            let tokens = pointer.tokens();
            let shortest = if complete { 0 } else { tokens.len() };
            (shortest..=tokens.len()).rev().find_map(|len| {
                let at: String = tokens[..len]
                    .iter()
                    .map(|token| format!("/{}", escape(token)))
                    .collect();
                found.get(&at).copied()
            })
        })
        .collect()
}

/// An open collection while [`locate`] reads.
struct Open {
    /// Its pointer, when it is wanted.
    pointer: Option<String>,
    mapping: bool,
    /// The index of the next item of a sequence.
    index: usize,
    /// In a mapping, once its key is read: the pointer of the member, when it is wanted.
    key: Option<Option<String>>,
}

/// The pointer of the member `key` of the innermost mapping, when it is wanted.
fn member(stack: &[Open], wanted: &HashSet<String>, key: &str) -> Option<String> {
    let parent = stack.last()?.pointer.as_ref()?;
    let pointer = format!("{parent}/{}", escape(key));
    wanted.contains(&pointer).then_some(pointer)
}

/// The pointer of the node that starts now (the document, the next item of a sequence or
/// the value of a member), when it is wanted.
fn child(stack: &[Open], wanted: &HashSet<String>) -> Option<String> {
    let Some(open) = stack.last() else {
        return Some(String::new());
    };
    if open.mapping {
        return open.key.clone().flatten();
    }
    let pointer = format!("{}/{}", open.pointer.as_ref()?, open.index);
    wanted.contains(&pointer).then_some(pointer)
}

/// Moves past the node just read in the innermost collection.
fn advance(stack: &mut [Open]) {
    if let Some(open) = stack.last_mut() {
        if open.mapping {
            open.key = None;
        } else {
            open.index += 1;
        }
    }
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Line starts, as character indexes (saphyr's markers count characters).
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(
            text.chars()
                .enumerate()
                .filter(|&(_, c)| c == '\n')
                .map(|(i, _)| i + 1),
        );
        Lines { starts }
    }

    fn at(&self, marker: Marker) -> Position {
        let index = marker.index();
        let line = self.starts.partition_point(|&s| s <= index).max(1);
        Position {
            line,
            column: index - self.starts[line - 1] + 1,
        }
    }

    fn error(&self, marker: Marker, message: impl Into<String>) -> Error {
        let Position { line, column } = self.at(marker);
        Error::Parse {
            line,
            column,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn error(text: &str) -> String {
        match read(text) {
            Err(Error::Parse {
                line,
                column,
                message,
            }) => format!("{line}:{column} {message}"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn scalars_resolve_with_the_core_schema_and_keys_are_taken_as_written() {
        let value = read(
            "a: 1\nb: 1.5\nc: true\nd: ~\ne: free text\nf: '1'\ng: \"true\"\nh: 0x1f\ni: 1e3\n\
             j: -2\nk: .5\nl: !!str 12\nm: |\n  two\n  lines\n200: ok\nnull: n\n1.0: f\n\
             n: 18446744073709551615\no: 2020-01-01\n",
        )
        .expect("reads");
        assert_eq!(
            value,
            json!({"a": 1, "b": 1.5, "c": true, "d": null, "e": "free text", "f": "1",
                   "g": "true", "h": 31, "i": 1000.0, "j": -2, "k": 0.5, "l": "12",
                   "m": "two\nlines\n", "200": "ok", "null": "n", "1.0": "f",
                   "n": 18446744073709551615u64, "o": "2020-01-01"})
        );
    }

    #[test]
    fn anchors_expand_within_a_budget_and_the_depth_limit() {
        let value = read("base: &b {type: string}\ncopy: *b\nname: &n x\n*n : y\n").expect("reads");
        assert_eq!(
            value,
            json!({"base": {"type": "string"}, "copy": {"type": "string"}, "name": "x", "x": "y"})
        );
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let prev = i - 1;
            let items = vec![format!("*a{prev}"); 10].join(", ");
            bomb.push_str(&format!("a{i}: &a{i} [{items}]\n"));
        }
        assert!(
            error(&bomb).contains("more than 100000 nodes"),
            "{}",
            error(&bomb)
        );
        let deep = format!("d: &d {}{}\n", "[".repeat(100), "]".repeat(100));
        let twice = format!("{deep}e: {}*d{}\n", "[".repeat(40), "]".repeat(40));
        assert!(read(&deep).is_ok());
        assert!(
            error(&twice).contains("deeper than 128"),
            "{}",
            error(&twice)
        );
        let too_deep = format!("a: {}{}\n", "[".repeat(129), "]".repeat(129));
        assert_eq!(
            error(&too_deep),
            "1:131 collections nested deeper than 128 levels"
        );
    }

    #[test]
    fn what_json_cannot_hold_is_an_error_at_its_place() {
        assert_eq!(
            error("a: 1\nb:\n  c: 2\n  c: 3\n"),
            "4:3 the key `c` appears twice in one mapping (JSON keeps only one)"
        );
        assert_eq!(
            error("a: 1\n? [x]\n: 2\n"),
            "2:3 a key must be a string, not a sequence (JSON keys are strings)"
        );
        assert_eq!(
            error("n: &n 1\n*n : 2\n"),
            "2:1 a key must be a string; this alias names a value that is not"
        );
        assert_eq!(
            error("base: &b {a: 1}\nx:\n  <<: *b\n"),
            "3:3 the merge key `<<` (YAML 1.1) is not supported: write the keys out"
        );
        assert_eq!(
            error("a: !custom 1\n"),
            "1:4 the tag `!custom` is not supported (JSON has no such value)"
        );
        assert_eq!(
            error("a: !!binary aGk=\n"),
            "1:4 the tag `!!binary` is not supported (JSON has no such value)"
        );
        assert_eq!(
            error("a: !!set {x}\n"),
            "1:4 the tag `!!set` is not supported (JSON has no such value)"
        );
        assert_eq!(error("a: .inf\n"), "1:4 `.inf` has no JSON form");
        assert_eq!(
            error("a: 1\n---\nb: 2\n"),
            "2:1 a second YAML document: a description is one document"
        );
        assert_eq!(
            error("# only a comment\n"),
            "1:1 the file holds no YAML document, only comments or directives"
        );
        assert!(
            error("a: [1, 2\n").starts_with("2:1 "),
            "{}",
            error("a: [1, 2\n")
        );
        // A quoted `<<` is an ordinary key.
        assert_eq!(read("'<<': 1\n").ok(), Some(json!({"<<": 1})));
    }

    #[test]
    fn lines_are_counted_by_line_feeds_and_columns_in_characters() {
        assert_eq!(
            error("a: 1\r\nb: é\r\nb: 2\n"),
            "3:1 the key `b` appears twice in one mapping (JSON keeps only one)"
        );
        assert_eq!(
            error("é: ü\nx: !t 1\n"),
            "2:4 the tag `!t` is not supported (JSON has no such value)"
        );
    }

    #[test]
    fn locates_keys_items_and_the_nearest_ancestor_in_yaml_and_json() {
        let at = |text: &str, pointer: &[&str]| {
            let pointer = pointer
                .iter()
                .fold(Pointer::root(), |p, token| p.push(*token));
            locate(text, &[pointer])[0].map(|p| (p.line, p.column))
        };
        let yaml = "openapi: 3.0.3\npaths:\n  /a/{b}:\n    get:\n      parameters:\n        - name: x\n          in: header\n        - &p {name: y}\n      tags: [*p]\n";
        assert_eq!(at(yaml, &[]), Some((1, 1)));
        assert_eq!(at(yaml, &["openapi"]), Some((1, 1)));
        assert_eq!(at(yaml, &["paths", "/a/{b}", "get"]), Some((4, 5)));
        assert_eq!(
            at(yaml, &["paths", "/a/{b}", "get", "parameters", "0"]),
            Some((6, 11))
        );
        assert_eq!(
            at(yaml, &["paths", "/a/{b}", "get", "parameters", "1", "name"]),
            Some((8, 15))
        );
        // Inside an alias: the alias itself.
        assert_eq!(
            at(yaml, &["paths", "/a/{b}", "get", "tags", "0", "name"]),
            Some((9, 14))
        );
        // Nothing written there: the nearest ancestor.
        assert_eq!(at(yaml, &["paths", "/a/{b}", "post"]), Some((3, 3)));
        let json = "{\n  \"openapi\": \"3.0.3\",\n  \"paths\": {\"/a\": {\"get\":{\"x\":[1, {\"é\": 2}]}}}\n}";
        assert_eq!(at(json, &["paths", "/a", "get"]), Some((3, 20)));
        assert_eq!(
            at(json, &["paths", "/a", "get", "x", "1", "é"]),
            Some((3, 36))
        );
        // Read up to the error: what was found, not an ancestor.
        assert_eq!(at("a: 1\nb: [1, 2\n", &["a"]), Some((1, 1)));
        assert_eq!(at("a: 1\nb: [1, 2\n", &["c"]), None);
        // JSON indented with tabs, or on one line.
        let tabs = "{\n\t\"paths\": {\n\t\t\"/a\": {\n\t\t\t\"get\": {}\n\t\t}\n\t}\n}\n";
        assert_eq!(at(tabs, &["paths", "/a", "get"]), Some((4, 4)));
        assert_eq!(at("{\"a\":{\"b\":1}}", &["a", "b"]), Some((1, 7)));
        assert_eq!(at("", &["a"]), None);
    }
}

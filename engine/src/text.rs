//! Test files as JSON or YAML, read into a JSON value with the line and column of every
//! node, so that a failing case or a malformed field is reported where it is written.
//!
//! JSON goes through the validator's strict parser. YAML goes through saphyr-parser (YAML
//! 1.2): plain scalars resolve with the core schema (`null`, `true`, `false`, integers,
//! floats; anything else is a string), quoted and block scalars are strings, anchors and
//! aliases are expanded (within a budget of nodes, so a file of nested aliases cannot
//! exhaust memory), and what JSON cannot hold (a non-scalar key, `.inf`, a second document,
//! a repeated key, a custom tag) is an error with its position.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle};
use serde_json::{Map, Number, Value};

/// Nesting beyond this is refused (as the validator's JSON parser does).
const MAX_DEPTH: usize = 512;
/// Nodes a file may expand to, aliases included.
const MAX_NODES: usize = 1_000_000;

/// A parsed test file.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The content.
    pub value: Value,
    /// Line and column (1-based, in characters) of each node, by JSON pointer.
    positions: HashMap<String, (usize, usize)>,
    /// Line and column of the key of each object member, by the member's pointer.
    keys: HashMap<String, (usize, usize)>,
}

/// Text that is not a test file's JSON or YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl Document {
    /// The position of the key of the object member at `pointer` (where an unknown key is
    /// reported), else as [`Document::position`].
    pub fn key_position(&self, pointer: &str) -> (usize, usize) {
        self.keys
            .get(pointer)
            .copied()
            .unwrap_or_else(|| self.position(pointer))
    }

    /// The position of the node at `pointer`, or of its nearest ancestor that has one.
    pub fn position(&self, pointer: &str) -> (usize, usize) {
        let mut at = pointer;
        loop {
            if let Some(&position) = self.positions.get(at) {
                return position;
            }
            match at.rfind('/') {
                Some(cut) => at = &at[..cut],
                None => return (1, 1),
            }
        }
    }
}

/// Reads JSON (a file whose first non-blank character is `{` or `[`) or YAML.
pub fn parse(text: &str) -> Result<Document, SyntaxError> {
    if text.trim_start().starts_with(['{', '[']) {
        json(text)
    } else {
        yaml(text)
    }
}

fn json(text: &str) -> Result<Document, SyntaxError> {
    let index = dynroute_validator::source::LineIndex::new(text);
    let parsed = dynroute_validator::parse::parse(text).map_err(|e| {
        let at = index.position(text, e.start);
        SyntaxError {
            line: at.line,
            column: at.column,
            message: e.message,
        }
    })?;
    if let Some(duplicate) = parsed.duplicates.first() {
        let at = dynroute_validator::locate::locate(&parsed, &duplicate.pointer, true);
        let position = index.position(text, at.start);
        return Err(SyntaxError {
            line: position.line,
            column: position.column,
            message: duplicate.message.clone(),
        });
    }
    // Every node's pointer with the offsets of its value and key, in one walk.
    let mut nodes: Vec<(String, usize, Option<usize>)> = Vec::new();
    let mut stack = vec![(parsed.root(), String::new())];
    while let Some((node, at)) = stack.pop() {
        for (key, child) in node.members() {
            stack.push((child, format!("{at}/{}", escape(key))));
        }
        for (i, item) in node.items().enumerate() {
            stack.push((item, format!("{at}/{i}")));
        }
        nodes.push((at, node.span().0, node.key_span().map(|k| k.0)));
    }
    let offsets: Vec<usize> = nodes
        .iter()
        .flat_map(|(_, value, key)| [*value, key.unwrap_or(*value)])
        .collect();
    let places = index.positions(text, &offsets);
    let mut positions = HashMap::with_capacity(nodes.len());
    let mut keys = HashMap::new();
    for ((pointer, _, key), at) in nodes.into_iter().zip(places.chunks_exact(2)) {
        if key.is_some() {
            keys.insert(pointer.clone(), (at[1].line, at[1].column));
        }
        positions.insert(pointer, (at[0].line, at[0].column));
    }
    Ok(Document {
        value: parsed.root().to_value(),
        positions,
        keys,
    })
}

/// Line and column (1-based) of each pointer in a JSON text, such as a route file (the
/// nearest existing ancestor for a pointer that names nothing; 1:1 when the text is not
/// JSON).
pub fn locate(text: &str, pointers: &[String]) -> Vec<(usize, usize)> {
    let Ok(parsed) = dynroute_validator::parse::parse(text) else {
        return vec![(1, 1); pointers.len()];
    };
    let wanted: Vec<(&str, bool)> = pointers.iter().map(|p| (p.as_str(), false)).collect();
    let offsets: Vec<usize> = dynroute_validator::locate::locate_all(&parsed, &wanted)
        .into_iter()
        .map(|at| at.start)
        .collect();
    dynroute_validator::source::LineIndex::new(text)
        .positions(text, &offsets)
        .into_iter()
        .map(|at| (at.line, at.column))
        .collect()
}

/// A collection being built.
enum Frame {
    Sequence {
        items: Vec<Value>,
        anchor: usize,
        pointer: String,
    },
    Mapping {
        map: Map<String, Value>,
        anchor: usize,
        pointer: String,
        key: Option<String>,
    },
}

/// Line starts, as character indexes: saphyr counts `\r` as a line break too, while every
/// position the tool prints (and the validator's JSON positions) counts lines by `\n` only.
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

    /// 1-based line and column of the character at `index`.
    fn at(&self, marker: Marker) -> (usize, usize) {
        let index = marker.index();
        let line = self.starts.partition_point(|&s| s <= index).max(1);
        (line, index - self.starts[line - 1] + 1)
    }

    fn error(&self, marker: Marker, message: impl Into<String>) -> SyntaxError {
        let (line, column) = self.at(marker);
        SyntaxError {
            line,
            column,
            message: message.into(),
        }
    }
}

struct Builder {
    lines: Lines,
    stack: Vec<Frame>,
    root: Option<Value>,
    anchors: HashMap<usize, Value>,
    positions: HashMap<String, (usize, usize)>,
    keys: HashMap<String, (usize, usize)>,
    nodes: usize,
}

fn yaml(text: &str) -> Result<Document, SyntaxError> {
    let mut builder = Builder {
        lines: Lines::new(text),
        stack: Vec::new(),
        root: None,
        anchors: HashMap::new(),
        // About one node per 16 bytes of YAML: sized once instead of rehashed as it grows.
        positions: HashMap::with_capacity(text.len() / 16),
        keys: HashMap::with_capacity(text.len() / 32),
        nodes: 0,
    };
    let mut documents = 0;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| builder.lines.error(*e.marker(), e.info()))?;
        let at = span.start;
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(builder
                        .lines
                        .error(at, "a test file holds one YAML document"));
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                if let Some(tag) = &tag
                    && !(tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!")
                {
                    return Err(builder.lines.error(
                        at,
                        format!("the tag `{}{}` is not supported", tag.handle, tag.suffix),
                    ));
                }
                if builder.expects_key() {
                    builder.key(value.into_owned(), at)?;
                    continue;
                }
                let forced = tag.as_ref().map(|t| t.suffix.as_str());
                let value = scalar(&value, style, forced)
                    .map_err(|message| builder.lines.error(at, message))?;
                builder.value(value, anchor, at)?;
            }
            Event::Alias(id) => {
                let value = builder
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| builder.lines.error(at, "an alias names no anchor"))?;
                builder.nodes += count(&value, MAX_NODES);
                if builder.expects_key() {
                    match value {
                        Value::String(key) => builder.key(key, at)?,
                        _ => return Err(builder.lines.error(at, "a key must be a string")),
                    }
                } else {
                    builder.value(value, 0, at)?;
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if builder.expects_key() {
                    return Err(builder
                        .lines
                        .error(at, "a key must be a string, not a collection"));
                }
                if builder.stack.len() >= MAX_DEPTH {
                    return Err(builder
                        .lines
                        .error(at, format!("nesting deeper than {MAX_DEPTH} levels")));
                }
                let pointer = builder.child_pointer();
                builder
                    .positions
                    .insert(pointer.clone(), builder.lines.at(at));
                builder
                    .stack
                    .push(if matches!(event, Event::SequenceStart(..)) {
                        Frame::Sequence {
                            items: Vec::new(),
                            anchor,
                            pointer,
                        }
                    } else {
                        Frame::Mapping {
                            map: Map::new(),
                            anchor,
                            pointer,
                            key: None,
                        }
                    });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor) = match builder.stack.pop() {
                    Some(Frame::Sequence { items, anchor, .. }) => (Value::Array(items), anchor),
                    Some(Frame::Mapping { map, anchor, .. }) => (Value::Object(map), anchor),
                    None => return Err(builder.lines.error(at, "unbalanced collection")),
                };
                if anchor > 0 {
                    builder.anchors.insert(anchor, value.clone());
                }
                builder.attach(value, at)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        if builder.nodes > MAX_NODES {
            return Err(builder.lines.error(
                at,
                format!("the file expands to more than {MAX_NODES} nodes"),
            ));
        }
    }
    Ok(Document {
        value: builder.root.unwrap_or(Value::Null),
        positions: builder.positions,
        keys: builder.keys,
    })
}

impl Builder {
    fn expects_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Mapping { key: None, .. }))
    }

    fn key(&mut self, key: String, at: Marker) -> Result<(), SyntaxError> {
        if let Some(Frame::Mapping {
            map, key: pending, ..
        }) = self.stack.last_mut()
        {
            if map.contains_key(&key) {
                return Err(self
                    .lines
                    .error(at, format!("the key `{key}` appears twice in one mapping")));
            }
            *pending = Some(key);
        }
        let pointer = self.child_pointer();
        self.keys.insert(pointer, self.lines.at(at));
        Ok(())
    }

    /// The pointer of the node about to be added to the innermost collection.
    fn child_pointer(&self) -> String {
        match self.stack.last() {
            None => String::new(),
            Some(Frame::Sequence { items, pointer, .. }) => format!("{pointer}/{}", items.len()),
            Some(Frame::Mapping { pointer, key, .. }) => {
                format!("{pointer}/{}", escape(key.as_deref().unwrap_or_default()))
            }
        }
    }

    fn value(&mut self, value: Value, anchor: usize, at: Marker) -> Result<(), SyntaxError> {
        let pointer = self.child_pointer();
        self.positions.insert(pointer, self.lines.at(at));
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        self.nodes += 1;
        self.attach(value, at)
    }

    fn attach(&mut self, value: Value, at: Marker) -> Result<(), SyntaxError> {
        match self.stack.last_mut() {
            None => {
                self.root = Some(value);
                Ok(())
            }
            Some(Frame::Sequence { items, .. }) => {
                items.push(value);
                Ok(())
            }
            Some(Frame::Mapping { map, key, .. }) => match key.take() {
                Some(key) => {
                    map.insert(key, value);
                    Ok(())
                }
                None => Err(self.lines.error(at, "a mapping value without a key")),
            },
        }
    }
}

/// The nodes in `value`, counting no further than `limit`.
fn count(value: &Value, limit: usize) -> usize {
    let mut seen = 0;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        seen += 1;
        if seen > limit {
            break;
        }
        match v {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    seen
}

/// A scalar under the YAML 1.2 core schema; `forced` is the suffix of a `!!` tag.
fn scalar(text: &str, style: ScalarStyle, forced: Option<&str>) -> Result<Value, String> {
    let plain = style == ScalarStyle::Plain;
    match forced {
        Some("str") => return Ok(Value::String(text.to_string())),
        Some("null" | "bool" | "int" | "float") | None => {}
        Some(other) => return Err(format!("the tag `!!{other}` is not supported")),
    }
    if !plain && forced.is_none() {
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

fn number(text: &str) -> Option<Value> {
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    if let Some(octal) = text.strip_prefix("0o") {
        return digits(octal, 8)
            .then(|| i64::from_str_radix(octal, 8).ok().map(Value::from))
            .flatten();
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return digits(hex, 16)
            .then(|| i64::from_str_radix(hex, 16).ok().map(Value::from))
            .flatten();
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits(unsigned, 10) {
        return text.parse::<i64>().ok().map(Value::from).or_else(|| {
            text.parse::<f64>()
                .ok()
                .and_then(Number::from_f64)
                .map(Value::Number)
        });
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
        None => false,
    } || (exponent.is_some() && digits(mantissa, 10));
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    if mantissa_ok && exponent_ok {
        text.parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
    } else {
        None
    }
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_scalars_resolve_with_the_core_schema() {
        let d = parse(
            "a: 1\nb: 1.5\nc: true\nd: ~\ne: free\nf: '1'\ng: \"true\"\nh: 0x1f\ni: 1e3\nj: -2\nk: .5\n",
        )
        .expect("parses");
        assert_eq!(
            d.value,
            json!({"a": 1, "b": 1.5, "c": true, "d": null, "e": "free", "f": "1", "g": "true",
                   "h": 31, "i": 1000.0, "j": -2, "k": 0.5})
        );
    }

    #[test]
    fn positions_are_recorded_for_yaml_and_json() {
        let d =
            parse("route: r.json\ncases:\n  - name: one\n  - name: two\n    expect: {model: m}\n")
                .expect("parses");
        assert_eq!(d.position("/cases/1"), (4, 5));
        assert_eq!(d.position("/cases/1/expect/model"), (5, 21));
        assert_eq!(
            d.position("/cases/9/name"),
            (3, 3),
            "nearest ancestor: /cases"
        );
        let d = parse("{\"cases\": [\n  {\"name\": \"one\"},\n  {\"name\": \"two\"}\n]}")
            .expect("parses");
        assert_eq!(d.position("/cases/1"), (3, 3));
        assert_eq!(d.position("/cases/1/name"), (3, 12));
    }

    #[test]
    fn anchors_expand_within_a_budget() {
        let d = parse("base: &b {plan: free}\ncopy: *b\n").expect("parses");
        assert_eq!(d.value["copy"], json!({"plan": "free"}));
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let prev = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let e = parse(&bomb).expect_err("refused");
        assert!(e.message.contains("more than"), "{e:?}");
    }

    #[test]
    fn what_json_cannot_hold_is_an_error_with_its_position() {
        let e = parse("a: 1\na: 2\n").expect_err("repeated key");
        assert_eq!((e.line, e.column), (2, 1));
        assert!(parse("? [a]\n: 1\n").is_err(), "a collection as a key");
        assert!(
            parse("x: .inf\n")
                .unwrap_err()
                .message
                .contains("no JSON form")
        );
        assert!(
            parse("a: 1\n---\nb: 2\n")
                .unwrap_err()
                .message
                .contains("one YAML document")
        );
        assert!(parse("a: !custom 1\n").is_err());
        let e = parse("a: [1, 2\n").expect_err("unclosed");
        assert!(e.line >= 1);
        let e = parse("{\"a\": 1, \"a\": 2}").expect_err("repeated key in JSON");
        assert_eq!(e.line, 1);
    }

    #[test]
    fn lines_are_counted_by_line_feeds_as_everywhere_else() {
        let d = parse("a: 1\r\nb: 2\n").expect("parses");
        assert_eq!(d.position("/b"), (2, 4));
        let e = parse("a: 1\r\r\rb: [\n").expect_err("unclosed");
        assert!(e.line <= 2, "{e:?}");
        // Found by the test_file fuzz target: a carriage return is a YAML line break, so
        // saphyr's own line numbers ran past the text's last line.
        let found = include_bytes!("../../fuzz/seeds/test_file/crash-cr-line-breaks");
        let text = String::from_utf8_lossy(found);
        let lines = text.split('\n').count();
        if let Err(e) = parse(&text) {
            assert!(
                e.line >= 1 && e.line <= lines,
                "{e:?} outside {lines} lines"
            );
        }
    }

    #[test]
    fn deep_nesting_is_refused() {
        let deep = "[".repeat(600) + &"]".repeat(600);
        assert!(parse(&format!("a: {deep}\n")).is_err());
    }
}

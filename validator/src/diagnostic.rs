//! The finding a rule reports, independent of how it is rendered.

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::registry::Severity;

/// A position in the source text: 1-based line, 1-based column counted in characters,
/// plus the byte offset it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in Unicode scalar values.
    pub column: usize,
    /// 0-based byte offset into the file.
    pub offset: usize,
}

/// One finding in one file.
///
/// It serializes as one item of `dynroute validate --format json`'s `diagnostics`, the
/// documented contract: `file`, `rule`, `severity`, `message`, `help`, `pointer`, `line`,
/// `column`, `end_line` and `end_column` (the last two `null` when the finding covers no
/// node), in that order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file name as given on the command line (`<stdin>` for standard input).
    pub file: String,
    /// The rule name, a stable public identifier such as `dangling-reference`.
    pub rule: &'static str,
    /// Error or warning, after `--allow`/`--warn` overrides.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// RFC 6901 JSON pointer into the file (not into the extracted route).
    pub pointer: String,
    /// 1-based line of the start of the span.
    pub line: usize,
    /// 1-based column (characters) of the start of the span.
    pub column: usize,
    /// End of the span (exclusive), when the finding covers a node.
    pub end: Option<Position>,
    /// Start byte offset of the span.
    pub offset: usize,
}

impl Serialize for Diagnostic {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut item = serializer.serialize_struct("Diagnostic", 10)?;
        item.serialize_field("file", &self.file)?;
        item.serialize_field("rule", self.rule)?;
        item.serialize_field("severity", self.severity.as_str())?;
        item.serialize_field("message", &self.message)?;
        item.serialize_field("help", &self.help)?;
        item.serialize_field("pointer", &self.pointer)?;
        item.serialize_field("line", &self.line)?;
        item.serialize_field("column", &self.column)?;
        item.serialize_field("end_line", &self.end.map(|e| e.line))?;
        item.serialize_field("end_column", &self.end.map(|e| e.column))?;
        item.end()
    }
}

impl Diagnostic {
    /// The byte range the finding covers, for snippet rendering.
    pub fn byte_range(&self) -> std::ops::Range<usize> {
        let end = self.end.map_or(self.offset, |e| e.offset);
        self.offset..end.max(self.offset)
    }
}

/// A finding before it has a position: what rules produce. The pipeline turns it into a
/// [`Diagnostic`] by looking the pointer up in the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule name.
    pub rule: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// RFC 6901 pointer into the file.
    pub pointer: String,
    /// Point at the object key named by the last pointer segment instead of its value
    /// (for unknown or duplicated properties).
    pub at_key: bool,
}

impl Finding {
    /// A finding that points at the value at `pointer`.
    pub fn new(
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            message: message.into(),
            help: help.into(),
            pointer: pointer.into(),
            at_key: false,
        }
    }

    /// Points at the key rather than the value.
    pub fn at_key(mut self) -> Self {
        self.at_key = true;
        self
    }
}

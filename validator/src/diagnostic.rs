//! The finding a rule reports, independent of how it is rendered.

use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks the route: the command exits with status 1.
    Error,
    /// Suspicious but accepted by the API: reported, exit status 0 unless `--deny-warnings`.
    Warning,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A position in the source text: 1-based line, 1-based column counted in characters,
/// plus the byte offset it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in Unicode scalar values.
    pub column: usize,
    /// 0-based byte offset into the file.
    pub offset: usize,
}

/// One finding in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    #[serde(skip)]
    pub offset: usize,
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

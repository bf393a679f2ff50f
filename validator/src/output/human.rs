//! The human format: each finding with the source lines it covers and the span underlined.
//!
//! A finding shows an excerpt, not the file: the line where its span starts and, for a span
//! over several lines, the line where it ends, each cut to a window around the span. A
//! minified file's single line is not repeated whole under every finding, and the cost of a
//! finding does not grow with the length of its line. Characters a terminal would act on
//! (escape sequences, bidirectional controls) are shown escaped.

use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as Snippet, Label, Severity as SnippetSeverity};
use codespan_reporting::files::{Error as FilesError, Files, Location};
use codespan_reporting::term::{self, termcolor::WriteColor};

use super::omitted_note;
use crate::text::{safe, unsafe_char};
use crate::{Diagnostic, Report, Severity};

/// The most characters of a source line shown.
const WIDTH: usize = 120;
/// Characters kept before the span when a line is cut.
const BEFORE: usize = 40;
/// Marks where a line was cut.
const CUT: &str = "…";

pub(super) fn write(reports: &[Report], out: &mut dyn WriteColor) -> std::io::Result<()> {
    let config = term::Config::default();
    for report in reports {
        let name = safe(&report.file);
        for d in &report.diagnostics {
            let excerpt = Excerpt::new(&name, &report.text, d);
            let severity = match d.severity {
                Severity::Error => SnippetSeverity::Error,
                Severity::Warning => SnippetSeverity::Warning,
            };
            let pointer = if d.pointer.is_empty() {
                "(document root)".into()
            } else {
                safe(&d.pointer)
            };
            let snippet = Snippet::new(severity)
                .with_code(d.rule)
                .with_message(safe(&d.message))
                .with_notes(vec![format!("help: {}", safe(&d.help))])
                .with_labels(vec![
                    Label::primary((), excerpt.span.clone()).with_message(pointer),
                ]);
            term::emit_to_write_style(out, &config, &excerpt, &snippet).map_err(|e| match e {
                FilesError::Io(e) => e,
                other => std::io::Error::other(other.to_string()),
            })?;
        }
        if let Some(note) = omitted_note(report) {
            writeln!(out, "note: {name}: {note}\n")?;
        }
    }
    Ok(())
}

/// The lines one finding shows, as codespan's source of a one-file world.
struct Excerpt<'a> {
    name: &'a str,
    /// The excerpt's lines, cut and made safe, each ending with `\n` but the last.
    text: String,
    /// Each line's 1-based number in the file and its byte range in `text` (with its `\n`).
    lines: Vec<(usize, Range<usize>)>,
    /// The finding's span in `text`.
    span: Range<usize>,
    /// The finding's position in the file, shown in the header.
    start: Location,
}

impl<'a> Excerpt<'a> {
    fn new(name: &'a str, source: &str, d: &Diagnostic) -> Self {
        let range = d.byte_range();
        let s = floor_char_boundary(source, range.start);
        let e = floor_char_boundary(source, range.end).max(s);
        let mut excerpt = Excerpt {
            name,
            text: String::new(),
            lines: Vec::new(),
            span: 0..0,
            start: Location {
                line_number: d.line,
                column_number: d.column,
            },
        };
        let (span_start, mut span_end) = excerpt.push_line(source, d.line, s, e);
        // A span over several lines also shows the line of its last character (a span that
        // ends just after the line break of its first line does not count).
        if let Some(end) = d.end
            && end.line > d.line
            && !(end.line == d.line + 1 && end.column == 1)
        {
            excerpt.text.push('\n');
            (_, span_end) = excerpt.push_line(source, end.line, e, e);
        }
        excerpt.span = span_start..span_end.max(span_start);
        excerpt
    }

    /// Appends line `number` of the file, the one holding byte `from`, cut to a window around
    /// `from`, and returns where `from` and `to` landed in the excerpt (`to` clamped to the
    /// window). Only the window and `WIDTH` characters either side are read, never the
    /// whole line: a minified file is one line.
    fn push_line(&mut self, source: &str, number: usize, from: usize, to: usize) -> (usize, usize) {
        let begin = self.text.len();
        let (line_start, before, back) = scan_back(source, from);
        let (line_end, ahead) = scan_ahead(source, from);
        let whole = line_start.is_some() && line_end.is_some() && back + ahead <= WIDTH;
        let window_start = match line_start {
            Some(start) if whole || back <= BEFORE => start,
            _ => before,
        };
        let (window_end, ends_line) = if whole {
            (line_end.unwrap_or(from), true)
        } else {
            let (end, _) = scan_ahead_from(source, window_start, WIDTH);
            (
                end.unwrap_or_else(|| advance(source, window_start, WIDTH)),
                end.is_some(),
            )
        };
        if Some(window_start) != line_start {
            self.text.push_str(CUT);
        }
        let (mut at_from, mut at_to) = (None, None);
        for (i, c) in source[window_start..window_end].char_indices() {
            let offset = window_start + i;
            if offset == from {
                at_from = Some(self.text.len());
            }
            if offset == to {
                at_to = Some(self.text.len());
            }
            if c != '\t' && unsafe_char(c) {
                self.text.extend(c.escape_unicode());
            } else {
                self.text.push(c);
            }
        }
        let window_text_end = self.text.len();
        if !ends_line && window_end < source.len() {
            self.text.push_str(CUT);
        }
        let at_from = at_from.unwrap_or(window_text_end);
        let at_to = at_to.unwrap_or(window_text_end);
        self.lines.push((number, begin..self.text.len() + 1));
        (at_from, at_to)
    }
}

/// Walks back from `at` at most `WIDTH` characters: the start of the line when it is that
/// close, the offset `BEFORE` characters back (or the farthest reached), and how many
/// characters lie between the line start (or the farthest point) and `at`.
fn scan_back(source: &str, at: usize) -> (Option<usize>, usize, usize) {
    let mut before = at;
    let mut count = 0;
    for (i, c) in source[..at].char_indices().rev() {
        if c == '\n' {
            return (Some(i + 1), before, count);
        }
        if count == WIDTH {
            return (None, before, count);
        }
        count += 1;
        if count <= BEFORE {
            before = i;
        }
    }
    (Some(0), before, count)
}

/// Walks ahead from `at` at most `WIDTH` characters: the end of the line (before `\n` or
/// `\r\n`) when it is that close, and how many characters lie before it.
fn scan_ahead(source: &str, at: usize) -> (Option<usize>, usize) {
    scan_ahead_from(source, at, WIDTH)
}

fn scan_ahead_from(source: &str, at: usize, limit: usize) -> (Option<usize>, usize) {
    let rest = &source[at..];
    for (count, (i, c)) in rest.char_indices().enumerate() {
        if c == '\n' || rest[i..].starts_with("\r\n") {
            return (Some(at + i), count);
        }
        if count == limit {
            return (None, count);
        }
    }
    (Some(source.len()), rest.chars().count().min(limit))
}

/// The offset `n` characters after `at` (or the end of the text).
fn advance(source: &str, at: usize, n: usize) -> usize {
    source[at..]
        .char_indices()
        .nth(n)
        .map_or(source.len(), |(i, _)| at + i)
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

impl<'a> Files<'a> for Excerpt<'_> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.text)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, FilesError> {
        Ok(self
            .lines
            .iter()
            .rposition(|(_, range)| range.start <= byte_index)
            .unwrap_or(0))
    }

    fn line_number(&'a self, (): (), line_index: usize) -> Result<usize, FilesError> {
        self.lines
            .get(line_index)
            .map(|(number, _)| *number)
            .ok_or(FilesError::LineTooLarge {
                given: line_index,
                max: self.lines.len().saturating_sub(1),
            })
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, FilesError> {
        self.lines
            .get(line_index)
            .map(|(_, range)| range.start..range.end.min(self.text.len()))
            .ok_or(FilesError::LineTooLarge {
                given: line_index,
                max: self.lines.len().saturating_sub(1),
            })
    }

    /// The header shows the finding's position in the file, not in the excerpt.
    fn location(&'a self, (): (), byte_index: usize) -> Result<Location, FilesError> {
        if byte_index == self.span.start {
            return Ok(self.start);
        }
        let line_index = self.line_index((), byte_index)?;
        Ok(Location {
            line_number: self.line_number((), line_index)?,
            column_number: self.column_number((), line_index, byte_index)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, check_bytes};

    fn human(text: &str) -> String {
        let report = check_bytes("in.json", text.as_bytes().to_vec(), &Config::default())
            .expect("schema compiles");
        let mut out = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
        write(&[report], &mut out).expect("writes");
        String::from_utf8(out.into_inner()).expect("utf-8")
    }

    #[test]
    fn a_long_line_is_cut_around_the_span() {
        let filler = "x".repeat(5000);
        let text = format!(
            r#"{{"name": "{filler}", "elements": [{{"id": "s", "type": "start", "outputs": {{"next": {{"elementId": "nowhere"}}}}}}], "tail": "{filler}"}}"#
        );
        let out = human(&text);
        let label = "^^^^^^^^^ /elements/0/outputs/next/elementId";
        let caret_line = out
            .lines()
            .find(|l| l.ends_with(label))
            .expect("the reference is underlined");
        let line = out
            .lines()
            .take_while(|l| *l != caret_line)
            .last()
            .expect("the span's line is shown");
        assert!(line.chars().count() < WIDTH + 20, "{line}");
        assert!(line.contains(CUT), "{line}");
        // The header keeps the position in the file.
        let column = text.find("\"nowhere\"").expect("in text") + 1;
        assert!(out.contains(&format!("in.json:1:{column}")), "{out}");
        // The underline sits under the value.
        let value_at = line.find("\"nowhere\"").expect("value");
        let caret_at = caret_line.find('^').expect("caret");
        assert_eq!(
            line[..value_at].chars().count(),
            caret_line[..caret_at].chars().count(),
            "\n{line}\n{caret_line}"
        );
        assert!(out.len() < 3000, "{} bytes", out.len());
    }

    #[test]
    fn a_span_over_many_lines_shows_its_first_and_last_line() {
        let mut text = String::from(
            "{\"name\": \"r\", \"elements\": [\n  {\"id\": \"s\", \"type\": \"start\", \"outputs\": {\"next\": {\"elementId\": \"m\"}}},\n  {\"id\": \"m\", \"type\": \"model\", \"properties\": {\n",
        );
        for i in 0..50 {
            text.push_str(&format!("    \"provider\": \"p{i}\",\n"));
        }
        text.push_str("    \"provider\": \"p\"},\n  \"outputs\": {}}\n]}\n");
        let out = human(&text);
        assert!(out.contains("\"properties\": {"), "{out}");
        assert!(out.contains("\"provider\": \"p\"}"), "{out}");
        assert!(!out.contains("\"p25\""), "{out}");
        assert!(out.contains("54 │"), "{out}");
    }

    #[test]
    fn what_the_file_holds_is_printed_escaped() {
        // In messages: an id written with JSON escapes.
        let escaped = r#"{"name": "r", "elements": [{"id": "s", "type": "start", "outputs": {"next": {"elementId": "\u001b]0;t\u0007\u202e"}}}]}"#;
        // In source lines: raw characters (U+202E is allowed raw in a JSON string; ESC
        // makes the file invalid JSON, whose line is still shown).
        let raw = "{\"name\": \"r\u{202e}x\", \"elements\": [\u{1b}[2J]}";
        for text in [escaped, raw] {
            let out = human(text);
            assert!(!out.contains('\u{1b}'), "{out:?}");
            assert!(!out.contains('\u{7}'), "{out:?}");
            assert!(!out.contains('\u{202e}'), "{out:?}");
            assert!(out.contains("\\u{"), "{out}");
        }
    }
}

//! Rendering of diagnostics: human (source snippets), short, json, sarif and github.

use std::io::Write;

use codespan_reporting::diagnostic::{
    Diagnostic as CodespanReport, Label, Severity as ReportSeverity,
};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde_json::{Value, json};

use crate::registry::RULES;
use crate::{Diagnostic, Report, Severity};

/// Output formats of diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Source snippets with the span underlined.
    Human,
    /// `file:line:col: severity[rule]: message`, one per line.
    Short,
    /// `{"diagnostics": [...]}` for other tools.
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
}

/// Renders to standard output (with colour for the human format when asked).
/// A closed pipe (`dynroute validate ... | head`) is not an error.
pub fn render(format: Format, reports: &[Report], colour: bool) -> std::io::Result<()> {
    let written = if format == Format::Human && colour {
        let mut stream = termcolor::StandardStream::stdout(termcolor::ColorChoice::Always);
        human(reports, &mut stream).and_then(|()| stream.flush())
    } else {
        let text = render_string(format, reports)?;
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
    };
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Renders without colour, as a string.
pub fn render_string(format: Format, reports: &[Report]) -> std::io::Result<String> {
    let diagnostics: Vec<&Diagnostic> = reports.iter().flat_map(|r| &r.diagnostics).collect();
    Ok(match format {
        Format::Human => {
            let mut buf = termcolor::NoColor::new(Vec::new());
            human(reports, &mut buf)?;
            String::from_utf8_lossy(&buf.into_inner()).into_owned()
        }
        Format::Short => short(&diagnostics),
        Format::Json => json_format(reports.len(), &diagnostics)?,
        Format::Sarif => sarif(&diagnostics),
        Format::Github => github(&diagnostics),
    })
}

/// Snippets are drawn from each report's own text: two inputs may share a name (`-` given
/// twice, or one file listed twice) and still differ.
fn human(reports: &[Report], out: &mut dyn termcolor::WriteColor) -> std::io::Result<()> {
    let config = term::Config::default();
    for report in reports {
        let file = SimpleFile::new(report.file.as_str(), report.text.as_str());
        for d in &report.diagnostics {
            let severity = match d.severity {
                Severity::Error => ReportSeverity::Error,
                Severity::Warning => ReportSeverity::Warning,
            };
            let pointer = if d.pointer.is_empty() {
                "(document root)".to_string()
            } else {
                d.pointer.clone()
            };
            let snippet = CodespanReport::new(severity)
                .with_code(d.rule)
                .with_message(&d.message)
                .with_notes(vec![format!("help: {}", d.help)])
                .with_labels(vec![
                    Label::primary((), d.byte_range()).with_message(pointer),
                ]);
            term::emit_to_write_style(out, &config, &file, &snippet).map_err(|e| match e {
                codespan_reporting::files::Error::Io(e) => e,
                other => std::io::Error::other(other.to_string()),
            })?;
        }
    }
    Ok(())
}

fn short(diagnostics: &[&Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{}: {}[{}]: {}\n",
                d.file,
                d.line,
                d.column,
                d.severity.as_str(),
                d.rule,
                d.message
            )
        })
        .collect()
}

/// The `--format json` document. Each item is a [`Diagnostic`] as it serializes.
#[derive(Serialize)]
struct JsonOutput<'d> {
    diagnostics: &'d [&'d Diagnostic],
    summary: Summary,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
}

fn json_format(files: usize, diagnostics: &[&Diagnostic]) -> std::io::Result<String> {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let doc = JsonOutput {
        diagnostics,
        summary: Summary {
            files,
            errors,
            warnings: diagnostics.len() - errors,
        },
    };
    let mut text = serde_json::to_string_pretty(&doc)?;
    text.push('\n');
    Ok(text)
}

/// FNV-1a: a stable, dependency-free hash for SARIF fingerprints.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// SARIF 2.1.0 with the properties GitHub code scanning requires.
fn sarif(diagnostics: &[&Diagnostic]) -> String {
    let rules_json: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.explanation.split("\n\n").next().unwrap_or(r.summary)},
                "help": {"text": r.explanation},
                "defaultConfiguration": {"level": sarif_level(r.default_severity)},
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let rule_index = RULES.iter().position(|r| r.name == d.rule);
            let end = d.end.map_or((d.line, d.column + 1), |e| {
                (e.line, e.column.max(if e.line == d.line { d.column + 1 } else { 1 }))
            });
            json!({
                "ruleId": d.rule,
                "ruleIndex": rule_index,
                "level": sarif_level(d.severity),
                "message": {"text": format!("{} (help: {})", d.message, d.help)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&d.file)},
                        "region": {
                            "startLine": d.line,
                            "startColumn": d.column,
                            "endLine": end.0,
                            "endColumn": end.1,
                        }
                    },
                    "logicalLocations": [{"fullyQualifiedName": d.pointer}],
                }],
                "partialFingerprints": {
                    "primaryLocationLineHash": format!("{:016x}:1", fnv1a(&[d.rule, &d.file, &d.pointer]))
                },
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "dynroute",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules_json,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    format!("{doc:#}\n")
}

/// The artifact URI of a file name. Relative names stay relative (code scanning resolves
/// them against the repository root), with forward slashes; absolute names become `file://`
/// URIs, which the upload action makes relative to the checkout. A bare absolute path would
/// read as relative to the repository root.
fn uri(file: &str) -> String {
    let path = without_dot_segments(&file.replace('\\', "/"));
    let path = path.as_str();
    match path.as_bytes() {
        [b'/', ..] => format!("file://{}", percent_encode(path)),
        [drive, b':', b'/', ..] if drive.is_ascii_alphabetic() => {
            format!(
                "file:///{}:{}",
                char::from(*drive),
                percent_encode(&path[2..])
            )
        }
        _ => percent_encode(path),
    }
}

/// `path` with `.` and `..` segments resolved by their text, as RFC 3986 does for URIs: a
/// code scanning viewer may resolve `..` differently where symbolic links are involved. A
/// relative path keeps the `..` segments that lead above its start.
fn without_dot_segments(path: &str) -> String {
    let absolute = path.starts_with('/');
    let drive = |segment: &str| segment.len() == 2 && segment.ends_with(':');
    let mut kept: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match (segment, kept.last()) {
            ("" | ".", _) => {}
            ("..", Some(last)) if *last != ".." && !(kept.len() == 1 && drive(last)) => {
                kept.pop();
            }
            // Above the root of an absolute path (or of a drive) is that root.
            ("..", _) if absolute || kept.first().is_some_and(|first| drive(first)) => {}
            (segment, _) => kept.push(segment),
        }
    }
    let joined = kept.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// What a path in a URI leaves unencoded: unreserved characters and `/` (RFC 3986).
const PATH_UNENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// Percent-encodes the UTF-8 bytes of everything but unreserved characters and `/`.
fn percent_encode(path: &str) -> String {
    utf8_percent_encode(path, PATH_UNENCODED).to_string()
}

/// Workflow commands. Errors come first: GitHub shows only 10 annotations of each kind per
/// step, so warnings must not crowd errors out.
fn github(diagnostics: &[&Diagnostic]) -> String {
    let mut sorted: Vec<&Diagnostic> = diagnostics.to_vec();
    sorted.sort_by_key(|d| d.severity);
    sorted
        .iter()
        .map(|d| {
            let mut props = format!("file={},line={}", escape_property(&d.file), d.line);
            match d.end {
                Some(e) if e.line == d.line => props.push_str(&format!(
                    ",endLine={},col={},endColumn={}",
                    e.line, d.column, e.column
                )),
                Some(e) => props.push_str(&format!(",endLine={}", e.line)),
                None => props.push_str(&format!(",col={}", d.column)),
            }
            props.push_str(&format!(
                ",title={}",
                escape_property(&format!("dynroute {}", d.rule))
            ));
            format!(
                "::{} {props}::{}\n",
                d.severity.as_str(),
                escape_data(&format!("{}\nhelp: {}", d.message, d.help))
            )
        })
        .collect()
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, check_bytes};

    fn report(text: &str) -> Report {
        check_bytes("<stdin>", text.as_bytes().to_vec(), &Config::default())
            .expect("embedded schema compiles")
    }

    #[test]
    fn sarif_uris_are_relative_or_file_uris() {
        assert_eq!(uri("routes/a b.json"), "routes/a%20b.json");
        assert_eq!(uri("./routes/x.json"), "routes/x.json");
        assert_eq!(uri("routes\\win.json"), "routes/win.json");
        assert_eq!(uri("a:b.json"), "a%3Ab.json");
        assert_eq!(uri("/home/u/r.json"), "file:///home/u/r.json");
        assert_eq!(uri("C:\\r\\é.json"), "file:///C:/r/%C3%A9.json");
        // Dot segments are resolved: viewers must not meet `..` in a location.
        assert_eq!(
            uri("/w/repo/validator/../spec/x.json"),
            "file:///w/repo/spec/x.json"
        );
        assert_eq!(uri("/../x.json"), "file:///x.json");
        assert_eq!(uri("C:\\a\\..\\..\\x.json"), "file:///C:/x.json");
        assert_eq!(uri("routes/./a/../x.json"), "routes/x.json");
        assert_eq!(uri("../routes/x.json"), "../routes/x.json");
    }

    #[test]
    fn uris_encode_all_but_unreserved_characters_and_slashes() {
        for b in 0u8..=0x7f {
            let c = char::from(b).to_string();
            let expected = if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                c.clone()
            } else {
                format!("%{b:02X}")
            };
            assert_eq!(percent_encode(&c), expected, "{b:#04x}");
        }
        assert_eq!(percent_encode("é€ x"), "%C3%A9%E2%82%AC%20x");
    }

    #[test]
    fn a_json_item_is_the_diagnostic_serialized() {
        let reports = [
            report(r#"[{"id": "s", "type": "start", "outputs": {"next": {"elementId": "x"}}}]"#),
            check_bytes("bad.json", b"\xff".to_vec(), &Config::default()).expect("schema"),
        ];
        let text = render_string(Format::Json, &reports).expect("renders");
        let doc: Value = serde_json::from_str(&text).expect("json");
        let items = doc["diagnostics"].as_array().expect("diagnostics");
        let diagnostics: Vec<&Diagnostic> = reports.iter().flat_map(|r| &r.diagnostics).collect();
        assert_eq!(items.len(), diagnostics.len());
        for (item, d) in items.iter().zip(diagnostics) {
            assert_eq!(*item, serde_json::to_value(d).expect("serializes"));
            let keys: Vec<&str> = item
                .as_object()
                .expect("object")
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(
                keys,
                [
                    "file",
                    "rule",
                    "severity",
                    "message",
                    "help",
                    "pointer",
                    "line",
                    "column",
                    "end_line",
                    "end_column"
                ]
            );
        }
        // A finding without a span (the first invalid UTF-8 byte) has no end.
        assert_eq!(items.last().expect("item")["end_line"], Value::Null);
        assert_eq!(items.last().expect("item")["severity"], "error");
    }

    #[test]
    fn github_properties_and_data_are_escaped_as_the_actions_toolkit_does() {
        assert_eq!(escape_data("50% a\r\nb, c: d"), "50%25 a%0D%0Ab, c: d");
        assert_eq!(escape_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
    }

    #[test]
    fn human_snippets_come_from_the_report_of_the_same_input() {
        // `dynroute validate - -`: two inputs with one name; the second is empty.
        let reports = [report("[1]"), report("")];
        let text = render_string(Format::Human, &reports).expect("renders");
        let (first, second) = text
            .split_once("error[invalid-json]")
            .expect("the empty input is reported");
        assert!(first.contains("[1]"), "{text}");
        assert!(!second.contains("[1]"), "{text}");
    }
}

//! SARIF 2.1.0 with the properties GitHub code scanning requires.

use std::io::Write;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

use super::{Failure, omitted_note};
use crate::registry::RULES;
use crate::{Report, Severity};

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

/// The SARIF log of one run. Unreadable inputs and findings left out by the limit are
/// tool execution notifications of the run's invocation (`executionSuccessful` is false
/// when an input could not be read).
pub(super) fn write(
    reports: &[Report],
    failures: &[Failure],
    out: &mut dyn Write,
) -> std::io::Result<()> {
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
    let results: Vec<Value> = reports
        .iter()
        .flat_map(|r| &r.diagnostics)
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
    let unreadable = failures.iter().map(|f| {
        json!({
            "level": "error",
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&f.file)}}}],
        })
    });
    let omitted = reports.iter().filter_map(|r| {
        omitted_note(r).map(|note| {
            json!({
                "level": "note",
                "message": {"text": note},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&r.file)}}}],
            })
        })
    });
    let notifications: Vec<Value> = unreadable.chain(omitted).collect();
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
            "invocations": [{
                "executionSuccessful": failures.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
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

#[cfg(test)]
mod tests {
    use super::*;

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
}

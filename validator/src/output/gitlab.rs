//! GitLab Code Quality: a JSON array of issues (`description`, `check_name`, `fingerprint`,
//! `severity`, `location.path`, `location.lines.begin`), which a merge request shows next to
//! the changed lines when a job uploads it as its `codequality` report.
//!
//! Severities: errors are `major`, warnings `minor`. An unreadable input is a `major` issue
//! with the check name `unreadable-file` on its line 1, and a file whose findings were cut
//! by the limit gets an `info` issue (`omitted-findings`) saying how many. Fingerprints are
//! stable across runs and unchanged when lines move: they hash the check, the file, the JSON
//! pointer and the message (and a count, for identical findings).

use std::collections::HashMap;
use std::io::Write;

use serde::Serialize;

use super::{Failure, omitted_note};
use crate::text::safe;
use crate::{Report, Severity};

/// The check name of an unreadable input.
const UNREADABLE: &str = "unreadable-file";
/// The check name of the note about findings left out by the limit.
const OMITTED: &str = "omitted-findings";

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

pub(super) fn write(
    reports: &[Report],
    failures: &[Failure],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    // How often each finding was seen, so identical findings get distinct fingerprints.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut fingerprint = |parts: &[&str]| {
        let mut key = parts.join("\0");
        let count = seen.entry(key.clone()).or_default();
        *count += 1;
        key.push('\0');
        key.push_str(&count.to_string());
        format!("{:032x}", fnv1a_128(key.as_bytes()))
    };
    let mut issues: Vec<Issue> = Vec::new();
    for f in failures {
        issues.push(Issue {
            description: safe(&f.message).into_owned(),
            check_name: UNREADABLE,
            fingerprint: fingerprint(&[UNREADABLE, &f.file]),
            severity: "major",
            location: Location {
                path: &f.file,
                lines: Lines { begin: 1 },
            },
        });
    }
    for report in reports {
        for d in &report.diagnostics {
            issues.push(Issue {
                description: format!("{} (help: {})", safe(&d.message), safe(&d.help)),
                check_name: d.rule,
                fingerprint: fingerprint(&[d.rule, &d.file, &d.pointer, &d.message]),
                severity: match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                location: Location {
                    path: &d.file,
                    lines: Lines { begin: d.line },
                },
            });
        }
        if let Some(note) = omitted_note(report) {
            issues.push(Issue {
                fingerprint: fingerprint(&[OMITTED, &report.file]),
                description: note,
                check_name: OMITTED,
                severity: "info",
                location: Location {
                    path: &report.file,
                    lines: Lines { begin: 1 },
                },
            });
        }
    }
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

/// FNV-1a, 128 bits: a stable, dependency-free hash, written as 32 hex digits (the width of
/// the MD5 fingerprints other Code Quality tools write).
fn fnv1a_128(bytes: &[u8]) -> u128 {
    let mut h: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for &b in bytes {
        h ^= u128::from(b);
        h = h.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_fnv_1a_128() {
        // The published test vectors: the empty string and "a".
        assert_eq!(fnv1a_128(b""), 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d);
        assert_eq!(fnv1a_128(b"a"), 0xd228_cb69_6f1a_8caf_7891_2b70_4e4a_8964);
    }
}

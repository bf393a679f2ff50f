//! JUnit XML, the test report format CI systems read (GitLab's unit test reports, Jenkins,
//! Azure Pipelines): one `testsuite` per file; one `testcase` per finding, or one passing
//! `testcase` for a file without findings; an unreadable input is a `testsuite` whose
//! `testcase` holds an `error`.
//!
//! XML 1.0 cannot hold most control characters, even escaped, so text from a file goes
//! through [`safe`] (which writes them as `\u{..}`) before it is escaped as XML; the two
//! noncharacters XML also forbids (U+FFFE, U+FFFF) are written the same way.

use std::io::Write;

use super::{Failure, omitted_note};
use crate::text::{safe, xml};
use crate::{Diagnostic, Report};

/// The name of the passing test case of a file without findings.
const CLEAN: &str = "no findings";
/// The name of the test case of an unreadable input.
const UNREADABLE: &str = "read";

pub(super) fn write(
    reports: &[Report],
    failures: &[Failure],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let findings: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
    let clean = reports.iter().filter(|r| r.diagnostics.is_empty()).count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="dynroute validate" tests="{}" failures="{findings}" errors="{}">"#,
        findings + clean + failures.len(),
        failures.len()
    )?;
    for report in reports {
        let file = attribute(&report.file);
        let findings = report.diagnostics.len();
        writeln!(
            out,
            r#"  <testsuite name="{file}" tests="{}" failures="{findings}" errors="0">"#,
            findings.max(1)
        )?;
        if report.diagnostics.is_empty() {
            writeln!(
                out,
                r#"    <testcase name="{CLEAN}" classname="{file}" file="{file}"/>"#
            )?;
        }
        for d in &report.diagnostics {
            testcase(d, out)?;
        }
        if let Some(note) = omitted_note(report) {
            writeln!(out, "    <system-out>{}</system-out>", text(&note))?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    for f in failures {
        let file = attribute(&f.file);
        writeln!(
            out,
            r#"  <testsuite name="{file}" tests="1" failures="0" errors="1">"#
        )?;
        writeln!(
            out,
            r#"    <testcase name="{UNREADABLE}" classname="{file}" file="{file}">"#
        )?;
        writeln!(
            out,
            r#"      <error message="{}" type="unreadable"/>"#,
            attribute(&f.message)
        )?;
        writeln!(out, "    </testcase>")?;
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// One finding: a `testcase` named after the rule and the position, failing with the
/// message, the help and the JSON pointer.
fn testcase(d: &Diagnostic, out: &mut dyn Write) -> std::io::Result<()> {
    let file = attribute(&d.file);
    writeln!(
        out,
        r#"    <testcase name="{} at {}:{}" classname="{file}" file="{file}" line="{}">"#,
        d.rule, d.line, d.column, d.line
    )?;
    let pointer = if d.pointer.is_empty() {
        "(document root)".into()
    } else {
        safe(&d.pointer)
    };
    let body = format!(
        "{}:{}:{}: {}[{}]: {}\nhelp: {}\npointer: {pointer}",
        safe(&d.file),
        d.line,
        d.column,
        d.severity.as_str(),
        d.rule,
        safe(&d.message),
        safe(&d.help),
    );
    writeln!(
        out,
        r#"      <failure message="{}" type="{}">{}</failure>"#,
        attribute(&format!("{}: {}", d.severity.as_str(), d.message)),
        d.rule,
        text(&body)
    )?;
    writeln!(out, "    </testcase>")
}

/// Text from a file as an XML attribute value.
fn attribute(s: &str) -> String {
    xml(&safe(s), true)
}

/// Text made of safe pieces and line breaks as XML character data.
fn text(s: &str) -> String {
    xml(s, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_characters_xml_cannot_hold_are_escaped() {
        assert_eq!(xml(r#"a<b>&"c'"#, false), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(xml("a\nb\tc", false), "a\nb\tc");
        assert_eq!(xml("a\nb\tc\r", true), "a&#10;b&#9;c&#13;");
        assert_eq!(
            xml("\u{0}\u{1b}\u{fffe}\u{ffff}\u{fffd}", false),
            "\\u{0}\\u{1b}\\u{fffe}\\u{ffff}\u{fffd}"
        );
        // Text from a file loses its line breaks and bidirectional controls first.
        assert_eq!(attribute("x\ny\u{202e}<"), "x\\u{a}y\\u{202e}&lt;");
    }
}

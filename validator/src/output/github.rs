//! GitHub Actions workflow commands (`::error file=...::message`), which the runner turns
//! into annotations on the pull request.

use std::io::Write;

use super::{Failure, omitted_note};
use crate::text::safe;
use crate::{Diagnostic, Report};

/// Workflow commands. Unreadable inputs and errors come first: GitHub shows only 10
/// annotations of each kind per step, so warnings must not crowd errors out. A file whose
/// findings were cut by the limit gets a notice saying so.
pub(super) fn write(
    reports: &[Report],
    failures: &[Failure],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    for f in failures {
        writeln!(
            out,
            "::error file={},title=dynroute::{}",
            escape_property(&f.file),
            escape_data(&safe(&f.message))
        )?;
    }
    let mut sorted: Vec<&Diagnostic> = reports.iter().flat_map(|r| &r.diagnostics).collect();
    sorted.sort_by_key(|d| d.severity);
    for d in sorted {
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
        writeln!(
            out,
            "::{} {props}::{}",
            d.severity.as_str(),
            escape_data(&format!("{}\nhelp: {}", safe(&d.message), safe(&d.help)))
        )?;
    }
    for report in reports {
        if let Some(note) = omitted_note(report) {
            writeln!(
                out,
                "::notice file={},title=dynroute::{}",
                escape_property(&report.file),
                escape_data(&note)
            )?;
        }
    }
    Ok(())
}

/// A message, escaped as the Actions toolkit does; control characters other than line
/// breaks are escaped by [`safe`] before this.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value (file, title): the message escapes plus `:` and `,`. The file name is
/// made safe first, so no control character reaches the log.
fn escape_property(s: &str) -> String {
    escape_data(&safe(s))
        .replace(':', "%3A")
        .replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_and_data_are_escaped_as_the_actions_toolkit_does() {
        assert_eq!(escape_data("50% a\r\nb, c: d"), "50%25 a%0D%0Ab, c: d");
        assert_eq!(escape_property("a,b:c%"), "a%2Cb%3Ac%25");
        // A file name cannot end the command or colour the log.
        assert_eq!(escape_property("a\n::x\u{1b}"), "a\\u{a}%3A%3Ax\\u{1b}");
    }
}

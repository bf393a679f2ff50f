//! Rendering of diagnostics: human (source snippets), short, json, sarif, github, junit and
//! gitlab.
//!
//! Every format writes as it goes, so `dynroute validate ... | head` stops early and a large
//! output is never held in memory. Text that comes from a file (element ids, keys, file
//! names, source lines) is printed through [`crate::text::safe`] in the formats a terminal or
//! a CI log shows (human, short, github) or a web page shows (gitlab), and before XML
//! escaping in junit; json and sarif escape it as JSON does.

mod github;
mod gitlab;
mod human;
mod junit;
mod sarif;

use std::io::Write;

use serde::Serialize;

use crate::text::safe;
use crate::{Counts, Diagnostic, Report};

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
    /// JUnit XML: a test suite per file, a test case per finding.
    Junit,
    /// GitLab Code Quality JSON.
    Gitlab,
}

/// An input that could not be checked (a missing or unreadable file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The name as given.
    pub file: String,
    /// What went wrong, naming the file (`cannot read x.json: No such file or directory`).
    pub message: String,
}

/// Writes the reports in `format` to `out`, with colour in the human format when asked.
///
/// Failures are part of the document in the json (`failures`), sarif (tool execution
/// notifications), github (error annotations), junit (test cases with an `error`) and
/// gitlab (`unreadable-file` issues) formats; the human and short formats
/// leave them to the caller, which prints them on standard error. A closed pipe is not an
/// error.
pub fn write(
    format: Format,
    reports: &[Report],
    failures: &[Failure],
    colour: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let written = match format {
        Format::Human if colour => human::write(
            reports,
            &mut codespan_reporting::term::termcolor::Ansi::new(&mut *out),
        ),
        Format::Human => human::write(
            reports,
            &mut codespan_reporting::term::termcolor::NoColor::new(&mut *out),
        ),
        Format::Short => short(reports, out),
        Format::Json => json(reports, failures, out),
        Format::Sarif => sarif::write(reports, failures, out),
        Format::Github => github::write(reports, failures, out),
        Format::Junit => junit::write(reports, failures, out),
        Format::Gitlab => gitlab::write(reports, failures, out),
    }
    .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Renders without colour, as a string.
pub fn render_string(format: Format, reports: &[Report]) -> std::io::Result<String> {
    let mut buf = Vec::new();
    write(format, reports, &[], false, &mut buf)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// What the limit left out of a file, in words (`None` when nothing was).
fn omitted_note(report: &Report) -> Option<String> {
    let omitted = report.omitted;
    (omitted.total() > 0).then(|| {
        format!(
            "{} more finding(s) not shown ({} error(s), {} warning(s)): --max-diagnostics 0 shows all",
            omitted.total(),
            omitted.errors,
            omitted.warnings
        )
    })
}

fn short(reports: &[Report], out: &mut dyn Write) -> std::io::Result<()> {
    for report in reports {
        for d in &report.diagnostics {
            writeln!(
                out,
                "{}:{}:{}: {}[{}]: {}",
                safe(&d.file),
                d.line,
                d.column,
                d.severity.as_str(),
                d.rule,
                safe(&d.message)
            )?;
        }
        if let Some(note) = omitted_note(report) {
            writeln!(out, "{}: note: {note}", safe(&report.file))?;
        }
    }
    Ok(())
}

/// The `--format json` document. Each item of `diagnostics` is a [`Diagnostic`] as it
/// serializes.
#[derive(Serialize)]
struct JsonOutput<'d> {
    diagnostics: Vec<&'d Diagnostic>,
    failures: &'d [Failure],
    summary: Summary,
}

/// Totals over every file: `errors` and `warnings` count the findings left out by the limit
/// too, `omitted` says how many those are, `files` counts the files checked and `failures`
/// the inputs that could not be read.
#[derive(Serialize)]
struct Summary {
    files: usize,
    failures: usize,
    errors: usize,
    warnings: usize,
    omitted: usize,
}

fn totals(reports: &[Report]) -> (Counts, usize) {
    reports
        .iter()
        .fold((Counts::default(), 0), |(sum, omitted), r| {
            let c = r.counts();
            (
                Counts {
                    errors: sum.errors + c.errors,
                    warnings: sum.warnings + c.warnings,
                },
                omitted + r.omitted.total(),
            )
        })
}

fn json(reports: &[Report], failures: &[Failure], out: &mut dyn Write) -> std::io::Result<()> {
    let (counts, omitted) = totals(reports);
    let doc = JsonOutput {
        diagnostics: reports.iter().flat_map(|r| &r.diagnostics).collect(),
        failures,
        summary: Summary {
            files: reports.len(),
            failures: failures.len(),
            errors: counts.errors,
            warnings: counts.warnings,
            omitted,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

#[cfg(test)]
mod tests;

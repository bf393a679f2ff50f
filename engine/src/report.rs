//! Test results for people and for machines: human, json, junit (what CI systems read) and
//! github (workflow annotations at the case's line). Text from test and route files is
//! escaped for each format, so a case name cannot forge lines or markup.

use std::fmt::Write;

use serde_json::json;

use crate::render::safe;
use crate::suite::{CaseResult, Coverage, Status};

/// A finished run: the results by test file, and the coverage when asked.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// (test file, its results), in the order run.
    pub files: Vec<(String, Vec<CaseResult>)>,
    /// Coverage per route, when measured.
    pub coverage: Option<Vec<Coverage>>,
}

impl Run {
    /// (passed, failed, errors).
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        for (_, results) in &self.files {
            for r in results {
                match r.status {
                    Status::Passed => counts.0 += 1,
                    Status::Failed { .. } => counts.1 += 1,
                    Status::Error { .. } => counts.2 += 1,
                }
            }
        }
        counts
    }

    /// Percent of every route's edges covered, together.
    pub fn coverage_percent(&self) -> Option<f64> {
        let coverage = self.coverage.as_ref()?;
        let total: usize = coverage.iter().map(|c| c.total).sum();
        let covered: usize = coverage.iter().map(|c| c.covered).sum();
        Some(if total == 0 {
            100.0
        } else {
            covered as f64 * 100.0 / total as f64
        })
    }
}

/// One line per case, the differences of failing ones, the coverage.
pub fn human(run: &Run) -> String {
    let mut out = String::new();
    for (file, results) in &run.files {
        for r in results {
            let at = format!("{}:{}:{}", safe(file), r.case.line, r.case.column);
            match &r.status {
                Status::Passed => {
                    let _ = writeln!(out, "PASS  {}", safe(&r.case.name));
                }
                Status::Failed { mismatches } => {
                    let _ = writeln!(out, "FAIL  {}  ({at})", safe(&r.case.name));
                    for m in mismatches {
                        let _ = writeln!(out, "      {}", safe(&m.to_string()));
                    }
                }
                Status::Error { message } => {
                    let _ = writeln!(
                        out,
                        "ERROR {}  ({at}): {}",
                        safe(&r.case.name),
                        safe(message)
                    );
                }
            }
        }
    }
    let (passed, failed, errors) = run.counts();
    let _ = writeln!(out, "\n{passed} passed, {failed} failed, {errors} errors");
    if let Some(coverage) = &run.coverage {
        let _ = writeln!(out, "\ncoverage of output edges:");
        for c in coverage {
            let _ = writeln!(
                out,
                "  {:>6.2} %  {}  ({} of {})",
                c.percent(),
                safe(&c.route),
                c.covered,
                c.total
            );
            for e in &c.uncovered {
                let _ = writeln!(
                    out,
                    "    {}:{}:{}: {}",
                    safe(&c.route),
                    e.line,
                    e.column,
                    safe(&e.to_string())
                );
            }
        }
        if let Some(percent) = run.coverage_percent() {
            let _ = writeln!(out, "  {percent:>6.2} %  in all");
        }
    }
    out
}

/// `{"cases": [...], "summary": {...}, "coverage": {...}}`.
pub fn json(run: &Run) -> String {
    let cases: Vec<_> = run
        .files
        .iter()
        .flat_map(|(file, results)| {
            results.iter().map(move |r| {
                let mut item = json!({
                    "file": file,
                    "name": r.case.name,
                    "route": r.case.route,
                    "line": r.case.line,
                    "column": r.case.column,
                    "pointer": r.case.pointer,
                });
                if let (Some(map), Ok(serde_json::Value::Object(status))) =
                    (item.as_object_mut(), serde_json::to_value(&r.status))
                {
                    map.extend(status);
                }
                item
            })
        })
        .collect();
    let (passed, failed, errors) = run.counts();
    let mut out = json!({
        "cases": cases,
        "summary": {"passed": passed, "failed": failed, "errors": errors},
    });
    if let (Some(coverage), Some(map)) = (&run.coverage, out.as_object_mut()) {
        map.insert(
            "coverage".into(),
            json!({"percent": run.coverage_percent(), "routes": coverage.iter().map(|c| json!({
                "route": c.route, "covered": c.covered, "total": c.total, "percent": c.percent(),
                "uncovered": c.uncovered,
            })).collect::<Vec<_>>()}),
        );
    }
    serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"
}

/// JUnit XML: one `testsuite` per test file, one `testcase` per case.
pub fn junit(run: &Run) -> String {
    let (passed, failed, errors) = run.counts();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"dynroute test\" tests=\"{}\" failures=\"{failed}\" errors=\"{errors}\">",
        passed + failed + errors
    );
    for (file, results) in &run.files {
        let failures = results
            .iter()
            .filter(|r| matches!(r.status, Status::Failed { .. }))
            .count();
        let errs = results
            .iter()
            .filter(|r| matches!(r.status, Status::Error { .. }))
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errs}\">",
            xml(file),
            results.len()
        );
        for r in results {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\"",
                xml(&r.case.name),
                xml(file),
                xml(file),
                r.case.line
            );
            match &r.status {
                Status::Passed => out.push_str("/>\n"),
                Status::Failed { mismatches } => {
                    let text: Vec<String> = mismatches.iter().map(ToString::to_string).collect();
                    let _ = writeln!(
                        out,
                        ">\n      <failure message=\"{}\">{}:{}:{}\n{}</failure>\n    </testcase>",
                        xml(&text[0]),
                        xml(file),
                        r.case.line,
                        r.case.column,
                        xml(&text.join("\n"))
                    );
                }
                Status::Error { message } => {
                    let _ = writeln!(
                        out,
                        ">\n      <error message=\"{}\"/>\n    </testcase>",
                        xml(message)
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// GitHub Actions annotations: an error at each failing case, a notice per uncovered edge.
pub fn github(run: &Run) -> String {
    let mut out = String::new();
    for (file, results) in &run.files {
        for r in results {
            let message = match &r.status {
                Status::Passed => continue,
                Status::Failed { mismatches } => mismatches
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
                Status::Error { message } => message.clone(),
            };
            let _ = writeln!(
                out,
                "::error file={},line={},col={},title={}::{}",
                property(file),
                r.case.line,
                r.case.column,
                property(&format!("dynroute test: {}", r.case.name)),
                data(&message)
            );
        }
    }
    if let Some(coverage) = &run.coverage {
        for c in coverage {
            for e in &c.uncovered {
                let _ = writeln!(
                    out,
                    "::notice file={},line={},col={},title=uncovered edge::{}",
                    property(&c.route),
                    e.line,
                    e.column,
                    data(&format!("{e} by a test case"))
                );
            }
        }
    }
    out
}

fn xml(text: &str) -> String {
    dynroute_validator::text::xml(text, false)
}

/// GitHub's escaping of a workflow command's data.
fn data(text: &str) -> String {
    safe(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// GitHub's escaping of a workflow command's property.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

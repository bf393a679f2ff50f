//! `dynroute test`: run the route test files, report, measure coverage.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use dynroute_engine::report::{self, Run};
use dynroute_engine::suite::{self, CaseResult, Route, Status};
use dynroute_engine::{Refusal, text};
use dynroute_validator::schema::Reasons;

use crate::{USAGE_OR_IO, write_stdout};

/// Arguments of `dynroute test`.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Test files, or folders searched for `*.test.json`, `*.test.yaml` and `*.test.yml`
    /// (default: the current folder).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    format: TestFormat,
    /// Measure which output edges of the routes the cases take, and list the others.
    #[arg(long)]
    coverage: bool,
    /// Fail (exit 1) when the coverage of output edges is below PCT percent (implies
    /// --coverage).
    #[arg(long, value_name = "PCT")]
    fail_under: Option<f64>,
}

/// Output formats of `test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// One line per case, differences, coverage.
    Human,
    /// `{"cases": [...], "summary": {...}, "coverage": {...}}`.
    Json,
    /// JUnit XML for CI systems.
    Junit,
    /// GitHub Actions workflow annotations.
    Github,
}

/// Runs `dynroute test`: 0 every case passed (and the coverage is enough), 1 failures,
/// errors or coverage below `--fail-under`, 2 usage or I/O error (a test file that cannot
/// be read or is malformed).
pub fn run(args: TestArgs, reasons: &'static dyn Reasons) -> ExitCode {
    if let Some(pct) = args.fail_under
        && !(0.0..=100.0).contains(&pct)
    {
        eprintln!("dynroute: --fail-under takes a percentage from 0 to 100, not {pct}");
        return ExitCode::from(USAGE_OR_IO);
    }
    let files = match discover(&args.paths) {
        Ok(files) if files.is_empty() => {
            eprintln!("dynroute: no test files (*.test.json, *.test.yaml, *.test.yml) found");
            return ExitCode::from(USAGE_OR_IO);
        }
        Ok(files) => files,
        Err(message) => {
            eprintln!("dynroute: {message}");
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    let (mut run, routes) = match execute(&files, reasons) {
        Ok(done) => done,
        Err(message) => {
            eprintln!("dynroute: {message}");
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    if args.coverage || args.fail_under.is_some() {
        let taken = suite::taken_by_route(run.files.iter().flat_map(|(_, results)| results));
        let mut coverage = Vec::new();
        let ordered: BTreeMap<_, _> = routes.iter().collect();
        for (path, loaded) in ordered {
            let Ok((route, text)) = loaded else { continue };
            let name = path.display().to_string();
            let empty = Default::default();
            let mut c = suite::coverage(&name, &route.graph, taken.get(&name).unwrap_or(&empty));
            let pointers: Vec<String> = c.uncovered.iter().map(|e| e.pointer.clone()).collect();
            for (edge, (line, column)) in c.uncovered.iter_mut().zip(text::locate(text, &pointers))
            {
                edge.line = line;
                edge.column = column;
            }
            coverage.push(c);
        }
        run.coverage = Some(coverage);
    }
    let output = match args.format {
        TestFormat::Human => report::human(&run),
        TestFormat::Json => report::json(&run),
        TestFormat::Junit => report::junit(&run),
        TestFormat::Github => report::github(&run),
    };
    let written = write_stdout(&output);
    if written != ExitCode::SUCCESS {
        return written;
    }
    let (_, failed, errors) = run.counts();
    let under = match (args.fail_under, run.coverage_percent()) {
        (Some(threshold), Some(percent)) if percent < threshold => {
            eprintln!("dynroute: coverage {percent:.2} % is below --fail-under {threshold} %");
            true
        }
        _ => false,
    };
    if failed + errors > 0 || under {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Loaded routes by path, each validated and compiled with its text, or why it could not be.
type Routes = HashMap<PathBuf, Result<(Route, String), String>>;

/// Runs every case of `files` against its route, `reasons` saying why a route fails the
/// route schema; a test file that cannot be read or is malformed is an error.
pub fn execute(files: &[PathBuf], reasons: &'static dyn Reasons) -> Result<(Run, Routes), String> {
    let mut routes: HashMap<PathBuf, Result<(Route, String), String>> = HashMap::new();
    let mut run = Run {
        files: Vec::new(),
        coverage: None,
    };
    for file in files {
        let name = file.display().to_string();
        let cases = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {name}: {e}"))
            .and_then(|source| {
                let document = text::parse(&source)
                    .map_err(|e| format!("{name}:{}:{}: {}", e.line, e.column, e.message))?;
                suite::read(&document).map_err(|e| {
                    format!(
                        "{name}:{}:{}: {} (at {})",
                        e.line, e.column, e.message, e.pointer
                    )
                })
            })?;
        let folder = file.parent().unwrap_or(Path::new("."));
        let mut results: Vec<CaseResult> = Vec::with_capacity(cases.len());
        for mut case in cases {
            let path = normalize(&folder.join(&case.route));
            case.route = path.display().to_string();
            let loaded = routes
                .entry(path.clone())
                .or_insert_with(|| load(&path, reasons));
            results.push(match loaded {
                Ok((route, _)) => suite::run_case(&case, route),
                Err(message) => CaseResult {
                    status: Status::Error {
                        message: message.clone(),
                    },
                    case,
                    edges: Vec::new(),
                },
            });
        }
        run.files.push((name, results));
    }
    Ok((run, routes))
}

/// A route file, validated and compiled, with its text for positions.
fn load(path: &Path, reasons: &'static dyn Reasons) -> Result<(Route, String), String> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read the route {name}: {e}"))?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    match dynroute_engine::load(&name, bytes, reasons) {
        Ok(graph) => Ok((Route { graph }, text)),
        Err(Refusal::Invalid(report)) => {
            let first = report
                .diagnostics
                .first()
                .map(|d| {
                    format!(
                        "{}:{}:{}: error[{}]: {}",
                        d.file, d.line, d.column, d.rule, d.message
                    )
                })
                .unwrap_or_default();
            Err(format!(
                "the route {name} is not valid ({} error(s); the first: {first})",
                report.diagnostics.len()
            ))
        }
        Err(e) => Err(format!("the route {name}: {e}")),
    }
}

/// Test files among `paths`: files as given, folders searched (sorted, recursively).
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let roots = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut out = Vec::new();
    for root in roots {
        if root.is_dir() {
            let mut stack = vec![root];
            while let Some(dir) = stack.pop() {
                let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
                    .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .collect();
                entries.sort();
                for path in entries.into_iter().rev() {
                    let hidden = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                        n.starts_with('.') || n == "target" || n == "node_modules"
                    });
                    if hidden {
                        continue;
                    }
                    if path.is_dir() {
                        stack.push(path);
                    } else if is_test_file(&path) {
                        out.push(path);
                    }
                }
            }
        } else if root.is_file() {
            out.push(root);
        } else {
            return Err(format!("{}: no such file or folder", root.display()));
        }
    }
    let mut out: Vec<PathBuf> = out.iter().map(|p| normalize(p)).collect();
    out.sort();
    out.dedup();
    Ok(out)
}

fn is_test_file(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        n.ends_with(".test.json") || n.ends_with(".test.yaml") || n.ends_with(".test.yml")
    })
}

/// `a/b/../c` as `a/c`, without touching the file system (the path shown in reports).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir
                if matches!(
                    out.components().next_back(),
                    Some(std::path::Component::Normal(_))
                ) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

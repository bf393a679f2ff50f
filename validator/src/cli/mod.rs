//! The `dynroute` command line: argument parsing, file reading, exit codes. Rendering of
//! diagnostics happens only here, in [`formats`].

pub mod formats;

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::draw::{self, GraphFormat};
use crate::{Config, Severity, rules};

/// Exit status for a usage or I/O error.
const USAGE_OR_IO: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "dynroute",
    version,
    about = "Validate and draw Cloudflare AI Gateway Dynamic Routing route files"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check route files: JSON syntax, JSON Schema, graph rules, suspicious values.
    Validate(ValidateArgs),
    /// Explain what a rule checks and how to fix it (all rules without an argument).
    Explain {
        /// A rule name such as `dangling-reference`.
        rule: Option<String>,
    },
    /// Draw a route as a Mermaid flowchart or a Graphviz graph.
    Graph {
        /// The route file (`-` for standard input).
        file: String,
        /// Output language.
        #[arg(long, value_enum, default_value_t = GraphKind::Mermaid)]
        format: GraphKind,
    },
}

#[derive(Debug, clap::Args)]
struct ValidateArgs {
    /// Route files: a route document, an array of elements, or a saved API response.
    /// `-` or no file reads standard input.
    files: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Turn a rule off (repeatable).
    #[arg(long, value_name = "RULE")]
    allow: Vec<String>,
    /// Report a rule as a warning (repeatable).
    #[arg(long, value_name = "RULE")]
    warn: Vec<String>,
    /// Report a rule as an error (repeatable).
    #[arg(long, value_name = "RULE")]
    deny: Vec<String>,
    /// Exit with status 1 when there are warnings.
    #[arg(long)]
    deny_warnings: bool,
    /// Colour in the human format.
    #[arg(long, value_enum, default_value_t = Colour::Auto)]
    color: Colour,
}

/// Output formats of `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Colour {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum GraphKind {
    Mermaid,
    Dot,
}

/// Runs the command line and returns its exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { USAGE_OR_IO } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Validate(args) => validate(args),
        Command::Explain { rule } => explain(rule.as_deref()),
        Command::Graph { file, format } => graph(&file, format),
    }
}

/// Reads a file, or standard input for `-`; returns the name shown in diagnostics and the
/// bytes.
fn read(path: &str) -> Result<(String, Vec<u8>), String> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Ok(("<stdin>".to_string(), buf))
    } else {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        Ok((path.to_string(), bytes))
    }
}

fn validate(args: ValidateArgs) -> ExitCode {
    let mut config = Config::default();
    let overrides = [
        (&args.allow, None),
        (&args.warn, Some(Severity::Warning)),
        (&args.deny, Some(Severity::Error)),
    ];
    for (names, severity) in overrides {
        for name in names {
            if let Err(e) = config.set(name, severity) {
                eprintln!("dynroute: {e}");
                return ExitCode::from(USAGE_OR_IO);
            }
        }
    }
    let files = if args.files.is_empty() {
        vec!["-".to_string()]
    } else {
        args.files
    };
    let mut io_failed = false;
    let mut reports = Vec::new();
    for path in &files {
        let (name, bytes) = match read(path) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("dynroute: {e}");
                io_failed = true;
                continue;
            }
        };
        match crate::check_bytes(&name, bytes, &config) {
            Ok(report) => reports.push(report),
            Err(e) => {
                eprintln!("dynroute: {e}");
                return ExitCode::from(USAGE_OR_IO);
            }
        }
    }
    let colour = match args.color {
        Colour::Always => true,
        Colour::Never => false,
        Colour::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    if let Err(e) = formats::render(args.format, &reports, colour) {
        eprintln!("dynroute: cannot write output: {e}");
        return ExitCode::from(USAGE_OR_IO);
    }
    let diagnostics = reports.iter().flat_map(|r| &r.diagnostics);
    let errors = diagnostics
        .clone()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.count() - errors;
    if args.format == Format::Human && errors + warnings > 0 {
        eprintln!(
            "dynroute: {errors} error(s), {warnings} warning(s) in {} file(s)",
            reports.len()
        );
    }
    if io_failed {
        ExitCode::from(USAGE_OR_IO)
    } else if errors > 0 || (args.deny_warnings && warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn explain(rule: Option<&str>) -> ExitCode {
    let mut out = String::new();
    match rule {
        None => {
            out.push_str("Rules (dynroute explain RULE for details):\n");
            for r in rules::RULES {
                out.push_str(&format!(
                    "  {:<20} {:<8} {}\n",
                    r.name,
                    r.default_severity.as_str(),
                    r.summary
                ));
            }
        }
        Some(name) => match rules::rule(name) {
            Some(r) => out.push_str(&format!(
                "{} ({} by default)\n\n{}.\n\n{}\n",
                r.name,
                r.default_severity.as_str(),
                r.summary,
                r.explanation
            )),
            None => {
                eprintln!("dynroute: {}", crate::UnknownRule(name.to_string()));
                return ExitCode::from(USAGE_OR_IO);
            }
        },
    }
    write_stdout(&out)
}

fn graph(path: &str, kind: GraphKind) -> ExitCode {
    let (name, bytes) = match read(path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("dynroute: {e}");
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        eprintln!("dynroute: {name}: the file is not valid UTF-8");
        return ExitCode::from(1);
    };
    let parsed = match crate::parse::parse(&text) {
        Ok(p) => p,
        Err(e) => {
            let pos = crate::source::LineIndex::new(&text).position(&text, e.start);
            eprintln!(
                "{name}:{}:{}: error[invalid-json]: {}",
                pos.line, pos.column, e.message
            );
            return ExitCode::from(1);
        }
    };
    let elements = match crate::document::extract(&parsed.value) {
        Ok(crate::document::Document {
            elements: Some(e), ..
        }) => e,
        _ => {
            eprintln!("dynroute: {name}: no route elements found");
            return ExitCode::from(1);
        }
    };
    let route = crate::route::Route::new(elements.0, &elements.1);
    let format = match kind {
        GraphKind::Mermaid => GraphFormat::Mermaid,
        GraphKind::Dot => GraphFormat::Dot,
    };
    write_stdout(&draw::draw(&route, format))
}

fn write_stdout(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dynroute: cannot write output: {e}");
            ExitCode::from(USAGE_OR_IO)
        }
    }
}

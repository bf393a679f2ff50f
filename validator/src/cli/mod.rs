//! The `dynroute` command line: argument parsing, file reading, exit codes. Rendering of
//! diagnostics happens only here, in [`formats`].

pub mod formats;

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::draw::{self, GraphFormat};
use crate::{Config, Diagnostic, Severity, rules};

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

/// A file read for checking.
pub struct Source {
    /// The name shown in diagnostics.
    pub name: String,
    /// The text (invalid UTF-8 replaced; reported separately).
    pub text: String,
}

/// Reads a file, or standard input for `-`. Invalid UTF-8 is not an I/O error: the text is
/// returned lossily with the offset of the first bad byte, to be reported as invalid-json.
fn read(path: &str) -> Result<(Source, Option<usize>), String> {
    let (name, bytes) = if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        ("<stdin>".to_string(), buf)
    } else {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        (path.to_string(), bytes)
    };
    let (text, bad) = match String::from_utf8(bytes) {
        Ok(t) => (t, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
        }
    };
    Ok((Source { name, text }, bad))
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
    let mut sources = Vec::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for path in &files {
        let (source, bad_utf8) = match read(path) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("dynroute: {e}");
                io_failed = true;
                continue;
            }
        };
        let found = match bad_utf8 {
            Some(at) => not_utf8(&source, at, &config),
            None => match crate::check_source(&source.name, &source.text, &config) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("dynroute: {e}");
                    return ExitCode::from(USAGE_OR_IO);
                }
            },
        };
        diagnostics.extend(found);
        sources.push(source);
    }
    let colour = match args.color {
        Colour::Always => true,
        Colour::Never => false,
        Colour::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let rendered = formats::render(args.format, &sources, &diagnostics, colour);
    if let Err(e) = rendered {
        eprintln!("dynroute: cannot write output: {e}");
        return ExitCode::from(USAGE_OR_IO);
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    if args.format == Format::Human && !diagnostics.is_empty() {
        eprintln!(
            "dynroute: {errors} error(s), {warnings} warning(s) in {} file(s)",
            sources.len()
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

fn not_utf8(source: &Source, at: usize, config: &Config) -> Vec<Diagnostic> {
    let Some(severity) = config.severity(rules::names::INVALID_JSON) else {
        return Vec::new();
    };
    let index = crate::source::LineIndex::new(&source.text);
    // The lossy text has the same bytes up to the first invalid sequence.
    let pos = index.position(&source.text, at);
    vec![Diagnostic {
        file: source.name.clone(),
        rule: rules::names::INVALID_JSON,
        severity,
        message: "the file is not valid UTF-8".to_string(),
        help: "JSON text must be UTF-8: re-save the file with UTF-8 encoding".to_string(),
        pointer: String::new(),
        line: pos.line,
        column: pos.column,
        end: None,
        offset: pos.offset,
    }]
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
    let (source, bad_utf8) = match read(path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("dynroute: {e}");
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    if bad_utf8.is_some() {
        eprintln!("dynroute: {}: the file is not valid UTF-8", source.name);
        return ExitCode::from(1);
    }
    let parsed = match crate::parse::parse(&source.text) {
        Ok(p) => p,
        Err(e) => {
            let pos = crate::source::LineIndex::new(&source.text).position(&source.text, e.start);
            eprintln!(
                "{}:{}:{}: error[invalid-json]: {}",
                source.name, pos.line, pos.column, e.message
            );
            return ExitCode::from(1);
        }
    };
    let elements = match crate::document::extract(&parsed.value) {
        Ok(crate::document::Document {
            elements: Some(e), ..
        }) => e,
        _ => {
            eprintln!("dynroute: {}: no route elements found", source.name);
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

//! The `dynroute` command line: argument parsing, file reading and exit codes, over the
//! libraries that do the work (`dynroute-validator` checks, renders and draws;
//! `dynroute-engine` traces). `validate` lives in `validate` (flags, exit status), `walk`
//! (which files) and `settings` (the settings file); `completions` and `man` in `manual`.
//!
//! Subcommands that need the network, a server or the code generator (`full`) belong behind
//! cargo features that are on by default and off in the pre-commit hook's build (the root
//! package), so validation never pulls an HTTP stack or a Rust code generator. With the
//! features on, the `dynroute` binary still does not link them: it runs `dynroute-full`,
//! installed beside it, for those subcommands (`run_beside`), so the loader does not relocate
//! a server, a client and a generator at every start of `dynroute validate`.

#[cfg(feature = "deploy")]
mod deploy;
mod full;
#[cfg(feature = "generate")]
mod generate;
mod gitignore;
mod ignore_files;
mod manual;
pub mod reasons;
mod rounds;
#[cfg(feature = "serve")]
mod serve;
mod settings;
mod test;
mod trace;
mod validate;
mod walk;

use std::io::{Read, Write};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use dynroute_validator::Config;
use dynroute_validator::draw::GraphFormat;
use dynroute_validator::output::{self, Format};
use dynroute_validator::schema::Reasons;
use dynroute_validator::{Drawing, registry};

pub use full::{FULL_PROGRAM, Full, SCHEMA_REASONS, run_beside, run_here};

/// Exit status for a usage or I/O error.
pub(crate) const USAGE_OR_IO: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "dynroute",
    version,
    about = "Validate, draw, trace and test Cloudflare AI Gateway Dynamic Routing route files"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Trace a request through a route: the path, each step's reason, the model that
    /// serves, and the probability of every outcome when no draw is pinned.
    Trace(trace::TraceArgs),
    /// Run route test files: cases with requests, pins and expectations; coverage of the
    /// routes' output edges.
    Test(test::TestArgs),
    /// Check route files: JSON syntax, JSON Schema, graph rules, suspicious values.
    #[command(
        after_help = validate::EXAMPLES,
        after_long_help = validate::long_help()
    )]
    Validate(validate::ValidateArgs),
    /// `serve`, `pull`, `plan`, `apply`, `rollback`, `history`, `generate`: those of the
    /// default features (none in the hook's build, or with `--no-default-features`).
    #[command(flatten)]
    Full(full::FullCommand),
    /// Explain what a rule checks and how to fix it, with a file that breaks it (all rules
    /// without an argument).
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
    /// Print a shell completion script.
    Completions(manual::CompletionsArgs),
    /// Print the manual page (or write every page into a folder).
    Man(manual::ManArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum GraphKind {
    Mermaid,
    Dot,
}

/// Runs the command line and returns its exit code. `reasons` says why a file fails the
/// route schema (`dynroute_validator::schema::Compiled` in this process, as `dynroute-full`
/// does; `dynroute` and the pre-commit hook ask another process, see `reasons`). `full` runs the subcommands that need a
/// server, the network or the code generator: `run_here` links them into the binary,
/// `run_beside` runs `dynroute-full` for them.
pub fn main_with(reasons: &'static dyn Reasons, full: fn(Full) -> ExitCode) -> ExitCode {
    let parsed = Cli::command()
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches).map(|cli| (cli, matches)));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            let code = if e.use_stderr() { USAGE_OR_IO } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Validate(args) => match matches.subcommand_matches("validate") {
            Some(validate_matches) => validate::run(args, validate_matches, reasons),
            None => ExitCode::from(USAGE_OR_IO),
        },
        Command::Trace(args) => trace::run(args, reasons),
        Command::Test(args) => test::run(args, reasons),
        Command::Full(command) => full(Full(command)),
        Command::Explain { rule } => explain(rule.as_deref()),
        Command::Graph { file, format } => graph(&file, format, reasons),
        Command::Completions(args) => manual::completions(&args, Cli::command()),
        Command::Man(args) => manual::man(&args, Cli::command()),
    }
}

/// The path of `program` in the folder of the running program (with the platform's
/// executable suffix), where `cargo install` puts every binary of a package.
pub(crate) fn beside_this_program(program: &str) -> Result<std::path::PathBuf, String> {
    let running = std::env::current_exe()
        .map_err(|e| format!("cannot find the running program's path: {e}"))?;
    Ok(running.with_file_name(format!("{program}{}", std::env::consts::EXE_SUFFIX)))
}

/// Reads a file, or standard input for `-`; returns the name shown in diagnostics and the
/// bytes, or a message that names the file and says why it cannot be read.
pub(crate) fn read(path: &str) -> Result<(String, Vec<u8>), String> {
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

fn explain(rule: Option<&str>) -> ExitCode {
    let mut out = String::new();
    match rule {
        None => {
            out.push_str("Rules (dynroute explain RULE for details):\n");
            for r in registry::RULES {
                out.push_str(&format!(
                    "  {:<20} {:<8} {}\n",
                    r.name,
                    r.default_severity.as_str(),
                    r.summary
                ));
            }
        }
        Some(name) => match registry::rule(name) {
            Some(r) => {
                out.push_str(&format!(
                    "{} ({} by default)\n\n{}.\n\n{}\n\nExample that breaks the rule ({}):\n\n{}",
                    r.name,
                    r.default_severity.as_str(),
                    r.summary,
                    r.explanation,
                    r.example_path,
                    r.example
                ));
                if !out.ends_with('\n') {
                    out.push('\n');
                }
            }
            None => {
                eprintln!(
                    "dynroute: {}",
                    dynroute_validator::ConfigError::unknown(name)
                );
                return ExitCode::from(USAGE_OR_IO);
            }
        },
    }
    write_stdout(&out)
}

/// Draws one file. When it holds no graph, the errors that say why are printed to standard
/// error in the short format and the exit status is 1.
fn graph(path: &str, kind: GraphKind, reasons: &'static dyn Reasons) -> ExitCode {
    let (name, bytes) = match read(path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("dynroute: {e}");
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    let format = match kind {
        GraphKind::Mermaid => GraphFormat::Mermaid,
        GraphKind::Dot => GraphFormat::Dot,
    };
    match dynroute_validator::draw_bytes(&name, bytes, format, &Config::with_reasons(reasons)) {
        Ok(Drawing::Picture(picture)) => write_stdout(&picture),
        Ok(Drawing::Undrawable(report)) => {
            match output::render_string(Format::Short, &[report]) {
                Ok(text) => eprint!("{text}"),
                Err(e) => {
                    eprintln!("dynroute: cannot write output: {e}");
                    return ExitCode::from(USAGE_OR_IO);
                }
            }
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("dynroute: {e}");
            ExitCode::from(USAGE_OR_IO)
        }
    }
}

pub(crate) fn write_stdout(text: &str) -> ExitCode {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}

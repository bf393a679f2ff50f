//! `cargo xtask generate [--spec FILE --out DIR [--name NAME] [--skip-unsupported]]` and
//! `cargo xtask check`.

use clap::{Parser, Subcommand};
use dynroute_codegen::standalone::{CrateRequest, generate_crate};
use std::path::PathBuf;
use std::process::ExitCode;
use xtask::{TaskError, expected_files, repo_root, stale_files, write};

#[derive(Parser)]
#[command(about = "Project automation for dynroute")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate client/src/generated and spec/route.schema.json from spec/, or, with --spec
    /// and --out, write a standalone crate for any OpenAPI 3.0 description.
    Generate {
        /// An OpenAPI 3.0 description (JSON or YAML) to generate a standalone crate from.
        #[arg(long, requires = "out")]
        spec: Option<PathBuf>,
        /// The directory of the standalone crate (created if missing).
        #[arg(long, requires = "spec")]
        out: Option<PathBuf>,
        /// Package name of the standalone crate (default: the directory name).
        #[arg(long, requires = "out")]
        name: Option<String>,
        /// Generate every operation and type that needs no unsupported construct and leave
        /// out the others, each named in a warning (without it, the unsupported constructs
        /// are an error that lists them all).
        #[arg(long, requires = "spec")]
        skip_unsupported: bool,
    },
    /// Exit non-zero and list the generated files that differ from what spec/ produces.
    Check,
    /// Exit non-zero and list the dependency rules of ARCHITECTURE.md that a crate breaks.
    Deps,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// A step of the work, on standard error (standard output keeps the summary).
fn progress(message: impl std::fmt::Display) {
    eprintln!("{message}");
}

fn run(cli: Cli) -> Result<ExitCode, TaskError> {
    let root = repo_root();
    match cli.command {
        Command::Generate {
            spec: Some(spec),
            out: Some(out),
            name,
            skip_unsupported,
        } => {
            let request = CrateRequest {
                spec: &spec,
                out: &out,
                name: name.as_deref(),
                skip_unsupported,
                protected: Some(&root),
            };
            let done = generate_crate(&request, &mut |step| progress(step))?;
            for file in &done.written.removed {
                progress(format_args!("removed stale {}", out.join(file).display()));
            }
            println!("wrote crate `{}` to {}", done.name, out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate { .. } => {
            let files = expected_files(&root, &mut |step| progress(step))?;
            let stale = stale_files(&root, &files);
            for (path, text) in &files {
                if stale.contains(path) {
                    write(&root.join(path), text)?;
                    println!("updated {}", path.display());
                }
            }
            if stale.is_empty() {
                println!("generated files are up to date");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check => {
            let files = expected_files(&root, &mut |_| {})?;
            let stale = stale_files(&root, &files);
            if stale.is_empty() {
                println!("generated files are up to date");
                return Ok(ExitCode::SUCCESS);
            }
            eprintln!("stale generated files (run `cargo xtask generate`):");
            for path in stale {
                eprintln!("  {}", path.display());
            }
            Ok(ExitCode::FAILURE)
        }
        Command::Deps => match xtask::deps::check(&root) {
            Ok(broken) if broken.is_empty() => {
                println!("every crate keeps the dependency rules of ARCHITECTURE.md");
                Ok(ExitCode::SUCCESS)
            }
            Ok(broken) => {
                eprintln!("dependency rules broken (ARCHITECTURE.md, \"Who owns what\"):");
                for message in broken {
                    eprintln!("  {message}");
                }
                Ok(ExitCode::FAILURE)
            }
            Err(message) => {
                eprintln!("error: {message}");
                Ok(ExitCode::from(2))
            }
        },
    }
}

//! `cargo xtask generate [--spec FILE --out DIR [--name NAME] [--skip-unsupported]]`,
//! `cargo xtask check`, `cargo xtask deps` and
//! `cargo xtask bench [--only PART,...] [--runs N] [--quick]`.

use clap::{Parser, Subcommand};
use dynroute_codegen::standalone::{CrateRequest, generate_crate};
use std::path::PathBuf;
use std::process::ExitCode;
use xtask::bench::{self, ALL_PARTS, GOALS, Part};
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
    /// and --out, write a standalone crate for any OpenAPI 3.0 or 3.1 description.
    Generate {
        /// An OpenAPI 3.0 or 3.1 description (JSON or YAML) to generate a standalone crate from.
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
    /// Run every benchmark comparison (scripts/bench-validate, scripts/bench-crate, the
    /// validator's criterion bench, the client bench's paired turns), installing the peers from their
    /// registries into .tools/, and print one table: dynroute against each peer, the ratio
    /// and the goal of the performance issue. Exits non-zero when a comparison could not be
    /// measured (a peer that cannot be installed, a failed run), not when a goal is missed.
    Bench {
        /// The comparisons to run (comma-separated; default all): validate (the typical
        /// file), large (large routes, time and peak memory), many (2,000 files in one
        /// call), crate (first `cargo check` of the generated crate; minutes), client.
        #[arg(long, value_enum, value_delimiter = ',')]
        only: Vec<Part>,
        /// Whole-process runs of each pair in the scripts (BENCH_RUNS; default 200 for the
        /// typical file, 10 for the large routes and 40 for the many files, fewer for a slow
        /// peer, 2 for the crates).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        runs: Option<u32>,
        /// A smoke-sized run: small inputs (1,001-element large routes, 100 files), 3 runs
        /// (1 of each crate), short criterion measurements, 20 paired turns of the client.
        #[arg(long)]
        quick: bool,
    },
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
        Command::Bench { only, runs, quick } => {
            let parts: Vec<Part> = ALL_PARTS
                .into_iter()
                .filter(|part| only.is_empty() || only.contains(part))
                .collect();
            let load_at_start = load_average();
            let options = bench::Options { parts, runs, quick };
            let (measurements, errors) = bench::run(&root, &options);
            let missing = bench::unmeasured(GOALS, &options.parts, &measurements);
            print!("{}", bench::render_table(GOALS, &measurements, &missing));
            let (met, checked) = bench::goals_met(GOALS, &measurements);
            println!();
            println!(
                "goals met: {met} of {checked}{}; {}{}; {} cores; load average {load_at_start} at the start, {} at the end",
                if missing.is_empty() {
                    String::new()
                } else {
                    format!(", {} not measured", missing.len())
                },
                now(),
                if quick { "; --quick (smoke-sized)" } else { "" },
                std::thread::available_parallelism().map_or(1, |n| n.get()),
                load_average(),
            );
            if errors.is_empty() && missing.is_empty() {
                return Ok(ExitCode::SUCCESS);
            }
            eprintln!("error: not every comparison was measured:");
            for error in &errors {
                eprintln!("  {error}");
            }
            for goal in &missing {
                eprintln!("  no measurement for {} against {}", goal.work, goal.peer);
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

/// The three load averages of /proc/loadavg, or `unknown`.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

/// The date and time in UTC, as `date` prints it, or nothing.
fn now() -> String {
    std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|text| text.trim().to_string())
        .unwrap_or_default()
}

//! The subcommands that need a server, the network or the code generator (`serve`, `pull`,
//! `plan`, `apply`, `rollback`, `history`, `generate`), and the two ways to run them: in this
//! process (`run_here`, what `dynroute-full` links) or in `dynroute-full`, installed beside
//! this program (`run_beside`, what `dynroute` does).
//!
//! Every start of a program pays for its size: the dynamic loader applies the relocations of
//! everything linked, whatever the subcommand. `dynroute validate`, `trace` and `test` are
//! what pre-commit and CI start once per commit or file; linking the server (axum, SQLite),
//! the client (reqwest, rustls) and the generator beside them made each start about a
//! quarter slower. So `dynroute` parses the whole command line (one definition, one help
//! text, one set of errors) and hands these subcommands to `dynroute-full`, as git hands
//! `git foo` to `git-foo`. A function that `run_beside` replaces is never referenced, so
//! the linker leaves it out.

use std::process::ExitCode;

use crate::USAGE_OR_IO;

/// The binary that links every subcommand, installed beside `dynroute`.
pub const FULL_PROGRAM: &str = "dynroute-full";

/// The one argument with which [`FULL_PROGRAM`] says why files fail the route schema (the
/// helper's side of the `reasons` module) instead of running the command: what `dynroute`
/// starts when a file fails the quick verdict, so that it does not link the JSON Schema
/// compiler. It is not part of the command line users see (no help, no completion).
pub const SCHEMA_REASONS: &str = "--schema-reasons";

/// Set, to the path of the program that [`run_beside`] starts, in that program's environment:
/// a program that would start the same path again finds it set, so it was started by
/// `run_beside` and is not `dynroute-full` (a copy of `dynroute` under that name), and would
/// otherwise start itself again and again.
const STARTED_BESIDE: &str = "DYNROUTE_STARTED_BESIDE";

#[derive(Debug, clap::Subcommand)]
pub(crate) enum FullCommand {
    /// Serve a local, stateful Dynamic Routing API (and a route-aware inference endpoint)
    /// for tests and CI.
    #[cfg(feature = "serve")]
    Serve(crate::serve::ServeArgs),
    /// Write every deployed route of a gateway as a route file.
    #[cfg(feature = "deploy")]
    Pull(crate::deploy::PullArgs),
    /// Validate and test a folder of route files, and show what `apply` would change
    /// (exit 0 no changes, 2 changes, 1 errors).
    #[cfg(feature = "deploy")]
    Plan(crate::deploy::PlanArgs),
    /// Make the deployed routes equal the files: create, new version then deployment, and
    /// (with --prune) delete.
    #[cfg(feature = "deploy")]
    Apply(crate::deploy::ApplyArgs),
    /// Deploy the previously deployed version of a route (or the one named).
    #[cfg(feature = "deploy")]
    Rollback(crate::deploy::RollbackArgs),
    /// List a route's versions (with what changed) and deployments.
    #[cfg(feature = "deploy")]
    History(crate::deploy::HistoryArgs),
    /// Generate a Rust client crate (models, operations, HTTP runtime) from an OpenAPI 3.0
    /// description, JSON or YAML.
    #[cfg(feature = "generate")]
    Generate(crate::generate::GenerateArgs),
}

/// One of the subcommands that need a server, the network or the code generator, parsed from
/// the command line. `main_with` gives it to the function its binary chose: `run_here` or
/// `run_beside`.
#[derive(Debug)]
pub struct Full(pub(crate) FullCommand);

/// Runs the subcommand in this process.
pub fn run_here(full: Full) -> ExitCode {
    match full.0 {
        #[cfg(feature = "serve")]
        FullCommand::Serve(args) => crate::serve::run(args),
        #[cfg(feature = "deploy")]
        FullCommand::Pull(args) => crate::deploy::pull(args),
        #[cfg(feature = "deploy")]
        FullCommand::Plan(args) => crate::deploy::plan(args),
        #[cfg(feature = "deploy")]
        FullCommand::Apply(args) => crate::deploy::apply_command(args),
        #[cfg(feature = "deploy")]
        FullCommand::Rollback(args) => crate::deploy::rollback_command(args),
        #[cfg(feature = "deploy")]
        FullCommand::History(args) => crate::deploy::history_command(args),
        #[cfg(feature = "generate")]
        FullCommand::Generate(args) => crate::generate::run(args),
    }
}

/// Runs `dynroute-full`, from the folder of the running program, with this process's
/// arguments, standard streams and environment. On Unix it replaces this process (`exec`), so
/// signals, the exit status and the terminal are `dynroute-full`'s own; elsewhere this
/// process waits for it and exits with its status. When it is missing or cannot be started,
/// the error names its path and the exit status is 2.
pub fn run_beside(_parsed: Full) -> ExitCode {
    // The arguments were parsed to know that this subcommand is one of these; dynroute-full
    // parses them again, as the user wrote them.
    let path = match crate::beside_this_program(FULL_PROGRAM) {
        Ok(path) => path,
        Err(e) => {
            eprintln!("dynroute: {e}");
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    if std::env::var_os(STARTED_BESIDE).is_some_and(|started| started == path.as_os_str()) {
        eprintln!(
            "dynroute: {} was started to run this subcommand but is not {FULL_PROGRAM}: it \
             handed the subcommand on again",
            path.display()
        );
        return ExitCode::from(USAGE_OR_IO);
    }
    let mut arguments = std::env::args_os();
    let mut command = std::process::Command::new(&path);
    command.env(STARTED_BESIDE, &path);
    #[cfg(unix)]
    if let Some(name) = arguments.next() {
        // Usage lines and errors name the command the user typed, not dynroute-full.
        std::os::unix::process::CommandExt::arg0(&mut command, name);
    }
    #[cfg(not(unix))]
    let _ = arguments.next();
    command.args(arguments);
    let cannot_start = |e: std::io::Error| {
        eprintln!(
            "dynroute: this subcommand is run by {FULL_PROGRAM}, which cannot be started \
             ({}): {e}; it is installed beside dynroute with it (`cargo install --path cli` \
             installs both)",
            path.display()
        );
        ExitCode::from(USAGE_OR_IO)
    };
    #[cfg(unix)]
    {
        // Returns only when the program could not be started.
        let e = std::os::unix::process::CommandExt::exec(&mut command);
        cannot_start(e)
    }
    #[cfg(not(unix))]
    match command.status() {
        Ok(status) => status
            .code()
            .and_then(|code| u8::try_from(code).ok())
            .map_or(ExitCode::FAILURE, ExitCode::from),
        Err(e) => cannot_start(e),
    }
}

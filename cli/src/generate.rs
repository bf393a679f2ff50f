//! `dynroute generate SPEC --out DIR`: a Rust client crate (models, operations and the HTTP
//! runtime) from any OpenAPI 3.0 or 3.1 description, JSON or YAML, written by the code generator's
//! [`dynroute_codegen::standalone::generate_crate`], the same function behind `cargo xtask
//! generate --spec --out` in this repository.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use dynroute_codegen::standalone::{CrateError, CrateRequest, generate_crate};

use crate::USAGE_OR_IO;

/// Arguments of `dynroute generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The OpenAPI 3.0 or 3.1 description (JSON or YAML).
    spec: PathBuf,
    /// The directory of the crate (created if missing). Files the generator did not write are
    /// never replaced, and generated files a new generation no longer has are removed.
    #[arg(long)]
    out: PathBuf,
    /// Package name (default: made from the directory's name).
    #[arg(long)]
    name: Option<String>,
    /// Generate every operation and type that needs no unsupported construct and leave out
    /// the others, each named in a warning (without it, the unsupported constructs are an
    /// error that lists them all).
    #[arg(long)]
    skip_unsupported: bool,
}

/// Runs `dynroute generate`: exit 0 with the crate written, 1 when the description is
/// refused (every unsupported construct listed), 2 for a usage or I/O problem.
pub fn run(args: GenerateArgs) -> ExitCode {
    let request = CrateRequest {
        spec: &args.spec,
        out: &args.out,
        name: args.name.as_deref(),
        skip_unsupported: args.skip_unsupported,
        protected: None,
    };
    match generate_crate(&request, &mut |step| eprintln!("{step}")) {
        Ok(done) => {
            for file in &done.written.removed {
                eprintln!("removed stale {}", args.out.join(file).display());
            }
            println!("wrote crate `{}` to {}", done.name, args.out.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            match error {
                CrateError::Unsupported { .. } | CrateError::Generate { .. } => ExitCode::FAILURE,
                _ => ExitCode::from(USAGE_OR_IO),
            }
        }
    }
}

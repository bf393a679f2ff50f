//! `dynroute-hook`: the binary pre-commit installs from the repository root.
//! It runs the same command line as `dynroute`.

fn main() -> std::process::ExitCode {
    dynroute_validator::cli::main()
}

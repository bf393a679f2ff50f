//! The one entry point of the `dynroute` command: the `dynroute` binary of this package and
//! the `dynroute-hook` binary of the root package (what pre-commit installs) are both built
//! from this file.

fn main() -> std::process::ExitCode {
    dynroute::main()
}

//! `dynroute-hook`: the `dynroute` command as pre-commit installs it, with validation only
//! (the command's default features off). It does not link the JSON Schema compiler: a file
//! that fails the quick verdict is explained by `dynroute-hook-reasons`, installed beside it
//! (see the `reasons` module of the `dynroute` crate).

static REASONS: dynroute::reasons::Helper =
    dynroute::reasons::Helper::beside_this_program("dynroute-hook-reasons", &[]);

fn main() -> std::process::ExitCode {
    dynroute::main_with(&REASONS, dynroute::run_beside)
}

//! The entry point of the `dynroute` binary. It runs `dynroute-full`, installed beside it,
//! for the subcommands that need a server, the network or the code generator (see `full`),
//! and asks it why a file fails the route schema (see `reasons`), so that it links none of
//! them. The root package's `dynroute-hook` (what pre-commit installs) runs the same command
//! from `hook/main.rs`, asking `dynroute-hook-reasons` instead.

static REASONS: dynroute::reasons::Helper = dynroute::reasons::Helper::beside_this_program(
    dynroute::FULL_PROGRAM,
    &[dynroute::SCHEMA_REASONS],
);

fn main() -> std::process::ExitCode {
    dynroute::main_with(&REASONS, dynroute::run_beside)
}

//! The entry point of `dynroute-full`: the `dynroute` command with every subcommand linked
//! in. `dynroute` runs it for `serve`, `pull`, `plan`, `apply`, `rollback`, `history` and
//! `generate`; it can also be run by itself.

fn main() -> std::process::ExitCode {
    dynroute::main_with(&dynroute_validator::schema::Compiled, dynroute::run_here)
}

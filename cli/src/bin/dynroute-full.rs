//! The entry point of `dynroute-full`: the `dynroute` command with every subcommand linked
//! in. `dynroute` runs it for `serve`, `pull`, `plan`, `apply`, `rollback`, `history` and
//! `generate`, and asks it why a file fails the route schema (`--schema-reasons`, its only
//! argument); it can also be run by itself.

fn main() -> std::process::ExitCode {
    let mut args = std::env::args_os().skip(1);
    if args
        .next()
        .is_some_and(|arg| arg == dynroute::SCHEMA_REASONS)
        && args.next().is_none()
    {
        return dynroute::reasons::serve("dynroute-full");
    }
    dynroute::main_with(&dynroute_validator::schema::Compiled, dynroute::run_here)
}

//! The entry point of the `dynroute` binary. It runs `dynroute-full`, installed beside it,
//! for the subcommands that need a server, the network or the code generator (see `full`),
//! so that it does not link them. The root package's `dynroute-hook` (what pre-commit
//! installs) runs the same command from `hook/main.rs`, asking another process why a file
//! fails the route schema.

fn main() -> std::process::ExitCode {
    dynroute::main_with(&dynroute_validator::schema::Compiled, dynroute::run_beside)
}

//! The entry point of the `dynroute` binary. The root package's `dynroute-hook` (what
//! pre-commit installs) runs the same command from `hook/main.rs`, asking another process
//! why a file fails the route schema.

fn main() -> std::process::ExitCode {
    dynroute::main()
}

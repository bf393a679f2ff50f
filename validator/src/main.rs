fn main() -> std::process::ExitCode {
    dynroute_validator::cli::main()
}

//! `dynroute-hook-reasons`: says why files fail the route schema, for `dynroute-hook`, which
//! starts it. It reads one question per line on standard input and answers on standard
//! output (the `reasons` module of the `dynroute` crate).

fn main() -> std::process::ExitCode {
    dynroute::reasons::serve("dynroute-hook-reasons")
}

//! The baseline of `scripts/bench-validate`: reads a file and parses it into a
//! `serde_json::Value` (serde_json as the workspace builds it), and nothing else, so that
//! `dynroute validate` on a large route can be set against a bare parse of the same bytes,
//! both as whole processes.
//!
//!   cargo build --release -p dynroute --example parse_only
//!   target/release/examples/parse_only FILE      # exit 0 parsed, 1 not JSON, 2 unreadable

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: parse_only FILE");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("parse_only: cannot read {}: {e}", path.to_string_lossy());
            return ExitCode::from(2);
        }
    };
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(value) => {
            std::hint::black_box(&value);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("parse_only: {}: {e}", path.to_string_lossy());
            ExitCode::from(1)
        }
    }
}

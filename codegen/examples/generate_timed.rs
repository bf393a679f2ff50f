//! Times in-process generation from one OpenAPI description: [`dynroute_codegen::generate`]
//! (parse to formatted text, models and client) on the text of FILE, read once beforehand, so
//! the figure is the generator's alone, without reading the file, writing the crate or
//! starting a process.
//!
//! ```sh
//! CARGO_TARGET_DIR=target/codegen cargo run --release -p dynroute-codegen \
//!   --example generate_timed -- FILE [--runs N] [--skip-unsupported]
//! ```
//!
//! Prints each run's time, then one summary line:
//! `FILE: min 1234.5 ms, median 1240.1 ms over 3 runs; 1234 types, 567 operations, 8 left
//! out; 123456 lines`. Exit 1 when the description is refused (the time it took to refuse it
//! is printed first), 2 for a usage or I/O problem. `scripts/bench-github` runs it on GitHub's
//! description.

use dynroute_codegen::{Settings, generate};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut file = None;
    let mut runs = 3usize;
    let mut skip_unsupported = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--skip-unsupported" => skip_unsupported = true,
            "--runs" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => runs = n,
                _ => return usage("--runs takes a number above 0"),
            },
            _ if file.is_none() && !arg.starts_with("--") => file = Some(arg),
            _ => return usage(&format!("unexpected argument `{arg}`")),
        }
    }
    let Some(file) = file else {
        return usage("no description given");
    };
    let text = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: cannot read {file}: {e}");
            return ExitCode::from(2);
        }
    };
    let label = std::path::Path::new(&file)
        .file_name()
        .map_or_else(|| file.clone(), |name| name.to_string_lossy().into_owned());
    let mut settings = Settings::new(label);
    settings.skip_unsupported = skip_unsupported;

    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for run in 1..=runs {
        let start = Instant::now();
        let result = generate(&text, &settings);
        let ms = start.elapsed().as_secs_f64() * 1e3;
        match result {
            Ok(output) => {
                println!("run {run}: {ms:.1} ms");
                times.push(ms);
                last = Some(output);
            }
            Err(error) => {
                println!("run {run}: refused after {ms:.1} ms");
                let message = error.to_string();
                let first = message.lines().next().unwrap_or_default();
                eprintln!("error: {file}: {first}");
                return ExitCode::FAILURE;
            }
        }
    }
    let Some(output) = last else {
        return ExitCode::FAILURE;
    };
    times.sort_by(f64::total_cmp);
    let median = if runs % 2 == 1 {
        times[runs / 2]
    } else {
        (times[runs / 2 - 1] + times[runs / 2]) / 2.0
    };
    let lines: usize = output.src.values().map(|src| src.lines().count()).sum();
    println!(
        "{file}: min {:.1} ms, median {median:.1} ms over {runs} run{}; {} types, {} operations, \
         {} left out; {lines} lines",
        times[0],
        if runs == 1 { "" } else { "s" },
        output.types,
        output.operations,
        output.skipped.len(),
    );
    ExitCode::SUCCESS
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("error: {problem}");
    eprintln!("usage: generate_timed FILE [--runs N] [--skip-unsupported]");
    ExitCode::from(2)
}

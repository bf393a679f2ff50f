//! Validator performance, measured in one run:
//!
//! * `process/validate_typical_route`: wall time of a whole `dynroute validate` process on
//!   spec/examples/valid/support-route.json (start-up, schema compilation, checks, output);
//! * `throughput/*`: a 100,001-element route (50,000 percentage + 50,000 model elements), validated in full
//!   (`check_source`) next to a `serde_json::from_str::<Value>` parse of the same bytes.
//!
//! Run: `cargo bench -p dynroute-validator --bench validate`
//!
//! Recorded on the 2-core development machine (rustc 1.95, release, other builds running):
//! process/validate_typical_route 4.2 ms; throughput on 14.8 MiB: serde_json_parse_only
//! 240 ms (61.9 MiB/s), dynroute_check_source 725 ms (20.5 MiB/s).

use std::hint::black_box;
use std::path::Path;
use std::process::{Command, Stdio};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dynroute_validator::{Config, check_source};

fn large_route(models: usize) -> String {
    let mut s = String::with_capacity(models * 220);
    s.push_str("{\"name\":\"large\",\"elements\":[\n");
    s.push_str("{\"id\":\"start\",\"type\":\"start\",\"outputs\":{\"next\":{\"elementId\":\"split0\"}}},\n");
    for i in 0..models {
        let next = if i + 1 < models {
            format!("split{}", i + 1)
        } else {
            "end".to_string()
        };
        s.push_str(&format!(
            "{{\"id\":\"split{i}\",\"type\":\"percentage\",\"outputs\":{{\"30%\":{{\"elementId\":\"m{i}\"}},\"70%\":{{\"elementId\":\"{next}\"}}}}}},\n\
             {{\"id\":\"m{i}\",\"type\":\"model\",\"properties\":{{\"provider\":\"openai\",\"model\":\"gpt-4o-mini\",\"timeout\":60000,\"retries\":2}},\"outputs\":{{\"success\":{{\"elementId\":\"end\"}},\"fallback\":{{\"elementId\":\"{next}\"}}}}}},\n"
        ));
    }
    s.push_str("{\"id\":\"end\",\"type\":\"end\",\"outputs\":{}}\n]}");
    s
}

fn process(c: &mut Criterion) {
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/examples/valid/support-route.json");
    let exe = env!("CARGO_BIN_EXE_dynroute");
    let mut group = c.benchmark_group("process");
    group.sample_size(50);
    group.bench_function("validate_typical_route", |b| {
        b.iter(|| {
            let status = Command::new(exe)
                .arg("validate")
                .arg(&file)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("dynroute runs");
            assert!(status.success());
        });
    });
    group.finish();
}

fn throughput(c: &mut Criterion) {
    let text = large_route(50_000);
    let config = Config::default();
    // Compile the schema outside the measurement, as a long-running process would.
    let warm = check_source("large.json", &text, &config).expect("schema");
    assert!(
        warm.is_empty(),
        "benchmark input must be valid: {:?}",
        warm.first()
    );
    let mut group = c.benchmark_group("throughput");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("serde_json_parse_only", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&text)).expect("valid JSON"));
    });
    group.bench_function("dynroute_check_source", |b| {
        b.iter(|| check_source("large.json", black_box(&text), &config).expect("schema"));
    });
    group.finish();
}

criterion_group!(benches, process, throughput);
criterion_main!(benches);

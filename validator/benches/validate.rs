//! Validator throughput, measured in one run: a 100,001-element route (50,000 percentage +
//! 50,000 model elements), validated in full (`check_source`) next to a
//! `serde_json::from_str::<Value>` parse of the same bytes. The whole-process time of the
//! command is measured by the `process` bench of the `dynroute` package.
//!
//! Run: `cargo bench -p dynroute-validator --bench validate`
//!
//! Recorded on the 2-core development machine (rustc 1.95, release, other builds running):
//! throughput on 14.8 MiB: serde_json_parse_only 240 ms (61.9 MiB/s), dynroute_check_source
//! 725 ms (20.5 MiB/s).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dynroute_validator::{Config, check_source};
use std::hint::black_box;

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

criterion_group!(benches, throughput);
criterion_main!(benches);

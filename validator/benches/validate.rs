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
use dynroute_validator::draw::GraphFormat;
use dynroute_validator::output::{self, Format};
use dynroute_validator::{Config, check_bytes, check_source, draw_bytes};
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

/// A document with `n` unknown top-level keys: `n` `ignored-property` warnings, each located
/// in one object of `n` members.
fn unknown_keys(n: usize) -> String {
    let mut s = String::from(r#"{"name":"r","elements":[]"#);
    for i in 0..n {
        s.push_str(&format!(r#","k{i}":1"#));
    }
    s.push('}');
    s
}

/// A chain of `n` models, each with a `fallback` to an element that does not exist, minified
/// onto one line when `minified`.
fn dangling_chain(n: usize, minified: bool) -> String {
    let sep = if minified { "" } else { "\n" };
    let mut s = format!(
        r#"{{"name":"r","elements":[{sep}{{"id":"s","type":"start","outputs":{{"next":{{"elementId":"m0"}}}}}}"#
    );
    for i in 0..n {
        let next = if i + 1 < n {
            format!("m{}", i + 1)
        } else {
            "e".to_string()
        };
        s.push_str(&format!(
            r#",{sep}{{"id":"m{i}","type":"model","properties":{{"provider":"p","model":"m","timeout":1,"retries":0}},"outputs":{{"success":{{"elementId":"{next}"}},"fallback":{{"elementId":"gone{i}"}}}}}}"#
        ));
    }
    s.push_str(&format!(
        r#",{sep}{{"id":"e","type":"end","outputs":{{}}}}]}}"#
    ));
    s
}

/// Inputs that were quadratic once, at two sizes 10x apart: the ratio of the two times is
/// about 10 when the work is linear.
fn growth(c: &mut Criterion) {
    let config = Config::default();
    let mut group = c.benchmark_group("growth");
    group.sample_size(10);
    for n in [10_000, 100_000] {
        let text = unknown_keys(n);
        group.bench_function(format!("unknown_keys/{n}"), |b| {
            b.iter(|| check_source("k.json", black_box(&text), &config).expect("schema"));
        });
    }
    for n in [5_000, 50_000] {
        let text = dangling_chain(n, false);
        group.bench_function(format!("dangling_references/{n}"), |b| {
            b.iter(|| check_source("d.json", black_box(&text), &config).expect("schema"));
        });
        group.bench_function(format!("graph_dangling/{n}"), |b| {
            b.iter(|| {
                draw_bytes(
                    "d.json",
                    black_box(text.as_bytes().to_vec()),
                    GraphFormat::Mermaid,
                    &config,
                )
                .expect("schema")
            });
        });
    }
    for n in [400, 4_000] {
        let text = dangling_chain(n, true);
        let report = check_bytes("min.json", text.clone().into_bytes(), &config).expect("schema");
        group.bench_function(format!("human_minified/{n}"), |b| {
            b.iter(|| {
                output::write(
                    Format::Human,
                    std::slice::from_ref(black_box(&report)),
                    &[],
                    false,
                    &mut std::io::sink(),
                )
                .expect("writes")
            });
        });
    }
    group.finish();
}

criterion_group!(benches, throughput, growth);
criterion_main!(benches);

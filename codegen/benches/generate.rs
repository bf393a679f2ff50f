//! In-process generation speed: parse + type space + tokens + syn + prettyplease + route
//! schema, for `spec/` and for Cloudflare's official description.
//!
//! Run: `CARGO_TARGET_DIR=target/codegen cargo bench -p dynroute-codegen --bench generate`
//! Measured on a shared 2-core machine (rustc 1.95, release bench profile), including the
//! client emitter, with `-- --warm-up-time 1 --measurement-time 3`:
//! `generate/spec` 5.2 ms (5.1–5.2), `generate/official` 9.8 ms (9.7–10.0), with the
//! number helper and docs escaping (an earlier run, before them and under heavier machine
//! load, gave 6.2 and 12.5 ms).

use criterion::{Criterion, criterion_group, criterion_main};
use dynroute_codegen::{Settings, generate};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let specs = [
        ("spec", format!("{root}/spec/dynamic-routing.openapi.json")),
        (
            "official",
            format!("{root}/../shared/reference/cloudflare-dynamic-routing.openapi.json"),
        ),
    ];
    for (name, path) in specs {
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("skipping {name}: cannot read {path}");
            continue;
        };
        let mut settings = Settings::new(name);
        settings.document_component = (name == "spec").then(|| "RouteDefinition".to_string());
        c.bench_function(&format!("generate/{name}"), |b| {
            b.iter(|| generate(black_box(&text), &settings).map(|o| o.src.len()))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Growth on hostile input: a description whose component schemas form one ring
//! (`S0.next` -> `S1`, ..., `S{N-1}.next` -> `S0`), every edge of it a cycle held by value,
//! for N = 2,000 and 20,000. `ring/generate/N` is the whole pipeline (parse to formatted
//! text); `ring/boxed_edges/N` is the cycle search alone, on a finished type space. Both
//! do ten times the work for ten times the schemas.
//!
//! Run: `CARGO_TARGET_DIR=target/codegen cargo bench -p dynroute-codegen --bench ring`
//! (the figures are in the README's generator section).

use criterion::{Criterion, criterion_group, criterion_main};
use dynroute_codegen::{Settings, TypeSpace, generate};
use std::hint::black_box;

/// An OpenAPI description with `n` object schemas in one ring of `$ref`s.
fn ring(n: usize) -> String {
    let schemas: serde_json::Map<String, serde_json::Value> = (0..n)
        .map(|i| {
            let next = format!("#/components/schemas/S{}", (i + 1) % n);
            let schema = serde_json::json!({
                "type": "object",
                "properties": {"id": {"type": "string"}, "next": {"$ref": next}}
            });
            (format!("S{i}"), schema)
        })
        .collect();
    serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "ring", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas}
    })
    .to_string()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("ring");
    group.sample_size(10);
    for n in [2_000, 20_000] {
        let text = ring(n);
        group.bench_function(format!("generate/{n}"), |b| {
            b.iter(|| generate(black_box(&text), &Settings::new("ring.json")).map(|o| o.src.len()))
        });
        let space = dynroute_codegen::parse::parse(&text)
            .and_then(|spec| {
                let mut space = TypeSpace::new(&spec)?;
                space.finalize()?;
                Ok(space)
            })
            .unwrap_or_else(|e| panic!("ring of {n}: {e}"));
        group.bench_function(format!("boxed_edges/{n}"), |b| {
            b.iter(|| black_box(&space).boxed_edges().len())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Growth with the size of an ordinary description: `spec/dynamic-routing.openapi.json` (5
//! paths, 10 operations, 38 component schemas; 88 KB) made 1x, 4x and 16x as large by copying
//! every path and every component (schemas, parameters, responses, examples, ...) under
//! renamed keys, each `$ref` and discriminator mapping rewritten to point into its own copy.
//! `scale/generate/Nx` is the whole pipeline (parse to formatted text, models and client);
//! linear generation takes N times as long for N copies.
//!
//! Run: `CARGO_TARGET_DIR=target/codegen cargo bench -p dynroute-codegen --bench scale`
//! (the figures are in the README's generator section).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dynroute_codegen::{Settings, generate};
use serde_json::{Map, Value};
use std::hint::black_box;

/// Component sections whose entries are copied; security schemes are named by security
/// requirements rather than referenced, and stay shared.
const SECTIONS: &[&str] = &[
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "examples",
    "links",
    "callbacks",
];

/// The suffix of copy `k` (copy 0 is the original).
fn suffix(k: usize) -> String {
    if k == 0 {
        String::new()
    } else {
        format!("Copy{k}")
    }
}

/// `reference` pointed into copy `k`: `#/components/schemas/Foo/properties/x` ->
/// `#/components/schemas/FooCopy2/properties/x`; other references as they are.
fn renamed_ref(reference: &str, k: usize) -> String {
    if let Some(rest) = reference.strip_prefix("#/components/") {
        let mut parts = rest.splitn(3, '/');
        if let (Some(section), Some(name)) = (parts.next(), parts.next())
            && SECTIONS.contains(&section)
        {
            let tail = parts.next().map(|t| format!("/{t}")).unwrap_or_default();
            return format!("#/components/{section}/{name}{}{tail}", suffix(k));
        }
    }
    reference.to_string()
}

/// `value` with every `$ref`, discriminator mapping and `operationId` pointed into copy `k`.
fn renamed(value: &Value, k: usize) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, v)| {
                    let v = match (key.as_str(), v) {
                        ("$ref", Value::String(r)) => Value::String(renamed_ref(r, k)),
                        ("operationId", Value::String(id)) => {
                            Value::String(format!("{id}{}", suffix(k)))
                        }
                        ("discriminator", Value::Object(d)) => {
                            let mut d = d.clone();
                            if let Some(Value::Object(mapping)) = d.get_mut("mapping") {
                                for target in mapping.values_mut() {
                                    if let Value::String(t) = target {
                                        // A mapping value is a reference or a component name.
                                        *t = if t.starts_with('#') {
                                            renamed_ref(t, k)
                                        } else {
                                            format!("{t}{}", suffix(k))
                                        };
                                    }
                                }
                            }
                            Value::Object(d)
                        }
                        _ => renamed(v, k),
                    };
                    (key.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| renamed(v, k)).collect()),
        other => other.clone(),
    }
}

/// `base` with its paths and components `n` times over: copy `k` of path `/p` is
/// `/copyk/p`, of component `Foo` is `FooCopyk` (copy 0 is the original).
fn scaled(base: &Value, n: usize) -> String {
    let mut spec = base.clone();
    let empty = Map::new();
    let paths = base["paths"].as_object().unwrap_or(&empty);
    let mut all_paths = Map::new();
    for k in 0..n {
        for (path, item) in paths {
            let path = if k == 0 {
                path.clone()
            } else {
                format!("/copy{k}{path}")
            };
            all_paths.insert(path, renamed(item, k));
        }
    }
    spec["paths"] = Value::Object(all_paths);
    for section in SECTIONS {
        let Some(entries) = base["components"][section].as_object() else {
            continue;
        };
        let mut all = Map::new();
        for k in 0..n {
            for (name, entry) in entries {
                all.insert(format!("{name}{}", suffix(k)), renamed(entry, k));
            }
        }
        spec["components"][section] = Value::Object(all);
    }
    serde_json::to_string_pretty(&spec).expect("a JSON value prints")
}

fn bench(c: &mut Criterion) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/dynamic-routing.openapi.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let base: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let settings = Settings::new("scaled.json");
    let one = generate(&text, &settings).unwrap_or_else(|e| panic!("{path}: {e}"));

    let mut group = c.benchmark_group("scale");
    group.sample_size(10);
    for n in [1, 4, 16] {
        let text = scaled(&base, n);
        // Each copy is a description of its own: n times the operations, and n times the types
        // but for inline schemas that refer to no component, identical in every copy and so
        // deduplicated into one type.
        let output = generate(&text, &settings).unwrap_or_else(|e| panic!("{n}x: {e}"));
        assert_eq!(output.operations, n * one.operations, "operations of {n}x");
        assert!(output.types > (n - 1) * one.types, "types of {n}x");
        eprintln!(
            "scale/{n}x: {} bytes, {} operations, {} types",
            text.len(),
            output.operations,
            output.types
        );
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("generate/{n}x"), |b| {
            b.iter(|| generate(black_box(&text), &settings).map(|o| o.src.len()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

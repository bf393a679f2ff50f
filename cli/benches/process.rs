//! Wall time of a whole `dynroute validate` process on
//! spec/examples/valid/support-route.json (start-up, schema compilation, checks, output).
//!
//! Run: `cargo bench -p dynroute --bench process`
//!
//! Recorded on the 2-core development machine (rustc 1.95, release, other builds running):
//! process/validate_typical_route 4.2 ms.

use std::path::Path;
use std::process::{Command, Stdio};

use criterion::{Criterion, criterion_group, criterion_main};

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

criterion_group!(benches, process);
criterion_main!(benches);

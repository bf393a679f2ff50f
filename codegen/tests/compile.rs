//! Every snapshot must compile, under `#![deny(warnings)]`, as the `models` module of
//! a crate (as typify does with trybuild over its snapshots).

use std::path::{Path, PathBuf};

#[test]
fn snapshots_compile_without_warnings() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = manifest.join("../target/codegen-compile-tests");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let cases = trybuild::TestCases::new();
    let mut snapshots: Vec<PathBuf> = std::fs::read_dir(manifest.join("tests/snapshots"))
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    snapshots.sort();
    assert!(snapshots.len() >= 10, "snapshots missing");
    for snapshot in snapshots {
        let stem = snapshot
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("snapshot");
        let wrapper = dir.join(format!("{stem}.rs"));
        // Unused public items of a binary are dead code; everything else is denied.
        let text = format!(
            "#![deny(warnings)]\n#![allow(dead_code)]\nmod models {{\n    include!({:?});\n}}\nfn main() {{}}\n",
            snapshot.display().to_string()
        );
        std::fs::write(&wrapper, text).unwrap_or_else(|e| panic!("{}: {e}", wrapper.display()));
        cases.pass(&wrapper);
    }
}

//! Building generated code for real: temporary crates checked with cargo.

use std::path::Path;
use std::process::Command;

/// The target directory shared by these builds, so that reruns only check the generated
/// code (the dependencies stay built): `standalone/` in the target directory the tests run
/// with when `CARGO_TARGET_DIR` names one by an absolute path, else in the workspace's
/// `target/`.
pub fn target_dir() -> std::path::PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").map(std::path::PathBuf::from) {
        Some(dir) if dir.is_absolute() => dir.join("standalone"),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/standalone"),
    }
}

/// Writes `files` (paths relative to `dir`), creating directories, and pins dependency
/// versions to the repository's lock file so nothing is resolved afresh.
pub fn write_tree<'a>(dir: &Path, files: impl IntoIterator<Item = (String, &'a str)>) {
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    std::fs::copy(&lock, dir.join("Cargo.lock"))
        .unwrap_or_else(|e| panic!("{}: {e}", lock.display()));
    for (path, text) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

/// Runs `cargo <args>` in `dir` with warnings denied in rustdoc; panics on failure.
pub fn cargo(dir: &Path, args: &[&str]) {
    let status = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .env("RUSTDOCFLAGS", "-D warnings")
        .env_remove("RUSTFLAGS")
        .status()
        .unwrap_or_else(|e| panic!("cargo {args:?}: {e}"));
    assert!(
        status.success(),
        "cargo {args:?} failed in {}",
        dir.display()
    );
}

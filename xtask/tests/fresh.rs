//! The committed generated files are what `spec/` produces (regenerated in memory, as
//! rust-analyzer does). On failure run `cargo xtask generate`.

#[test]
fn generated_files_are_fresh() {
    let root = xtask::repo_root();
    let files = xtask::expected_files(&root, &mut |_| {}).unwrap_or_else(|e| panic!("{e}"));
    assert!(files.iter().any(|(p, _)| p.ends_with("models.rs")));
    assert!(files.iter().any(|(p, _)| p.ends_with("route.schema.json")));
    let stale = xtask::stale_files(&root, &files);
    assert!(
        stale.is_empty(),
        "stale generated files (run `cargo xtask generate`): {stale:?}"
    );
}

#[test]
fn stale_files_are_listed() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let files = vec![
        ("a.rs".into(), "fresh".to_string()),
        ("b.rs".into(), "new".to_string()),
        ("c.rs".into(), "missing".to_string()),
    ];
    std::fs::write(dir.path().join("a.rs"), "fresh").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("b.rs"), "old").unwrap_or_else(|e| panic!("{e}"));
    let stale = xtask::stale_files(dir.path(), &files);
    assert_eq!(stale, [std::path::PathBuf::from("b.rs"), "c.rs".into()]);
}

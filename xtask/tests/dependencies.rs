//! Every crate keeps the dependency rules written in ARCHITECTURE.md ("Who owns what"),
//! as `cargo tree` resolves them: the validator never pulls an HTTP stack, the pre-commit
//! hook's build stays lean, nothing depends on the command line. On failure the message
//! names the rule and the chain of packages that breaks it (`cargo xtask deps` prints the
//! same).

#[test]
fn crates_keep_the_dependency_rules() {
    let root = xtask::repo_root();
    let broken = xtask::deps::check(&root).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        broken.is_empty(),
        "dependency rules broken:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_table_covers_every_workspace_package() {
    let root = xtask::repo_root();
    let text =
        std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap_or_else(|e| panic!("{e}"));
    let rules = xtask::deps::parse_rules(&text).unwrap_or_else(|e| panic!("{e}"));
    let manifest =
        std::fs::read_to_string(root.join("Cargo.toml")).unwrap_or_else(|e| panic!("{e}"));
    let members = manifest
        .lines()
        .find_map(|line| line.strip_prefix("members = "))
        .unwrap_or_else(|| panic!("Cargo.toml has no members line"));
    for folder in members.split('"').skip(1).step_by(2) {
        let package_manifest = std::fs::read_to_string(root.join(folder).join("Cargo.toml"))
            .unwrap_or_else(|e| panic!("{folder}: {e}"));
        let name = package_manifest
            .lines()
            .find_map(|line| line.strip_prefix("name = \""))
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap_or_else(|| panic!("{folder}/Cargo.toml has no package name"));
        assert!(
            rules.iter().any(|rule| rule.package == name),
            "ARCHITECTURE.md's \"Who owns what\" table has no row for `{name}` ({folder}/)"
        );
    }
}

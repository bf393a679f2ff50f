//! The rule registry against what is written about it elsewhere: README.md's rule table, the
//! failing examples in spec/examples/invalid/, and the validator's module structure (the
//! registry is a leaf, and no two modules depend on each other in a loop).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use dynroute_validator::RULES;

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Invalid examples that show how rules combine rather than one rule, with what they show.
const COMBINED_EXAMPLES: &[(&str, &str)] = &[(
    "independent-errors",
    "a schema error does not hide a graph error",
)];

/// The rows of the `| rule | default | checks |` table in README.md's Validator section.
fn readme_rule_rows() -> Vec<String> {
    let readme = std::fs::read_to_string(repository().join("README.md")).expect("README.md");
    let section = readme
        .split_once("<!-- section: validator -->")
        .and_then(|(_, rest)| rest.split_once("<!-- end section: validator -->"))
        .map(|(section, _)| section)
        .expect("README.md has a Validator section");
    let mut lines = section
        .lines()
        .skip_while(|line| line.trim() != "| rule | default | checks |");
    assert!(
        lines.next().is_some(),
        "no rule table in the Validator section"
    );
    assert_eq!(lines.next().map(str::trim), Some("| --- | --- | --- |"));
    lines
        .take_while(|line| line.starts_with('|'))
        .map(|line| line.trim().to_string())
        .collect()
}

#[test]
fn the_readme_rule_table_is_the_registry() {
    let expected: Vec<String> = RULES
        .iter()
        .map(|r| {
            format!(
                "| `{}` | {} | {} |",
                r.name,
                r.default_severity.as_str(),
                r.summary
            )
        })
        .collect();
    let found = readme_rule_rows();
    assert!(
        found == expected,
        "README.md's rule table (Validator section) differs from the registry \
         (validator/src/registry.rs); the table should read:\n\n\
         | rule | default | checks |\n| --- | --- | --- |\n{}\n\nit reads:\n\n{}\n",
        expected.join("\n"),
        found.join("\n")
    );
}

#[test]
fn every_invalid_example_is_a_rule_example_or_a_listed_combination() {
    let dir = repository().join("spec/examples/invalid");
    let mut stems: BTreeSet<String> = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("spec/examples/invalid") {
        let path = entry.expect("directory entry").path();
        assert_eq!(
            path.extension().and_then(|e| e.to_str()),
            Some("json"),
            "{} is not a JSON example",
            path.display()
        );
        let stem = path.file_stem().expect("file name").to_string_lossy();
        stems.insert(stem.into_owned());
    }
    let rules: BTreeSet<&str> = RULES.iter().map(|r| r.name).collect();
    let combined: BTreeSet<&str> = COMBINED_EXAMPLES.iter().map(|(name, _)| *name).collect();
    for stem in &stems {
        assert!(
            rules.contains(stem.as_str()) || combined.contains(stem.as_str()),
            "spec/examples/invalid/{stem}.json names no registered rule (validator/src/registry.rs)"
        );
    }
    for rule in RULES {
        assert!(
            stems.contains(rule.name),
            "rule `{}` has no example spec/examples/invalid/{}.json",
            rule.name,
            rule.name
        );
        assert_eq!(
            rule.example_path,
            format!("spec/examples/invalid/{}.json", rule.name)
        );
        let on_disk = std::fs::read_to_string(repository().join(rule.example_path))
            .expect("readable example");
        assert_eq!(rule.example, on_disk, "{}", rule.example_path);
    }
    for name in combined {
        assert!(
            !rules.contains(name) && stems.contains(name),
            "{name} is listed as a combined example but is a rule or missing"
        );
    }
}

#[test]
fn rule_names_are_unique_kebab_case() {
    let mut seen = BTreeSet::new();
    for rule in RULES {
        assert!(seen.insert(rule.name), "`{}` is declared twice", rule.name);
        assert!(
            !rule.name.is_empty()
                && rule
                    .name
                    .split('-')
                    .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())),
            "`{}` is not kebab-case",
            rule.name
        );
        assert_eq!(dynroute_validator::registry::rule(rule.name), Some(rule));
    }
}

/// The validator's modules (`src/rules/*.rs` is the module `rules`) and the modules each one
/// names through `crate::`; names that are not modules (items of the crate root) are left out.
fn module_dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).expect("src") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let module_of = |path: &Path| -> Option<String> {
        let relative = path.strip_prefix(&src).expect("under src");
        let first = relative.components().next()?.as_os_str().to_string_lossy();
        let name = first.trim_end_matches(".rs").to_string();
        (name != "lib").then_some(name)
    };
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let Some(module) = module_of(file) else {
            continue;
        };
        let text = std::fs::read_to_string(file).expect("source");
        let uses = graph.entry(module.clone()).or_default();
        for (_, rest) in text
            .match_indices("crate::")
            .map(|(i, _)| text.split_at(i + 7))
        {
            let names: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group
                    .split('}')
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .map(str::trim)
                    .collect(),
                None => vec![rest],
            };
            for name in names {
                let first: String = name
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if modules.contains(&first) && first != module {
                    uses.insert(first);
                }
            }
        }
    }
    graph
}

#[test]
fn the_registry_and_the_known_fields_are_leaves() {
    let graph = module_dependencies();
    assert!(graph.contains_key("registry") && graph.contains_key("fields"));
    for leaf in ["registry", "fields"] {
        assert_eq!(
            graph[leaf],
            BTreeSet::new(),
            "src/{leaf}.rs must use nothing else of the validator"
        );
    }
}

#[test]
fn no_two_modules_depend_on_each_other_in_a_loop() {
    let graph = module_dependencies();
    // Depth-first search for a back edge, in a fixed order so a failure names the same loop.
    let mut state: BTreeMap<&str, u8> = BTreeMap::new();
    for (root, deps) in &graph {
        if state.contains_key(root.as_str()) {
            continue;
        }
        state.insert(root, 1);
        let mut stack: Vec<(&str, Vec<&str>)> =
            vec![(root.as_str(), deps.iter().map(String::as_str).collect())];
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            match next.pop() {
                None => {
                    state.insert(node, 2);
                    stack.pop();
                }
                Some(dep) => match state.get(dep) {
                    Some(1) => {
                        let path: Vec<&str> = stack.iter().map(|(m, _)| *m).collect();
                        panic!("module loop: {} -> {dep}", path.join(" -> "));
                    }
                    Some(_) => {}
                    None => {
                        state.insert(dep, 1);
                        let deps = graph
                            .get(dep)
                            .map(|d| d.iter().map(String::as_str).collect())
                            .unwrap_or_default();
                        stack.push((dep, deps));
                    }
                },
            }
        }
    }
}

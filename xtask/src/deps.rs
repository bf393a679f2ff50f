//! The dependency rules of ARCHITECTURE.md, checked against what cargo really builds.
//!
//! ARCHITECTURE.md's table "Who owns what" is the one place the rules are written: for each
//! build (a package, optionally without its default features) the workspace crates it may
//! depend on directly and the packages it must never pull in, however indirectly. The check
//! reads that table, asks `cargo tree` for each build's normal (non-dev) dependencies with the
//! features that build really has, and lists every rule broken, with the chain of packages
//! that pulls the forbidden one in.

use std::path::Path;
use std::process::Command;

/// The heading of the table in ARCHITECTURE.md.
pub const HEADING: &str = "## Who owns what";

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The package, e.g. `dynroute-validator`.
    pub package: String,
    /// The build is the package without its default features.
    pub no_default_features: bool,
    /// Workspace packages it may depend on directly.
    pub may_depend_on: Vec<String>,
    /// Packages that must not be anywhere in its dependency tree.
    pub never_pulls: Vec<String>,
}

impl Rule {
    /// How the build is named in messages.
    pub fn build(&self) -> String {
        if self.no_default_features {
            format!("{} (without default features)", self.package)
        } else {
            self.package.clone()
        }
    }
}

/// Reads the rules from ARCHITECTURE.md's text: the first table after [`HEADING`], whose
/// columns are build, owns, may depend on, never pulls in. Names are written in backticks;
/// a build cell that says "without default features" selects that build.
pub fn parse_rules(architecture: &str) -> Result<Vec<Rule>, String> {
    let start = architecture
        .find(HEADING)
        .ok_or_else(|| format!("ARCHITECTURE.md has no `{HEADING}` section"))?;
    let rows: Vec<&str> = architecture[start..]
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .collect();
    let mut rules = Vec::new();
    // The header row and the separator row come first.
    for (index, row) in rows.iter().enumerate().skip(2) {
        let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
        let [build, _owns, may, never] = cells[..] else {
            return Err(format!(
                "row {} of the dependency rules has {} columns, expected 4: {row}",
                index - 1,
                cells.len()
            ));
        };
        let package = ticked(build)
            .into_iter()
            .next()
            .ok_or_else(|| format!("row {} names no package in backticks: {row}", index - 1))?;
        rules.push(Rule {
            package,
            no_default_features: build.contains("without default features"),
            may_depend_on: ticked(may),
            never_pulls: ticked(never),
        });
    }
    if rules.is_empty() {
        return Err(format!("the `{HEADING}` section has no table rows"));
    }
    Ok(rules)
}

/// The names written in backticks in a table cell.
fn ticked(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The rules `rule` breaks, given `cargo tree --prefix depth --format '{p}'` output for its
/// build. Workspace packages are those cargo shows with a path under `root`.
pub fn violations(rule: &Rule, tree: &str, root: &Path) -> Vec<String> {
    let root = root.display().to_string();
    let mut out = Vec::new();
    // The chain of package names from the build down to the current line.
    let mut chain: Vec<String> = Vec::new();
    for line in tree.lines() {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        let Ok(depth) = line[..digits].parse::<usize>() else {
            continue;
        };
        let rest = &line[digits..];
        let name = rest
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
        chain.truncate(depth);
        chain.push(name.clone());
        let in_workspace = rest.contains(&format!("({root}"));
        if depth == 1 && in_workspace && !rule.may_depend_on.contains(&name) {
            out.push(format!(
                "{} depends on `{name}`, which the table does not allow",
                rule.build()
            ));
        }
        if depth > 0 && rule.never_pulls.contains(&name) {
            let message = format!(
                "{} pulls in `{name}` through {}",
                rule.build(),
                chain.join(" -> ")
            );
            if !out.contains(&message) {
                out.push(message);
            }
        }
    }
    out
}

/// Checks every rule of `root`/ARCHITECTURE.md against `cargo tree`; returns the broken
/// rules (empty when all hold), or why the check could not run.
pub fn check(root: &Path) -> Result<Vec<String>, String> {
    let path = root.join("ARCHITECTURE.md");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let rules = parse_rules(&text)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut out = Vec::new();
    for rule in &rules {
        let mut command = Command::new(&cargo);
        command.current_dir(root).args([
            "tree",
            "--locked",
            "--edges",
            "normal",
            "--prefix",
            "depth",
            "--format",
            "{p}",
            "--package",
            &rule.package,
        ]);
        if rule.no_default_features {
            command.arg("--no-default-features");
        }
        let output = command
            .output()
            .map_err(|e| format!("cannot run cargo tree: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "cargo tree for {} failed: {}",
                rule.build(),
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        out.extend(violations(
            rule,
            &String::from_utf8_lossy(&output.stdout),
            root,
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "# Architecture\n\n## Who owns what\n\nText.\n\n\
| build | owns | may depend on | never pulls in |\n\
| --- | --- | --- | --- |\n\
| `lib-a` | checks | nothing | `reqwest`, `tokio` |\n\
| `lib-b` without default features | models | `lib-a` | `reqwest` |\n\
\n| other | table |\n";

    #[test]
    fn rows_of_the_table_become_rules() {
        let rules = parse_rules(TABLE).expect("parses");
        assert_eq!(
            rules,
            [
                Rule {
                    package: "lib-a".into(),
                    no_default_features: false,
                    may_depend_on: vec![],
                    never_pulls: vec!["reqwest".into(), "tokio".into()],
                },
                Rule {
                    package: "lib-b".into(),
                    no_default_features: true,
                    may_depend_on: vec!["lib-a".into()],
                    never_pulls: vec!["reqwest".into()],
                },
            ]
        );
    }

    #[test]
    fn a_missing_section_or_a_short_row_is_an_error() {
        assert!(parse_rules("# Architecture\n").is_err());
        let short = TABLE.replace("| `lib-a` | checks | nothing |", "| `lib-a` | checks |");
        assert!(parse_rules(&short).unwrap_err().contains("columns"));
    }

    #[test]
    fn a_forbidden_package_deep_in_the_tree_is_reported_with_its_chain() {
        let rules = parse_rules(TABLE).expect("parses");
        let tree = "0lib-a v0.1.0 (/repo/a)\n1jsonschema v0.60.2\n2reqwest v0.13.5\n\
3tokio v1.54.1\n1serde v1.0.228\n";
        assert_eq!(
            violations(&rules[0], tree, Path::new("/repo")),
            [
                "lib-a pulls in `reqwest` through lib-a -> jsonschema -> reqwest",
                "lib-a pulls in `tokio` through lib-a -> jsonschema -> reqwest -> tokio",
            ]
        );
    }

    #[test]
    fn a_workspace_dependency_outside_the_table_is_reported() {
        let rules = parse_rules(TABLE).expect("parses");
        let allowed = "0lib-b v0.1.0 (/repo/b)\n1lib-a v0.1.0 (/repo/a)\n1serde v1.0.228\n";
        assert!(violations(&rules[1], allowed, Path::new("/repo")).is_empty());
        let other = "0lib-b v0.1.0 (/repo/b)\n1cli v0.1.0 (/repo/cli)\n";
        assert_eq!(
            violations(&rules[1], other, Path::new("/repo")),
            ["lib-b (without default features) depends on `cli`, which the table does not allow"]
        );
    }
}

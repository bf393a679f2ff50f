//! A standalone crate around generated models, for `cargo xtask generate --spec FILE --out DIR`.

use crate::Output;
use std::collections::BTreeMap;

/// A dependency written into the `Cargo.toml` of a standalone crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dependency {
    /// The package name.
    pub name: &'static str,
    /// The version requirement: the version the workspace builds and tests with (a unit test
    /// holds it equal to the root `Cargo.toml`'s `[workspace.dependencies]`).
    pub version: &'static str,
    /// Whether the package's default features are on.
    pub default_features: bool,
    /// The features the generated code needs.
    pub features: &'static [&'static str],
}

impl Dependency {
    const fn plain(name: &'static str, version: &'static str) -> Self {
        Dependency {
            name,
            version,
            default_features: true,
            features: &[],
        }
    }

    /// The dependency as a line of a `[dependencies]` table.
    pub fn toml_line(&self) -> String {
        if self.default_features && self.features.is_empty() {
            return format!("{} = \"{}\"\n", self.name, self.version);
        }
        let mut line = format!("{} = {{ version = \"{}\"", self.name, self.version);
        if !self.default_features {
            line.push_str(", default-features = false");
        }
        if !self.features.is_empty() {
            let features: Vec<String> = self.features.iter().map(|f| format!("\"{f}\"")).collect();
            line.push_str(&format!(", features = [{}]", features.join(", ")));
        }
        line.push_str(" }\n");
        line
    }
}

/// What the generated models use; every generated crate depends on these.
pub const MODEL_DEPENDENCIES: &[Dependency] = &[
    Dependency {
        name: "serde",
        version: "1.0.228",
        default_features: true,
        features: &["derive"],
    },
    // Objects keep the order they were written in: a `serde_json::Value` read from a
    // response, and the members of an object parameter (the runtime's tests assume it).
    Dependency {
        name: "serde_json",
        version: "1.0.145",
        default_features: true,
        features: &["preserve_order"],
    },
];

/// What the generated operations and the client runtime (`runtime/`) add.
pub const CLIENT_DEPENDENCIES: &[Dependency] = &[
    Dependency {
        name: "reqwest",
        version: "0.13.5",
        default_features: false,
        features: &["rustls-no-provider", "http2"],
    },
    Dependency {
        name: "tokio",
        version: "1.54.1",
        default_features: true,
        features: &["time"],
    },
    Dependency {
        name: "futures-util",
        version: "0.3.34",
        default_features: false,
        features: &["std"],
    },
    Dependency::plain("fastrand", "2.5.0"),
    Dependency::plain("percent-encoding", "2.3.2"),
    // Response bodies as they arrive from the connection (already a dependency of reqwest).
    Dependency::plain("bytes", "1.12.1"),
    Dependency {
        name: "rustls",
        version: "0.23.46",
        default_features: false,
        features: &["std"],
    },
];

/// The `[features]` table of a crate with the client: the TLS crypto provider the runtime
/// installs (runtime/src/tls.rs), ring unless the default features are turned off (a unit
/// test holds it equal to `runtime/Cargo.toml`'s).
pub const CLIENT_FEATURES: &str = "[features]\n\
default = [\"tls-ring\"]\n\
# TLS through rustls with the ring crypto provider (runtime/src/tls.rs).\n\
tls-ring = [\"rustls/ring\"]\n\
# TLS through rustls with aws-lc-rs instead (turn the default features off).\n\
tls-aws-lc-rs = [\"reqwest/rustls\"]\n";

/// The `[dependencies]` lines of a crate with (`client`) or without the client.
fn dependencies(client: bool) -> String {
    let client: &[Dependency] = if client { CLIENT_DEPENDENCIES } else { &[] };
    MODEL_DEPENDENCIES
        .iter()
        .chain(client)
        .map(Dependency::toml_line)
        .collect()
}

/// The files of a crate named `name` (paths relative to the crate root).
pub fn files(name: &str, spec_path: &str, output: &Output) -> BTreeMap<String, String> {
    let label = crate::render::one_line(spec_path);
    let mut files = BTreeMap::new();
    // With generated operations the crate also gets the client runtime and its dependencies.
    let client = output.src.contains_key("operations.rs");
    let dependencies = dependencies(client);
    let features = if client {
        format!("\n{CLIENT_FEATURES}")
    } else {
        String::new()
    };
    files.insert(
        "Cargo.toml".to_string(),
        format!(
            "# {mark} from {label}. Do not edit.\n\
             [package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             # Not part of any enclosing workspace.\n[workspace]\n\n\
             [dependencies]\n{dependencies}{features}",
            mark = crate::render::MARK,
        ),
    );
    let modules: Vec<&str> = output
        .src
        .keys()
        .filter_map(|file| file.strip_suffix(".rs"))
        .filter(|module| *module != "lib")
        .collect();
    if !output.src.contains_key("lib.rs") {
        let mut lib = format!(
            "{}\n\n//! Types generated from {}.\n\n",
            crate::render::header(spec_path),
            crate::doc::code(&label)
        );
        for module in &modules {
            lib.push_str(&format!("pub mod {module};\n"));
        }
        if client {
            lib.push_str(
                "pub mod runtime;\n\npub use runtime::{Client, ClientBuilder, Credentials, Error, \
                 ErrorKind, RequestOptions, Secret};\n",
            );
        }
        files.insert("src/lib.rs".to_string(), lib);
    }
    for (file, text) in &output.src {
        files.insert(format!("src/{file}"), text.clone());
    }
    if client {
        for (file, text) in crate::emit_client::RUNTIME_FILES {
            files.insert(
                format!("src/{file}"),
                format!("{}\n\n{text}", crate::emit_client::runtime_copy_header()),
            );
        }
    }
    files
}

/// Every path [`files`] can write, whatever the spec (relative to the crate root): where
/// a file an earlier generation wrote and a new one does not may be left.
pub fn all_paths() -> Vec<String> {
    let mut paths: Vec<String> = [
        "Cargo.toml",
        "src/lib.rs",
        "src/models.rs",
        "src/operations.rs",
    ]
    .map(String::from)
    .to_vec();
    paths.extend(
        crate::emit_client::RUNTIME_FILES
            .iter()
            .map(|(file, _)| format!("src/{file}")),
    );
    paths
}

/// Whether `text` is a file that [`files`] writes, told by its first line: the header the
/// generator puts on each of them (`// @generated by ...` on Rust files, `# @generated by ...`
/// on `Cargo.toml`, the copy header on the runtime files). A file without it was written by
/// someone else, and is neither replaced nor removed.
pub fn is_generated(text: &str) -> bool {
    let first = text.lines().next().unwrap_or_default();
    std::iter::once(crate::render::MARK)
        .chain(crate::render::EARLIER_MARKS.iter().copied())
        .any(|mark| {
            first.starts_with(&format!("// {mark} ")) || first.starts_with(&format!("# {mark} "))
        })
        || first == crate::emit_client::runtime_copy_header()
        || crate::emit_client::EARLIER_RUNTIME_COPY_HEADERS.contains(&first)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `name = ...` entries of `table` in a `Cargo.toml`, in order.
    fn table<'a>(manifest: &'a str, table: &str) -> Vec<(&'a str, &'a str)> {
        let header = format!("[{table}]");
        manifest
            .lines()
            .skip_while(|line| line.trim() != header)
            .skip(1)
            .take_while(|line| !line.trim_start().starts_with('['))
            .filter_map(|line| line.split_once('='))
            .map(|(name, value)| (name.trim(), value.trim()))
            .filter(|(name, _)| !name.starts_with('#'))
            .collect()
    }

    /// The version of a dependency entry: `"1.2"` or `{ version = "1.2", ... }`.
    fn version(value: &str) -> Option<&str> {
        let rest = match value.strip_prefix('"') {
            Some(rest) => rest,
            None => value.split_once("version = \"")?.1,
        };
        rest.split('"').next()
    }

    const ROOT_MANIFEST: &str = include_str!("../../Cargo.toml");

    #[test]
    fn versions_are_the_ones_the_workspace_tests() {
        let workspace = table(ROOT_MANIFEST, "workspace.dependencies");
        for dependency in MODEL_DEPENDENCIES.iter().chain(CLIENT_DEPENDENCIES) {
            let value = workspace
                .iter()
                .find(|(name, _)| *name == dependency.name)
                .map(|(_, value)| *value)
                .unwrap_or_else(|| panic!("{} is not a workspace dependency", dependency.name));
            assert_eq!(
                version(value),
                Some(dependency.version),
                "{}",
                dependency.name
            );
            // The workspace builds with at least the features a standalone crate asks for.
            for feature in dependency.features {
                assert!(
                    value.contains(&format!("\"{feature}\"")),
                    "{}: {feature}",
                    dependency.name
                );
            }
        }
    }

    #[test]
    fn client_crates_depend_on_what_the_runtime_uses() {
        let runtime = include_str!("../../runtime/Cargo.toml");
        let mut used: Vec<&str> = table(runtime, "dependencies")
            .into_iter()
            .map(|(name, _)| name.trim_end_matches(".workspace"))
            .collect();
        used.sort_unstable();
        let mut listed: Vec<&str> = MODEL_DEPENDENCIES
            .iter()
            .chain(CLIENT_DEPENDENCIES)
            .map(|dependency| dependency.name)
            .collect();
        listed.sort_unstable();
        assert_eq!(listed, used);
    }

    #[test]
    fn client_crates_choose_the_tls_provider_as_the_runtime_does() {
        let runtime = include_str!("../../runtime/Cargo.toml");
        let start = runtime
            .find("[features]")
            .expect("runtime/Cargo.toml has features");
        let end = runtime[start..]
            .find("\n\n")
            .map_or(runtime.len(), |end| start + end + 1);
        assert_eq!(&runtime[start..end], CLIENT_FEATURES);
    }

    #[test]
    fn every_file_written_is_told_apart_from_other_files() {
        let spec = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"204":{"description":"none"}}}}}}"#;
        let output = crate::generate(spec, &crate::Settings::new("a.json")).expect("generates");
        let files = files("a", "a.json", &output);
        assert!(
            files.contains_key("src/runtime/mod.rs"),
            "{:?}",
            files.keys()
        );
        for (path, text) in &files {
            assert!(is_generated(text), "{path}");
            assert!(all_paths().contains(path), "{path}");
        }
        // Files an earlier version wrote are the generator's too.
        for earlier in [
            "// @generated by `cargo xtask generate` from a.json. Do not edit.\n",
            "# @generated by `cargo xtask generate` from a.json. Do not edit.\n[package]\n",
            "// Copied from the hand-written runtime dynroute-runtime (runtime/src/) by `cargo xtask generate`. Do not edit here.\n",
        ] {
            assert!(is_generated(earlier), "{earlier}");
        }
        for other in [
            "",
            "[package]\nname = \"mine\"\n",
            "// @generated by another tool\n",
            "// @generated by dynroute-codegenerator from a.json\n",
            "//! # @generated by `cargo xtask generate` in a doc comment\n",
        ] {
            assert!(!is_generated(other), "{other}");
        }
    }

    #[test]
    fn lines_are_cargo_toml() {
        assert_eq!(
            dependencies(false),
            "serde = { version = \"1.0.228\", features = [\"derive\"] }\nserde_json = { version = \"1.0.145\", features = [\"preserve_order\"] }\n"
        );
        let client = dependencies(true);
        assert!(client.contains(
            "reqwest = { version = \"0.13.5\", default-features = false, features = [\"rustls-no-provider\", \"http2\"] }\n"
        ), "{client}");
        assert!(
            client.ends_with(
                "rustls = { version = \"0.23.46\", default-features = false, features = [\"std\"] }\n"
            ),
            "{client}"
        );
    }
}

//! What `cargo xtask generate` writes for this repository, shared by the command and by
//! the freshness test (`xtask/tests/fresh.rs`).

pub mod deps;
pub mod standalone;

use dynroute_codegen::{Error, Output, Settings};
use std::path::{Path, PathBuf};

/// The spec, relative to the repository root.
pub const SPEC: &str = "spec/dynamic-routing.openapi.json";
/// Where the generated Rust files of `dynroute-client` go (its hand-written crate root,
/// `client/src/lib.rs`, includes them).
pub const CRATE_SRC: &str = "client/src/generated";
/// Where the JSON Schema of a route document goes.
pub const ROUTE_SCHEMA: &str = "spec/route.schema.json";
/// The component of the spec that is a route document.
pub const ROUTE_COMPONENT: &str = "RouteDefinition";
/// `$id` of the route schema: where the file is served from the repository, so that route
/// files can name it by URL as well as by relative path.
pub const ROUTE_SCHEMA_ID: &str =
    "https://raw.githubusercontent.com/dynroute/dynroute/main/spec/route.schema.json";

/// Problems of the xtask commands.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// `--name` is not a valid package name.
    #[error(
        "`{name}` is not a valid package name: use ASCII letters, digits, `-` and `_`, starting with a letter"
    )]
    PackageName {
        /// The name as given.
        name: String,
    },
    /// `--out` names a directory a crate must not be written to.
    #[error("refusing to write a crate to {}: {reason}", path.display())]
    OutDir {
        /// The directory, resolved.
        path: PathBuf,
        /// Why not.
        reason: String,
    },
    /// Files in the way of a standalone crate were not written by the generator.
    #[error(
        "refusing to overwrite files the generator did not write (move them away or choose another --out):\n  {}",
        files.join("\n  ")
    )]
    NotGenerated {
        /// Each file, with why it is not the generator's.
        files: Vec<String>,
    },
    /// The spec needs constructs the generator does not support (every one is listed).
    #[error(
        "{path}: {source}\n(pass --skip-unsupported to generate everything else and leave out what needs them)"
    )]
    Unsupported {
        /// The spec file.
        path: PathBuf,
        /// The generator error, an [`Error::Unsupported`].
        source: Error,
    },
    /// The generator rejected the spec.
    #[error("{path}: {source}")]
    Generate {
        /// The spec file.
        path: PathBuf,
        /// The generator error (with a JSON pointer or line:column).
        source: Error,
    },
}

/// The package name of a standalone crate: `name` when given (it must be a valid Cargo
/// package name, since it is written into `Cargo.toml`), else one made from the output
/// directory's name.
pub fn package_name(name: Option<&str>, out: &Path) -> Result<String, TaskError> {
    let valid = |n: &str| {
        n.starts_with(|c: char| c.is_ascii_alphabetic())
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if let Some(name) = name {
        return if valid(name) {
            Ok(name.to_string())
        } else {
            Err(TaskError::PackageName {
                name: name.to_string(),
            })
        };
    }
    let base = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let derived: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    Ok(if valid(&derived) {
        derived
    } else {
        format!("generated-{derived}")
            .trim_end_matches('-')
            .to_string()
    })
}

/// The repository root (the parent of this package).
pub fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Every generated file of the repository with its expected contents, paths relative
/// to `root`, in a stable order. Each step is told to `progress` as it starts.
pub fn expected_files(
    root: &Path,
    progress: &mut dyn FnMut(String),
) -> Result<Vec<(PathBuf, String)>, TaskError> {
    let spec_path = root.join(SPEC);
    progress(format!("reading {SPEC}"));
    let text = read(&spec_path)?;
    let mut settings = Settings::new(SPEC);
    settings.document_component = Some(ROUTE_COMPONENT.to_string());
    settings.document_id = ROUTE_SCHEMA_ID.to_string();
    let output =
        dynroute_codegen::generate(&text, &settings).map_err(|source| TaskError::Generate {
            path: spec_path.clone(),
            source,
        })?;
    progress(generated(&output));
    let mut files: Vec<(PathBuf, String)> = output
        .src
        .into_iter()
        .map(|(file, text)| (Path::new(CRATE_SRC).join(file), text))
        .collect();
    if let Some(schema) = output.document_schema {
        files.push((PathBuf::from(ROUTE_SCHEMA), schema));
    }
    Ok(files)
}

/// What a generation made (and left out), for progress messages.
pub fn generated(output: &Output) -> String {
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let left_out = match output.skipped.len() {
        0 => String::new(),
        n => format!(", left out {}", plural(n, "item")),
    };
    format!(
        "generated {} and {}{left_out}",
        plural(output.types, "type"),
        plural(output.operations, "operation")
    )
}

/// The files of `expected` whose contents on disk under `root` differ (or are missing).
pub fn stale_files(root: &Path, expected: &[(PathBuf, String)]) -> Vec<PathBuf> {
    expected
        .iter()
        .filter(|(path, text)| {
            std::fs::read_to_string(root.join(path)).ok().as_deref() != Some(text.as_str())
        })
        .map(|(path, _)| path.clone())
        .collect()
}

/// Reads a file, naming it in the error.
pub fn read(path: &Path) -> Result<String, TaskError> {
    std::fs::read_to_string(path).map_err(|source| TaskError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes a file (creating its directory), naming it in the error.
pub fn write(path: &Path, text: &str) -> Result<(), TaskError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| TaskError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    std::fs::write(path, text).map_err(|source| TaskError::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names() {
        let out = Path::new("/tmp/my api.v2");
        assert_eq!(package_name(None, out).ok().as_deref(), Some("my-api-v2"));
        assert_eq!(
            package_name(None, Path::new("/tmp/2024")).ok().as_deref(),
            Some("generated-2024")
        );
        assert_eq!(
            package_name(None, Path::new("/")).ok().as_deref(),
            Some("generated")
        );
        assert_eq!(
            package_name(Some("client_v2"), out).ok().as_deref(),
            Some("client_v2")
        );
        let err = package_name(Some("a\"b"), out).err().map(|e| e.to_string());
        assert!(
            err.as_deref()
                .is_some_and(|e| e.starts_with("`a\"b` is not a valid package name")),
            "{err:?}"
        );
    }
}

//! A standalone crate from an OpenAPI description, written to a directory: `dynroute generate
//! SPEC --out DIR` and `cargo xtask generate --spec FILE --out DIR` both run [`generate_crate`].
//! Which directories a crate may go to, its package name, and writing it there without
//! touching what the generator did not write.
//!
//! A file of DIR is the generator's when its first line is the generator's header
//! ([`krate::is_generated`]). Such files are replaced, and removed when a new generation no
//! longer writes them (a spec that lost its operations leaves no `operations.rs` or
//! `runtime/` behind); only the paths a generation can write are looked at, so nothing else
//! in DIR is touched. Any other file in the way is a refusal, before anything is written.

use crate::{Error, Output, Settings, krate};
use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

/// How a spec is named in the headers of the files generated from it: its file name alone,
/// so that the crate is byte for byte the same whatever directory the command runs in and
/// wherever the spec lives (an absolute path would differ between machines, a relative one
/// between working directories).
pub fn spec_label(spec: &Path) -> String {
    spec.file_name()
        .unwrap_or(spec.as_os_str())
        .to_string_lossy()
        .into_owned()
}

/// `out` made absolute, with symbolic links and `..` resolved as far as it exists (the
/// rest, created later, resolved by its names), so that `--out x/..` is judged as the
/// directory it ends up being.
pub fn resolve(out: &Path) -> Result<PathBuf, CrateError> {
    let io = |source| CrateError::Io {
        path: out.to_path_buf(),
        source,
    };
    let mut resolved = PathBuf::new();
    for component in std::path::absolute(out).map_err(io)?.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => resolved.push(component),
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => {
                resolved.push(name);
                match resolved.canonicalize() {
                    Ok(real) => resolved = real,
                    Err(e) if e.kind() == ErrorKind::NotFound => {}
                    Err(e) => return Err(io(e)),
                }
            }
        }
    }
    Ok(resolved)
}

/// Refuses a directory (as [`resolve`] gives it) that is no place for a crate: the root of
/// a filesystem tree (`/`, `C:\`), the user's home directory or, when given, the root of the
/// repository the command belongs to.
pub fn check_out_dir(dir: &Path, repo_root: Option<&Path>) -> Result<(), CrateError> {
    let refuse = |reason: &str| {
        Err(CrateError::OutDir {
            path: dir.to_path_buf(),
            reason: reason.to_string(),
        })
    };
    let same = |other: Option<PathBuf>| {
        other
            .and_then(|other| other.canonicalize().ok())
            .is_some_and(|other| other == dir)
    };
    if dir.parent().is_none() {
        return refuse("it is the root of a filesystem");
    }
    if dir.exists() && !dir.is_dir() {
        return refuse("it is not a directory");
    }
    if same(std::env::home_dir()) {
        return refuse("it is your home directory");
    }
    if same(repo_root.map(Path::to_path_buf)) {
        return refuse("it is the root of this repository");
    }
    Ok(())
}

/// What [`write_crate`] did, paths relative to the crate directory.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Files written: new or changed (the others are left untouched).
    pub written: Vec<PathBuf>,
    /// Generated files of an earlier generation that this one no longer has, removed.
    pub removed: Vec<PathBuf>,
}

/// Writes `files` (paths relative to `dir`, as [`krate::files`] gives them) into `dir` and
/// removes the generated files at the other paths a generation can write
/// ([`krate::all_paths`]). Refuses, before writing anything, when a file would replace one
/// the generator did not write.
pub fn write_crate(dir: &Path, files: &BTreeMap<String, String>) -> Result<Written, CrateError> {
    let mut done = Written::default();
    let mut refused = Vec::new();
    for (file, text) in files {
        let path = dir.join(file);
        match existing(&path)? {
            Existing::None => done.written.push(PathBuf::from(file)),
            Existing::Generated(old) if old == *text => {}
            Existing::Generated(_) => done.written.push(PathBuf::from(file)),
            Existing::Other(why) => refused.push(format!("{} ({why})", path.display())),
        }
    }
    if !refused.is_empty() {
        return Err(CrateError::NotGenerated { files: refused });
    }
    for (file, text) in files {
        if done.written.contains(&PathBuf::from(file)) {
            write(&dir.join(file), text)?;
        }
    }
    for file in krate::all_paths() {
        if files.contains_key(&file) {
            continue;
        }
        let path = dir.join(&file);
        if let Existing::Generated(_) = existing(&path)? {
            std::fs::remove_file(&path).map_err(|source| CrateError::Io { path, source })?;
            remove_empty_parents(dir, Path::new(&file))?;
            done.removed.push(PathBuf::from(file));
        }
    }
    Ok(done)
}

/// What is at a path the crate writes to.
enum Existing {
    /// Nothing.
    None,
    /// A file the generator wrote, with its text.
    Generated(String),
    /// Something else, and why it is not the generator's.
    Other(&'static str),
}

/// What is at `path`, not following a symbolic link there.
fn existing(path: &Path) -> Result<Existing, CrateError> {
    let io = |source| CrateError::Io {
        path: path.to_path_buf(),
        source,
    };
    let metadata = match std::fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Existing::None),
        Err(e) if e.kind() == ErrorKind::NotADirectory => {
            return Ok(Existing::Other("a part of its path is not a directory"));
        }
        Err(e) => return Err(io(e)),
    };
    if !metadata.file_type().is_file() {
        return Ok(Existing::Other("not a regular file"));
    }
    match std::fs::read_to_string(path) {
        Ok(text) if krate::is_generated(&text) => Ok(Existing::Generated(text)),
        Ok(_) => Ok(Existing::Other(
            "not written by the generator: its first line is not the generator's header",
        )),
        Err(e) if e.kind() == ErrorKind::InvalidData => Ok(Existing::Other(
            "not written by the generator: not UTF-8 text",
        )),
        Err(e) => Err(io(e)),
    }
}

/// Removes the directories between `dir/file` and `dir/src` that are left empty.
fn remove_empty_parents(dir: &Path, file: &Path) -> Result<(), CrateError> {
    let mut parent = file.parent();
    while let Some(sub) = parent.filter(|sub| *sub != Path::new("src")) {
        let path = dir.join(sub);
        let empty = std::fs::read_dir(&path).is_ok_and(|mut entries| entries.next().is_none());
        if !empty {
            break;
        }
        std::fs::remove_dir(&path).map_err(|source| CrateError::Io { path, source })?;
        parent = sub.parent();
    }
    Ok(())
}

/// Writes a file (creating its directory), naming it in the error.
fn write(path: &Path, text: &str) -> Result<(), CrateError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| CrateError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    std::fs::write(path, text).map_err(|source| CrateError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Problems of writing a standalone crate.
#[derive(Debug, thiserror::Error)]
pub enum CrateError {
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
pub fn package_name(name: Option<&str>, out: &Path) -> Result<String, CrateError> {
    let valid = |n: &str| {
        n.starts_with(|c: char| c.is_ascii_alphabetic())
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if let Some(name) = name {
        return if valid(name) {
            Ok(name.to_string())
        } else {
            Err(CrateError::PackageName {
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

/// What a generation made (and left out), for progress messages.
pub fn summary(output: &Output) -> String {
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

/// What [`generate_crate`] is asked to do.
#[derive(Debug, Clone)]
pub struct CrateRequest<'a> {
    /// The OpenAPI description, JSON or YAML.
    pub spec: &'a Path,
    /// The crate directory (created if missing).
    pub out: &'a Path,
    /// The package name (default: made from the directory's name).
    pub name: Option<&'a str>,
    /// Generate what is supported and leave out the rest, each item a warning.
    pub skip_unsupported: bool,
    /// A directory never to write to besides the filesystem root and the home directory (the
    /// repository `cargo xtask` belongs to).
    pub protected: Option<&'a Path>,
}

/// What [`generate_crate`] did.
#[derive(Debug)]
pub struct CrateDone {
    /// The package name written into `Cargo.toml`.
    pub name: String,
    /// The files written and removed.
    pub written: Written,
}

/// Reads the spec, generates, and writes the crate, telling each step to `progress` (for
/// standard error) as it starts, and each item left out as a `warning: ` line. Nothing is written when the spec is refused or a file in
/// the way is not the generator's.
pub fn generate_crate(
    request: &CrateRequest<'_>,
    progress: &mut dyn FnMut(String),
) -> Result<CrateDone, CrateError> {
    let dir = resolve(request.out)?;
    check_out_dir(&dir, request.protected)?;
    let name = package_name(request.name, &dir)?;
    progress(format!("reading {}", request.spec.display()));
    let text = std::fs::read_to_string(request.spec).map_err(|source| CrateError::Io {
        path: request.spec.to_path_buf(),
        source,
    })?;
    let label = spec_label(request.spec);
    let mut settings = Settings::new(&label);
    settings.skip_unsupported = request.skip_unsupported;
    let path = request.spec.to_path_buf();
    let output = crate::generate(&text, &settings).map_err(|source| {
        if matches!(source, Error::Unsupported { .. }) {
            CrateError::Unsupported { path, source }
        } else {
            CrateError::Generate { path, source }
        }
    })?;
    for skipped in &output.skipped {
        progress(format!("warning: {skipped}"));
    }
    progress(summary(&output));
    let files = krate::files(&name, &label, &output);
    progress(format!(
        "writing {} files to {}",
        files.len(),
        request.out.display()
    ));
    let written = write_crate(&dir, &files)?;
    Ok(CrateDone { name, written })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_dirs_are_judged_by_the_directory_they_end_at() {
        let tmp = tempfile::tempdir().expect("temporary directory");
        let base = tmp.path().canonicalize().expect("canonical");
        std::fs::create_dir(base.join("real")).expect("mkdir");
        // `..` after a name that does not exist yet, and a tail created later.
        assert_eq!(
            resolve(&base.join("later/../real/new/crate")).ok(),
            Some(base.join("real/new/crate"))
        );
        // A symbolic link is followed, so `link/..` is the parent of its target.
        #[cfg(unix)]
        {
            std::fs::create_dir(base.join("real/inner")).expect("mkdir");
            std::os::unix::fs::symlink(base.join("real/inner"), base.join("link"))
                .expect("symlink");
            assert_eq!(resolve(&base.join("link/..")).ok(), Some(base.join("real")));
        }
        // A relative path is taken from the working directory.
        let cwd = std::env::current_dir()
            .and_then(|d| d.canonicalize())
            .expect("cwd");
        assert_eq!(resolve(Path::new("a/./b")).ok(), Some(cwd.join("a/b")));
    }

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

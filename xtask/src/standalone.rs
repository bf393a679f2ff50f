//! `cargo xtask generate --spec FILE --out DIR`: which directories a standalone crate may go
//! to, and writing it there without touching what the generator did not write.
//!
//! A file of DIR is the generator's when its first line is the generator's header
//! ([`krate::is_generated`]). Such files are replaced, and removed when a new generation no
//! longer writes them (a spec that lost its operations leaves no `operations.rs` or
//! `runtime/` behind); only the paths a generation can write are looked at, so nothing else
//! in DIR is touched. Any other file in the way is a refusal, before anything is written.

use crate::TaskError;
use dynroute_codegen::krate;
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
pub fn resolve(out: &Path) -> Result<PathBuf, TaskError> {
    let io = |source| TaskError::Io {
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
/// a filesystem tree (`/`, `C:\`), the user's home directory or the root of this repository.
pub fn check_out_dir(dir: &Path, repo_root: &Path) -> Result<(), TaskError> {
    let refuse = |reason: &str| {
        Err(TaskError::OutDir {
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
    if same(Some(repo_root.to_path_buf())) {
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
pub fn write_crate(dir: &Path, files: &BTreeMap<String, String>) -> Result<Written, TaskError> {
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
        return Err(TaskError::NotGenerated { files: refused });
    }
    for (file, text) in files {
        if done.written.contains(&PathBuf::from(file)) {
            crate::write(&dir.join(file), text)?;
        }
    }
    for file in krate::all_paths() {
        if files.contains_key(&file) {
            continue;
        }
        let path = dir.join(&file);
        if let Existing::Generated(_) = existing(&path)? {
            std::fs::remove_file(&path).map_err(|source| TaskError::Io { path, source })?;
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
fn existing(path: &Path) -> Result<Existing, TaskError> {
    let io = |source| TaskError::Io {
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
fn remove_empty_parents(dir: &Path, file: &Path) -> Result<(), TaskError> {
    let mut parent = file.parent();
    while let Some(sub) = parent.filter(|sub| *sub != Path::new("src")) {
        let path = dir.join(sub);
        let empty = std::fs::read_dir(&path).is_ok_and(|mut entries| entries.next().is_none());
        if !empty {
            break;
        }
        std::fs::remove_dir(&path).map_err(|source| TaskError::Io { path, source })?;
        parent = sub.parent();
    }
    Ok(())
}

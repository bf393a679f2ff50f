//! The inputs of `dynroute validate`: files named on the command line, the route files found
//! by walking the folders named (or the current folder), and standard input.
//!
//! Walking finds the route files (`*.json` that are neither `*.test.json` nor hidden, the
//! rule `dynroute plan` applies too) in a folder and every folder below it, in sorted order.
//! It passes over what `.gitignore` files (also `.git/info/exclude`, the global git excludes
//! and `.ignore` files, as ripgrep reads them, inside a git repository or not) and hidden
//! folders hide, and what the `--exclude` patterns (relative to the current folder) and the
//! `exclude` patterns of the settings file governing a folder name. Files named on the
//! command line are always checked, unless `--force-exclude` applies the same patterns to
//! them.

use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use dynroute_validator::files::is_route_file_name;
use dynroute_validator::output::Failure;
use ignore::gitignore::Gitignore;

use crate::settings::{self, Finder, SettingsError};

/// One input to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input, shown under `name`; `path` (absolute) is where that name puts it,
    /// for settings and per-file ignores.
    Stdin { name: String, path: Option<PathBuf> },
    /// A file: the name shown in diagnostics (the path as given or found) and its absolute
    /// path.
    File { name: String, path: PathBuf },
}

/// What the command line asks for.
pub struct Request<'a> {
    /// The paths given; empty means the current folder, or standard input when it brings
    /// data.
    pub paths: &'a [String],
    /// The name standard input is shown under (`--stdin-filename`).
    pub stdin_name: Option<&'a str>,
    /// `--exclude` patterns, relative to the current folder.
    pub exclude: &'a Gitignore,
    /// `--force-exclude`: the patterns apply to paths given explicitly too.
    pub force_exclude: bool,
    /// A file never to check (the `--output-file` being written).
    pub skip: Option<PathBuf>,
}

/// The inputs found.
#[derive(Debug, Default)]
pub struct Found {
    /// What to check, in order.
    pub inputs: Vec<Input>,
    /// Folders or files that could not be read while walking.
    pub failures: Vec<Failure>,
    /// Folders walked that hold no route file.
    pub empty: Vec<String>,
}

/// The inputs of a request, or a mistake in a settings file met on the way.
pub fn find(
    request: &Request<'_>,
    cwd: &Path,
    finder: &Arc<Finder>,
) -> Result<Found, SettingsError> {
    let mut found = Found::default();
    let mut seen = HashSet::new();
    if request.paths.is_empty() && request.stdin_name.is_none() && !stdin_brings_data() {
        walk(".", true, request, cwd, finder, &mut found, &mut seen)?;
        return Ok(found);
    }
    let stdin = ["-".to_string()];
    let paths = if request.paths.is_empty() {
        &stdin[..]
    } else {
        request.paths
    };
    for given in paths {
        if given == "-" {
            let path = request
                .stdin_name
                .map(|name| absolute(cwd, Path::new(name)));
            if request.force_exclude
                && let Some(path) = &path
                && excluded(request, finder, path)?
            {
                continue;
            }
            found.inputs.push(Input::Stdin {
                name: request.stdin_name.unwrap_or("<stdin>").to_string(),
                path,
            });
            continue;
        }
        let path = absolute(cwd, Path::new(given));
        if request.force_exclude && excluded(request, finder, &path)? {
            continue;
        }
        if path.is_dir() {
            walk(given, false, request, cwd, finder, &mut found, &mut seen)?;
        } else if seen.insert(path.clone()) {
            // A missing file stays an input: reading it fails with a message naming it.
            found.inputs.push(Input::File {
                name: given.clone(),
                path,
            });
        }
    }
    Ok(found)
}

/// Whether the command line's or the governing settings file's patterns name `path` or a
/// folder above it.
fn excluded(request: &Request<'_>, finder: &Finder, path: &Path) -> Result<bool, SettingsError> {
    if settings::matches_or_parent(request.exclude, path, path.is_dir()) {
        return Ok(true);
    }
    let dir = path.parent().unwrap_or(path);
    Ok(finder
        .for_dir(dir)?
        .is_some_and(|s| s.excludes_or_parent(path)))
}

/// Adds the route files under the folder `given` (a path relative to `cwd` or absolute) to
/// `found`. With `implicit` (no path was given), names are shown without the leading `./`.
fn walk(
    given: &str,
    implicit: bool,
    request: &Request<'_>,
    cwd: &Path,
    finder: &Arc<Finder>,
    found: &mut Found,
    seen: &mut HashSet<PathBuf>,
) -> Result<(), SettingsError> {
    let problem: Arc<Mutex<Option<SettingsError>>> = Arc::default();
    let filter = {
        let cwd = cwd.to_path_buf();
        let exclude = request.exclude.clone();
        let finder = finder.clone();
        let problem = problem.clone();
        move |entry: &ignore::DirEntry| {
            if entry.depth() == 0 {
                return true;
            }
            let path = absolute(&cwd, entry.path());
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if settings::matches(&exclude, &path, is_dir) {
                return false;
            }
            match finder.for_dir(path.parent().unwrap_or(&path)) {
                Ok(governing) => !governing.is_some_and(|s| s.excludes(&path, is_dir)),
                Err(e) => {
                    let mut problem = problem.lock().unwrap_or_else(|p| p.into_inner());
                    problem.get_or_insert(e);
                    true
                }
            }
        }
    };
    let walker = ignore::WalkBuilder::new(given)
        .standard_filters(true)
        .require_git(false)
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(filter)
        .build();
    let mut files = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                found.failures.push(walk_failure(given, &e));
                continue;
            }
        };
        // A link to a file counts; links to folders are not followed.
        let is_file = entry.file_type().is_some_and(|t| t.is_file())
            || (entry.path_is_symlink() && entry.path().is_file());
        if entry.depth() == 0
            || !is_file
            || !is_route_file_name(&entry.file_name().to_string_lossy())
        {
            continue;
        }
        let path = absolute(cwd, entry.path());
        if request.skip.as_ref() == Some(&path) {
            continue;
        }
        let shown = if implicit {
            entry.path().strip_prefix(".").unwrap_or(entry.path())
        } else {
            entry.path()
        };
        files.push((shown.display().to_string(), path));
    }
    if let Some(e) = problem.lock().unwrap_or_else(|p| p.into_inner()).take() {
        return Err(e);
    }
    if files.is_empty() {
        found.empty.push(given.to_string());
    }
    files.sort_by(|a, b| Path::new(&a.0).cmp(Path::new(&b.0)));
    for (name, path) in files {
        if seen.insert(path.clone()) {
            found.inputs.push(Input::File { name, path });
        }
    }
    Ok(())
}

/// A folder or file the walk could not read, named as the walk found it.
fn walk_failure(given: &str, error: &ignore::Error) -> Failure {
    let mut error = error;
    let mut path = None;
    loop {
        match error {
            ignore::Error::WithPath { path: p, err } => {
                path.get_or_insert(p.display().to_string());
                error = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                error = err;
            }
            _ => break,
        }
    }
    let file = path.unwrap_or_else(|| given.to_string());
    Failure {
        message: format!("cannot read {file}: {error}"),
        file,
    }
}

/// `path` made absolute against `cwd`, with `.` and `..` resolved as written (without
/// following links), so that two names of one file compare equal.
pub fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in cwd.join(path).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether standard input brings data: a pipe, a file or a socket. A terminal does not,
/// and neither does `/dev/null` or a closed input (what CI runners and `< /dev/null` give),
/// so `dynroute validate` with no path walks the current folder there.
pub fn stdin_brings_data() -> bool {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::FileTypeExt;
        let kind = stdin
            .as_fd()
            .try_clone_to_owned()
            .map(std::fs::File::from)
            .and_then(|file| file.metadata())
            .map(|m| m.file_type());
        matches!(kind, Ok(t) if t.is_fifo() || t.is_file() || t.is_socket())
    }
    #[cfg(not(unix))]
    {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_paths_resolve_dots_as_written() {
        let cwd = Path::new("/w/repo");
        assert_eq!(
            absolute(cwd, Path::new("a.json")),
            Path::new("/w/repo/a.json")
        );
        assert_eq!(
            absolute(cwd, Path::new("./routes/../a.json")),
            Path::new("/w/repo/a.json")
        );
        assert_eq!(
            absolute(cwd, Path::new("../x/a.json")),
            Path::new("/w/x/a.json")
        );
        assert_eq!(
            absolute(cwd, Path::new("/abs/a.json")),
            Path::new("/abs/a.json")
        );
        assert_eq!(absolute(cwd, Path::new(".")), Path::new("/w/repo"));
    }
}

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

/// What a request met besides its inputs (which go to [`find`]'s `each`, in order).
#[derive(Debug, Default)]
pub struct Found {
    /// Folders or files that could not be read while walking.
    pub failures: Vec<Failure>,
    /// Folders walked that hold no route file.
    pub empty: Vec<String>,
}

/// Where [`find`] puts what it meets.
struct Out<'e> {
    found: Found,
    /// The files handed on so far: each is handed on once.
    seen: HashSet<PathBuf, foldhash::fast::RandomState>,
    each: &'e mut dyn FnMut(Input) -> Result<(), SettingsError>,
}

impl Out<'_> {
    /// Hands on the file `path`, shown as `name`, unless it was handed on before.
    fn file(&mut self, name: String, path: PathBuf) -> Result<(), SettingsError> {
        if !self.seen.insert(path.clone()) {
            return Ok(());
        }
        (self.each)(Input::File { name, path })
    }
}

/// Hands each input of a request to `each`, in order, as it is found; an error (a mistake in
/// a settings file met on the way, or one from `each`) stops the search.
pub fn find(
    request: &Request<'_>,
    cwd: &Path,
    finder: &Arc<Finder>,
    each: &mut dyn FnMut(Input) -> Result<(), SettingsError>,
) -> Result<Found, SettingsError> {
    let mut out = Out {
        found: Found::default(),
        seen: HashSet::default(),
        each,
    };
    if request.paths.is_empty() && request.stdin_name.is_none() && !stdin_brings_data() {
        walk(".", true, request, cwd, finder, &mut out)?;
        return Ok(out.found);
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
            (out.each)(Input::Stdin {
                name: request.stdin_name.unwrap_or("<stdin>").to_string(),
                path,
            })?;
            continue;
        }
        let path = absolute(cwd, Path::new(given));
        if request.force_exclude && excluded(request, finder, &path)? {
            continue;
        }
        if path.is_dir() {
            walk(given, false, request, cwd, finder, &mut out)?;
        } else {
            // A missing file stays an input: reading it fails with a message naming it.
            out.file(given.clone(), path)?;
        }
    }
    Ok(out.found)
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

/// Hands the route files under the folder `given` (a path relative to `cwd` or absolute) to
/// `out`. With `implicit` (no path was given), names are shown without the leading `./`.
fn walk(
    given: &str,
    implicit: bool,
    request: &Request<'_>,
    cwd: &Path,
    finder: &Arc<Finder>,
    out: &mut Out<'_>,
) -> Result<(), SettingsError> {
    // The walk visits each folder's entries in the order the file system lists them (the
    // files found are sorted below): of several broken settings files, the one of the first
    // folder in sorted order is reported, whatever the order of the walk.
    let problem: Arc<Mutex<Option<(PathBuf, SettingsError)>>> = Arc::default();
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
            let folder = path.parent().unwrap_or(&path);
            match finder.for_dir(folder) {
                Ok(governing) => !governing.is_some_and(|s| s.excludes(&path, is_dir)),
                Err(e) => {
                    let mut problem = problem.lock().unwrap_or_else(|p| p.into_inner());
                    if problem
                        .as_ref()
                        .is_none_or(|(first, _)| folder < first.as_path())
                    {
                        *problem = Some((folder.to_path_buf(), e));
                    }
                    true
                }
            }
        }
    };
    let walker = ignore::WalkBuilder::new(given)
        .standard_filters(true)
        .require_git(false)
        .follow_links(false)
        .filter_entry(filter)
        .build();
    let mut files = Vec::new();
    let mut failures = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                failures.push(walk_failure(given, &e));
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
    if let Some((_, e)) = problem.lock().unwrap_or_else(|p| p.into_inner()).take() {
        return Err(e);
    }
    failures.sort_by(|a, b| Path::new(&a.file).cmp(Path::new(&b.file)));
    out.found.failures.append(&mut failures);
    if files.is_empty() {
        out.found.empty.push(given.to_string());
    }
    files.sort_by(|a, b| Path::new(&a.0).cmp(Path::new(&b.0)));
    for (name, path) in files {
        out.file(name, path)?;
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
    if plain(path) && (path.is_absolute() || plain(cwd)) {
        // Nothing to resolve: joining gives the same bytes as rebuilding from components,
        // without a push (and a growth of the buffer) per component.
        return cwd.join(path);
    }
    resolved(cwd, path)
}

/// `path` joined to `cwd` and rebuilt component by component, `.` dropped and `..` taking
/// the last name off: what [`absolute`] gives for any path.
fn resolved(cwd: &Path, path: &Path) -> PathBuf {
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

/// Whether `path` is written the way [`absolute`] writes paths: names without `.` or `..`,
/// separated by single `/`, and no `/` at the end.
fn plain(path: &Path) -> bool {
    if !cfg!(unix) {
        return false;
    }
    let bytes = path.as_os_str().as_encoded_bytes();
    let names = bytes.strip_prefix(b"/").unwrap_or(bytes);
    !names.is_empty()
        && names
            .split(|&byte| byte == b'/')
            .all(|name| !matches!(name, b"" | b"." | b".."))
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

    #[test]
    fn absolute_paths_are_written_alike_with_and_without_dots() {
        // The same bytes whichever way `absolute` takes (joined as is, or rebuilt from
        // components): settings patterns match the bytes of the path.
        let cwds = ["/w/repo", "/", "/w//repo/", "/w/./repo", "/w/x/../repo"];
        let paths = [
            "a.json",
            "routes/a.json",
            "routes//a.json",
            "routes/a.json/",
            "./a.json",
            "routes/./a.json",
            "routes/../a.json",
            "..",
            ".",
            "/abs/a.json",
            "//abs/a.json",
            "/abs/./a.json",
            "/",
            "a..json",
            ".hidden/a.json",
            "routes/.../a.json",
        ];
        for cwd in cwds {
            for path in paths {
                let (cwd, path) = (Path::new(cwd), Path::new(path));
                assert_eq!(
                    absolute(cwd, path).as_os_str(),
                    resolved(cwd, path).as_os_str(),
                    "{cwd:?} joined with {path:?}"
                );
            }
        }
        assert!(plain(Path::new("routes/a.json")) && plain(Path::new("/w/a.json")));
        assert!(!plain(Path::new("routes//a.json")) && !plain(Path::new("routes/")));
    }
}

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

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use dynroute_validator::files::is_route_file_name;
use dynroute_validator::output::Failure;

use crate::gitignore::{Match, Patterns};
use crate::ignore_files::IgnoreFiles;
use crate::settings::{self, Finder, SettingsError};

/// One input to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input, shown under `name`; `path` (absolute) is where that name puts it,
    /// for settings and per-file ignores.
    Stdin { name: String, path: Option<PathBuf> },
    /// A file: the name shown in diagnostics (the path as given or found), its absolute
    /// path, and its size if it was looked up to tell a file from a folder (as for a path
    /// given, unless its folder's listing told it; the walk's entries tell it without).
    File {
        name: String,
        path: PathBuf,
        size: Option<u64>,
    },
}

/// What the command line asks for.
pub struct Request<'a> {
    /// The paths given; empty means the current folder, or standard input when it brings
    /// data.
    pub paths: &'a [String],
    /// The name standard input is shown under (`--stdin-filename`).
    pub stdin_name: Option<&'a str>,
    /// `--exclude` patterns, relative to the current folder.
    pub exclude: &'a Patterns,
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
    fn file(
        &mut self,
        name: String,
        path: PathBuf,
        size: Option<u64>,
    ) -> Result<(), SettingsError> {
        if !self.seen.insert(path.clone()) {
            return Ok(());
        }
        (self.each)(Input::File { name, path, size })
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
    let given: Vec<(&String, Option<PathBuf>)> = paths
        .iter()
        .map(|given| {
            (
                given,
                (given != "-").then(|| absolute(cwd, Path::new(given))),
            )
        })
        .collect();
    let listing = Listing::of(given.iter().filter_map(|(_, path)| path.as_deref()));
    for (given, path) in given {
        let Some(path) = path else {
            let path = request
                .stdin_name
                .map(|name| absolute(cwd, Path::new(name)));
            if request.force_exclude
                && let Some(path) = &path
                && excluded(request, finder, path, path.is_dir())?
            {
                continue;
            }
            (out.each)(Input::Stdin {
                name: request.stdin_name.unwrap_or("<stdin>").to_string(),
                path,
            })?;
            continue;
        };
        let kind = match listing.is_folder(&path) {
            Some(is_folder) => Ok((is_folder, None)),
            None => std::fs::metadata(&path)
                .map(|found| (found.is_dir(), found.is_file().then_some(found.len()))),
        };
        let is_dir = matches!(kind, Ok((true, _)));
        if request.force_exclude && excluded(request, finder, &path, is_dir)? {
            continue;
        }
        match kind {
            Ok((true, _)) => walk(given, false, request, cwd, finder, &mut out)?,
            Ok((false, size)) => out.file(given.clone(), path, size)?,
            // A missing file stays an input: reading it fails with a message naming it.
            Err(_) => out.file(given.clone(), path, None)?,
        }
    }
    Ok(out.found)
}

/// Paths given in one folder from which that folder is listed (see [`Listing`]).
const LISTED_FROM: usize = 16;

/// Entries per path given in a folder past which its listing stops: the paths are then
/// looked up one by one, as in a folder with few of them.
const ENTRIES_PER_PATH: usize = 16;

/// Whether the paths given in the folders that hold many of them (as pre-commit passes them)
/// are files or folders, from one listing of each such folder: telling a file from a folder by
/// its entry costs a share of one listing instead of a look-up (a `stat`) per path, which was
/// most of the time spent finding thousands of given files. Entries that are neither (links,
/// devices, pipes), names not listed, and folders not listed are looked up.
#[derive(Default)]
struct Listing(HashMap<PathBuf, Entries, foldhash::fast::RandomState>);

/// Names given in one folder, and whether the listing found each a folder (`Some(true)`), a
/// file (`Some(false)`) or neither (`None`).
type Entries = HashMap<OsString, Option<bool>, foldhash::fast::RandomState>;

impl Listing {
    /// The folders of `paths` (absolute, as [`absolute`] writes them) that hold at least
    /// [`LISTED_FROM`] of them, listed to their end if they have at most [`ENTRIES_PER_PATH`]
    /// entries per path given in them.
    fn of<'a>(paths: impl Iterator<Item = &'a Path>) -> Self {
        let mut given: HashMap<&Path, Entries, foldhash::fast::RandomState> = HashMap::default();
        for path in paths {
            if let (Some(folder), Some(name)) = (path.parent(), path.file_name()) {
                given
                    .entry(folder)
                    .or_default()
                    .insert(name.to_os_string(), None);
            }
        }
        let mut listing = Listing::default();
        for (folder, mut names) in given {
            let most = names.len().saturating_mul(ENTRIES_PER_PATH);
            if names.len() >= LISTED_FROM && list(folder, &mut names, most) {
                listing.0.insert(folder.to_path_buf(), names);
            }
        }
        listing
    }

    /// Whether `path` is a folder (`Some(true)`) or a file (`Some(false)`), if its folder's
    /// listing says.
    fn is_folder(&self, path: &Path) -> Option<bool> {
        let entries = self.0.get(path.parent()?)?;
        *entries.get(path.file_name()?)?
    }
}

/// Marks which of `names` are folders and which files in `folder`, by their entries' types
/// (only those of the names given are asked for: where the listing does not hold them, asking
/// is a look-up). Says whether `folder` was listed to its end in at most `most` entries.
fn list(folder: &Path, names: &mut Entries, most: usize) -> bool {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return false;
    };
    for (i, entry) in entries.enumerate() {
        let Ok(entry) = entry else {
            return false;
        };
        if i == most {
            return false;
        }
        if let Some(kind) = names.get_mut(entry.file_name().as_os_str())
            && let Ok(found) = entry.file_type()
            && (found.is_dir() || found.is_file())
        {
            *kind = Some(found.is_dir());
        }
    }
    true
}

/// Whether the command line's or the governing settings file's patterns name `path` (a
/// folder if `is_dir`) or a folder above it.
fn excluded(
    request: &Request<'_>,
    finder: &Finder,
    path: &Path,
    is_dir: bool,
) -> Result<bool, SettingsError> {
    if settings::matches_or_parent(request.exclude, path, is_dir) {
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
    finder: &Finder,
    out: &mut Out<'_>,
) -> Result<(), SettingsError> {
    let root = absolute(cwd, Path::new(given));
    let mut ignores = IgnoreFiles::at(&root);
    // Folders still to list, depth first: where each is, how it is shown, and, below the
    // root, how many folders' ignore files are in force in the folder that holds it.
    let shown_root = if implicit {
        PathBuf::new()
    } else {
        PathBuf::from(given)
    };
    let mut folders = vec![(root, shown_root, None)];
    let mut files = Vec::new();
    let mut failures = Vec::new();
    // Of several broken settings files, the one of the first folder in sorted order is
    // reported, whatever the order of the walk.
    let mut problem: Option<(PathBuf, SettingsError)> = None;
    while let Some((dir, shown_dir, depth)) = folders.pop() {
        if let Some(depth) = depth {
            ignores.truncate(depth);
            ignores.enter(&dir);
        }
        let cannot_read = |shown: &Path, error: std::io::Error| {
            let file = if shown.as_os_str().is_empty() {
                given.to_string()
            } else {
                shown.display().to_string()
            };
            Failure {
                message: format!("cannot read {file}: {error}"),
                file,
            }
        };
        // The settings governing the folder's entries, looked up when the first entry that
        // no ignore file passes over asks.
        let governing = std::cell::OnceCell::new();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                failures.push(cannot_read(&shown_dir, e));
                continue;
            }
        };
        for entry in entries {
            let (entry, kind) = match entry.and_then(|e| e.file_type().map(|t| (e, t))) {
                Ok(found) => found,
                Err(e) => {
                    failures.push(cannot_read(&shown_dir, e));
                    continue;
                }
            };
            let name = entry.file_name();
            let path = dir.join(&name);
            let is_dir = kind.is_dir();
            let hidden = name.as_encoded_bytes().first() == Some(&b'.');
            match ignores.matched(&path, is_dir) {
                Match::Ignored => continue,
                Match::None if hidden => continue,
                _ => {}
            }
            if settings::matches(request.exclude, &path, is_dir) {
                continue;
            }
            match governing.get_or_init(|| finder.for_dir(&dir)) {
                Ok(Some(governing)) if governing.excludes(&path, is_dir) => continue,
                Ok(_) => {}
                Err(e) => {
                    if problem.as_ref().is_none_or(|(first, _)| dir < *first) {
                        problem = Some((dir.clone(), e.clone()));
                    }
                }
            }
            let shown = shown_dir.join(&name);
            if is_dir {
                folders.push((path, shown, Some(ignores.depth())));
                continue;
            }
            // A link to a file counts; links to folders are not followed.
            let is_file = kind.is_file() || (kind.is_symlink() && path.is_file());
            if is_file
                && is_route_file_name(&name.to_string_lossy())
                && request.skip.as_ref() != Some(&path)
            {
                files.push((shown.display().to_string(), path));
            }
        }
    }
    if let Some((_, e)) = problem {
        return Err(e);
    }
    failures.sort_by(|a, b| Path::new(&a.file).cmp(Path::new(&b.file)));
    out.found.failures.append(&mut failures);
    if files.is_empty() {
        out.found.empty.push(given.to_string());
    }
    files.sort_by(|a, b| Path::new(&a.0).cmp(Path::new(&b.0)));
    for (name, path) in files {
        out.file(name, path, None)?;
    }
    Ok(())
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

    /// The inputs `find` hands on for `paths` given in `cwd`, without their sizes, with the
    /// `exclude` patterns applied to them.
    fn inputs(cwd: &Path, paths: &[String], exclude: &Patterns) -> Vec<Input> {
        let request = Request {
            paths,
            stdin_name: None,
            exclude,
            force_exclude: true,
            skip: None,
        };
        let mut found = Vec::new();
        find(&request, cwd, &Arc::new(Finder::off()), &mut |input| {
            found.push(match input {
                Input::File { name, path, .. } => Input::File {
                    name,
                    path,
                    size: None,
                },
                stdin => stdin,
            });
            Ok(())
        })
        .expect("found");
        found
    }

    #[test]
    fn a_listed_folder_tells_files_from_folders_as_a_look_up_does() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let cwd = folder.path();
        let mut names: Vec<String> = (0..LISTED_FROM).map(|i| format!("r{i:02}.json")).collect();
        for name in &names {
            std::fs::write(cwd.join(name), "{}").expect("written");
        }
        // A folder named like a file, a folder, a missing file, and links to both kinds.
        for sub in ["folder.json", "sub"] {
            std::fs::create_dir(cwd.join(sub)).expect("a folder");
            std::fs::write(cwd.join(sub).join("inside.json"), "{}").expect("written");
        }
        names.extend(["folder.json", "sub", "missing.json"].map(String::from));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(cwd.join("sub"), cwd.join("to-sub")).expect("a link");
            std::os::unix::fs::symlink(cwd.join("r00.json"), cwd.join("to-r00.json"))
                .expect("a link");
            names.extend(["to-sub", "to-r00.json"].map(String::from));
        }
        // Given as absolute paths: the walk of a folder starts from the path as given.
        let paths: Vec<PathBuf> = names.iter().map(|name| cwd.join(name)).collect();
        let given: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        let listing = Listing::of(paths.iter().map(PathBuf::as_path));
        assert_eq!(listing.is_folder(&cwd.join("r00.json")), Some(false));
        assert_eq!(listing.is_folder(&cwd.join("folder.json")), Some(true));
        // Names not listed as a file or a folder are looked up.
        for name in ["missing.json", "to-sub", "to-r00.json"] {
            assert_eq!(listing.is_folder(&cwd.join(name)), None, "{name}");
        }
        // Given all at once (their folder listed) or one by one (each looked up), the same
        // inputs come, in the same order, also where a pattern names folders only.
        let mut folders_only = Patterns::new(cwd);
        folders_only.add(b"sub/").expect("a pattern");
        assert_eq!(
            inputs(cwd, &given, &folders_only),
            given
                .iter()
                .flat_map(|g| inputs(cwd, std::slice::from_ref(g), &folders_only))
                .collect::<Vec<_>>()
        );
        let excluded = inputs(cwd, &given, &folders_only);
        assert!(
            !excluded
                .iter()
                .any(|input| matches!(input, Input::File { path, .. } if path.starts_with(cwd.join("sub")))),
            "{excluded:?}"
        );
        let one_by_one: Vec<Input> = given
            .iter()
            .flat_map(|g| inputs(cwd, std::slice::from_ref(g), &Patterns::default()))
            .collect();
        assert_eq!(inputs(cwd, &given, &Patterns::default()), one_by_one);
        let found: Vec<PathBuf> = one_by_one
            .into_iter()
            .filter_map(|input| match input {
                Input::File { path, .. } => path.strip_prefix(cwd).ok().map(Path::to_path_buf),
                Input::Stdin { .. } => None,
            })
            .collect();
        for name in ["folder.json/inside.json", "sub/inside.json", "missing.json"] {
            assert!(found.contains(&PathBuf::from(name)), "{name} in {found:?}");
        }
        // A folder with many more entries than paths given in it is not listed.
        for i in 0..2 * given.len() * ENTRIES_PER_PATH {
            std::fs::write(cwd.join(format!("x{i}.json")), "{}").expect("written");
        }
        let listing = Listing::of(paths.iter().map(PathBuf::as_path));
        assert_eq!(listing.is_folder(&cwd.join("r00.json")), None);
    }

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

//! The ignore files that apply while walking a folder, and what they say of each entry.
//!
//! In each folder from the root of the file system down to the one being listed: `.ignore`,
//! `.gitignore`, and `.git/info/exclude` where the folder holds a `.git`; and git's global
//! excludes (see `global_excludes`). These are the files ripgrep's `ignore` crate reads,
//! with its precedence: a match in a `.ignore` file wins over one in a `.gitignore`, which
//! wins over `.git/info/exclude`, which wins over the global excludes; of the files of one
//! kind, the nearest folder's that matches decides. As in git (and unlike the `ignore` crate
//! without `require_git`), `.gitignore` files and `info/exclude` above the nearest
//! repository's top folder do not apply; with no repository they all do. The folders above a
//! walk's root are those above the folder it really is, links resolved.

use std::path::{Path, PathBuf};

use crate::gitignore::{Match, Patterns};

/// What the ignore files of one folder say.
#[derive(Debug, Default)]
struct Folder {
    dot_ignore: Option<Patterns>,
    gitignore: Option<Patterns>,
    git_exclude: Option<Patterns>,
    /// The folder holds a `.git`: the top of a repository.
    is_repository: bool,
}

impl Folder {
    fn read(dir: &Path) -> Self {
        let git = dir.join(".git");
        let is_repository = std::fs::symlink_metadata(&git).is_ok();
        Folder {
            dot_ignore: read_patterns(dir, &dir.join(".ignore")),
            gitignore: read_patterns(dir, &dir.join(".gitignore")),
            git_exclude: if is_repository {
                git_dir(&git).and_then(|g| read_patterns(dir, &g.join("info/exclude")))
            } else {
                None
            },
            is_repository,
        }
    }
}

/// The ignore files in force in the folder being walked: those of every folder above it
/// and of the folder itself, nearest last.
#[derive(Debug)]
pub struct IgnoreFiles {
    folders: Vec<Folder>,
    global: Option<Patterns>,
    /// The walk's root as given (absolute), and where it really is when links lead there
    /// (the folders above the root are those above the real one).
    root: PathBuf,
    real_root: Option<PathBuf>,
    /// How many folders (the root and those above it) are read from `real_root`.
    above: usize,
}

impl IgnoreFiles {
    /// The ignore files in force in `root` (absolute), the folder a walk starts from.
    pub fn at(root: &Path) -> Self {
        let real_root = root.canonicalize().ok().filter(|real| real != root);
        let real = real_root.as_deref().unwrap_or(root);
        let mut above: Vec<&Path> = real.ancestors().collect();
        above.reverse();
        let folders: Vec<Folder> = above.into_iter().map(Folder::read).collect();
        // Global patterns are relative to the top of the repository, as in git, or to the
        // walk's root outside one.
        let top = real
            .ancestors()
            .zip(folders.iter().rev())
            .find(|(_, folder)| folder.is_repository)
            .map_or(real, |(dir, _)| dir);
        let global = global_excludes().and_then(|file| read_patterns(top, &file));
        IgnoreFiles {
            above: folders.len(),
            folders,
            global,
            root: root.to_path_buf(),
            real_root,
        }
    }

    /// How many folders are in force: what [`truncate`](Self::truncate) goes back to.
    pub fn depth(&self) -> usize {
        self.folders.len()
    }

    /// Enters `dir`, a folder inside the last one entered.
    pub fn enter(&mut self, dir: &Path) {
        self.folders.push(Folder::read(dir));
    }

    /// Leaves the folders entered after the first `depth`.
    pub fn truncate(&mut self, depth: usize) {
        self.folders.truncate(depth);
    }

    /// What the ignore files say of `path` (absolute, in the last folder entered; a folder if
    /// `is_dir`).
    pub fn matched(&self, path: &Path, is_dir: bool) -> Match {
        // The path where the folders read from the real root see it.
        let real_path = self.real_root.as_ref().and_then(|real| {
            let below = path.strip_prefix(&self.root).ok()?;
            Some(real.join(below))
        });
        let mut found = [Match::None; 3];
        let mut past_repository = false;
        for (i, folder) in self.folders.iter().enumerate().rev() {
            let path = match &real_path {
                Some(real) if i < self.above => real.as_path(),
                _ => path,
            };
            let kinds = [
                (&folder.dot_ignore, true),
                (&folder.gitignore, !past_repository),
                (&folder.git_exclude, !past_repository),
            ];
            for (slot, (patterns, applies)) in found.iter_mut().zip(kinds) {
                if *slot == Match::None
                    && applies
                    && let Some(patterns) = patterns
                {
                    *slot = patterns.matched(path, is_dir);
                }
            }
            past_repository |= folder.is_repository;
        }
        found
            .into_iter()
            .find(|m| *m != Match::None)
            .or_else(|| {
                let path = real_path.as_deref().unwrap_or(path);
                self.global.as_ref().map(|g| g.matched(path, is_dir))
            })
            .unwrap_or(Match::None)
    }
}

/// The patterns of the file `file`, relative to `dir`, if it can be read and has any.
fn read_patterns(dir: &Path, file: &Path) -> Option<Patterns> {
    let bytes = std::fs::read(file).ok()?;
    let patterns = Patterns::from_file_bytes(dir, &bytes);
    (!patterns.is_empty()).then_some(patterns)
}

/// The git folder that `.git` (a folder, or a file that names one as a worktree's does)
/// stands for, and the common folder of a worktree, where `info/exclude` is.
fn git_dir(git: &Path) -> Option<PathBuf> {
    if git.is_dir() {
        return Some(git.to_path_buf());
    }
    let text = std::fs::read_to_string(git).ok()?;
    let named = text.lines().next()?.strip_prefix("gitdir:")?.trim();
    let dir = git.parent()?.join(named);
    match std::fs::read_to_string(dir.join("commondir")) {
        Ok(common) => Some(dir.join(common.trim())),
        Err(_) => Some(dir),
    }
}

/// The file of git's global excludes, where git looks for it: `core.excludesFile` of the
/// global configuration (`$GIT_CONFIG_GLOBAL`, else `~/.gitconfig` over
/// `$XDG_CONFIG_HOME/git/config`), else of the system's (`$GIT_CONFIG_SYSTEM`, else
/// `/etc/gitconfig`, unless `$GIT_CONFIG_NOSYSTEM`), else `$XDG_CONFIG_HOME/git/ignore` or
/// `~/.config/git/ignore`.
fn global_excludes() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let home = var("HOME").map(PathBuf::from);
    let config_home = var("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".config")));
    let mut configs: Vec<PathBuf> = match var("GIT_CONFIG_GLOBAL") {
        Some(global) => vec![PathBuf::from(global)],
        None => home
            .iter()
            .map(|h| h.join(".gitconfig"))
            .chain(config_home.iter().map(|c| c.join("git/config")))
            .collect(),
    };
    let no_system = var("GIT_CONFIG_NOSYSTEM")
        .is_some_and(|v| !matches!(v.to_str(), Some("0" | "false" | "no" | "off")));
    if !no_system {
        configs
            .push(var("GIT_CONFIG_SYSTEM").map_or_else(|| "/etc/gitconfig".into(), PathBuf::from));
    }
    let configured = configs.into_iter().find_map(|file| {
        let text = std::fs::read_to_string(file).ok()?;
        let value = excludes_file(&text)?;
        Some(match (value.strip_prefix("~/"), &home) {
            (Some(rest), Some(home)) => home.join(rest),
            _ => PathBuf::from(value),
        })
    });
    configured.or_else(|| config_home.map(|c| c.join("git/ignore")))
}

/// `core.excludesFile` in the text of a git configuration file: the last one set, unquoted.
fn excludes_file(config: &str) -> Option<String> {
    let mut in_core = false;
    let mut found = None;
    for line in config.lines() {
        let line = line.trim();
        if let Some(section) = line.strip_prefix('[') {
            let name = section.split([']', ' ', '"']).next().unwrap_or_default();
            in_core = name.eq_ignore_ascii_case("core");
            continue;
        }
        if !in_core {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if key.trim().eq_ignore_ascii_case("excludesfile") {
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value);
            found = Some(value.to_string());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_excludes_file_is_read_from_its_section() {
        let config = "[user]\n\texcludesfile = no\n[core]\n\tautocrlf = false\n\
                      \tExcludesFile = \"~/.global ignore\"\n[alias]\n\texcludesfile = no\n";
        assert_eq!(excludes_file(config).as_deref(), Some("~/.global ignore"));
        assert_eq!(
            excludes_file("[core]\nexcludesfile=/x\n").as_deref(),
            Some("/x")
        );
        assert_eq!(excludes_file("excludesfile = /x\n"), None);
    }

    #[test]
    fn ignore_files_take_precedence_by_kind_then_nearness() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = dir.path();
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
            std::fs::write(path, text).expect("written");
        };
        write("outer/.gitignore", "above-repo.json\n");
        write("outer/repo/.git/info/exclude", "excluded.json\nboth.json\n");
        write("outer/repo/.gitignore", "*.draft.json\n!both.json\n");
        write("outer/repo/sub/.gitignore", "!keep.draft.json\n");
        write("outer/repo/sub/.ignore", "keep.draft.json\n");
        write("outer/repo/sub/deeper/.gitignore", "!again.draft.json\n");
        let repo = root.join("outer/repo");
        let mut files = IgnoreFiles::at(&repo);
        let at = |files: &IgnoreFiles, path: &str| files.matched(&repo.join(path), false);
        assert_eq!(at(&files, "x.draft.json"), Match::Ignored);
        assert_eq!(at(&files, "excluded.json"), Match::Ignored);
        // `.gitignore` wins over `info/exclude`.
        assert_eq!(at(&files, "both.json"), Match::Included);
        // The `.gitignore` above the repository does not apply.
        assert_eq!(at(&files, "above-repo.json"), Match::None);
        let depth = files.depth();
        files.enter(&repo.join("sub"));
        // `.ignore` wins over the nearer `.gitignore`'s re-inclusion.
        assert_eq!(at(&files, "sub/keep.draft.json"), Match::Ignored);
        files.enter(&repo.join("sub/deeper"));
        assert_eq!(at(&files, "sub/deeper/again.draft.json"), Match::Included);
        assert_eq!(at(&files, "sub/deeper/other.draft.json"), Match::Ignored);
        files.truncate(depth);
        // Left: `sub/deeper`'s re-inclusion no longer applies.
        assert_eq!(at(&files, "sub/deeper/again.draft.json"), Match::Ignored);
        // Without a repository, every folder's `.gitignore` above applies.
        let outside = IgnoreFiles::at(&root.join("outer"));
        assert_eq!(
            outside.matched(&root.join("outer/above-repo.json"), false),
            Match::Ignored
        );
    }
}

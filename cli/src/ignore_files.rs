//! The ignore files that apply while walking a folder, and what they say of each entry.
//!
//! In each folder from the root of the file system down to the one being listed: `.ignore`,
//! `.gitignore`, and `.git/info/exclude` where the folder holds a `.git`; and git's global
//! excludes (`core.excludesFile` of `~/.gitconfig` or `$XDG_CONFIG_HOME/git/config`, else
//! `$XDG_CONFIG_HOME/git/ignore` or `~/.config/git/ignore`). This is what ripgrep's `ignore`
//! crate reads, with its precedence: a match in a `.ignore` file wins over one in a
//! `.gitignore`, which wins over `.git/info/exclude`, which wins over the global excludes; of
//! the files of one kind, the nearest folder's that matches decides. `.gitignore` files and
//! `info/exclude` above the nearest git repository's top folder do not apply; with no
//! repository they all do.

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
}

impl IgnoreFiles {
    /// The ignore files in force in `root` (absolute), the folder a walk starts from.
    pub fn at(root: &Path) -> Self {
        let mut above: Vec<&Path> = root.ancestors().collect();
        above.reverse();
        let folders: Vec<Folder> = above.into_iter().map(Folder::read).collect();
        // Global patterns are relative to the top of the repository, as in git, or to the
        // walk's root outside one.
        let top = root
            .ancestors()
            .zip(folders.iter().rev())
            .find(|(_, folder)| folder.is_repository)
            .map_or(root, |(dir, _)| dir);
        let global = global_excludes().and_then(|file| read_patterns(top, &file));
        IgnoreFiles { folders, global }
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
        let mut found = [Match::None; 3];
        let mut past_repository = false;
        for folder in self.folders.iter().rev() {
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
            .or_else(|| self.global.as_ref().map(|g| g.matched(path, is_dir)))
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

/// The file of git's global excludes, where git looks for it.
fn global_excludes() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from);
    let config_home = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|x| !x.is_empty())
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".config")));
    let configured = |file: PathBuf| {
        let text = std::fs::read_to_string(file).ok()?;
        let value = excludes_file(&text)?;
        Some(match (value.strip_prefix("~/"), &home) {
            (Some(rest), Some(home)) => home.join(rest),
            _ => PathBuf::from(value),
        })
    };
    home.as_ref()
        .and_then(|h| configured(h.join(".gitconfig")))
        .or_else(|| {
            config_home
                .as_ref()
                .and_then(|c| configured(c.join("git/config")))
        })
        .or_else(|| config_home.map(|c| c.join("git/ignore")))
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
        assert_eq!(at(&files, "sub/keep.draft.json"), Match::Ignored);
        // Without a repository, every folder's `.gitignore` above applies.
        let outside = IgnoreFiles::at(&root.join("outer"));
        assert_eq!(
            outside.matched(&root.join("outer/above-repo.json"), false),
            Match::Ignored
        );
    }
}

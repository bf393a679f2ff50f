//! Patterns in `.gitignore` syntax, matched as git matches them (gitignore(5); the matching
//! is a port of git's `wildmatch.c` with `WM_PATHNAME`, and the choice of pattern that of
//! `dir.c`): the last pattern that matches a path decides, `!` re-includes, a trailing `/`
//! matches folders only, a pattern with a `/` before its end is anchored to the patterns'
//! folder and any other matches a name at any depth, `*` and `?` stop at `/`, `**` between
//! slashes matches any number of folders, and `[...]` is a class (`!` or `^` negates it,
//! ranges, `[:alpha:]` and the other POSIX classes, `\` escapes).
//!
//! Paths are compared as bytes, case-sensitively; on systems whose paths are not bytes they
//! are compared as their UTF-8 text.

use std::path::{Path, PathBuf};

/// The patterns of one `.gitignore` file, or of settings, relative to a folder.
#[derive(Debug, Clone, Default)]
pub struct Patterns {
    /// The folder the patterns are relative to (absolute).
    root: PathBuf,
    rules: Vec<Rule>,
}

#[derive(Debug, Clone)]
struct Rule {
    /// The glob without its `!`, its leading `/` and its trailing `/`.
    glob: Vec<u8>,
    /// `!`: a match re-includes.
    negated: bool,
    /// A trailing `/`: matches folders only.
    folders_only: bool,
    /// No `/` in the glob: matched against the last name of a path, at any depth.
    name_only: bool,
}

/// How a path stands with some patterns: the last pattern that matches decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// No pattern matches.
    None,
    /// A pattern matches: the path is ignored (excluded).
    Ignored,
    /// A `!` pattern matches: the path is re-included.
    Included,
}

impl Match {
    /// Whether a pattern ignores the path.
    pub fn is_ignored(self) -> bool {
        self == Match::Ignored
    }
}

impl Patterns {
    /// No patterns, relative to `root`.
    pub fn new(root: &Path) -> Self {
        Patterns {
            root: root.to_path_buf(),
            rules: Vec::new(),
        }
    }

    /// The patterns of a `.gitignore` file's bytes, relative to `root`. As in git, a line
    /// that cannot match (a `[` left open) matches nothing, and a byte order mark at the start
    /// is not part of the first line.
    pub fn from_file_bytes(root: &Path, bytes: &[u8]) -> Self {
        let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        let mut patterns = Patterns::new(root);
        for line in bytes.split(|&b| b == b'\n') {
            // Git reads a line up to a NUL byte.
            let line = line.split(|&b| b == 0).next().unwrap_or_default();
            // A line that cannot match is as good as left out.
            let _ = patterns.add(line);
        }
        patterns
    }

    /// Whether there are no patterns.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Adds one `.gitignore` line (a `\r` at its end is dropped): blank lines and `#`
    /// comments add nothing. A line that can never match a path (a `[` with no `]`, an unknown
    /// `[:class:]`, a NUL byte) is not added, and the error says why.
    pub fn add(&mut self, line: &[u8]) -> Result<(), String> {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mut glob = trim_trailing_spaces(line);
        if glob.is_empty() || glob[0] == b'#' {
            return Ok(());
        }
        let negated = glob[0] == b'!';
        if negated {
            glob = &glob[1..];
        }
        let folders_only = glob.last() == Some(&b'/');
        if folders_only {
            glob = &glob[..glob.len() - 1];
        }
        let name_only = !glob.contains(&b'/');
        if glob.first() == Some(&b'/') {
            glob = &glob[1..];
        }
        if glob.contains(&0) {
            return Err("a NUL byte matches no path".to_string());
        }
        if let Some(problem) = unmatchable(glob) {
            return Err(problem.to_string());
        }
        self.rules.push(Rule {
            glob: collapse_double_stars(glob),
            negated,
            folders_only,
            name_only,
        });
        Ok(())
    }

    /// How `path` (absolute, a folder if `is_dir`) stands with the patterns. Paths outside
    /// their folder match nothing.
    pub fn matched(&self, path: &Path, is_dir: bool) -> Match {
        match path.strip_prefix(&self.root) {
            Ok(relative) if !self.rules.is_empty() => self.matched_relative(relative, is_dir),
            _ => Match::None,
        }
    }

    /// How `path` stands, or else the nearest folder above it (up to the patterns' folder)
    /// that a pattern matches.
    pub fn matched_or_parents(&self, path: &Path, is_dir: bool) -> Match {
        let Ok(mut relative) = path.strip_prefix(&self.root) else {
            return Match::None;
        };
        if self.rules.is_empty() {
            return Match::None;
        }
        let mut is_dir = is_dir;
        loop {
            if relative.as_os_str().is_empty() {
                return Match::None;
            }
            match self.matched_relative(relative, is_dir) {
                Match::None => {}
                found => return found,
            }
            let Some(parent) = relative.parent() else {
                return Match::None;
            };
            relative = parent;
            is_dir = true;
        }
    }

    fn matched_relative(&self, relative: &Path, is_dir: bool) -> Match {
        let text = path_bytes(relative);
        let path: &[u8] = &text;
        if path.is_empty() {
            return Match::None;
        }
        let name = match path.iter().rposition(|&b| b == b'/') {
            Some(at) => &path[at + 1..],
            None => path,
        };
        for rule in self.rules.iter().rev() {
            if rule.folders_only && !is_dir {
                continue;
            }
            let against = if rule.name_only { name } else { path };
            if wildmatch(&rule.glob, against) {
                return if rule.negated {
                    Match::Included
                } else {
                    Match::Ignored
                };
            }
        }
        Match::None
    }
}

/// A relative path as `/`-separated bytes.
fn path_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::borrow::Cow::Borrowed(path.as_os_str().as_bytes())
    }
    #[cfg(not(unix))]
    {
        let names: Vec<String> = path
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        std::borrow::Cow::Owned(names.join("/").into_bytes())
    }
}

/// `line` without its trailing spaces, except one escaped by a backslash (as git reads
/// `.gitignore` lines).
fn trim_trailing_spaces(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && line[end - 1] == b' ' {
        let backslashes = line[..end - 1]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if backslashes % 2 == 1 {
            break;
        }
        end -= 1;
    }
    &line[..end]
}

/// `glob` with each run of `**/` groups (a folder of stars alone, as wildmatch reads it)
/// made one: the same paths match, and matching recurses once per group where a group
/// matches no folder, so a line of many groups would otherwise take time and stack
/// exponential in their number.
fn collapse_double_stars(glob: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(glob.len());
    // Where the last `**/` group written ends.
    let mut group_end = None;
    let mut i = 0;
    while i < glob.len() {
        if glob[i] == b'\\' {
            out.extend_from_slice(&glob[i..(i + 2).min(glob.len())]);
            i += 2;
            continue;
        }
        // A star at the start or after a `/` is never escaped.
        if glob[i] == b'*' && out.last().is_none_or(|&b| b == b'/') {
            let stars = glob[i..].iter().take_while(|&&b| b == b'*').count();
            if stars >= 2 && glob.get(i + stars) == Some(&b'/') {
                if group_end != Some(out.len()) {
                    out.extend_from_slice(b"**/");
                    group_end = Some(out.len());
                }
                i += stars + 1;
                continue;
            }
        }
        out.push(glob[i]);
        i += 1;
    }
    out
}

/// Why `glob` can match no path, if it cannot: a `[` whose class no `]` closes, or a
/// `[:class:]` that is not one of the POSIX classes.
fn unmatchable(glob: &[u8]) -> Option<&'static str> {
    let mut i = 0;
    while i < glob.len() {
        match glob[i] {
            b'\\' => i += 2,
            b'[' => match class(glob, i, 0) {
                Ok((_, end)) => i = end + 1,
                Err(problem) => return Some(problem),
            },
            _ => i += 1,
        }
    }
    None
}

/// The class that opens at `glob[open]` (a `[`), read as git's wildmatch reads it: whether
/// `byte` is a member (negation applied), and the index of the `]` that closes it. The error
/// is why the class can match nothing (wildmatch's `WM_ABORT_ALL`).
fn class(glob: &[u8], open: usize, byte: u8) -> Result<(bool, usize), &'static str> {
    const UNCLOSED: &str = "a `[` opens a class that no `]` closes";
    let at = |i: usize| glob.get(i).copied().ok_or(UNCLOSED);
    let mut p = open + 1;
    let mut p_ch = at(p)?;
    let negated = p_ch == b'!' || p_ch == b'^';
    if negated {
        p += 1;
        p_ch = at(p)?;
    }
    // The member before, when it was a single byte: the start of a range.
    let mut prev_ch = 0u8;
    let mut matched = false;
    loop {
        if p_ch == b'\\' {
            p += 1;
            p_ch = at(p)?;
            matched |= byte == p_ch;
        } else if p_ch == b'-' && prev_ch != 0 && glob.get(p + 1).is_some_and(|&b| b != b']') {
            p += 1;
            p_ch = at(p)?;
            if p_ch == b'\\' {
                p += 1;
                p_ch = at(p)?;
            }
            matched |= (prev_ch..=p_ch).contains(&byte);
            p_ch = 0;
        } else if p_ch == b'[' && glob.get(p + 1) == Some(&b':') {
            let start = p + 2;
            let close = start
                + glob[start.min(glob.len())..]
                    .iter()
                    .position(|&b| b == b']')
                    .ok_or(UNCLOSED)?;
            if close == start || glob[close - 1] != b':' {
                // No `:]`: the `[` is a member like any other.
                matched |= byte == b'[';
            } else {
                let class = posix_class(&glob[start..close - 1]).ok_or(
                    "`[:name:]` names none of the classes alnum, alpha, blank, cntrl, digit, \
                     graph, lower, print, punct, space, upper, xdigit",
                )?;
                matched |= class(byte);
                p = close;
                p_ch = 0;
            }
        } else {
            matched |= byte == p_ch;
        }
        prev_ch = p_ch;
        p += 1;
        p_ch = at(p)?;
        if p_ch == b']' {
            return Ok((matched != negated, p));
        }
    }
}

/// Whether `glob` matches all of `text` (git's `wildmatch` with `WM_PATHNAME`).
pub fn wildmatch(glob: &[u8], text: &[u8]) -> bool {
    dowild(glob, text) == Wild::Match
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wild {
    Match,
    NoMatch,
    /// The text ran out: no shorter text can match either.
    AbortAll,
    /// A `*` met a `/`: only a `**` further out can go on.
    AbortToStarStar,
}

/// Git's `dowild`: the pattern `p` against `text`, where the end of either slice plays the
/// part of C's terminating NUL.
fn dowild(p: &[u8], text: &[u8]) -> Wild {
    #[cfg(test)]
    tests::CALLS.with(|calls| calls.set(calls.get() + 1));
    let at = |s: &[u8], i: usize| s.get(i).copied().unwrap_or(0);
    let (mut pi, mut ti) = (0usize, 0usize);
    while pi < p.len() {
        let mut p_ch = p[pi];
        let t_ch = at(text, ti);
        if ti >= text.len() && p_ch != b'*' {
            return Wild::AbortAll;
        }
        match p_ch {
            b'?' => {
                if t_ch == b'/' {
                    return Wild::NoMatch;
                }
            }
            b'*' => {
                let match_slash;
                pi += 1;
                if at(p, pi) == b'*' {
                    let before = pi.checked_sub(2);
                    while at(p, pi + 1) == b'*' {
                        pi += 1;
                    }
                    pi += 1;
                    let after = at(p, pi);
                    if before.is_none_or(|b| p[b] == b'/')
                        && (pi >= p.len()
                            || after == b'/'
                            || (after == b'\\' && at(p, pi + 1) == b'/'))
                    {
                        if after == b'/' && dowild(&p[pi + 1..], &text[ti..]) == Wild::Match {
                            return Wild::Match;
                        }
                        match_slash = true;
                    } else {
                        match_slash = false;
                    }
                } else {
                    match_slash = false;
                }
                if pi >= p.len() {
                    // A trailing `**` matches everything, a trailing `*` what has no `/`.
                    if !match_slash && text[ti..].contains(&b'/') {
                        return Wild::AbortToStarStar;
                    }
                    return Wild::Match;
                } else if !match_slash && p[pi] == b'/' {
                    // One `*` before a `/` matches the rest of this name.
                    let Some(slash) = text[ti..].iter().position(|&b| b == b'/') else {
                        return Wild::AbortAll;
                    };
                    ti += slash;
                    // The `/` of the pattern and of the text are passed below.
                    pi += 1;
                    ti += 1;
                    continue;
                }
                let mut t_ch = t_ch;
                loop {
                    if ti >= text.len() {
                        break;
                    }
                    // A literal after the star: skip to its next occurrence (not past a `/`
                    // unless the star matches slashes).
                    let next = p[pi];
                    if !matches!(next, b'*' | b'?' | b'[' | b'\\') {
                        while ti < text.len() && (match_slash || text[ti] != b'/') {
                            if text[ti] == next {
                                break;
                            }
                            ti += 1;
                        }
                        t_ch = at(text, ti);
                        if ti >= text.len() || t_ch != next {
                            // No later start can match either (git 2.41's fix of
                            // exponential matching).
                            return if match_slash {
                                Wild::AbortAll
                            } else {
                                Wild::AbortToStarStar
                            };
                        }
                    }
                    let matched = dowild(&p[pi..], &text[ti..]);
                    if matched != Wild::NoMatch {
                        if !match_slash || matched != Wild::AbortToStarStar {
                            return matched;
                        }
                    } else if !match_slash && t_ch == b'/' {
                        return Wild::AbortToStarStar;
                    }
                    ti += 1;
                    t_ch = at(text, ti);
                }
                return Wild::AbortAll;
            }
            b'[' => match class(p, pi, t_ch) {
                Err(_) => return Wild::AbortAll,
                Ok((member, end)) => {
                    if !member || t_ch == b'/' {
                        return Wild::NoMatch;
                    }
                    pi = end;
                }
            },
            _ => {
                if p_ch == b'\\' {
                    // The next byte literally; a `\` at the end matches nothing.
                    pi += 1;
                    p_ch = at(p, pi);
                    if pi >= p.len() {
                        return Wild::NoMatch;
                    }
                }
                if t_ch != p_ch {
                    return Wild::NoMatch;
                }
            }
        }
        pi += 1;
        ti += 1;
    }
    if ti < text.len() {
        Wild::NoMatch
    } else {
        Wild::Match
    }
}

/// The POSIX class `[:name:]` names, as git's wildmatch knows them.
fn posix_class(name: &[u8]) -> Option<fn(u8) -> bool> {
    Some(match name {
        b"alnum" => |c: u8| c.is_ascii_alphanumeric(),
        b"alpha" => |c: u8| c.is_ascii_alphabetic(),
        b"blank" => |c: u8| c == b' ' || c == b'\t',
        b"cntrl" => |c: u8| c.is_ascii_control(),
        b"digit" => |c: u8| c.is_ascii_digit(),
        b"graph" => |c: u8| c.is_ascii_graphic(),
        b"lower" => |c: u8| c.is_ascii_lowercase(),
        b"print" => |c: u8| c.is_ascii_graphic() || c == b' ',
        b"punct" => |c: u8| c.is_ascii_punctuation(),
        // Git's own table: no form feed or vertical tab.
        b"space" => |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r'),
        b"upper" => |c: u8| c.is_ascii_uppercase(),
        b"xdigit" => |c: u8| c.is_ascii_hexdigit(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(lines: &[&str]) -> Patterns {
        let mut patterns = Patterns::new(Path::new("/r"));
        for line in lines {
            patterns
                .add(line.as_bytes())
                .expect("a pattern that can match");
        }
        patterns
    }

    #[test]
    fn globs_match_as_git_s_wildmatch_does() {
        // From git's t/t3070-wildmatch.sh, with WM_PATHNAME.
        let cases: &[(&str, &str, bool)] = &[
            ("foo", "foo", true),
            ("bar", "foo", false),
            ("", "", true),
            ("???", "foo", true),
            ("??", "foo", false),
            ("*", "foo", true),
            ("f*", "foo", true),
            ("*f", "foo", false),
            ("*foo*", "foo", true),
            ("*ob*a*r*", "foobar", true),
            ("*ab", "aaaaaaabababab", true),
            ("foo\\*", "foo*", true),
            ("foo\\*bar", "foobar", false),
            ("f\\\\oo", "f\\oo", true),
            ("*[al]?", "ball", true),
            ("[ten]", "ten", false),
            ("**[!te]", "ten", true),
            ("**[!ten]", "ten", false),
            ("t[a-g]n", "ten", true),
            ("t[!a-g]n", "ten", false),
            ("t[!a-g]n", "ton", true),
            ("t[^a-g]n", "ton", true),
            ("a[]]b", "a]b", true),
            ("a[]-]b", "a-b", true),
            ("a[]a-]b", "aab", true),
            ("]", "]", true),
            ("foo*bar", "foo/baz/bar", false),
            ("foo**bar", "foo/baz/bar", false),
            ("foo?bar", "foo/bar", false),
            ("foo[/]bar", "foo/bar", false),
            ("foo[^a-z]bar", "foo/bar", false),
            ("f[^eiu][^eiu][^eiu][^eiu][^eiu]r", "foo/bar", false),
            ("f[^eiu][^eiu][^eiu][^eiu][^eiu]r", "foo-bar", true),
            ("**/foo", "foo", true),
            ("**/foo", "XXX/foo", true),
            ("**/foo", "bar/baz/foo", true),
            ("*/foo", "bar/baz/foo", false),
            ("**/bar*", "foo/bar/baz", false),
            ("**/bar/*", "deep/foo/bar/baz", true),
            ("**/bar/*", "deep/foo/bar/baz/", false),
            ("**/bar/**", "deep/foo/bar/baz/", true),
            ("**/bar/*", "deep/foo/bar", false),
            ("**/bar/**", "deep/foo/bar/", true),
            ("**/bar**", "foo/bar/baz", false),
            ("*/bar/**", "foo/bar/baz/x", true),
            ("*/bar/**", "deep/foo/bar/baz/x", false),
            ("**/bar/*/*", "deep/foo/bar/baz/x", true),
            ("a/**/b", "a/b", true),
            ("a/**/b", "a/x/y/b", true),
            ("a/**", "a/b/c", true),
            ("a/**", "a", false),
            ("[[:alpha:]][[:digit:]][[:upper:]]", "a1B", true),
            ("[[:digit:][:upper:][:space:]]", "a", false),
            ("[[:digit:][:upper:][:space:]]", "A", true),
            ("[[:digit:][:punct:][:space:]]", ".", true),
            ("[a-c[:digit:]x-z]", "5", true),
            ("[a-c[:digit:]x-z]", "q", false),
            ("[[:xdigit:]]", "f", true),
            ("[a-]", "-", true),
            ("[\\-_]", "-", true),
            ("[\\]]", "]", true),
            ("[\\]]", "\\]", false),
            ("[[:foo:]]", "f", false),
            ("a[", "a[", false),
            ("\\", "\\", false),
            (
                "-*-*-*-*-*-*-12-*-*-*-m-*-*-*",
                "-adobe-courier-bold-o-normal--12-120-75-75-m-70-iso8859-1",
                true,
            ),
            (
                "XXX/*/*/*/*/*/*/12/*/*/*/m/*/*/*",
                "XXX/adobe/courier/bold/o/normal//12/120/75/75/X/70/iso8859/1",
                false,
            ),
            (
                "**/*a*b*g*n*t",
                "abcd/abcdefg/abcdefghijk/abcdefghijklmnop.txt",
                true,
            ),
            (
                "**/*a*b*g*n*t",
                "abcd/abcdefg/abcdefghijk/abcdefghijklmnop.txtz",
                false,
            ),
        ];
        for &(glob, text, expected) in cases {
            assert_eq!(
                wildmatch(glob.as_bytes(), text.as_bytes()),
                expected,
                "{glob} against {text}"
            );
        }
    }

    #[test]
    fn the_last_matching_line_decides_and_slashes_anchor() {
        let p = patterns(&["*.json", "!keep.json", "drafts/", "/top.json", "a/*/c.json"]);
        let at = |path: &str, is_dir| p.matched(&Path::new("/r").join(path), is_dir);
        assert_eq!(at("x.json", false), Match::Ignored);
        assert_eq!(at("deep/x.json", false), Match::Ignored);
        assert_eq!(at("deep/keep.json", false), Match::Included);
        assert_eq!(at("drafts", true), Match::Ignored);
        assert_eq!(at("drafts", false), Match::None);
        assert_eq!(at("top.json", false), Match::Ignored);
        assert_eq!(at("a/b/c.json", false), Match::Ignored);
        assert_eq!(
            p.matched(Path::new("/elsewhere/x.json"), false),
            Match::None
        );
        let p = patterns(&["/top.txt", "a/*/c.txt", "drafts/"]);
        let at = |path: &str| p.matched(&Path::new("/r").join(path), false);
        assert_eq!(at("sub/top.txt"), Match::None);
        assert_eq!(at("x/a/b/c.txt"), Match::None);
        // A file inside an ignored folder: the folder matches, the file alone does not.
        assert_eq!(at("drafts/d.txt"), Match::None);
        assert_eq!(
            p.matched_or_parents(Path::new("/r/drafts/d.txt"), false),
            Match::Ignored
        );
        assert_eq!(
            p.matched_or_parents(Path::new("/r/d.txt"), false),
            Match::None
        );
    }

    #[test]
    fn lines_are_read_as_git_reads_them() {
        let p = Patterns::from_file_bytes(
            Path::new("/r"),
            "\u{feff}first\r\n# comment\n\\#hash\n\\!bang\ntrailing   \nescaped\\ \n\n[open\n"
                .as_bytes(),
        );
        let at = |path: &str| p.matched(&Path::new("/r").join(path), false);
        assert_eq!(at("first"), Match::Ignored);
        assert_eq!(at("# comment"), Match::None);
        assert_eq!(at("#hash"), Match::Ignored);
        assert_eq!(at("!bang"), Match::Ignored);
        assert_eq!(at("trailing"), Match::Ignored);
        assert_eq!(at("escaped "), Match::Ignored);
        assert_eq!(at("[open"), Match::None);
        let mut p = Patterns::new(Path::new("/r"));
        for (line, problem) in [
            ("a/[b", "no `]` closes"),
            ("[[:word:]]", "names none of the classes"),
            ("a\0b", "NUL"),
        ] {
            let error = p.add(line.as_bytes()).expect_err(line);
            assert!(error.contains(problem), "{line}: {error}");
        }
        assert!(p.rules.is_empty());
    }

    thread_local! {
        /// Calls of `dowild` on this thread.
        pub(super) static CALLS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }

    /// The calls of `dowild` that matching `glob` against `text` takes.
    fn calls(glob: &[u8], text: &[u8]) -> (bool, u64) {
        CALLS.with(|calls| calls.set(0));
        let matched = wildmatch(glob, text);
        (matched, CALLS.with(std::cell::Cell::get))
    }

    #[test]
    fn matching_takes_no_exponential_number_of_steps() {
        // As git's t3070 "matching does not exhibit exponential behavior": before git's fix
        // (2.41), this took 9.7 million calls.
        let stars = "*a".repeat(12);
        let text = "a".repeat(24) + "b";
        assert!(!calls(stars.as_bytes(), text.as_bytes()).0);
        assert!(calls(stars.as_bytes(), text.as_bytes()).1 < 10_000);
        // Groups of `**/` in a row are one group.
        let groups = "**/".repeat(12) + "x";
        let p = patterns(&[&groups]);
        assert_eq!(p.rules[0].glob, b"**/x");
        let deep = "d/".repeat(24) + "y";
        assert!(!calls(&p.rules[0].glob, deep.as_bytes()).0);
        assert!(calls(&p.rules[0].glob, deep.as_bytes()).1 < 10_000);
        assert_eq!(
            p.matched(&Path::new("/r").join(deep.replace('y', "x")), false),
            Match::Ignored
        );
        // Escaped stars, stars within a name and single stars are not groups.
        for (line, kept) in [
            ("\\**/**/x", "\\**/**/x"),
            ("a**/**/x", "a**/**/x"),
            ("*/*/x", "*/*/x"),
            ("***/**/a/**/**/x", "**/a/**/x"),
        ] {
            assert_eq!(patterns(&[line]).rules[0].glob, kept.as_bytes(), "{line}");
        }
    }

    #[test]
    fn classes_read_as_git_reads_them() {
        // `a-[` is a range and `:foo:` plain members; `[:space:]` is git's, without \f or \v.
        let p = patterns(&["[a-[:foo:]]", "x[[:space:]]y"]);
        let at = |path: &str| p.matched(&Path::new("/r").join(path), false);
        assert_eq!(at("f]"), Match::Ignored);
        assert_eq!(at("x\ty"), Match::Ignored);
        assert_eq!(at("x\x0cy"), Match::None);
        assert_eq!(at("x\x0by"), Match::None);
        // A NUL ends a line of an ignore file, as in git.
        let p = Patterns::from_file_bytes(Path::new("/r"), b"kept\0cut\n");
        assert_eq!(p.matched(Path::new("/r/kept"), false), Match::Ignored);
    }

    /// A small random number generator, so that the cases are the same on every run.
    struct XorShift(u64);

    impl XorShift {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// Hundreds of generated pattern pairs, each in the `.gitignore` of its own folder over
    /// the same tree, checked against `git check-ignore`: what git says of each path equals
    /// what [`Patterns::matched`] says of the path or of the first folder above it that it
    /// ignores (git does not look into an ignored folder).
    #[test]
    fn patterns_match_what_git_check_ignore_says() {
        const FOLDERS: [&str; 8] = ["a", "a/b", "a/x", "a/x/b", "ab", "x", "x/a", "a/.b"];
        const FILES: [&str; 14] = [
            "a.json",
            "b.txt",
            "a/b.json",
            "a/b/c.json",
            "a/x/b/c.json",
            "ab/c.json",
            "x/a/b",
            "x/a/ab",
            "[a].json",
            "a*b",
            "foo bar",
            ".hidden",
            "a/.b/c",
            "a/b/a",
        ];
        const PIECES: [&str; 19] = [
            "a",
            "b",
            "c",
            "x",
            "*",
            "**",
            "?",
            "/",
            ".json",
            "[ab]",
            "[!a]",
            "[a-c]",
            "[]a]",
            "\\*",
            "[[:alpha:]]",
            "[^b]",
            "[",
            " ",
            "\\ ",
        ];
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = dir.path();
        let git = |args: &[&str], input: Option<&str>| {
            use std::io::Write;
            let mut child = std::process::Command::new("git")
                .args(args)
                .current_dir(root)
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("HOME", root)
                .env("XDG_CONFIG_HOME", root)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("git runs (git is needed for this test)");
            let mut stdin = child.stdin.take().expect("stdin");
            let input = input.unwrap_or_default().to_string();
            let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
            let out = child.wait_with_output().expect("git ends");
            writer.join().expect("writer").expect("written");
            out
        };
        assert!(git(&["init", "-q"], None).status.success());
        let mut random = XorShift(0x9e37_79b9_7f4a_7c15);
        let mut cases = Vec::new();
        let mut queries = String::new();
        for case in 0..400 {
            let folder = root.join(format!("case{case}"));
            let lines: Vec<String> = (0..2)
                .map(|_| {
                    let mut line = String::new();
                    match random.below(6) {
                        0 => line.push('!'),
                        1 => line.push('/'),
                        _ => {}
                    }
                    for _ in 0..1 + random.below(4) {
                        line.push_str(PIECES[random.below(PIECES.len())]);
                    }
                    if random.below(4) == 0 {
                        line.push('/');
                    }
                    line
                })
                // Before 2.52, git matched a line whose wildcards begin with `**` after a
                // name (`a**/b`) as if the `**` began a folder (1940a02dc1, "match_pathname():
                // give fnmatch one char of prefix context"); this port reads such lines as
                // git 2.52 does, so they are left out where an older git answers.
                .filter(|line: &String| {
                    let glob = line.trim_start_matches(['!', '/']);
                    let literal = glob.find(['*', '?', '[', '\\']).unwrap_or(glob.len());
                    !(literal > 0
                        && glob[literal..].starts_with("**")
                        && !glob[..literal].ends_with('/'))
                })
                .collect();
            for f in FOLDERS {
                std::fs::create_dir_all(folder.join(f)).expect("folder");
            }
            for f in FILES {
                std::fs::write(folder.join(f), "").expect("file");
            }
            let text = lines.join("\n") + "\n";
            std::fs::write(folder.join(".gitignore"), &text).expect(".gitignore");
            for path in FOLDERS.iter().chain(&FILES) {
                queries.push_str(&format!("case{case}/{path}\n"));
            }
            cases.push((folder, text));
        }
        let out = git(
            &["check-ignore", "--no-index", "-v", "-n", "--stdin"],
            Some(&queries),
        );
        let said = String::from_utf8(out.stdout).expect("UTF-8");
        let mut answers = said.lines();
        let mut checked = [0usize; 3];
        for (folder, text) in &cases {
            let patterns = Patterns::from_file_bytes(folder, text.as_bytes());
            for path in FOLDERS.iter().chain(&FILES) {
                let line = answers.next().expect("an answer for each path");
                let (source, shown) = line.split_once('\t').expect("source, tab, path");
                assert!(shown.ends_with(path), "{line} for {path}");
                let pattern = source.splitn(3, ':').nth(2).expect("source:line:pattern");
                let git_says = match pattern {
                    "" => Match::None,
                    p if p.starts_with('!') => Match::Included,
                    _ => Match::Ignored,
                };
                let full = folder.join(path);
                let names: Vec<&str> = path.split('/').collect();
                let above_ignored = (1..names.len()).any(|n| {
                    patterns.matched(&folder.join(names[..n].join("/")), true) == Match::Ignored
                });
                let we_say = if above_ignored {
                    Match::Ignored
                } else {
                    patterns.matched(&full, FOLDERS.contains(path))
                };
                assert_eq!(we_say, git_says, "{path} with {text:?} (git: {line})");
                checked[git_says as usize] += 1;
            }
        }
        assert!(answers.next().is_none());
        // The cases reach every outcome, many times.
        assert!(checked.iter().all(|&n| n > 200), "{checked:?}");
    }
}

//! The settings file of `dynroute validate`: the `validate` object of the nearest
//! `.dynroute.json`, found by walking up from a checked file's folder.
//!
//! `.dynroute.json` is shared with the deploy commands, which read `account_id`,
//! `gateway_id` and `base_url` at its top level; `validate` sits beside them:
//!
//! ```json
//! {
//!   "gateway_id": "prod",
//!   "validate": {
//!     "rules": {"ignored-property": "off", "same-branch": "error"},
//!     "per_file_ignores": {"legacy/*.json": ["dead-end", "unreachable"]},
//!     "exclude": ["drafts/", "*.draft.json"],
//!     "max_diagnostics": 50
//!   }
//! }
//! ```
//!
//! The nearest `.dynroute.json` that has a `validate` object applies, whole: settings are not
//! merged across folders. Patterns are `.gitignore` lines relative to the settings file's
//! folder. The file is read with the validator's strict parser, and every mistake in it (a
//! syntax error, a repeated or unknown key, an unknown rule, a value of the wrong type) is an
//! error that names the file, the line and column, and the JSON pointer.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use dynroute_validator::pointer::push_token;
use dynroute_validator::source::LineIndex;
use dynroute_validator::{Config, Severity, locate, parse};
use serde_json::{Map, Value};

use crate::gitignore::Patterns;

/// The settings file's name.
pub const FILE_NAME: &str = ".dynroute.json";

/// Top-level keys of `.dynroute.json` that the deploy commands read.
const DEPLOY_KEYS: [&str; 3] = ["account_id", "gateway_id", "base_url"];

/// The keys of the `validate` object.
const VALIDATE_KEYS: [&str; 4] = ["rules", "per_file_ignores", "exclude", "max_diagnostics"];

/// What a settings file says about validation.
#[derive(Debug)]
pub struct Settings {
    /// Rule severities in file order; `None` turns a rule off. Every name is a rule whose
    /// severity can be set so.
    pub rules: Vec<(String, Option<Severity>)>,
    /// Patterns (relative to the file's folder) and the rules they turn off.
    per_file_ignores: Vec<(Patterns, Vec<String>)>,
    /// Files and folders that walking a folder passes over.
    exclude: Patterns,
    /// The most findings shown per file (0 shows all).
    pub max_diagnostics: Option<usize>,
}

impl Settings {
    /// Settings with nothing in them, for inputs that no settings file governs.
    pub fn none() -> Self {
        Settings {
            rules: Vec::new(),
            per_file_ignores: Vec::new(),
            exclude: Patterns::default(),
            max_diagnostics: None,
        }
    }

    /// The rules turned off for the file at `path` (absolute) by `per_file_ignores`.
    pub fn ignored_rules(&self, path: &Path) -> impl Iterator<Item = &str> {
        self.per_file_ignores
            .iter()
            .filter(move |(patterns, _)| matches_or_parent(patterns, path, false))
            .flat_map(|(_, rules)| rules.iter().map(String::as_str))
    }

    /// Whether `exclude` names the file or folder at `path` (absolute) itself.
    pub fn excludes(&self, path: &Path, is_dir: bool) -> bool {
        matches(&self.exclude, path, is_dir)
    }

    /// Whether `exclude` names the file at `path` (absolute) or a folder above it.
    pub fn excludes_or_parent(&self, path: &Path) -> bool {
        matches_or_parent(&self.exclude, path, false)
    }
}

/// Whether `path` (absolute) matches `patterns`; paths outside their folder never do.
pub fn matches(patterns: &Patterns, path: &Path, is_dir: bool) -> bool {
    patterns.matched(path, is_dir).is_ignored()
}

/// Whether `path` (absolute) or a folder above it, up to the patterns' folder, matches.
pub fn matches_or_parent(patterns: &Patterns, path: &Path, is_dir: bool) -> bool {
    patterns.matched_or_parents(path, is_dir).is_ignored()
}

/// A mistake in a settings file, or a settings file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError(pub String);

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Finds the settings that govern each folder, reading each settings file once.
#[derive(Debug, Default)]
pub struct Finder {
    /// A settings file named on the command line: it governs every input, and no search is
    /// made.
    fixed: Option<Arc<Settings>>,
    /// No settings file at all.
    off: bool,
    /// Folders already resolved, and what governs them. Behind a lock so that a folder walk
    /// can ask from its filter.
    cache: Mutex<HashMap<PathBuf, Option<Arc<Settings>>, foldhash::fast::RandomState>>,
}

impl Finder {
    /// A finder that searches upward from each folder.
    pub fn search() -> Self {
        Finder::default()
    }

    /// A finder that reads no settings file.
    pub fn off() -> Self {
        Finder {
            off: true,
            ..Finder::default()
        }
    }

    /// A finder that applies the settings file at `file` (absolute) to everything.
    pub fn fixed(file: &Path) -> Result<Self, SettingsError> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| SettingsError(format!("cannot read {}: {e}", file.display())))?;
        let settings = read(file, &text)?.unwrap_or_else(Settings::none);
        Ok(Finder {
            fixed: Some(Arc::new(settings)),
            ..Finder::default()
        })
    }

    /// The settings that govern `dir` (absolute): those of the nearest `.dynroute.json` in
    /// `dir` or a folder above it that has a `validate` object.
    pub fn for_dir(&self, dir: &Path) -> Result<Option<Arc<Settings>>, SettingsError> {
        if self.off {
            return Ok(None);
        }
        if let Some(fixed) = &self.fixed {
            return Ok(Some(fixed.clone()));
        }
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        let mut unresolved = Vec::new();
        let mut found = None;
        for folder in dir.ancestors() {
            if let Some(known) = cache.get(folder) {
                found = known.clone();
                break;
            }
            unresolved.push(folder.to_path_buf());
            let file = folder.join(FILE_NAME);
            let text = match std::fs::read_to_string(&file) {
                Ok(text) => text,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(_) if !file.is_file() => continue,
                Err(e) => {
                    return Err(SettingsError(format!(
                        "cannot read {}: {e}",
                        file.display()
                    )));
                }
            };
            if let Some(settings) = read(&file, &text)? {
                found = Some(Arc::new(settings));
                break;
            }
        }
        for folder in unresolved {
            cache.insert(folder, found.clone());
        }
        Ok(found)
    }
}

/// Reads the text of the settings file `file`: `None` when it has no `validate` object.
pub fn read(file: &Path, text: &str) -> Result<Option<Settings>, SettingsError> {
    let parsed = match parse::parse(text) {
        Ok(parsed) => parsed,
        Err(e) => {
            return Err(error_at(file, text, e.start, "", &e.message));
        }
    };
    let at = |pointer: &str, at_key: bool, message: &str| {
        let located = locate::locate(&parsed, pointer, at_key);
        error_at(file, text, located.start, pointer, message)
    };
    if let Some(duplicate) = parsed.duplicates.first() {
        return Err(at(&duplicate.pointer, true, &duplicate.message));
    }
    let value = parsed.root().to_value();
    let Value::Object(top) = &value else {
        return Err(at("", false, "the settings file must hold a JSON object"));
    };
    for key in top.keys() {
        if key != "validate" && key != "$schema" && !DEPLOY_KEYS.contains(&key.as_str()) {
            return Err(at(
                &push_token("", key),
                true,
                &format!(
                    "unknown key `{key}`; the keys are `validate` and the deploy settings `{}`",
                    DEPLOY_KEYS.join("`, `")
                ),
            ));
        }
    }
    let Some(validate) = top.get("validate") else {
        return Ok(None);
    };
    let root = file.parent().unwrap_or(Path::new("/"));
    let validate = object(validate, "/validate").map_err(|(p, m)| at(&p, false, &m))?;
    settings(root, validate)
        .map(Some)
        .map_err(|(pointer, at_key, message)| at(&pointer, at_key, &message))
}

/// A mistake: the JSON pointer, whether it names a key, and what is wrong.
type Mistake = (String, bool, String);

fn settings(root: &Path, validate: &Map<String, Value>) -> Result<Settings, Mistake> {
    let mut out = Settings::none();
    for (key, value) in validate {
        let pointer = push_token("/validate", key);
        match key.as_str() {
            "rules" => {
                for (rule, severity) in object(value, &pointer).map_err(not_key)? {
                    let at = push_token(&pointer, rule);
                    let severity = match severity.as_str() {
                        Some("off") => None,
                        Some("warning") => Some(Severity::Warning),
                        Some("error") => Some(Severity::Error),
                        _ => {
                            return Err((
                                at,
                                false,
                                format!(
                                    "the severity of `{rule}` must be \"off\", \"warning\" or \"error\""
                                ),
                            ));
                        }
                    };
                    check_rule(rule, severity).map_err(|m| (at.clone(), true, m))?;
                    out.rules.push((rule.clone(), severity));
                }
            }
            "per_file_ignores" => {
                for (pattern, rules) in object(value, &pointer).map_err(not_key)? {
                    let at = push_token(&pointer, pattern);
                    let patterns = patterns(root, [(pattern.as_str(), at.as_str(), true)])?;
                    let Some(list) = rules.as_array() else {
                        return Err((at, false, "must be an array of rule names".to_string()));
                    };
                    let mut names = Vec::new();
                    for (i, rule) in list.iter().enumerate() {
                        let at = push_token(&at, &i.to_string());
                        let Some(rule) = rule.as_str() else {
                            return Err((at, false, "must be a rule name".to_string()));
                        };
                        check_rule(rule, None).map_err(|m| (at, false, m))?;
                        names.push(rule.to_string());
                    }
                    out.per_file_ignores.push((patterns, names));
                }
            }
            "exclude" => {
                let Some(list) = value.as_array() else {
                    return Err((pointer, false, "must be an array of patterns".to_string()));
                };
                let mut lines = Vec::new();
                for (i, pattern) in list.iter().enumerate() {
                    let at = push_token(&pointer, &i.to_string());
                    let Some(pattern) = pattern.as_str() else {
                        return Err((at, false, "must be a pattern (a string)".to_string()));
                    };
                    lines.push((pattern, at));
                }
                out.exclude = patterns(root, lines.iter().map(|(p, at)| (*p, at.as_str(), false)))?;
            }
            "max_diagnostics" => {
                out.max_diagnostics = Some(
                    value
                        .as_u64()
                        .and_then(|n| usize::try_from(n).ok())
                        .ok_or_else(|| {
                            (
                                pointer.clone(),
                                false,
                                "must be a whole number, 0 or more (0 shows all)".to_string(),
                            )
                        })?,
                );
            }
            _ => {
                return Err((
                    pointer,
                    true,
                    format!(
                        "unknown key `{key}`; the keys of `validate` are `{}`",
                        VALIDATE_KEYS.join("`, `")
                    ),
                ));
            }
        }
    }
    Ok(out)
}

fn not_key((pointer, message): (String, String)) -> Mistake {
    (pointer, false, message)
}

/// `value` as an object, or the mistake at `pointer`.
fn object<'v>(value: &'v Value, pointer: &str) -> Result<&'v Map<String, Value>, (String, String)> {
    value
        .as_object()
        .ok_or_else(|| (pointer.to_string(), "must be a JSON object".to_string()))
}

/// Whether a rule can be given a severity, with the validator's reason when it cannot
/// (an unknown name, with the closest rule; `invalid-json` and `schema` turned down).
pub fn check_rule(rule: &str, severity: Option<Severity>) -> Result<(), String> {
    Config::check(rule, severity)
        .map(drop)
        .map_err(|e| e.to_string())
}

/// Patterns as `.gitignore` lines relative to `root`; each comes with its pointer (for the
/// error) and whether the pointer names a key.
fn patterns<'a>(
    root: &Path,
    lines: impl IntoIterator<Item = (&'a str, &'a str, bool)>,
) -> Result<Patterns, Mistake> {
    let mut patterns = Patterns::new(root);
    for (line, pointer, at_key) in lines {
        if line.trim().is_empty() || line.starts_with('#') {
            return Err((
                pointer.to_string(),
                at_key,
                "an empty pattern or a comment matches nothing".to_string(),
            ));
        }
        patterns
            .add(line.as_bytes())
            .map_err(|e| (pointer.to_string(), at_key, format!("bad pattern: {e}")))?;
    }
    Ok(patterns)
}

/// Patterns from the command line (`--exclude`), relative to the current folder `cwd`.
pub fn command_line_patterns(cwd: &Path, lines: &[String]) -> Result<Patterns, String> {
    patterns(cwd, lines.iter().map(|l| (l.as_str(), "", false)))
        .map_err(|(_, _, message)| format!("--exclude: {message}"))
}

/// The error for a mistake at byte `offset` of `text` in `file`.
fn error_at(file: &Path, text: &str, offset: usize, pointer: &str, message: &str) -> SettingsError {
    let at = LineIndex::new(text).position(text, offset);
    let pointer = if pointer.is_empty() {
        String::new()
    } else {
        format!("{pointer}: ")
    };
    SettingsError(format!(
        "{}:{}:{}: {pointer}{message}",
        file.display(),
        at.line,
        at.column
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        read(Path::new("/r/.dynroute.json"), text)
            .expect_err("a mistake")
            .to_string()
    }

    #[test]
    fn mistakes_name_the_file_the_position_and_the_pointer() {
        assert_eq!(
            error(r#"{"validate": {"rules": {"dead-edn": "off"}}}"#),
            "/r/.dynroute.json:1:25: /validate/rules/dead-edn: unknown rule `dead-edn` \
             (did you mean `dead-end`?); run `dynroute explain` for the list"
        );
        assert_eq!(
            error("{\n  \"validate\": {\"exclude\": [\"a\"], \"excluded\": 1}\n}"),
            "/r/.dynroute.json:2:34: /validate/excluded: unknown key `excluded`; the keys of \
             `validate` are `rules`, `per_file_ignores`, `exclude`, `max_diagnostics`"
        );
        assert!(
            error(r#"{"validate": {"rules": {"schema": "off"}}}"#)
                .contains("rule `schema` is always an error"),
        );
        assert!(
            error(r#"{"validate": {"per_file_ignores": {"a/*.json": ["invalid-json"]}}}"#)
                .contains(": /validate/per_file_ignores/a~1*.json/0: "),
        );
        assert!(error(r#"{"validate": {"rules": {"cycle": "warn"}}}"#).contains("\"warning\""));
        assert!(error(r#"{"validate": {"max_diagnostics": -1}}"#).contains("whole number"));
        assert!(error(r#"{"validate": {"exclude": "drafts"}}"#).contains("array"));
        assert!(
            error(r#"{"validate": {"exclude": ["a/[b"]}}"#)
                .contains(": /validate/exclude/0: bad pattern")
        );
        assert!(error(r#"{"valdate": {}}"#).contains("unknown key `valdate`"));
        assert!(error(r#"{"validate": {}, "validate": {}}"#).contains("/validate"));
        assert!(error("{\"validate\": {},}").starts_with("/r/.dynroute.json:1:"));
        assert!(error("[]").contains("a JSON object"));
    }

    #[test]
    fn deploy_settings_and_no_validate_object_are_fine() {
        let read = |text: &str| read(Path::new("/r/.dynroute.json"), text).expect("reads");
        assert!(read(r#"{"account_id": "a", "gateway_id": "g", "base_url": "u"}"#).is_none());
        let settings = read(
            r#"{"$schema": "x", "validate": {"rules": {"cycle": "warning", "same-branch": "off"},
                "per_file_ignores": {"legacy/": ["dead-end"], "*.old.json": ["cycle"]},
                "exclude": ["drafts/"], "max_diagnostics": 3}}"#,
        )
        .expect("a validate object");
        assert_eq!(
            settings.rules,
            [
                ("cycle".to_string(), Some(Severity::Warning)),
                ("same-branch".to_string(), None)
            ]
        );
        assert_eq!(settings.max_diagnostics, Some(3));
        let ignored = |path: &str| -> Vec<String> {
            settings
                .ignored_rules(Path::new(path))
                .map(str::to_string)
                .collect()
        };
        assert_eq!(ignored("/r/legacy/a.json"), ["dead-end"]);
        assert_eq!(ignored("/r/x/b.old.json"), ["cycle"]);
        assert!(ignored("/r/a.json").is_empty());
        assert!(ignored("/elsewhere/legacy/a.json").is_empty());
        assert!(settings.excludes(Path::new("/r/drafts"), true));
        assert!(!settings.excludes(Path::new("/r/drafts"), false));
        assert!(settings.excludes_or_parent(Path::new("/r/drafts/a.json")));
        assert!(!settings.excludes_or_parent(Path::new("/other/drafts/a.json")));
    }
}

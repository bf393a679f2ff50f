//! `dynroute validate`: its flags, the settings each input is checked with (the settings
//! file, then the flags, then per-file ignores), the files checked on every core in rounds
//! (`--jobs`), the findings written in the chosen format (or counted per rule) in the order
//! the files were given or walked, and the exit status.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::ValueEnum;
use dynroute_validator::output::{self, Failure, Format};
use dynroute_validator::schema::Reasons;
use dynroute_validator::{Config, Report, Severity, registry};
use serde_json::json;

use crate::USAGE_OR_IO;
use crate::rounds::{Job, Rounds, Source};
use crate::settings::{self, Finder, Settings};
use crate::walk::{self, Input};

/// Findings shown per file when neither the flag nor the settings file says.
const DEFAULT_MAX_DIAGNOSTICS: usize = 200;

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Route files and folders. A folder is walked for route files (`*.json` but
    /// `*.test.json` and hidden files), passing over what .gitignore hides. `-` reads
    /// standard input. No path: the current folder, or standard input when data is piped
    /// or redirected into it.
    #[arg(value_name = "PATH")]
    paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,
    /// Write the output to FILE instead of standard output (its folder is created).
    #[arg(short = 'o', long, value_name = "FILE")]
    output_file: Option<PathBuf>,
    /// Turn a rule off (repeatable).
    #[arg(long, value_name = "RULE")]
    allow: Vec<String>,
    /// Report a rule as a warning (repeatable).
    #[arg(long, value_name = "RULE")]
    warn: Vec<String>,
    /// Report a rule as an error (repeatable).
    #[arg(long, value_name = "RULE")]
    deny: Vec<String>,
    /// Exit with status 1 when there are warnings.
    #[arg(long)]
    deny_warnings: bool,
    /// Exit with status 0 whatever was found (unreadable inputs and usage errors still
    /// exit with 2).
    #[arg(long)]
    exit_zero: bool,
    /// Show at most N findings per file (errors first); 0 shows all. Exit status and
    /// counts include the findings not shown. [default: `max_diagnostics` of the settings
    /// file, else 200]
    #[arg(long, value_name = "N")]
    max_diagnostics: Option<usize>,
    /// Print the number of findings of each rule instead of the findings (human, short or
    /// json format).
    #[arg(long)]
    statistics: bool,
    /// Print the findings and nothing else: no summary line, no warnings about empty
    /// folders.
    #[arg(short, long)]
    quiet: bool,
    /// The name standard input is shown under, and matched against per-file ignores and
    /// excludes; the settings file is searched from its folder. Without a path, standard
    /// input is read.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,
    /// Pass over files and folders matching GLOB when walking (a .gitignore line, relative
    /// to the current folder; repeatable). Adds to the settings file's `exclude`.
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Apply the excludes to paths given explicitly too (as pre-commit passes them).
    #[arg(long)]
    force_exclude: bool,
    /// Read settings from FILE (a `.dynroute.json`) for every input, instead of searching
    /// for `.dynroute.json` upward from each input's folder.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Read no settings file.
    #[arg(long)]
    no_config: bool,
    /// Colour in the human format. `auto` colours a terminal unless NO_COLOR is set (and
    /// not empty); FORCE_COLOR or CLICOLOR_FORCE (set, not empty, not `0`) colour anything.
    #[arg(long, value_enum, default_value_t = Colour::Auto)]
    color: Colour,
    /// Check files on N threads; the output is the same for any N (files are reported in
    /// the order given or walked). [default: one thread per core; 0 means the same]
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
}

/// Output formats of `validate` ([`Format`] as command-line values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    /// Source snippets with the span underlined.
    Human,
    /// `file:line:col: severity[rule]: message`, one per line.
    Short,
    /// `{"diagnostics": [...]}` for other tools.
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
    /// JUnit XML test reports (GitLab, Jenkins, Azure Pipelines).
    Junit,
    /// GitLab Code Quality reports.
    Gitlab,
}

impl From<FormatArg> for Format {
    fn from(arg: FormatArg) -> Self {
        match arg {
            FormatArg::Human => Format::Human,
            FormatArg::Short => Format::Short,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Github => Format::Github,
            FormatArg::Junit => Format::Junit,
            FormatArg::Gitlab => Format::Gitlab,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Colour {
    Auto,
    Always,
    Never,
}

/// Shown after `dynroute validate -h`.
pub const EXAMPLES: &str = "\
Examples:
  dynroute validate                            # every route file under the current folder
  dynroute validate routes/ extra/route.json   # folders are walked, files always checked
  cat route.json | dynroute validate -         # standard input
  dynroute validate --format junit -o reports/dynroute.xml
  dynroute validate --statistics               # findings counted per rule
  dynroute validate --allow ignored-property --exclude 'drafts/'

Settings: the `validate` object of the nearest .dynroute.json (rules, per_file_ignores,
exclude, max_diagnostics); flags override it.
Exit status: 0 clean, 1 errors (or warnings with --deny-warnings), 2 usage or I/O error.";

/// Shown after `dynroute validate --help`: the examples, then every rule.
pub fn long_help() -> String {
    let mut help = format!("{EXAMPLES}\n\nRules (`dynroute explain RULE` tells more):\n");
    for rule in registry::RULES {
        help.push_str(&format!(
            "  {:<21}{:<9}{}\n",
            rule.name,
            rule.default_severity.as_str(),
            rule.summary
        ));
    }
    help
}

/// `--allow`, `--warn` and `--deny` in the order they were given: a later setting of a rule
/// replaces an earlier one, as the command line reads.
fn rule_settings(matches: &clap::ArgMatches) -> Vec<(String, Option<Severity>)> {
    let mut settings: Vec<(usize, String, Option<Severity>)> = Vec::new();
    for (id, severity) in [
        ("allow", None),
        ("warn", Some(Severity::Warning)),
        ("deny", Some(Severity::Error)),
    ] {
        if let (Some(indices), Some(values)) =
            (matches.indices_of(id), matches.get_many::<String>(id))
        {
            settings.extend(
                indices
                    .zip(values)
                    .map(|(index, name)| (index, name.clone(), severity)),
            );
        }
    }
    settings.sort_by_key(|(index, _, _)| *index);
    settings
        .into_iter()
        .map(|(_, name, severity)| (name, severity))
        .collect()
}

/// Whether the human format is coloured: the flag, else FORCE_COLOR or CLICOLOR_FORCE, else
/// NO_COLOR, else whether the output is a terminal. A variable counts when it is set and
/// not empty (<https://no-color.org>, <https://force-color.org>); `CLICOLOR_FORCE=0` does
/// not force.
fn colour(choice: Colour, env: impl Fn(&str) -> Option<String>, terminal: bool) -> bool {
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    match choice {
        Colour::Always => true,
        Colour::Never => false,
        Colour::Auto if set("FORCE_COLOR") => true,
        Colour::Auto if env("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") => true,
        Colour::Auto if set("NO_COLOR") => false,
        Colour::Auto => terminal,
    }
}

/// Runs `dynroute validate`; `matches` are its own argument matches (for the order of
/// `--allow`, `--warn` and `--deny`).
pub fn run(
    args: ValidateArgs,
    matches: &clap::ArgMatches,
    reasons: &'static dyn Reasons,
) -> ExitCode {
    match check(&args, matches, reasons) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("dynroute: {message}");
            ExitCode::from(USAGE_OR_IO)
        }
    }
}

/// Everything `run` does; an `Err` is a usage error, a mistake in a settings file, output
/// that cannot be written, or a file whose schema errors cannot be explained (the hook's
/// helper could not be reached).
fn check(
    args: &ValidateArgs,
    matches: &clap::ArgMatches,
    reasons: &'static dyn Reasons,
) -> Result<ExitCode, String> {
    let format = Format::from(args.format);
    if args.statistics && !matches!(format, Format::Human | Format::Short | Format::Json) {
        return Err(format!(
            "--statistics writes text or json, not --format {}",
            args.format
                .to_possible_value()
                .map_or_else(String::new, |v| v.get_name().to_string())
        ));
    }
    let flags = rule_settings(matches);
    for (rule, severity) in &flags {
        settings::check_rule(rule, *severity)?;
    }
    let cwd = std::env::current_dir()
        .map_err(|e| format!("cannot read the current folder's path: {e}"))?;
    let finder = Arc::new(match &args.config {
        Some(file) => Finder::fixed(&walk::absolute(&cwd, file)).map_err(|e| e.to_string())?,
        None if args.no_config => Finder::off(),
        None => Finder::search(),
    });
    let exclude = settings::command_line_patterns(&cwd, &args.exclude)?;
    let output_path = args
        .output_file
        .as_deref()
        .map(|file| walk::absolute(&cwd, file));
    let request = walk::Request {
        paths: &args.paths,
        stdin_name: args.stdin_filename.as_deref(),
        exclude: &exclude,
        force_exclude: args.force_exclude,
        skip: output_path,
    };
    // Each input is handed to the rounds with its settings as the walk finds it, and may be
    // checked while the walk goes on; nothing is written before the walk is over, so a
    // mistake in a settings file stops the command before any output.
    let mut rounds = Rounds::new(args.jobs);
    let found = walk::find(&request, &cwd, &finder, &mut |input| {
        let path = input_path(&input);
        let folder = path.and_then(Path::parent).unwrap_or(&cwd);
        let governing = finder.for_dir(folder)?;
        let config = config_for(args, &flags, governing.as_deref(), path, reasons);
        let (name, source) = match input {
            // Standard input is read on this thread (files by the thread that checks them).
            Input::Stdin { name, .. } => (name, Source::Read(crate::read("-").map(|r| r.1))),
            Input::File { name, path, size } => (name, Source::File { path, size }),
        };
        rounds.push(Job {
            name,
            source,
            config,
        });
        Ok(())
    })
    .map_err(|e| e.to_string())?;
    if !args.quiet {
        for folder in &found.empty {
            eprintln!("dynroute: warning: no route files in {folder}");
        }
    }
    let mut failures = found.failures;
    for failure in &failures {
        eprintln!("dynroute: {}", failure.message);
    }
    // Human and short output are a sequence of files, written as each round is taken; the
    // other formats (and statistics) are one document over every file, written at the end
    // from reports that keep their findings but drop their text.
    let streaming = !args.statistics && matches!(format, Format::Human | Format::Short);
    let mut output = Output::new(args);
    let mut kept = Vec::new();
    let (mut files, mut errors, mut warnings) = (0, 0, 0);
    while let Some(round) = rounds.next() {
        // Unreadable files are reported in the order given, before the round's findings.
        let round = round?;
        let mut reports = Vec::with_capacity(round.len());
        for (name, outcome) in round {
            match outcome.map_err(|e| e.to_string())? {
                Ok(report) => reports.push(report),
                Err(message) => {
                    eprintln!("dynroute: {message}");
                    failures.push(Failure {
                        file: name,
                        message,
                    });
                }
            }
        }
        for report in &reports {
            let counts = report.counts();
            files += 1;
            errors += counts.errors;
            warnings += counts.warnings;
        }
        if streaming {
            output.write(format, &reports, &[])?;
        } else {
            // Only the human format draws from a report's text (its snippets).
            kept.extend(reports.into_iter().map(|report| Report {
                text: String::new(),
                ..report
            }));
        }
    }
    if streaming {
        output.finish()?;
    } else if args.statistics {
        output.statistics(format, &kept)?;
    } else {
        output.write(format, &kept, &failures)?;
    }
    if format == Format::Human && !args.quiet && errors + warnings > 0 {
        eprintln!("dynroute: {errors} error(s), {warnings} warning(s) in {files} file(s)");
    }
    Ok(if !failures.is_empty() {
        ExitCode::from(USAGE_OR_IO)
    } else if !args.exit_zero && (errors > 0 || (args.deny_warnings && warnings > 0)) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Where an input stands on disk (for settings and per-file ignores), if anywhere.
fn input_path(input: &Input) -> Option<&Path> {
    match input {
        Input::Stdin { path, .. } => path.as_deref(),
        Input::File { path, .. } => Some(path),
    }
}

/// What one input is checked with: the governing settings file's rules, then the flags
/// (which win), then the settings file's per-file ignores for the input's path; the
/// settings file's `max_diagnostics` unless the flag is given (none with `--statistics`,
/// which counts every finding); `reasons` say why a file fails the route schema.
fn config_for(
    args: &ValidateArgs,
    flags: &[(String, Option<Severity>)],
    governing: Option<&Settings>,
    path: Option<&Path>,
    reasons: &'static dyn Reasons,
) -> Config {
    let mut config = Config::with_reasons(reasons);
    let from_file = governing.map_or(&[][..], |s| &s.rules[..]);
    // Every name was checked when the settings file and the flags were read.
    for (rule, severity) in from_file.iter().chain(flags) {
        let _ = config.set(rule, *severity);
    }
    if let (Some(settings), Some(path)) = (governing, path) {
        for rule in settings.ignored_rules(path) {
            let _ = config.set(rule, None);
        }
    }
    let max = args
        .max_diagnostics
        .or(governing.and_then(|s| s.max_diagnostics))
        .unwrap_or(DEFAULT_MAX_DIAGNOSTICS);
    config.limit((max > 0 && !args.statistics).then_some(max));
    config
}

/// Standard output or `--output-file`, opened when first written to (so that the file is
/// created after its inputs are read), and left alone once a reader closes the pipe.
struct Output<'a> {
    args: &'a ValidateArgs,
    open: Option<Open>,
}

/// An opened output.
struct Open {
    out: Watched,
    colour: bool,
    name: String,
}

impl Open {
    fn new(args: &ValidateArgs) -> Result<Self, String> {
        let (inner, terminal, name): (Box<dyn Write>, bool, String) = match &args.output_file {
            Some(file) => {
                let name = file.display().to_string();
                if let Some(folder) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(folder)
                        .map_err(|e| format!("cannot write {name}: {e}"))?;
                }
                let created =
                    std::fs::File::create(file).map_err(|e| format!("cannot write {name}: {e}"))?;
                (Box::new(std::io::BufWriter::new(created)), false, name)
            }
            None => {
                let stdout = std::io::stdout();
                let terminal = stdout.is_terminal();
                (
                    Box::new(std::io::BufWriter::new(stdout.lock())),
                    terminal,
                    "output".to_string(),
                )
            }
        };
        Ok(Open {
            out: Watched {
                inner,
                closed: false,
            },
            colour: colour(args.color, |name| std::env::var(name).ok(), terminal),
            name,
        })
    }
}

/// A writer that remembers when its reader went away: the output formats treat a closed
/// pipe as the end of the output, not as an error, and nothing more is rendered after it.
struct Watched {
    inner: Box<dyn Write>,
    closed: bool,
}

impl Watched {
    fn watch<T>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &result {
            self.closed |= e.kind() == std::io::ErrorKind::BrokenPipe;
        }
        result
    }
}

impl Write for Watched {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buf);
        self.watch(written)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        let written = self.inner.write_all(buf);
        self.watch(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let flushed = self.inner.flush();
        self.watch(flushed)
    }
}

impl<'a> Output<'a> {
    fn new(args: &'a ValidateArgs) -> Self {
        Output { args, open: None }
    }

    fn open(&mut self) -> Result<&mut Open, String> {
        let open = match self.open.take() {
            Some(open) => open,
            None => Open::new(self.args)?,
        };
        Ok(self.open.insert(open))
    }

    /// Writes reports (and the failures, in the formats that carry them) in `format`.
    fn write(
        &mut self,
        format: Format,
        reports: &[Report],
        failures: &[Failure],
    ) -> Result<(), String> {
        let open = self.open()?;
        if open.out.closed {
            return Ok(());
        }
        let written = output::write(format, reports, failures, open.colour, &mut open.out);
        ended(written, &open.name)
    }

    /// Writes the findings of `reports` counted per rule.
    fn statistics(&mut self, format: Format, reports: &[Report]) -> Result<(), String> {
        let open = self.open()?;
        let written = statistics(format, reports, &mut open.out).and_then(|()| open.out.flush());
        ended(written, &open.name)
    }

    /// Opens the output if nothing was written to it (an empty file for `--output-file`)
    /// and flushes it.
    fn finish(&mut self) -> Result<(), String> {
        let open = self.open()?;
        let flushed = open.out.flush();
        ended(flushed, &open.name)
    }
}

/// A write's outcome: a closed pipe ends the output quietly.
fn ended(written: std::io::Result<()>, name: &str) -> Result<(), String> {
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write {name}: {e}"))
        }
        _ => Ok(()),
    }
}

/// Findings counted per rule and severity, most frequent first: a table in the text
/// formats, an array of `{rule, severity, count, summary}` in json.
fn statistics(format: Format, reports: &[Report], out: &mut dyn Write) -> std::io::Result<()> {
    let mut counts: BTreeMap<(Severity, &str), usize> = BTreeMap::new();
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        *counts.entry((d.severity, d.rule)).or_default() += 1;
    }
    let mut rows: Vec<((Severity, &str), usize)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let summary = |rule: &str| registry::rule(rule).map_or("", |r| r.summary);
    if format == Format::Json {
        let items: Vec<_> = rows
            .iter()
            .map(|((severity, rule), count)| {
                json!({"rule": rule, "severity": severity.as_str(), "count": count, "summary": summary(rule)})
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &items)?;
        return writeln!(out);
    }
    let count_width = rows.first().map_or(1, |(_, n)| n.to_string().len());
    let rule_width = rows.iter().map(|((_, r), _)| r.len()).max().unwrap_or(0);
    for ((severity, rule), count) in &rows {
        writeln!(
            out,
            "{count:>count_width$}  {rule:<rule_width$}  {:<7}  {}",
            severity.as_str(),
            summary(rule)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_count_per_rule_and_severity_most_frequent_first() {
        let config = Config::default();
        let text = r#"[{"id": "s", "type": "start", "outputs": {"next": {"elementId": "x"}}},
                       {"id": "m", "type": "start", "outputs": {"next": {"elementId": "y"}}}]"#;
        let report = dynroute_validator::check_bytes("r.json", text.into(), &config)
            .expect("schema compiles");
        let mut out = Vec::new();
        statistics(Format::Short, std::slice::from_ref(&report), &mut out).expect("writes");
        let text = String::from_utf8(out).expect("utf-8");
        let first = text.lines().next().expect("a row");
        assert!(
            first.starts_with("2  dangling-reference  error  "),
            "{text}"
        );
        let mut out = Vec::new();
        statistics(Format::Json, &[report], &mut out).expect("writes");
        let rows: serde_json::Value = serde_json::from_slice(&out).expect("json");
        assert_eq!(rows[0]["rule"], "dangling-reference");
        assert_eq!(rows[0]["count"], 2);
    }

    #[test]
    fn colour_follows_the_flag_then_the_environment_then_the_terminal() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(colour(Colour::Always, env(&[("NO_COLOR", "1")]), false));
        assert!(!colour(Colour::Never, env(&[("FORCE_COLOR", "1")]), true));
        assert!(colour(
            Colour::Auto,
            env(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]),
            false
        ));
        assert!(!colour(
            Colour::Auto,
            env(&[("CLICOLOR_FORCE", "0")]),
            false
        ));
        assert!(!colour(Colour::Auto, env(&[("NO_COLOR", "1")]), true));
        assert!(colour(Colour::Auto, env(&[("NO_COLOR", "")]), true));
    }
}

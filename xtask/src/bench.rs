//! `cargo xtask bench`: every performance comparison of the project in one run, and
//! one table.
//!
//! Each comparison is a measured pair (dynroute's value and a peer's, in the same unit) and,
//! where one is set, a goal on their ratio (dynroute / peer, at most some number). The
//! pairs come from the existing benchmarks, run as processes: `scripts/bench-validate`,
//! `scripts/bench-crate` and the client bench write theirs to a file (`BENCH_TSV`, one pair a
//! line), and the validator's criterion bench leaves its pair in
//! `target/criterion/<group>/<function>/new/estimates.json`.
//! The harness adds nothing to the measurements; it only gathers them, checks the goals and
//! renders the table. The pure parts (parsing, ratios, goals, the table) are tested in
//! `xtask/tests/bench.rs`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::SystemTime;

/// A comparison the harness can run, named as `--only` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Part {
    /// The typical route file, whole process, against jsonschema-cli, check-jsonschema and
    /// ajv-cli (`scripts/bench-validate`).
    Validate,
    /// The large routes, whole process and peak memory, against a bare serde_json parse and
    /// the peers (`scripts/bench-validate`), and in process (`cargo bench -p
    /// dynroute-validator --bench validate -- throughput`).
    Large,
    /// 2,000 route files in one call against the peers (`scripts/bench-validate`).
    Many,
    /// The first `cargo check` of the generated crate against progenitor's
    /// (`scripts/bench-crate`).
    Crate,
    /// The client's `get` and decoding against bare reqwest and `serde_json::from_slice`
    /// (`BENCH_TSV=FILE cargo bench -p dynroute-client --bench client`: both sides timed in
    /// turns).
    Client,
}

/// Every part, in the order they run.
pub const ALL_PARTS: [Part; 5] = [
    Part::Validate,
    Part::Large,
    Part::Many,
    Part::Crate,
    Part::Client,
];

/// What a value measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Time, in seconds.
    Seconds,
    /// Memory or size, in bytes.
    Bytes,
    /// A number of things (packages).
    Count,
}

impl Unit {
    /// The unit as the `BENCH_TSV` files write it: `s`, `B` or `n`.
    pub fn parse(text: &str) -> Option<Unit> {
        match text {
            "s" => Some(Unit::Seconds),
            "B" => Some(Unit::Bytes),
            "n" => Some(Unit::Count),
            _ => None,
        }
    }
}

/// One measured pair: dynroute's value next to a peer's, for the same work.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// Which work, for the goals: `typical`, `large-chain`, `large-chain-memory`, `many`,
    /// `crate-check`, `client-get`...
    pub work_id: String,
    /// The work, as the table shows it.
    pub work: String,
    /// dynroute's value.
    pub ours: f64,
    /// Which peer, for the goals: `jsonschema-cli`, `serde_json-parse`, `file-size`...
    pub peer_id: String,
    /// The peer, as the table shows it.
    pub peer: String,
    /// The peer's value.
    pub theirs: f64,
    /// The unit of both values.
    pub unit: Unit,
}

impl Measurement {
    /// dynroute's value over the peer's: below 1, dynroute is faster or smaller.
    pub fn ratio(&self) -> f64 {
        ratio(self.ours, self.theirs)
    }
}

/// `ours / theirs`; infinite when the peer's value is 0 or less (no goal is met by it).
pub fn ratio(ours: f64, theirs: f64) -> f64 {
    if theirs > 0.0 {
        ours / theirs
    } else {
        f64::INFINITY
    }
}

/// A performance goal: for a work and a peer, the ratio is at most `max_ratio`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Goal {
    /// The part that measures it.
    pub part: Part,
    /// [`Measurement::work_id`].
    pub work_id: &'static str,
    /// [`Measurement::peer_id`].
    pub peer_id: &'static str,
    /// The work, for a row that was not measured.
    pub work: &'static str,
    /// The peer, for a row that was not measured.
    pub peer: &'static str,
    /// The largest ratio that meets it.
    pub max_ratio: f64,
    /// The goal, as the table shows it.
    pub text: &'static str,
}

impl Goal {
    /// Whether `ratio` meets the goal (never for a ratio that is not a number).
    pub fn met(&self, ratio: f64) -> bool {
        ratio <= self.max_ratio
    }

    /// Whether the goal is about this measurement.
    pub fn applies_to(&self, measurement: &Measurement) -> bool {
        self.work_id == measurement.work_id && self.peer_id == measurement.peer_id
    }
}

/// The performance goals, one per measured pair they are about.
pub const GOALS: &[Goal] = &[
    Goal {
        part: Part::Validate,
        work_id: "typical",
        peer_id: "jsonschema-cli",
        work: "typical file, whole process",
        peer: "jsonschema-cli 0.60.2",
        max_ratio: 0.5,
        text: "≤ 0.5x",
    },
    Goal {
        part: Part::Validate,
        work_id: "typical",
        peer_id: "check-jsonschema",
        work: "typical file, whole process",
        peer: "check-jsonschema 0.39.0",
        max_ratio: 1.0 / 150.0,
        text: "≤ 0.0067x (150x faster)",
    },
    Goal {
        part: Part::Validate,
        work_id: "typical-hook",
        peer_id: "jsonschema-cli",
        work: "typical file, whole process, dynroute-hook (pre-commit's binary)",
        peer: "jsonschema-cli 0.60.2",
        max_ratio: 0.5,
        text: "≤ 0.5x",
    },
    Goal {
        part: Part::Validate,
        work_id: "typical-hook",
        peer_id: "check-jsonschema",
        work: "typical file, whole process, dynroute-hook (pre-commit's binary)",
        peer: "check-jsonschema 0.39.0",
        max_ratio: 1.0 / 150.0,
        text: "≤ 0.0067x (150x faster)",
    },
    Goal {
        part: Part::Large,
        work_id: "large-chain",
        peer_id: "serde_json-parse",
        work: "large route, chain, whole process",
        peer: "serde_json parse",
        max_ratio: 1.5,
        text: "≤ 1.5x",
    },
    Goal {
        part: Part::Large,
        work_id: "large-chain-memory",
        peer_id: "file-size",
        work: "large route, chain, peak memory",
        peer: "file size",
        max_ratio: 10.0,
        text: "≤ 10x",
    },
    Goal {
        part: Part::Large,
        work_id: "large-mixed",
        peer_id: "serde_json-parse",
        work: "large route, percentage + model, whole process",
        peer: "serde_json parse",
        max_ratio: 1.5,
        text: "≤ 1.5x",
    },
    Goal {
        part: Part::Large,
        work_id: "large-mixed-memory",
        peer_id: "file-size",
        work: "large route, percentage + model, peak memory",
        peer: "file size",
        max_ratio: 10.0,
        text: "≤ 10x",
    },
    Goal {
        part: Part::Many,
        work_id: "many",
        peer_id: "jsonschema-cli",
        work: "2,000 files in one call",
        peer: "jsonschema-cli 0.60.2",
        max_ratio: 0.5,
        text: "≤ 0.5x",
    },
    Goal {
        part: Part::Crate,
        work_id: "crate-check",
        peer_id: "progenitor-tls",
        work: "first cargo check of the generated crate",
        peer: "progenitor 0.15.1 + reqwest rustls",
        max_ratio: 1.0,
        text: "≤ 1.0x",
    },
    Goal {
        part: Part::Client,
        work_id: "client-get",
        peer_id: "bare-reqwest",
        work: "client get",
        peer: "bare reqwest + serde_json::from_slice",
        max_ratio: 1.05,
        text: "≤ 1.05x",
    },
    Goal {
        part: Part::Client,
        work_id: "client-decode",
        peer_id: "serde_json-from_slice",
        work: "client decoding",
        peer: "one serde_json::from_slice",
        max_ratio: 1.2,
        text: "≤ 1.2x",
    },
];

/// The goal about a measurement, if one is set.
pub fn goal_for<'a>(goals: &'a [Goal], measurement: &Measurement) -> Option<&'a Goal> {
    goals.iter().find(|goal| goal.applies_to(measurement))
}

/// The goals of the parts that ran with no measurement to check them against: a peer or a
/// benchmark that did not give its value.
pub fn unmeasured<'a>(
    goals: &'a [Goal],
    parts: &[Part],
    measurements: &[Measurement],
) -> Vec<&'a Goal> {
    goals
        .iter()
        .filter(|goal| parts.contains(&goal.part))
        .filter(|goal| !measurements.iter().any(|m| goal.applies_to(m)))
        .collect()
}

/// Reads the pairs a script wrote to its `BENCH_TSV` file: one a line, seven tab-separated
/// fields (work id, work, dynroute's value, peer id, peer, the peer's value, unit). Blank
/// lines and lines starting with `#` are skipped.
pub fn parse_tsv(text: &str) -> Result<Vec<Measurement>, String> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |why: &str| format!("line {}: {why}: {line:?}", index + 1);
        let fields: Vec<&str> = line.split('\t').collect();
        let [work_id, work, ours, peer_id, peer, theirs, unit] = fields[..] else {
            return Err(bad("expected 7 tab-separated fields"));
        };
        let number = |text: &str| {
            text.parse::<f64>()
                .ok()
                .filter(|value| value.is_finite() && *value >= 0.0)
                .ok_or_else(|| bad(&format!("{text:?} is not a measured value")))
        };
        found.push(Measurement {
            work_id: work_id.to_string(),
            work: work.to_string(),
            ours: number(ours)?,
            peer_id: peer_id.to_string(),
            peer: peer.to_string(),
            theirs: number(theirs)?,
            unit: Unit::parse(unit).ok_or_else(|| bad("the unit is not s, B or n"))?,
        });
    }
    Ok(found)
}

/// The median time, in seconds, of a criterion `estimates.json` (criterion writes
/// nanoseconds).
pub fn criterion_median(estimates: &str) -> Result<f64, String> {
    let value: serde_json::Value =
        serde_json::from_str(estimates).map_err(|e| format!("not JSON: {e}"))?;
    value
        .pointer("/median/point_estimate")
        .and_then(serde_json::Value::as_f64)
        .filter(|ns| ns.is_finite() && *ns >= 0.0)
        .map(|ns| ns / 1e9)
        .ok_or_else(|| "no median.point_estimate".to_string())
}

/// `x` with three significant digits, as `%.3g` writes numbers of this size.
pub fn significant(x: f64) -> String {
    if !x.is_finite() {
        return "∞".to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (2 - magnitude).clamp(0, 9) as usize;
    format!("{x:.decimals$}")
}

/// A value in its unit: `9.9 ms`, `1.29 s`, `120 MiB`, `101`.
pub fn format_value(value: f64, unit: Unit) -> String {
    match unit {
        Unit::Seconds if value >= 1.0 => format!("{value:.2} s"),
        Unit::Seconds if value >= 1e-3 => format!("{} ms", significant(value * 1e3)),
        Unit::Seconds if value >= 1e-6 => format!("{} µs", significant(value * 1e6)),
        Unit::Seconds => format!("{} ns", significant(value * 1e9)),
        Unit::Bytes if value >= 1024.0 * 1024.0 => {
            format!("{} MiB", significant(value / (1024.0 * 1024.0)))
        }
        Unit::Bytes if value >= 1024.0 => format!("{} KiB", significant(value / 1024.0)),
        Unit::Bytes => format!("{value:.0} B"),
        Unit::Count => format!("{value:.0}"),
    }
}

/// The table: `| work | dynroute | peer | ratio | goal | met? |`, one row per measurement in
/// the order given, then one row per goal that was not measured (met: `not measured`).
pub fn render_table(goals: &[Goal], measurements: &[Measurement], missing: &[&Goal]) -> String {
    let cell = |text: &str| text.replace('|', "\\|");
    let mut out = String::from(
        "| work | dynroute | peer | ratio | goal | met? |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for m in measurements {
        let ratio = m.ratio();
        let (goal, met) = match goal_for(goals, m) {
            Some(goal) => (goal.text, if goal.met(ratio) { "yes" } else { "no" }),
            None => ("", ""),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {}: {} | {}x | {goal} | {met} |",
            cell(&m.work),
            format_value(m.ours, m.unit),
            cell(&m.peer),
            format_value(m.theirs, m.unit),
            significant(ratio),
        );
    }
    for goal in missing {
        let _ = writeln!(
            out,
            "| {} | | {}: not measured | | {} | not measured |",
            cell(goal.work),
            cell(goal.peer),
            goal.text
        );
    }
    out
}

/// How many of the goals about `measurements` are met, and how many there are.
pub fn goals_met(goals: &[Goal], measurements: &[Measurement]) -> (usize, usize) {
    let checked: Vec<bool> = measurements
        .iter()
        .filter_map(|m| goal_for(goals, m).map(|goal| goal.met(m.ratio())))
        .collect();
    (checked.iter().filter(|met| **met).count(), checked.len())
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The parts, in [`ALL_PARTS`] order.
    pub parts: Vec<Part>,
    /// Whole-process runs of each pair in the scripts (`BENCH_RUNS`); their defaults without.
    pub runs: Option<u32>,
    /// Smoke-sized: small inputs, few runs, short criterion measurements, few paired turns.
    pub quick: bool,
}

/// A criterion comparison: two functions of one bench, dynroute's and the peer's.
struct CriterionPair {
    part: Part,
    package: &'static str,
    bench: &'static str,
    /// The criterion group of both sides (the bench's other groups do not run).
    group: &'static str,
    work_id: &'static str,
    work: &'static str,
    /// The function of dynroute's side.
    ours: &'static str,
    peer_id: &'static str,
    peer: &'static str,
    /// The function of the peer's side.
    theirs: &'static str,
}

const CRITERION_PAIRS: &[CriterionPair] = &[CriterionPair {
    part: Part::Large,
    package: "dynroute-validator",
    bench: "validate",
    group: "throughput",
    work_id: "large-in-process",
    work: "large route, percentage + model (100,002 elements), in process: check_source (criterion)",
    ours: "dynroute_check_source",
    peer_id: "serde_json-from_str",
    peer: "serde_json::from_str::<Value>",
    theirs: "serde_json_parse_only",
}];

/// The criterion pairs of a part (each part's pairs come from one bench).
fn pairs_of(part: Part) -> Vec<&'static CriterionPair> {
    CRITERION_PAIRS
        .iter()
        .filter(|pair| pair.part == part)
        .collect()
}

/// The target folder the benches build into: `CARGO_TARGET_DIR` (made absolute) or
/// `<root>/target`.
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                std::env::current_dir()
                    .map(|cwd| cwd.join(&dir))
                    .unwrap_or(dir)
            }
        }
        _ => root.join("target"),
    }
}

/// Runs the parts of `options` and returns their measurements, in the order they ran, and the
/// errors of the steps that failed (each names the step; the other steps still run). Every
/// process's output goes to standard error. A peer that cannot be installed stops its script
/// (`BENCH_STRICT`), which is such an error.
pub fn run(root: &Path, options: &Options) -> (Vec<Measurement>, Vec<String>) {
    let target = target_dir(root);
    let scratch = target.join("xtask-bench");
    if let Err(e) = std::fs::create_dir_all(&scratch) {
        return (Vec::new(), vec![format!("{}: {e}", scratch.display())]);
    }
    let has = |part| options.parts.contains(&part);
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let mut step = |result: Result<Vec<Measurement>, String>| match result {
        Ok(measurements) => found.extend(measurements),
        Err(error) => {
            eprintln!("error: {error}");
            errors.push(error);
        }
    };

    let validate_parts: Vec<&str> = [
        (Part::Validate, "typical"),
        (Part::Large, "large"),
        (Part::Many, "many"),
    ]
    .iter()
    .filter(|(part, _)| has(*part))
    .map(|(_, name)| *name)
    .collect();
    if !validate_parts.is_empty() {
        let mut env = vec![("BENCH_PARTS", validate_parts.join(","))];
        if options.quick {
            env.push(("BENCH_QUICK", "1".to_string()));
        }
        step(script(
            root,
            &target,
            &scratch,
            "bench-validate",
            options.runs,
            &env,
        ));
    }
    if has(Part::Large) {
        step(criterion(
            root,
            &target,
            &pairs_of(Part::Large),
            options.quick,
        ));
    }
    if has(Part::Crate) {
        let runs = options.runs.or(options.quick.then_some(1));
        step(script(root, &target, &scratch, "bench-crate", runs, &[]));
    }
    if has(Part::Client) {
        step(paired_bench(
            root,
            &target,
            &scratch,
            ("dynroute-client", "client"),
            options.quick,
        ));
    }
    (found, errors)
}

/// Standard error, for a child's standard output: the harness's own standard output is the
/// table alone.
fn to_stderr() -> Stdio {
    use std::os::fd::AsFd;
    match std::io::stderr().as_fd().try_clone_to_owned() {
        Ok(fd) => Stdio::from(fd),
        Err(_) => Stdio::inherit(),
    }
}

/// Runs a child to the end; an error says what failed and how.
fn run_child(mut command: Command, what: &str, hint: &str) -> Result<(), String> {
    let status = command
        .stdout(to_stderr())
        .status()
        .map_err(|e| format!("{what} could not be started: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status}); {hint}"))
    }
}

/// Runs `scripts/<name>` with its pairs written to a file (`BENCH_TSV`), every peer required
/// (`BENCH_STRICT`), and reads them.
fn script(
    root: &Path,
    target: &Path,
    scratch: &Path,
    name: &str,
    runs: Option<u32>,
    env: &[(&str, String)],
) -> Result<Vec<Measurement>, String> {
    let tsv = fresh_tsv(scratch, name)?;
    eprintln!("==> scripts/{name}");
    let mut command = Command::new("bash");
    command
        .arg(root.join("scripts").join(name))
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .env("BENCH_TSV", &tsv)
        .env("BENCH_STRICT", "1")
        .env_remove("BENCH_RUNS");
    if let Some(runs) = runs {
        command.env("BENCH_RUNS", runs.to_string());
    }
    for (key, value) in env {
        command.env(key, value);
    }
    run_child(
        command,
        &format!("scripts/{name}"),
        "its messages are above (a peer that cannot be installed from its registry stops \
         the run: install it, or leave its part out with --only)",
    )?;
    read_tsv(&format!("scripts/{name}"), &tsv)
}

/// `<scratch>/<name>.tsv`, removed if an earlier run left it.
fn fresh_tsv(scratch: &Path, name: &str) -> Result<PathBuf, String> {
    let tsv = scratch.join(format!("{name}.tsv"));
    match std::fs::remove_file(&tsv) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("{}: {e}", tsv.display()))
        }
        _ => Ok(tsv),
    }
}

/// The measurements `what` wrote to `tsv`.
fn read_tsv(what: &str, tsv: &Path) -> Result<Vec<Measurement>, String> {
    let text = std::fs::read_to_string(tsv)
        .map_err(|e| format!("{what} wrote no measurements to {}: {e}", tsv.display()))?;
    parse_tsv(&text).map_err(|e| format!("{}: {e}", tsv.display()))
}

/// Runs a bench that times its pairs in turns itself (`benches/client.rs` of
/// `dynroute-client`): with `BENCH_TSV` set it writes them to that file, in the format of the
/// scripts, instead of running criterion.
fn paired_bench(
    root: &Path,
    target: &Path,
    scratch: &Path,
    (package, bench): (&str, &str),
    quick: bool,
) -> Result<Vec<Measurement>, String> {
    let tsv = fresh_tsv(scratch, bench)?;
    let what = format!("BENCH_TSV=... cargo bench -p {package} --bench {bench}");
    eprintln!("==> {what}");
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .args(["bench", "--locked", "-p", package, "--bench", bench])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .env("BENCH_TSV", &tsv)
        .env("BENCH_QUICK", if quick { "1" } else { "0" });
    run_child(command, &what, "its messages are above")?;
    read_tsv(&what, &tsv)
}

/// Runs a criterion bench once for the pairs given (all of the same bench), with their groups
/// as the filter, and reads the medians of both sides of each.
fn criterion(
    root: &Path,
    target: &Path,
    pairs: &[&CriterionPair],
    quick: bool,
) -> Result<Vec<Measurement>, String> {
    let Some(first) = pairs.first() else {
        return Ok(Vec::new());
    };
    let groups: Vec<&str> = pairs.iter().map(|pair| pair.group).collect();
    let filter = format!("^({})/", groups.join("|"));
    let what = format!(
        "cargo bench -p {} --bench {} -- {filter}",
        first.package, first.bench
    );
    eprintln!("==> {what}");
    let started = SystemTime::now();
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .args([
            "bench",
            "--locked",
            "-p",
            first.package,
            "--bench",
            first.bench,
        ])
        .args(["--", &filter, "--noplot"])
        .args(if quick {
            ["--warm-up-time", "0.5", "--measurement-time", "1"]
        } else {
            ["--warm-up-time", "1", "--measurement-time", "5"]
        })
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target);
    if quick {
        command.args(["--sample-size", "10"]);
    }
    run_child(command, &what, "its messages are above")?;
    let median = |function: &str| {
        let path = target
            .join("criterion")
            .join(function)
            .join("new/estimates.json");
        let fresh = std::fs::metadata(&path)
            .and_then(|meta| meta.modified())
            .is_ok_and(|modified| modified >= started);
        if !fresh {
            return Err(format!("{what} wrote no {}", path.display()));
        }
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        criterion_median(&text).map_err(|e| format!("{}: {e}", path.display()))
    };
    pairs
        .iter()
        .map(|pair| {
            Ok(Measurement {
                work_id: pair.work_id.to_string(),
                work: pair.work.to_string(),
                ours: median(&format!("{}/{}", pair.group, pair.ours))?,
                peer_id: pair.peer_id.to_string(),
                peer: pair.peer.to_string(),
                theirs: median(&format!("{}/{}", pair.group, pair.theirs))?,
                unit: Unit::Seconds,
            })
        })
        .collect()
}

//! `dynroute pull`, `plan`, `apply`, `rollback` and `history`: the `dynroute-deploy` library
//! behind flags, the environment and an optional `.dynroute.json` in the routes folder.
//!
//! Exit codes: 0 success (for `plan`: no changes), 2 `plan` found changes, 1 errors (invalid
//! files, failing tests, a failed request, a stale plan), as terraform's `-detailed-exitcode`.
//! Usage errors (missing settings) are 1 too, so that a CI step can tell "changes" (2) apart.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dynroute_client::{Client, Credentials};
use dynroute_deploy::apply::apply;
use dynroute_deploy::history::{history, render, rollback};
use dynroute_deploy::local::{self, LocalError};
use dynroute_deploy::plan::{self, Plan};
use dynroute_deploy::remote::Target;
use dynroute_validator::output;
use serde_json::Value;

/// Where the API is: flags win over the environment, which wins over `.dynroute.json`.
#[derive(Debug, clap::Args)]
pub struct Connection {
    /// Account id (else CLOUDFLARE_ACCOUNT_ID, else `account_id` in DIR/.dynroute.json).
    #[arg(long)]
    account: Option<String>,
    /// AI Gateway id (else CLOUDFLARE_GATEWAY_ID, else `gateway_id` in DIR/.dynroute.json).
    #[arg(long)]
    gateway: Option<String>,
    /// API base URL, e.g. a `dynroute serve` (else CLOUDFLARE_BASE_URL, else `base_url` in
    /// DIR/.dynroute.json, else https://api.cloudflare.com/client/v4).
    #[arg(long)]
    base_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    Human,
    Json,
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct PullArgs {
    /// The folder the route files are written to.
    dir: PathBuf,
    #[command(flatten)]
    connection: Connection,
}

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// The folder of route files (and their tests).
    dir: PathBuf,
    /// Delete deployed routes that no file names.
    #[arg(long)]
    prune: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    format: PlanFormat,
    /// Also write the plan as JSON to this file, for `apply --plan`.
    #[arg(long, value_name = "PLAN")]
    out: Option<PathBuf>,
    #[command(flatten)]
    connection: Connection,
}

#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    /// The folder of route files.
    dir: PathBuf,
    /// Apply this saved plan, refusing it when what is deployed changed since.
    #[arg(long, value_name = "PLAN")]
    plan: Option<PathBuf>,
    /// Delete deployed routes that no file names (without --plan).
    #[arg(long)]
    prune: bool,
    /// Do not ask for confirmation.
    #[arg(long)]
    yes: bool,
    #[command(flatten)]
    connection: Connection,
}

#[derive(Debug, clap::Args)]
pub struct RollbackArgs {
    /// Route name or id.
    route: String,
    /// The version to deploy (default: the one deployed before the current one).
    #[arg(long, value_name = "VERSION")]
    to: Option<String>,
    /// Folder holding `.dynroute.json`, if any.
    #[arg(long, default_value = ".")]
    dir: PathBuf,
    #[command(flatten)]
    connection: Connection,
}

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Route name or id.
    route: String,
    /// Folder holding `.dynroute.json`, if any.
    #[arg(long, default_value = ".")]
    dir: PathBuf,
    #[command(flatten)]
    connection: Connection,
}

const FAILED: u8 = 1;
const CHANGES: u8 = 2;

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("dynroute: {message}");
    ExitCode::from(FAILED)
}

/// The account, gateway and client for a folder.
fn connect(connection: &Connection, dir: &Path) -> Result<(Client, Target), String> {
    let file = dir.join(".dynroute.json");
    let config: Value = match std::fs::read_to_string(&file) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?,
        Err(_) => Value::Null,
    };
    let pick = |flag: &Option<String>, env: &str, key: &str| {
        flag.clone()
            .or_else(|| std::env::var(env).ok().filter(|v| !v.is_empty()))
            .or_else(|| config.get(key).and_then(Value::as_str).map(str::to_string))
    };
    let account = pick(&connection.account, "CLOUDFLARE_ACCOUNT_ID", "account_id").ok_or(
        "no account: pass --account, set CLOUDFLARE_ACCOUNT_ID, or write account_id in .dynroute.json",
    )?;
    let gateway = pick(&connection.gateway, "CLOUDFLARE_GATEWAY_ID", "gateway_id").ok_or(
        "no gateway: pass --gateway, set CLOUDFLARE_GATEWAY_ID, or write gateway_id in .dynroute.json",
    )?;
    let mut builder = Client::cloudflare_builder()
        .credentials(Credentials::from_env().map_err(|e| e.to_string())?);
    if let Some(url) = pick(&connection.base_url, "CLOUDFLARE_BASE_URL", "base_url") {
        builder = builder.base_url(url);
    }
    let client = builder.build().map_err(|e| e.to_string())?;
    Ok((client, Target { account, gateway }))
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

pub fn pull(args: PullArgs) -> ExitCode {
    let (client, target) = match connect(&args.connection, &args.dir) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let result = match runtime() {
        Ok(rt) => rt.block_on(dynroute_deploy::pull(&client, &target, &args.dir)),
        Err(e) => return fail(e),
    };
    match result {
        Ok(files) => {
            for file in &files {
                eprintln!("wrote {}", file.display());
            }
            eprintln!("{} routes pulled", files.len());
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// Validates the folder's route files and runs its tests; prints why it cannot go on.
fn checked(dir: &Path) -> Result<Vec<local::LocalRoute>, ExitCode> {
    let routes = match local::read(dir) {
        Ok(routes) => routes,
        Err(LocalError::Invalid(reports)) => {
            if let Ok(text) = output::render_string(output::Format::Human, &reports) {
                eprint!("{text}");
            }
            return Err(fail("the route files have errors; nothing was planned"));
        }
        Err(e) => return Err(fail(e)),
    };
    let tests = crate::test::discover(&[dir.to_path_buf()]).map_err(fail)?;
    if !tests.is_empty() {
        let (run, _) =
            crate::test::execute(&tests, &dynroute_validator::schema::Compiled).map_err(fail)?;
        let (passed, failed, errors) = run.counts();
        if failed + errors > 0 {
            eprint!("{}", dynroute_engine::report::human(&run));
            return Err(fail("route tests failed; nothing was planned"));
        }
        eprintln!("{passed} route test cases passed");
    }
    Ok(routes)
}

fn make_plan(client: &Client, target: &Target, dir: &Path, prune: bool) -> Result<Plan, ExitCode> {
    let routes = checked(dir)?;
    let rt = runtime().map_err(fail)?;
    rt.block_on(plan::make(client, target, &routes, prune))
        .map_err(fail)
}

pub fn plan(args: PlanArgs) -> ExitCode {
    let (client, target) = match connect(&args.connection, &args.dir) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let plan = match make_plan(&client, &target, &args.dir, args.prune) {
        Ok(plan) => plan,
        Err(code) => return code,
    };
    let json = serde_json::to_string_pretty(&plan).unwrap_or_default();
    if let Some(out) = &args.out
        && let Err(e) = std::fs::write(out, format!("{json}\n"))
    {
        return fail(format!("{}: {e}", out.display()));
    }
    let text = match args.format {
        PlanFormat::Human => plan::human(&plan),
        PlanFormat::Json => format!("{json}\n"),
        PlanFormat::Markdown => plan::markdown(&plan),
    };
    let _ = std::io::stdout().write_all(text.as_bytes());
    if plan.has_changes() {
        ExitCode::from(CHANGES)
    } else {
        ExitCode::SUCCESS
    }
}

pub fn apply_command(args: ApplyArgs) -> ExitCode {
    let (client, target) = match connect(&args.connection, &args.dir) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let (plan, saved) = match &args.plan {
        Some(path) => {
            let plan: Plan = match std::fs::read_to_string(path)
                .map_err(|e| e.to_string())
                .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
            {
                Ok(plan) => plan,
                Err(e) => return fail(format!("{}: {e}", path.display())),
            };
            if plan.format_version != plan::FORMAT_VERSION {
                return fail(format!(
                    "{}: plan format {} is not {}",
                    path.display(),
                    plan.format_version,
                    plan::FORMAT_VERSION
                ));
            }
            if plan.account_id != target.account || plan.gateway_id != target.gateway {
                return fail("the plan was made for another account or gateway");
            }
            (plan, true)
        }
        None => match make_plan(&client, &target, &args.dir, args.prune) {
            Ok(plan) => (plan, false),
            Err(code) => return code,
        },
    };
    eprint!("{}", plan::human(&plan));
    if !plan.has_changes() {
        eprintln!("nothing to apply");
        return ExitCode::SUCCESS;
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            return fail("not a terminal: pass --yes to apply without confirmation");
        }
        eprint!("apply these changes? [y/N] ");
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).is_err()
            || !matches!(answer.trim(), "y" | "Y" | "yes")
        {
            return fail("not applied");
        }
    }
    let progress = |line: &str| eprintln!("  {line}");
    let result = match runtime() {
        Ok(rt) => rt.block_on(apply(&client, &plan, saved, &progress)),
        Err(e) => return fail(e),
    };
    match result {
        Ok(done) => {
            eprintln!("applied: {done}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(format!("{e}\nrun `dynroute apply` again to converge")),
    }
}

pub fn rollback_command(args: RollbackArgs) -> ExitCode {
    let (client, target) = match connect(&args.connection, &args.dir) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let result = match runtime() {
        Ok(rt) => rt.block_on(rollback(&client, &target, &args.route, args.to.as_deref())),
        Err(e) => return fail(e),
    };
    match result {
        Ok((from, to)) => {
            eprintln!("{}: deployed version {to} (was {from})", args.route);
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

pub fn history_command(args: HistoryArgs) -> ExitCode {
    let (client, target) = match connect(&args.connection, &args.dir) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let result = match runtime() {
        Ok(rt) => rt.block_on(history(&client, &target, &args.route)),
        Err(e) => return fail(e),
    };
    match result {
        Ok(h) => {
            let _ = std::io::stdout().write_all(render(&h).as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

//! `dynroute trace`: which model serves a request, step by step.

use std::process::ExitCode;

use clap::ValueEnum;
use dynroute_engine::{Draw, Pins, Refusal, Request, Script, render};
use dynroute_validator::Config;
use dynroute_validator::draw::GraphFormat;
use dynroute_validator::output::{self, Format};
use dynroute_validator::schema::Reasons;
use serde_json::Value;

use crate::{USAGE_OR_IO, read, write_stdout};

/// Arguments of `dynroute trace`.
#[derive(Debug, clap::Args)]
pub struct TraceArgs {
    /// The route file (`-` for standard input).
    route: String,
    /// The request: inline JSON (`{"metadata": {...}, "headers": {...}, "body": {...}}`) or
    /// a file holding it.
    #[arg(long, value_name = "JSON|FILE")]
    request: Option<String>,
    /// A metadata entry (repeatable). The value is read as JSON when it is a number,
    /// `true`, `false`, `null` or a quoted string, else as a string: `tier=1` is the number
    /// 1, `tier='"1"'` the string "1".
    #[arg(long, value_name = "KEY=VALUE")]
    metadata: Vec<String>,
    /// A request header (repeatable).
    #[arg(long, value_name = "NAME=VALUE")]
    header: Vec<String>,
    /// The request body as JSON.
    #[arg(long, value_name = "JSON")]
    body: Option<String>,
    /// Pin the draw of every percentage element (`37.5`, 0 <= P < 100), or of one
    /// (`split=37.5`); repeatable.
    #[arg(long, value_name = "[ELEMENT=]P")]
    draw: Vec<String>,
    /// Every attempt of this model element (by id, or `provider/model`) fails (repeatable).
    #[arg(long, value_name = "ELEMENT")]
    fail: Vec<String>,
    /// Scripted attempts of a model element (by id, or `provider/model`), e.g.
    /// `gpt-4o=error,timeout,ok`; later attempts repeat the last outcome (repeatable).
    #[arg(long, value_name = "ELEMENT=OUTCOMES")]
    attempts: Vec<String>,
    /// What a rate element's current window has used for the request's key value
    /// (`budget=100`), or for one key value (`budget:user-42=100`); repeatable.
    #[arg(long, value_name = "ELEMENT[:KEY]=USED")]
    used: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TraceFormat::Human)]
    format: TraceFormat,
}

/// Output formats of `trace`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TraceFormat {
    /// The outcome, one line per step, the distribution and the assumptions.
    Human,
    /// The trace as a JSON object (`outcome`, `element`, `provider`, `model`, `path`,
    /// `steps`, `distribution`).
    Json,
    /// The route as a Mermaid flowchart with the elements visited highlighted.
    Mermaid,
}

/// Runs `dynroute trace`: 0 traced (whatever the outcome), 1 invalid route, 2 usage or I/O.
pub fn run(args: TraceArgs, reasons: &'static dyn Reasons) -> ExitCode {
    let config = Config::with_reasons(reasons);
    let (request, pins) = match request(&args).and_then(|r| Ok((r, pins(&args)?))) {
        Ok(parts) => parts,
        Err(message) => {
            eprintln!("dynroute: {message}");
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    let (name, bytes) = match read(&args.route) {
        Ok(file) => file,
        Err(message) => {
            eprintln!("dynroute: {message}");
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    let graph = match dynroute_engine::load(&name, bytes.clone(), reasons) {
        Ok(graph) => graph,
        Err(Refusal::Invalid(report)) => {
            // Standard output is the trace; the reasons it cannot be made go to standard error.
            if let Ok(text) = output::render_string(Format::Human, &[report]) {
                eprint!("{text}");
            }
            eprintln!("dynroute: {name} is not a valid route; fix it before tracing");
            return ExitCode::from(1);
        }
        Err(e) => {
            eprintln!("dynroute: {name}: {e}");
            return ExitCode::from(1);
        }
    };
    let trace = dynroute_engine::trace(&graph, &request, &pins);
    let text = match args.format {
        TraceFormat::Human => render::human(&name, &trace),
        TraceFormat::Json => match serde_json::to_string_pretty(&trace) {
            Ok(json) => json + "\n",
            Err(e) => {
                eprintln!("dynroute: cannot write the trace: {e}");
                return ExitCode::from(USAGE_OR_IO);
            }
        },
        TraceFormat::Mermaid => {
            let drawing =
                match dynroute_validator::draw_bytes(&name, bytes, GraphFormat::Mermaid, &config) {
                    Ok(dynroute_validator::Drawing::Picture(picture)) => picture,
                    _ => {
                        eprintln!("dynroute: {name}: the route cannot be drawn");
                        return ExitCode::from(1);
                    }
                };
            let visited: Vec<String> = trace
                .path
                .iter()
                .filter_map(|id| graph.index(id))
                .map(|i| format!("n{i}"))
                .collect();
            format!(
                "{drawing}  classDef taken stroke:#d33,stroke-width:3px\n  class {} taken\n",
                visited.join(",")
            )
        }
    };
    write_stdout(&text)
}

/// The request from `--request` and the convenience flags (which add to it).
fn request(args: &TraceArgs) -> Result<Request, String> {
    let mut request = match &args.request {
        None => Request::default(),
        Some(text) if text.trim_start().starts_with('{') => {
            serde_json::from_str(text).map_err(|e| format!("--request: {e}"))?
        }
        Some(path) => {
            let (name, bytes) = read(path)?;
            serde_json::from_slice(&bytes).map_err(|e| format!("{name}: {e}"))?
        }
    };
    for entry in &args.metadata {
        let (key, value) = split(entry, "--metadata", "KEY=VALUE")?;
        request
            .metadata
            .insert(key.to_string(), metadata_value(value));
    }
    for entry in &args.header {
        let (name, value) = split(entry, "--header", "NAME=VALUE")?;
        request
            .headers
            .insert(name.to_string(), Value::String(value.to_string()));
    }
    if let Some(body) = &args.body {
        request.body = serde_json::from_str(body).map_err(|e| format!("--body: {e}"))?;
    }
    Ok(request)
}

/// `1` -> 1, `true` -> true, `"1"` -> "1", `free` -> "free".
fn metadata_value(text: &str) -> Value {
    match serde_json::from_str::<Value>(text) {
        Ok(value @ (Value::Number(_) | Value::Bool(_) | Value::Null | Value::String(_))) => value,
        _ => Value::String(text.to_string()),
    }
}

fn split<'a>(entry: &'a str, flag: &str, shape: &str) -> Result<(&'a str, &'a str), String> {
    entry
        .split_once('=')
        .filter(|(key, _)| !key.is_empty())
        .ok_or_else(|| format!("{flag} takes {shape}, not `{entry}`"))
}

fn pins(args: &TraceArgs) -> Result<Pins, String> {
    let mut pins = Pins::default();
    for entry in &args.draw {
        match entry.split_once('=') {
            Some((element, value)) => {
                pins.draws.insert(element.to_string(), parse_draw(value)?);
            }
            None => pins.draw = Some(parse_draw(entry)?),
        }
    }
    for element in &args.fail {
        pins.scripts
            .insert(element.clone(), Script::always_failing());
    }
    for entry in &args.attempts {
        let (element, list) = split(entry, "--attempts", "ELEMENT=OUTCOMES")?;
        let mut outcomes = list
            .split(',')
            .map(|word| {
                dynroute_engine::Attempt::parse(word.trim()).ok_or_else(|| {
                    format!("--attempts: `{word}` is not an outcome (ok, error or timeout)")
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let then = outcomes
            .pop()
            .ok_or_else(|| format!("--attempts {element}= lists no outcome"))?;
        pins.scripts.insert(
            element.to_string(),
            Script {
                attempts: outcomes,
                then,
            },
        );
    }
    for entry in &args.used {
        let (target, amount) = split(entry, "--used", "ELEMENT[:KEY]=USED")?;
        let amount: f64 = amount
            .parse()
            .ok()
            .filter(|a: &f64| a.is_finite() && *a >= 0.0)
            .ok_or_else(|| format!("--used: `{amount}` is not a non-negative number"))?;
        let (element, key) = target.split_once(':').unwrap_or((target, "*"));
        pins.used
            .entry(element.to_string())
            .or_default()
            .insert(key.to_string(), amount);
    }
    Ok(pins)
}

fn parse_draw(text: &str) -> Result<Draw, String> {
    Draw::parse(text).map_err(|e| format!("--draw: {e}"))
}

//! `dynroute serve`: the local Dynamic Routing API (the `dynroute-server` library) on a
//! port, seeded from route files, until interrupted.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use dynroute_server::control::FaultSpec;
use dynroute_server::store::Scope;
use dynroute_server::validate::{self, Verdict};
use dynroute_server::{App, Config, Window};
use dynroute_validator::{Config as Rules, output};

use crate::USAGE_OR_IO;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free one (the base URL is printed when ready).
    #[arg(long, default_value = "127.0.0.1:8788")]
    listen: SocketAddr,
    /// Keep state in this SQLite file (created when missing), so it survives restarts.
    #[arg(long, value_name = "FILE")]
    data: Option<PathBuf>,
    /// Reject graph-rule errors too (dangling references, cycles...), not only what the live
    /// API is known to reject.
    #[arg(long)]
    strict: bool,
    /// Accept only this API token (or API key); any credentials otherwise.
    #[arg(long)]
    token: Option<String>,
    /// Largest request body, in bytes.
    #[arg(long, default_value_t = 10 * 1024 * 1024)]
    max_body: usize,
    /// How rate windows move for inference requests.
    #[arg(long, value_enum, default_value_t = WindowArg::Fixed)]
    window: WindowArg,
    /// Route files (`*.json`) in this folder are deployed at start, each under its `name`.
    #[arg(long, value_name = "DIR")]
    routes: Option<PathBuf>,
    /// Account id of the routes loaded with `--routes`.
    #[arg(long, default_value = "local")]
    account: String,
    /// Gateway id of the routes loaded with `--routes`.
    #[arg(long, default_value = "default")]
    gateway: String,
    /// A fault for the next matching requests, as JSON (repeatable), e.g.
    /// '{"method": "POST", "path": "*/versions", "times": 2, "status": 503}'.
    #[arg(long, value_name = "JSON")]
    fault: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum WindowArg {
    Fixed,
    Sliding,
}

pub fn run(args: ServeArgs) -> ExitCode {
    let faults = match args
        .fault
        .iter()
        .map(|f| FaultSpec::parse(f))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(faults) => faults,
        Err(e) => {
            eprintln!("error: --fault: {e}");
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    let config = Config {
        listen: args.listen,
        data: args.data.clone(),
        strict: args.strict,
        token: args.token.clone(),
        max_body: args.max_body,
        window: match args.window {
            WindowArg::Fixed => Window::Fixed,
            WindowArg::Sliding => Window::Sliding,
        },
    };
    let app = match App::new(config) {
        Ok(app) => Arc::new(app),
        Err(e) => {
            eprintln!("error: cannot open the state: {e}");
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    if let Some(dir) = &args.routes {
        let scope = Scope {
            account: args.account.clone(),
            gateway: args.gateway.clone(),
        };
        if let Err(code) = seed(&app, &scope, dir, args.strict) {
            return code;
        }
    }
    for fault in faults {
        app.faults.add(fault);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(args.listen).await {
            Ok(listener) => listener,
            Err(e) => {
                eprintln!("error: cannot listen on {}: {e}", args.listen);
                return ExitCode::from(USAGE_OR_IO);
            }
        };
        let addr = listener.local_addr().unwrap_or(args.listen);
        println!("dynroute serve: http://{addr}/client/v4");
        use std::io::Write;
        let _ = std::io::stdout().flush();
        match dynroute_server::serve(listener, app, stopped()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(USAGE_OR_IO)
            }
        }
    })
}

/// Completes on Ctrl-C or SIGTERM.
async fn stopped() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Deploys every route file of `dir`; an invalid file stops the start with its diagnostics.
fn seed(app: &App, scope: &Scope, dir: &std::path::Path, strict: bool) -> Result<(), ExitCode> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| {
            eprintln!("error: --routes {}: {e}", dir.display());
            ExitCode::from(USAGE_OR_IO)
        })?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for path in files {
        let name = path.display().to_string();
        let bytes = std::fs::read(&path).map_err(|e| {
            eprintln!("error: {name}: {e}");
            ExitCode::from(USAGE_OR_IO)
        })?;
        let report =
            dynroute_validator::check_bytes(&name, bytes, &Rules::default()).map_err(|e| {
                eprintln!("error: {e}");
                ExitCode::from(USAGE_OR_IO)
            })?;
        // Deployable: a route document the API would accept (as create does).
        let document = serde_json::from_str::<serde_json::Value>(&report.text)
            .ok()
            .filter(|d| d.get("name").is_some_and(serde_json::Value::is_string));
        let verdict = document.as_ref().map(|d| validate::route(d, strict));
        let (Some(document), Some(Ok(verdict))) = (document, verdict) else {
            if let Ok(text) = output::render_string(output::Format::Human, &[report]) {
                eprint!("{text}");
            }
            eprintln!(
                "error: {name}: not a route document the API accepts (`name`, `elements`, no schema error)"
            );
            return Err(ExitCode::from(1));
        };
        let route_name = document["name"].as_str().unwrap_or_default().to_string();
        let elements = document["elements"].clone();
        match app.seed(scope, &route_name, &elements, verdict == Verdict::Valid) {
            Ok(what) => eprintln!("dynroute serve: {name}: route `{route_name}` {what}"),
            Err(e) => {
                eprintln!("error: {name}: {e}");
                return Err(ExitCode::from(USAGE_OR_IO));
            }
        }
    }
    Ok(())
}

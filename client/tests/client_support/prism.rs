//! Starts Stoplight Prism (`scripts/install-node-tool prism`) as a mock of an OpenAPI description on
//! 127.0.0.1, with request validation on, and stops it when dropped.
//!
//! The binary comes from `DYNROUTE_PRISM`. Without it the contract tests fail when `CI` is
//! `true` (they must run in CI) and are skipped with a message otherwise.

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running Prism server.
pub struct Prism {
    child: Child,
    log: PathBuf,
    pub base_url: String,
}

/// The Prism binary to use, or `None` (after printing why) when the test should be skipped.
pub fn binary() -> Option<PathBuf> {
    match std::env::var_os("DYNROUTE_PRISM").filter(|v| !v.is_empty()) {
        Some(path) => Some(PathBuf::from(path)),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => panic!(
            "DYNROUTE_PRISM is not set but CI=true: contract tests must run in CI. \
             Run `export DYNROUTE_PRISM=\"$(scripts/install-node-tool prism)\"` first."
        ),
        None => {
            eprintln!(
                "skipped: set DYNROUTE_PRISM to run the contract tests \
                 (export DYNROUTE_PRISM=\"$(scripts/install-node-tool prism)\")"
            );
            None
        }
    }
}

/// Cloudflare's official description of the ten operations (in `shared/` beside the repo).
pub fn cloudflare_spec() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/reference/cloudflare-dynamic-routing.openapi.json");
    assert!(
        path.is_file(),
        "Cloudflare's description is missing at {}",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local addr").port()
}

impl Prism {
    /// Starts `prism mock` on `spec` (`dynamic`: responses generated from the schemas, `-d`)
    /// and waits (at most 90 s) until it listens.
    pub fn start(binary: &Path, spec: &Path, dynamic: bool) -> Prism {
        let mut args = vec!["mock".into()];
        if dynamic {
            args.push("--dynamic".into());
        }
        args.push(spec.display().to_string());
        Prism::launch(binary, args)
    }

    /// Starts `prism proxy` in front of `upstream`: every request and response that passes
    /// is validated against `spec`, and a violation is an error.
    pub fn proxy(binary: &Path, spec: &Path, upstream: &str) -> Prism {
        Prism::launch(
            binary,
            vec![
                "proxy".into(),
                spec.display().to_string(),
                upstream.to_string(),
            ],
        )
    }

    fn launch(binary: &Path, args: Vec<String>) -> Prism {
        let port = free_port();
        let log = std::env::temp_dir().join(format!("dynroute-prism-{port}.log"));
        let log_file = std::fs::File::create(&log).expect("create the Prism log file");
        let mut command = Command::new(binary);
        command
            .arg(&args[0])
            .arg("--host")
            .arg("127.0.0.1")
            .arg("--port")
            .arg(port.to_string())
            // Violations of the description are errors, requests and responses alike.
            .arg("--errors")
            .args(&args[1..]);
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::from(log_file.try_clone().expect("clone log handle")))
            .stderr(Stdio::from(log_file))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start Prism at {}: {e}", binary.display()));
        let mut prism = Prism {
            child,
            log,
            base_url: format!("http://127.0.0.1:{port}"),
        };
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            if prism.log_text().contains("Prism is listening")
                && TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok()
            {
                return prism;
            }
            if let Ok(Some(status)) = prism.child.try_wait() {
                panic!(
                    "Prism exited ({status}) before listening:\n{}",
                    prism.log_text()
                );
            }
            assert!(
                Instant::now() < deadline,
                "Prism did not listen within 90 s:\n{}",
                prism.log_text()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// What Prism printed so far (its request log names every contract violation).
    pub fn log_text(&self) -> String {
        let mut text = String::new();
        if let Ok(mut file) = std::fs::File::open(&self.log) {
            let _ = file.read_to_string(&mut text);
        }
        text
    }

    /// The last lines of the log, for failure messages.
    pub fn log_tail(&self) -> String {
        let text = self.log_text();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

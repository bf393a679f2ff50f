//! Shared by the command's tests: running `dynroute` in a folder, and a real `dynroute serve`
//! process on a free port.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// A running `dynroute serve`, killed (SIGKILL) when dropped.
pub struct Serve {
    child: Child,
    pub addr: String,
}

impl Serve {
    pub fn start(args: &[&str]) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dynroute"))
            .arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dynroute serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the ready line");
        let addr = line
            .trim()
            .strip_prefix("dynroute serve: http://")
            .and_then(|rest| rest.strip_suffix("/client/v4"))
            .unwrap_or_else(|| {
                let mut err = String::new();
                let _ = child.stderr.take().map(|mut e| e.read_to_string(&mut err));
                panic!("unexpected ready line {line:?}; stderr: {err}")
            })
            .to_string();
        Serve { child, addr }
    }

    /// One HTTP/1.1 exchange: (status, JSON body).
    pub fn call(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let mut stream = TcpStream::connect(&self.addr).expect("connects");
        let body = body.map(Value::to_string).unwrap_or_default();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .expect("request written");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("response read");
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("a status line in {response:?}"));
        let (_, text) = response.split_once("\r\n\r\n").expect("headers end");
        (
            status,
            serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text:?}")),
        )
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `dynroute` in `dir`; standard input is `/dev/null` unless `stdin` is given (then a
/// pipe that brings it).
pub fn run_in(dir: &std::path::Path, args: &[&str], stdin: Option<&[u8]>) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dynroute"));
    command
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    let mut child = command.spawn().expect("dynroute runs");
    if let Some(input) = stdin {
        feed(&mut child, input);
    }
    child.wait_with_output().expect("dynroute finishes")
}

/// Writes `input` to a child's standard input and closes it. A child that stops before it
/// reads its input (a usage error) closes the pipe first: that is not a failure of the test.
pub fn feed(child: &mut Child, input: &[u8]) {
    let written = child.stdin.take().expect("stdin is piped").write_all(input);
    if let Err(e) = written {
        assert_eq!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe,
            "stdin accepts input: {e}"
        );
    }
}

/// A process's standard output as text.
pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A process's standard error as text.
pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The files named in short-format output, in order, each once.
pub fn short_files(out: &std::process::Output) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in stdout(out).lines() {
        let name = line.split(':').next().unwrap_or_default().to_string();
        if names.last() != Some(&name) {
            names.push(name);
        }
    }
    names
}

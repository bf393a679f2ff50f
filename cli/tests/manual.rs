//! `dynroute completions`, `dynroute man` and `dynroute validate --help`, all generated
//! from the command's clap definition.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dynroute"))
        .args(args)
        .output()
        .expect("dynroute runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn completions_know_the_subcommands_and_their_flags() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = run(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = stdout(&out);
        for word in ["validate", "stdin-filename", "force-exclude", "explain"] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
    assert_eq!(run(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn the_manual_page_is_roff_and_one_is_written_per_subcommand() {
    let out = run(&["man"]);
    assert_eq!(out.status.code(), Some(0));
    let page = stdout(&out);
    assert!(page.starts_with(".ie \\n(.g .ds Aq"), "{page}");
    assert!(page.contains(".TH dynroute 1"), "{page}");
    assert!(page.contains("validate"), "{page}");

    let dir = tempfile::tempdir().expect("temporary folder");
    let out = run(&["man", "--out-dir", dir.path().to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0));
    let validate = std::fs::read_to_string(dir.path().join("dynroute-validate.1"))
        .expect("a page for validate");
    assert!(validate.contains("stdin\\-filename"), "{validate}");
    assert!(dir.path().join("dynroute.1").is_file());
    assert!(dir.path().join("dynroute-explain.1").is_file());
}

#[test]
fn validate_help_has_examples_and_every_rule() {
    let long = stdout(&run(&["validate", "--help"]));
    assert!(long.contains("Examples:\n  dynroute validate "), "{long}");
    for rule in dynroute_validator::RULES {
        let row = long
            .lines()
            .find(|l| l.split_whitespace().next() == Some(rule.name))
            .unwrap_or_else(|| panic!("{} is not listed:\n{long}", rule.name));
        assert!(row.contains(rule.default_severity.as_str()), "{row}");
        assert!(row.ends_with(rule.summary), "{row}");
    }
    let short = stdout(&run(&["validate", "-h"]));
    assert!(short.contains("Examples:"), "{short}");
    assert!(
        !short.contains("dangling-reference"),
        "the rule list is in --help only"
    );
}

//! Which inputs `dynroute validate` checks: folders walked for route files (sorted, each file
//! once, .gitignore, hidden files and excludes respected), files named explicitly always
//! checked unless `--force-exclude`, and standard input only when data comes in.

mod support;

use std::path::Path;
use std::process::Output;

use support::{short_files as files, stderr, stdout};

fn run(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    support::run_in(dir, args, stdin)
}

/// Writes `text` to `dir`/`path`, creating folders.
fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("folder created");
    std::fs::write(path, text).expect("file written");
}

/// Not JSON: one `invalid-json` error, so every file checked shows up in the output.
const BROKEN: &str = "{";

/// A tree where every route file is broken, next to files walking must pass over.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let root = dir.path();
    for path in [
        "b.json",
        "a.json",
        "sub/c.json",
        "sub/deeper/d.json",
        "a/e.json",
    ] {
        write(root, path, BROKEN);
    }
    for path in [
        "a.test.json",
        ".hidden.json",
        ".hidden/f.json",
        "notes.yaml",
        "route.json.bak",
        "ignored/g.json",
        "sub/ignored-too.json",
    ] {
        write(root, path, BROKEN);
    }
    write(root, ".gitignore", "ignored/\n");
    write(root, "sub/.gitignore", "ignored-too.json\n");
    dir
}

#[test]
fn no_path_walks_the_current_folder_when_standard_input_brings_nothing() {
    let dir = tree();
    let out = run(dir.path(), &["validate", "--format", "short"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        files(&out),
        [
            "a/e.json",
            "a.json",
            "b.json",
            "sub/c.json",
            "sub/deeper/d.json"
        ]
    );
}

#[test]
fn a_folder_is_walked_in_sorted_order_and_names_keep_the_path_given() {
    let dir = tree();
    let out = run(
        dir.path(),
        &["validate", "--format", "short", "sub", "./a"],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        files(&out),
        ["sub/c.json", "sub/deeper/d.json", "./a/e.json"]
    );
}

#[test]
fn a_file_named_twice_is_checked_once() {
    let dir = tree();
    let out = run(
        dir.path(),
        &[
            "validate",
            "--format",
            "short",
            "sub/c.json",
            "sub",
            "./sub/c.json",
        ],
        None,
    );
    assert_eq!(files(&out), ["sub/c.json", "sub/deeper/d.json"]);
}

#[test]
fn piped_data_is_read_without_a_path() {
    let dir = tree();
    let valid = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/examples/valid/support-route.json"),
    )
    .expect("example");
    // The folder is full of broken files; the piped route is what gets checked.
    let out = run(dir.path(), &["validate", "--format", "short"], Some(&valid));
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = run(dir.path(), &["validate", "--format", "short"], Some(b"{"));
    assert_eq!(files(&out), ["<stdin>"]);
}

#[test]
fn files_named_explicitly_are_checked_whatever_their_name_or_the_ignores() {
    let dir = tree();
    let out = run(
        dir.path(),
        &[
            "validate",
            "--format",
            "short",
            "a.test.json",
            "ignored/g.json",
            ".hidden.json",
        ],
        None,
    );
    assert_eq!(
        files(&out),
        ["a.test.json", "ignored/g.json", ".hidden.json"]
    );
}

#[test]
fn excludes_pass_over_walked_files_and_explicit_files_only_when_forced() {
    let dir = tree();
    let exclude = ["--exclude", "sub/deeper/", "--exclude", "b.json"];
    let walked = run(
        dir.path(),
        &[&["validate", "--format", "short"][..], &exclude].concat(),
        None,
    );
    assert_eq!(files(&walked), ["a/e.json", "a.json", "sub/c.json"]);

    let explicit = [
        &["validate", "--format", "short"][..],
        &exclude,
        &["b.json", "sub/deeper/d.json"],
    ]
    .concat();
    assert_eq!(
        files(&run(dir.path(), &explicit, None)),
        ["b.json", "sub/deeper/d.json"]
    );
    let forced = [&explicit[..], &["--force-exclude"]].concat();
    let out = run(dir.path(), &forced, None);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "");

    // A folder named explicitly is walked; its excluded contents are passed over.
    let out = run(
        dir.path(),
        &[
            "validate",
            "--format",
            "short",
            "--exclude",
            "d.json",
            "sub",
        ],
        None,
    );
    assert_eq!(files(&out), ["sub/c.json"]);
}

#[test]
fn a_bad_exclude_pattern_is_a_usage_error() {
    let dir = tree();
    let out = run(dir.path(), &["validate", "--exclude", "a/[b"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--exclude: bad pattern"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_folder_without_route_files_is_a_warning_unless_quiet() {
    let dir = tempfile::tempdir().expect("temporary folder");
    write(dir.path(), "empty/notes.txt", "");
    let out = run(dir.path(), &["validate", "empty"], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "dynroute: warning: no route files in empty\n");
    let out = run(dir.path(), &["validate", "-q", "empty"], None);
    assert_eq!((out.status.code(), stderr(&out)), (Some(0), String::new()));
}

#[test]
fn the_output_file_is_not_checked_when_walking() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let valid =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/examples/valid/support-route.json");
    std::fs::copy(valid, dir.path().join("route.json")).expect("copied");
    for _ in 0..2 {
        let out = run(
            dir.path(),
            &["validate", "--format", "json", "-o", "report.json"],
            None,
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let report: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("report.json")).expect("report written"),
    )
    .expect("json");
    assert_eq!(report["summary"]["files"], 1, "{report}");
}

#[test]
fn a_missing_path_is_an_input_error_naming_it_and_the_rest_is_checked() {
    let dir = tree();
    let out = run(
        dir.path(),
        &["validate", "--format", "short", "missing", "b.json"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read missing: "),
        "{}",
        stderr(&out)
    );
    assert_eq!(files(&out), ["b.json"]);
}

/// Every kind of ignore file a walk reads, with git's global excludes found through `HOME`:
/// a `.ignore` file, `.git/info/exclude` of the repository, the global excludes file that
/// `core.excludesFile` names, a `.gitignore` above the walked folder, and a `!` line that
/// re-includes a hidden folder and a file in it.
#[test]
fn walking_reads_every_kind_of_ignore_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let home = dir.path().join("home");
    let repo = dir.path().join("repo");
    for path in [
        "routes/kept.json",
        "routes/by-dot-ignore.json",
        "routes/by-info-exclude.json",
        "routes/by-global.json",
        "routes/by-parent.json",
        "routes/.shared/also-kept.json",
        "routes/.private/hidden.json",
    ] {
        write(&repo, path, BROKEN);
    }
    write(&repo, ".git/info/exclude", "by-info-exclude.json\n");
    write(&repo, ".gitignore", "routes/by-parent.json\n!.shared/\n");
    write(&repo, "routes/.ignore", "by-dot-ignore.json\n");
    write(
        &home,
        ".gitconfig",
        "[user]\n\tname = x\n[core]\n\texcludesFile = ~/global-ignore\n",
    );
    write(&home, "global-ignore", "by-global.json\n");
    let walk_in = |cwd: &Path, folder: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_dynroute"))
            .current_dir(cwd)
            .args(["validate", "--format", "short", folder])
            .env("HOME", &home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_CONFIG_GLOBAL")
            .env_remove("XDG_CONFIG_HOME")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("dynroute runs")
    };
    let walk = || walk_in(&repo, "routes");
    let out = walk();
    assert_eq!(
        files(&out),
        ["routes/.shared/also-kept.json", "routes/kept.json"],
        "{}",
        stderr(&out)
    );
    // Through a link to the folder, the ignore files above where it really is apply.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(repo.join("routes"), dir.path().join("link")).expect("link");
        let out = walk_in(dir.path(), "link");
        assert_eq!(
            files(&out),
            ["link/.shared/also-kept.json", "link/kept.json"],
            "{}",
            stderr(&out)
        );
    }
    // Without the configuration, git's default place for the global excludes is read.
    std::fs::remove_file(home.join(".gitconfig")).expect("removed");
    write(&home, ".config/git/ignore", "kept.json\n");
    let out = walk();
    assert_eq!(
        files(&out),
        ["routes/.shared/also-kept.json", "routes/by-global.json"],
        "{}",
        stderr(&out)
    );
}

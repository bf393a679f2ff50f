//! `cargo xtask generate --spec FILE --out DIR`, run as the command: it never replaces or
//! removes a file it did not write, removes what an earlier generation left behind, refuses
//! directories that are no place for a crate, writes the same bytes wherever the spec is,
//! and tells its steps on standard error while standard output keeps the summary. It reads
//! YAML as well as JSON, lists every unsupported construct at once, and with
//! `--skip-unsupported` writes what it can and warns once per item left out.

use dynroute_codegen::standalone::{check_out_dir, resolve};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A spec with one operation and one component.
const WITH_OPERATIONS: &str = r##"{
  "openapi": "3.0.3",
  "info": {"title": "t", "version": "1"},
  "paths": {"/things": {"get": {"operationId": "listThings", "responses": {"200": {
    "description": "ok",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}
  }}}}},
  "components": {"schemas": {"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}}}
}"##;

/// The same component without the operation.
const MODELS_ONLY: &str = r##"{
  "openapi": "3.0.3",
  "info": {"title": "t", "version": "1"},
  "paths": {},
  "components": {"schemas": {"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}}}
}"##;

/// The same as [`WITH_OPERATIONS`], in YAML.
const WITH_OPERATIONS_YAML: &str = "\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        200:
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      type: object
      properties:
        id: {type: string}
";

/// One operation and one component that can be generated, two operations and a component
/// that cannot, and a component that uses that one.
const PARTLY_SUPPORTED: &str = r##"{
  "openapi": "3.0.3",
  "info": {"title": "t", "version": "1"},
  "paths": {
    "/things": {
      "get": {"operationId": "listThings", "responses": {"200": {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}
      }}},
      "post": {"operationId": "traceThing",
        "parameters": [{"name": "X-Trace", "in": "header", "schema": {"type": "array", "items": {"type": "array"}}}],
        "responses": {"204": {"description": "ok"}}}
    },
    "/upload": {"put": {"operationId": "upload",
      "requestBody": {"content": {"*/*": {"schema": {"type": "string"}}}},
      "responses": {"204": {"description": "ok"}}}}
  },
  "components": {"schemas": {
    "Thing": {"type": "object", "properties": {"id": {"type": "string"}}},
    "Odd": {"not": {"type": "string"}},
    "UsesOdd": {"type": "object", "properties": {"odd": {"$ref": "#/components/schemas/Odd"}}}
  }}
}"##;

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

fn put(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `xtask generate --spec spec --out out`, run in `cwd`.
fn generate(cwd: &Path, spec: &Path, out: &Path) -> Output {
    generate_with(cwd, spec, out, &[])
}

/// `xtask generate --spec spec --out out` and `flags`, run in `cwd`.
fn generate_with(cwd: &Path, spec: &Path, out: &Path, flags: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(cwd)
        .args(["generate", "--spec"])
        .arg(spec)
        .arg("--out")
        .arg(out)
        .args(flags)
        .output()
        .unwrap_or_else(|e| panic!("xtask: {e}"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every file under `dir`, relative, with its bytes.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap_or_else(|e| panic!("{e}")) {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
                let relative = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
                files.push((relative, bytes));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn files_the_generator_did_not_write_are_never_replaced() {
    let work = temp();
    let spec = work.path().join("api.json");
    put(&spec, WITH_OPERATIONS);
    let out = work.path().join("crate");
    put(&out.join("Cargo.toml"), "[package]\nname = \"mine\"\n");
    put(&out.join("src/lib.rs"), "//! My own crate.\n");

    let run = generate(work.path(), &spec, &out);
    assert!(!run.status.success(), "{}", stdout(&run));
    let message = stderr(&run);
    for file in ["Cargo.toml", "src/lib.rs"] {
        let line = format!(
            "  {} (not written by the generator",
            out.join(file).display()
        );
        assert!(message.contains(&line), "{message}");
    }
    // Refused before anything was written.
    assert_eq!(
        text(&out.join("Cargo.toml")),
        "[package]\nname = \"mine\"\n"
    );
    assert_eq!(text(&out.join("src/lib.rs")), "//! My own crate.\n");
    assert!(!out.join("src/models.rs").exists());
}

#[test]
fn a_second_generation_replaces_its_own_files_and_removes_the_stale_ones() {
    let work = temp();
    let spec = work.path().join("api.json");
    let out = work.path().join("crate");
    put(&spec, WITH_OPERATIONS);
    let first = generate(work.path(), &spec, &out);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(out.join("src/operations.rs").is_file());
    assert!(out.join("src/runtime/mod.rs").is_file());
    // The user's own files, beside and among the generated ones; only the paths a
    // generation writes are looked at, whatever the other files say.
    let extra = "// @generated by dynroute-codegen from other.json. Do not edit.\n";
    put(&out.join("src/extra.rs"), extra);
    put(&out.join("src/runtime/notes.md"), "mine\n");
    put(&out.join("README.md"), "mine\n");

    put(&spec, MODELS_ONLY);
    let second = generate(work.path(), &spec, &out);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(!out.join("src/operations.rs").exists());
    assert!(!out.join("src/runtime/mod.rs").exists());
    assert!(!out.join("src/runtime/client.rs").exists());
    assert!(
        stderr(&second).contains(&format!(
            "removed stale {}",
            out.join("src/operations.rs").display()
        )),
        "{}",
        stderr(&second)
    );
    assert_eq!(text(&out.join("src/extra.rs")), extra);
    assert_eq!(text(&out.join("src/runtime/notes.md")), "mine\n");
    assert_eq!(text(&out.join("README.md")), "mine\n");
    assert!(!text(&out.join("src/lib.rs")).contains("runtime"));
    assert!(!text(&out.join("Cargo.toml")).contains("reqwest"));

    // Without user files left in it, the runtime directory goes too.
    std::fs::remove_file(out.join("src/runtime/notes.md")).unwrap_or_else(|e| panic!("{e}"));
    put(&spec, WITH_OPERATIONS);
    assert!(generate(work.path(), &spec, &out).status.success());
    put(&spec, MODELS_ONLY);
    assert!(generate(work.path(), &spec, &out).status.success());
    assert!(!out.join("src/runtime").exists());
}

#[test]
fn the_crate_is_the_same_whether_the_spec_is_named_absolutely_or_relatively() {
    let work = temp();
    put(&work.path().join("specs/api.json"), WITH_OPERATIONS);
    let absolute = generate(
        work.path(),
        &work.path().join("specs/api.json"),
        Path::new("a"),
    );
    assert!(absolute.status.success(), "{}", stderr(&absolute));
    let relative = generate(
        &work.path().join("specs"),
        Path::new("api.json"),
        Path::new("../b"),
    );
    assert!(relative.status.success(), "{}", stderr(&relative));
    let (a, b) = (tree(&work.path().join("a")), tree(&work.path().join("b")));
    assert!(a.len() > 5, "{a:?}");
    // Package names come from the directory names; everything else is byte for byte equal.
    let paths = |files: &[(PathBuf, Vec<u8>)]| -> Vec<PathBuf> {
        files.iter().map(|(path, _)| path.clone()).collect()
    };
    assert_eq!(paths(&a), paths(&b));
    for ((path, in_a), (_, in_b)) in a.iter().zip(&b) {
        let in_a = String::from_utf8_lossy(in_a).replace("name = \"a\"", "name = \"b\"");
        assert!(
            in_a == String::from_utf8_lossy(in_b),
            "{} differs",
            path.display()
        );
    }
    let manifest = text(&work.path().join("a/Cargo.toml"));
    assert!(
        manifest.starts_with("# @generated by dynroute-codegen from api.json. Do not edit.\n"),
        "{manifest}"
    );
    let root = work.path().to_string_lossy().into_owned();
    for (path, bytes) in a {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(&root),
            "{} holds {root}",
            path.display()
        );
    }
}

#[test]
fn steps_go_to_standard_error_and_the_summary_to_standard_output() {
    let work = temp();
    let spec = work.path().join("api.json");
    put(&spec, WITH_OPERATIONS);
    let run = generate(work.path(), &spec, Path::new("crate"));
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(stdout(&run), "wrote crate `crate` to crate\n");
    let steps: Vec<String> = stderr(&run).lines().map(str::to_string).collect();
    assert_eq!(steps.len(), 3, "{steps:?}");
    assert_eq!(steps[0], format!("reading {}", spec.display()));
    assert_eq!(steps[1], "generated 1 type and 1 operation");
    assert!(
        steps[2].starts_with("writing ") && steps[2].ends_with(" files to crate"),
        "{steps:?}"
    );
}

#[test]
fn the_home_directory_is_refused() {
    let home = temp();
    let spec = home.path().join("api.json");
    put(&spec, WITH_OPERATIONS);
    let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(home.path())
        .env("HOME", home.path())
        .args(["generate", "--spec", "api.json", "--out", "."])
        .output()
        .unwrap_or_else(|e| panic!("xtask: {e}"));
    assert!(!run.status.success());
    assert!(
        stderr(&run).ends_with(": it is your home directory\n"),
        "{}",
        stderr(&run)
    );
    assert!(!home.path().join("Cargo.toml").exists());
}

#[test]
fn roots_of_the_filesystem_and_the_repository_are_refused() {
    let repo = xtask::repo_root();
    let refusal = |out: &Path| {
        resolve(out)
            .and_then(|dir| check_out_dir(&dir, Some(&repo)))
            .err()
            .map(|e| e.to_string())
    };
    assert_eq!(
        refusal(Path::new("/")).as_deref(),
        Some("refusing to write a crate to /: it is the root of a filesystem")
    );
    // Judged as the directory the path ends at, whatever it is spelled like.
    let spelled = repo.join("xtask/not-there/../..");
    let message = refusal(&spelled).unwrap_or_default();
    assert!(
        message.ends_with(": it is the root of this repository"),
        "{message}"
    );
    assert_eq!(refusal(&repo.join("target/some-crate")), None);
}

#[test]
fn a_yaml_description_gives_the_crate_its_json_original_gives() {
    let work = temp();
    put(&work.path().join("api.json"), WITH_OPERATIONS);
    put(&work.path().join("api.yaml"), WITH_OPERATIONS_YAML);
    for (spec, out) in [("api.json", "from-json"), ("api.yaml", "from-yaml")] {
        let run = generate(work.path(), Path::new(spec), Path::new(out));
        assert!(run.status.success(), "{}", stderr(&run));
    }
    let (json, yaml) = (
        tree(&work.path().join("from-json")),
        tree(&work.path().join("from-yaml")),
    );
    assert!(json.len() > 5, "{json:?}");
    assert_eq!(json.len(), yaml.len());
    for ((path, in_json), (_, in_yaml)) in json.iter().zip(&yaml) {
        // Headers and the crate documentation name the spec file; package names come from
        // the directories.
        let in_json = String::from_utf8_lossy(in_json)
            .replace("api.json", "api.yaml")
            .replace("name = \"from-json\"", "name = \"from-yaml\"");
        assert!(
            in_json == String::from_utf8_lossy(in_yaml),
            "{} differs",
            path.display()
        );
    }
}

#[test]
fn every_unsupported_construct_is_an_error_and_nothing_is_written() {
    let work = temp();
    let spec = work.path().join("api.json");
    put(&spec, PARTLY_SUPPORTED);
    let out = work.path().join("crate");
    let run = generate(work.path(), &spec, &out);
    assert_eq!(run.status.code(), Some(1), "{}", stdout(&run));
    let lines: Vec<String> = stderr(&run).lines().map(str::to_string).collect();
    assert_eq!(
        lines,
        [
            format!("reading {}", spec.display()),
            format!("error: {}: 3 unsupported constructs:", spec.display()),
            "  `not` schema at #/components/schemas/Odd/not (line 20, column 13)".to_string(),
            "  non-scalar header parameter at #/paths/~1things/post/parameters/0/schema (line 11, column 60)"
                .to_string(),
            "  request body in the media range `*/*` (no media type to send) at #/paths/~1upload/put/requestBody/content/*~1* (line 15, column 35)"
                .to_string(),
            "(pass --skip-unsupported to generate everything else and leave out what needs them)"
                .to_string(),
        ]
    );
    assert!(!out.exists());
}

#[test]
fn skipping_unsupported_constructs_writes_the_rest_and_warns_once_per_item() {
    let work = temp();
    let spec = work.path().join("api.json");
    put(&spec, PARTLY_SUPPORTED);
    let run = generate_with(
        work.path(),
        &spec,
        Path::new("crate"),
        &["--skip-unsupported"],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(stdout(&run), "wrote crate `crate` to crate\n");
    let lines: Vec<String> = stderr(&run).lines().map(str::to_string).collect();
    let odd = "`not` schema at #/components/schemas/Odd/not (line 20, column 13)";
    assert_eq!(
        lines[..lines.len() - 1],
        [
            format!("reading {}", spec.display()),
            format!("warning: left out type `Odd` at #/components/schemas/Odd: {odd}"),
            format!(
                "warning: left out type `UsesOdd` at #/components/schemas/UsesOdd: uses type `Odd`, left out for {odd}"
            ),
            "warning: left out operation `traceThing` at #/paths/~1things/post: non-scalar header parameter at #/paths/~1things/post/parameters/0/schema (line 11, column 60)".to_string(),
            "warning: left out operation `upload` at #/paths/~1upload/put: request body in the media range `*/*` (no media type to send) at #/paths/~1upload/put/requestBody/content/*~1* (line 15, column 35)".to_string(),
            "generated 1 type and 1 operation, left out 4 items".to_string(),
        ]
    );
    let operations = text(&work.path().join("crate/src/operations.rs"));
    assert!(operations.contains("pub async fn list_things("));
    assert!(!operations.contains("trace_thing") && !operations.contains("upload"));
    let models = text(&work.path().join("crate/src/models.rs"));
    assert!(models.contains("pub struct Thing {") && !models.contains("Odd"));
}

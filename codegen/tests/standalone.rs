//! `generate --spec FILE --out DIR` on Cloudflare's official description: the crate
//! builds, passes clippy with `-D warnings`, documents without warnings, and its element
//! union (repeated eleven times inline in that description) is one enum of six variants.

use dynroute_codegen::{Settings, generate, krate};
use std::path::Path;
use std::process::Command;

const OFFICIAL: &str = "../../shared/reference/cloudflare-dynamic-routing.openapi.json";

fn cargo(dir: &Path, target: &Path, args: &[&str]) {
    let status = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTDOCFLAGS", "-D warnings")
        .env_remove("RUSTFLAGS")
        .status()
        .unwrap_or_else(|e| panic!("cargo {args:?}: {e}"));
    assert!(
        status.success(),
        "cargo {args:?} failed in {}",
        dir.display()
    );
}

#[test]
fn official_description_gives_a_building_crate_with_one_element_enum() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec_path = manifest.join(OFFICIAL);
    let text = std::fs::read_to_string(&spec_path)
        .unwrap_or_else(|e| panic!("{}: {e}", spec_path.display()));
    let output = generate(
        &text,
        &Settings::new("cloudflare-dynamic-routing.openapi.json"),
    )
    .unwrap_or_else(|e| panic!("{e}"));

    let models = output.src.get("models.rs").cloned().unwrap_or_default();
    let file = syn::parse_file(&models).unwrap_or_else(|e| panic!("{e}"));
    let six: Vec<(String, Vec<String>)> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Enum(e) => Some((
                e.ident.to_string(),
                e.variants
                    .iter()
                    .map(|v| v.ident.to_string())
                    .collect::<Vec<_>>(),
            )),
            _ => None,
        })
        .filter(|(_, variants)| variants.len() == 6)
        .collect();
    assert_eq!(
        six,
        [(
            "Element".to_string(),
            ["Start", "Conditional", "Percentage", "Rate", "Model", "End"]
                .map(String::from)
                .to_vec()
        )]
    );
    assert_eq!(models.matches("#[serde(tag = \"type\")]").count(), 1);

    // The models alone: usable without the HTTP client.
    let mut models_only = output.clone();
    models_only.src.retain(|file, _| file == "models.rs");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for (path, text) in krate::files("cloudflare-dynamic-routing", "official.json", &models_only) {
        let path = dir.path().join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    }
    // A shared target dir keeps reruns cheap.
    let target = manifest.join("../target/standalone");
    cargo(dir.path(), &target, &["build", "--quiet"]);
    cargo(
        dir.path(),
        &target,
        &["clippy", "--quiet", "--", "-D", "warnings"],
    );
    cargo(dir.path(), &target, &["doc", "--quiet", "--no-deps"]);
}

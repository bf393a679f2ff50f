//! `generate --spec FILE --out DIR` on Cloudflare's official description: the complete
//! crate (models, client, runtime copy) compiles and passes clippy with `-D warnings`,
//! documents without warnings, and its element union (repeated eleven times inline in that
//! description) is one enum of six variants. A partial generation (unsupported constructs
//! skipped) gives a complete crate that passes the same checks.

mod support;

use dynroute_codegen::{Settings, generate, krate};
use std::path::Path;

const OFFICIAL: &str = "../../shared/reference/cloudflare-dynamic-routing.openapi.json";

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

    // The complete crate as `--out` writes it: models, client and the runtime copy.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let files = krate::files("cloudflare-dynamic-routing", "official.json", &output);
    assert!(files.contains_key("src/operations.rs") && files.contains_key("src/runtime/mod.rs"));
    support::write_tree(
        dir.path(),
        files
            .iter()
            .map(|(path, text)| (path.clone(), text.as_str())),
    );
    support::cargo(dir.path(), &["clippy", "--quiet", "--", "-D", "warnings"]);
    support::cargo(dir.path(), &["doc", "--quiet", "--no-deps"]);
}

#[test]
fn a_partial_generation_gives_a_building_crate() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec_path = manifest.join("tests/fixtures/partial.json");
    let text = std::fs::read_to_string(&spec_path)
        .unwrap_or_else(|e| panic!("{}: {e}", spec_path.display()));
    let mut settings = Settings::new("partial.json");
    settings.skip_unsupported = true;
    let output = generate(&text, &settings).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.skipped.len(), 12);

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let files = krate::files("partial", "partial.json", &output);
    assert!(files.contains_key("src/operations.rs") && files.contains_key("src/runtime/mod.rs"));
    support::write_tree(
        dir.path(),
        files
            .iter()
            .map(|(path, text)| (path.clone(), text.as_str())),
    );
    support::cargo(dir.path(), &["clippy", "--quiet", "--", "-D", "warnings"]);
    support::cargo(dir.path(), &["doc", "--quiet", "--no-deps"]);
}

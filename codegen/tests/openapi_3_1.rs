//! OpenAPI 3.1 descriptions are read as the 3.0 description that says the same
//! (`src/downgrade.rs`): a 3.1 fixture generates its snapshots and exactly what its
//! hand-written 3.0 equivalent generates; what 3.0 cannot say is an unsupported construct
//! named by its keyword (the refusals themselves are in `errors.rs`).

use dynroute_codegen::{Output, Settings, generate};

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The output for `tests/fixtures/{fixture}.json`, labelled as the 3.1 fixture (so that
/// the `@generated` headers of the two fixtures are the same).
fn output(fixture: &str) -> Output {
    let text = read(&format!("tests/fixtures/{fixture}.json"));
    generate(&text, &Settings::new("tests/fixtures/openapi_3_1.json"))
        .unwrap_or_else(|e| panic!("{fixture}: {e}"))
}

#[test]
fn a_3_1_description_generates_its_snapshots() {
    let output = output("openapi_3_1");
    let models = output.src.get("models.rs").cloned().unwrap_or_default();
    let client = output.src.get("operations.rs").cloned().unwrap_or_default();
    expectorate::assert_contents("tests/snapshots/openapi_3_1.rs", &models);
    expectorate::assert_contents("tests/snapshots/client/openapi_3_1.rs", &client);
    for field in [
        // `type: [string, "null"]`
        "pub note: ::std::option::Option<::std::string::String>,",
        // a `$ref` with a `description`: the field is documented
        "/// What the item is.\n    pub kind: crate::models::Kind,",
        // `anyOf: [$ref, {type: "null"}]`
        "pub parent: ::std::option::Option<::std::boxed::Box<crate::models::Item>>,",
        // `oneOf: [{type: "null"}, {type: string}]` with a description
        "/// A short label.\n    #[serde(default, skip_serializing_if = \"::std::option::Option::is_none\")]\n    pub label: ::std::option::Option<::std::string::String>,",
        // `contentMediaType: application/octet-stream`
        "pub raw: ::std::option::Option<::std::vec::Vec<u8>>,",
        // `true` as a schema
        "pub any: ::std::option::Option<::serde_json::Value>,",
    ] {
        assert!(models.contains(field), "{field}\n{models}");
    }
    // `type: [integer, string]`, and a union with a null branch and two others.
    assert!(
        models.contains(
            "pub enum ItemSize {\n    Integer(i64),\n    String(::std::string::String),\n}"
        )
    );
    assert!(
        models
            .contains("pub enum ItemExtra {\n    Kind(crate::models::Kind),\n    Integer(i64),\n}")
    );
    // `const: v1`
    assert!(models.contains("pub enum ItemVersion {\n    #[serde(rename = \"v1\")]\n    V1,\n}"));
    // The operations: one without `responses`, one from `components.pathItems`; webhooks
    // are not client calls.
    for method in ["get_item", "delete_item", "list_kinds"] {
        assert!(
            client.contains(&format!("pub async fn {method}(")),
            "{method}"
        );
    }
    assert_eq!(output.operations, 3);
    assert!(!client.contains("item_created"));
}

#[test]
fn a_3_1_description_generates_what_its_3_0_equivalent_does_byte_for_byte() {
    let v3_1 = read("tests/fixtures/openapi_3_1.json");
    let v3_0 = read("tests/fixtures/openapi_3_1_as_3_0.json");
    assert!(v3_1.contains("\"openapi\": \"3.1.0\"") && v3_0.contains("\"openapi\": \"3.0.3\""));
    let (v3_1, v3_0) = (output("openapi_3_1"), output("openapi_3_1_as_3_0"));
    assert_eq!(
        v3_1.src.keys().collect::<Vec<_>>(),
        ["models.rs", "operations.rs"]
    );
    for (file, text) in &v3_1.src {
        assert!(
            v3_0.src.get(file) == Some(text),
            "{file} differs:\n{text}\n---\n{:?}",
            v3_0.src.get(file)
        );
    }
    assert_eq!(v3_1, v3_0);
}

#[test]
fn refused_schemas_are_left_out_with_what_uses_them_when_skipping() {
    let text = r##"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
      "paths": {"/pairs": {"get": {"operationId": "listPairs", "responses": {"200": {
        "description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pair"}}}}}}},
        "/stock": {"get": {"operationId": "getStock", "responses": {"200": {
        "description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Stock"}}}}}}}},
      "components": {"schemas": {
        "Pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]},
        "Stock": {"type": "object", "properties": {"nothing": {"type": "null"}, "count": {"type": "integer"}}}
      }}}"##;
    let refused = generate(text, &Settings::new("t.json"))
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        refused.as_deref(),
        Some(
            "unsupported: JSON Schema keyword `prefixItems` (a tuple) at #/components/schemas/Pair/prefixItems (line 7, column 35)"
        )
    );
    let mut settings = Settings::new("t.json");
    settings.skip_unsupported = true;
    let output = generate(text, &settings).unwrap_or_else(|e| panic!("{e}"));
    let skipped: Vec<String> = output.skipped.iter().map(ToString::to_string).collect();
    assert_eq!(
        skipped,
        [
            "left out type `Pair` at #/components/schemas/Pair: JSON Schema keyword `prefixItems` (a tuple) at #/components/schemas/Pair/prefixItems (line 7, column 35)",
            "left out operation `listPairs` at #/paths/~1pairs/get: uses type `Pair`, left out for JSON Schema keyword `prefixItems` (a tuple) at #/components/schemas/Pair/prefixItems (line 7, column 35)",
        ]
    );
    // `type: "null"` alone: an optional value of any type.
    let models = output.src.get("models.rs").cloned().unwrap_or_default();
    assert!(
        models.contains("pub nothing: ::std::option::Option<::serde_json::Value>,"),
        "{models}"
    );
    assert_eq!(output.operations, 1);
}

#[test]
fn a_ref_into_defs_names_one_type() {
    let text = r##"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "components": {"schemas": {
        "Order": {"type": "object", "properties": {
            "lines": {"type": "array", "items": {"$ref": "#/components/schemas/Order/$defs/Line"}},
            "first": {"$ref": "#/components/schemas/Order/$defs/Line"}
        }, "$defs": {"Line": {"type": "object", "required": ["sku"],
            "properties": {"sku": {"type": "string"}, "note": {"type": ["string", "null"]}}}}}
    }}}"##;
    let output = generate(text, &Settings::new("defs.json")).unwrap_or_else(|e| panic!("{e}"));
    let models = output.src.get("models.rs").cloned().unwrap_or_default();
    assert_eq!(output.types, 2, "{models}");
    assert!(models.contains("pub struct Line {"), "{models}");
    assert!(models.contains("pub note: ::std::option::Option<::std::string::String>,"));
    assert!(models.contains("pub first: ::std::option::Option<crate::models::Line>,"));
}

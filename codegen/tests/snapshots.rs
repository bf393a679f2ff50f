//! Snapshot tests: each fixture spec under `tests/fixtures/` (one per construct) and the
//! models it produces under `tests/snapshots/`; for the fixtures about the client (request
//! parameters, bodies and responses), the operations too, under `tests/snapshots/client/`.
//! Update with `EXPECTORATE=overwrite cargo test -p dynroute-codegen --test snapshots`.
//! The snapshot for `spec/` is `client/src/generated/models.rs` itself, kept fresh by
//! `xtask/tests/fresh.rs`.

use dynroute_codegen::{Settings, generate};
use std::path::Path;

/// The generated file `file` (`models.rs`, `operations.rs`) of `fixture`.
fn generated(fixture: &str, file: &str) -> String {
    let path = Path::new("tests/fixtures").join(format!("{fixture}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let output = generate(
        &text,
        &Settings::new(format!("tests/fixtures/{fixture}.json")),
    )
    .unwrap_or_else(|e| panic!("{fixture}: {e}"));
    output.src.get(file).cloned().unwrap_or_default()
}

fn models(fixture: &str) -> String {
    generated(fixture, "models.rs")
}

fn check(fixture: &str) -> String {
    let text = models(fixture);
    expectorate::assert_contents(format!("tests/snapshots/{fixture}.rs"), &text);
    text
}

/// The operations of `fixture`, checked against its client snapshot (which `compile.rs`
/// builds with the models snapshot and the runtime).
fn check_client(fixture: &str) -> String {
    let text = generated(fixture, "operations.rs");
    expectorate::assert_contents(format!("tests/snapshots/client/{fixture}.rs"), &text);
    text
}

/// The text of method `name` in `operations`, from its documentation to its end, with every
/// run of white space made one space (so that assertions do not depend on line breaks).
fn method(operations: &str, name: &str) -> String {
    let at = operations
        .find(&format!("pub async fn {name}("))
        .unwrap_or_else(|| panic!("no method {name}"));
    let start = operations[..at].rfind("\n    }\n").unwrap_or(0);
    let rest = &operations[at..];
    let end = rest
        .find("\n    }\n")
        .map_or(operations.len(), |end| end + at);
    squash(&operations[start..end])
}

/// `text` with every run of white space made one space, none after `(` or `[` and none
/// before `)`, `]`, `,` or `.`, and without trailing commas (as one line writes it).
fn squash(text: &str) -> String {
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::new();
    for c in words.chars() {
        if matches!(c, ')' | ']' | ',' | '.') && out.ends_with(' ') {
            out.pop();
        }
        if matches!(c, ')' | ']') && out.ends_with(',') {
            out.pop();
        }
        if c == ' ' && (out.ends_with('(') || out.ends_with('[')) {
            continue;
        }
        out.push(c);
    }
    out
}

#[test]
fn objects_rename_escape_and_collide() {
    let text = check("objects");
    assert!(text.contains("#[serde(rename = \"elementId\")]\n    pub element_id:"));
    assert!(text.contains("pub element_id_2:"));
    assert!(text.contains("pub type_: ::std::string::String"));
    assert!(text.contains("pub self_:"));
    assert!(text.contains("pub _10_percent:"));
    assert!(text.contains("pub nickname: ::std::option::Option<::std::string::String>"));
    assert!(text.contains("Default when absent: `3`."));
    // Component names `Thing` and `thing` both become `Thing`: the second is renamed.
    assert!(text.contains("pub struct Thing2"));
}

#[test]
fn string_enums_with_non_identifier_values() {
    let text = check("enums");
    assert!(text.contains("#[serde(rename = \"true\")]\n    True,"));
    assert!(text.contains("#[serde(rename = \"10%\")]\n    Percent10,"));
    assert!(text.contains("Self_,"));
    assert!(text.contains("Percent102,"), "`10 %` collides with `10%`");
    assert!(text.contains("pub type MaybeColor") || text.contains("pub enum MaybeColor"));
}

#[test]
fn arrays_and_maps() {
    let text = check("arrays_maps");
    assert!(text.contains("pub tags: ::std::vec::Vec<::std::string::String>"));
    assert!(
        text.contains("pub struct Entry {"),
        "array items named after the singular"
    );
    assert!(text.contains("::std::collections::BTreeMap<"));
    assert!(text.contains("::serde_json::Value"));
}

#[test]
fn references_and_recursion_are_boxed() {
    let text = check("refs");
    assert!(text.contains("::std::option::Option<::std::boxed::Box<crate::models::Node>>"));
    assert!(
        text.contains("pub children: ::std::option::Option<::std::vec::Vec<crate::models::Node>>")
    );
    assert!(text.contains("pub type Alias = crate::models::NodeId;"));
    // `~1` in a reference is a `/` in the component name.
    assert!(text.contains("pub label: ::std::option::Option<crate::models::V1Label>"));
}

#[test]
fn nullable_components_and_properties_are_options() {
    let text = check("nullable");
    // Required and nullable: always written, `null` included.
    assert!(text.contains("    pub point: ::std::option::Option<crate::models::Point>,\n"));
    assert!(text.contains("    pub label: ::std::option::Option<crate::models::Label>,\n"));
    assert!(text.contains("    pub wrapped: ::std::option::Option<crate::models::Point>,\n"));
    assert!(text.contains("    pub plain: ::std::option::Option<i64>,\n"));
    assert!(text.contains(
        "#[serde(default, skip_serializing_if = \"::std::option::Option::is_none\")]\n    pub optional: ::std::option::Option<i64>,"
    ));
}

#[test]
fn self_referring_aliases_become_newtypes() {
    let text = check("recursive_aliases");
    assert!(text.contains(
        "#[serde(transparent)]\npub struct Tree(pub ::std::vec::Vec<crate::models::Tree>);"
    ));
    assert!(text.contains("pub struct Grove(pub ::std::vec::Vec<crate::models::Forest>);"));
    assert!(text.contains("pub struct Forest(\n"));
    // An alias that only points at a recursive type stays an alias.
    assert!(text.contains("pub type Maybe = crate::models::Tree;"));
}

#[test]
fn number_fields_serialize_whole_values_as_integers() {
    let text = check("numbers");
    let attr = "#[serde(serialize_with = \"json_number::serialize\")]";
    // Every field and variant holding an `f64`, however nested or aliased, and no other.
    for holder in [
        "pub value: f64",
        "pub ratio: ::std::option::Option<f64>",
        "pub samples: ::std::option::Option<::std::vec::Vec<f64>>",
        "pub maybe: ::std::option::Option<f64>",
        "pub scalar: crate::models::Scalar",
        "Number(f64)",
    ] {
        assert!(text.contains(&format!("{attr}\n    {holder}")), "{holder}");
    }
    assert!(!text.contains(&format!("{attr}\n    pub count")));
    assert!(!text.contains(&format!("{attr}\n    pub amount")));
    assert_eq!(text.matches("mod json_number {").count(), 1);
    // Without numbers there is no helper module.
    assert!(!check("enums").contains("json_number"));
}

#[test]
fn all_of_is_merged() {
    let text = check("all_of");
    let detail = text.split("pub struct Detail {").nth(1).unwrap_or_default();
    let detail = detail.split("}\n").next().unwrap_or_default();
    assert!(detail.contains("pub id: ::std::string::String"));
    assert!(
        detail.contains("pub name: ::std::string::String"),
        "required by the second part"
    );
    assert!(detail.contains("pub extra: i64"));
    assert!(text.contains("pub note: ::std::string::String"));
    assert!(text.contains("pub summary: ::std::option::Option<crate::models::Summary>"));
}

/// `Level0: allOf [Level1, Level1, {p0}]`, `Level1: allOf [Level2, Level2, {p1}]`, ...: each
/// level reaches the next twice, so merging every path separately would take 2^30 merges.
/// Each referenced schema is merged once, and every level's property arrives.
#[test]
fn all_of_diamonds_are_merged_once_per_schema() {
    let levels = 30;
    let mut schemas = serde_json::Map::new();
    for level in 0..levels {
        let next =
            serde_json::json!({ "$ref": format!("#/components/schemas/Level{}", level + 1) });
        let own = serde_json::json!({
            "type": "object",
            "required": [format!("p{level}")],
            "properties": { format!("p{level}"): { "type": "string" } }
        });
        schemas.insert(
            format!("Level{level}"),
            serde_json::json!({ "allOf": [next, next, own] }),
        );
    }
    schemas.insert(
        format!("Level{levels}"),
        serde_json::json!({ "type": "object", "properties": { "last": { "type": "integer" } } }),
    );
    let spec = serde_json::json!({
        "openapi": "3.0.3",
        "info": { "title": "t", "version": "1" },
        "paths": {},
        "components": { "schemas": schemas }
    });
    let output = generate(&spec.to_string(), &Settings::new("diamonds.json")).expect("generates");
    let models = output.src.get("models.rs").cloned().unwrap_or_default();
    let level0 = models
        .split("pub struct Level0 {")
        .nth(1)
        .unwrap_or_default();
    let level0 = level0.split("}\n").next().unwrap_or_default();
    for level in 0..levels {
        assert!(
            level0.contains(&format!("pub p{level}: ::std::string::String")),
            "p{level}"
        );
    }
    assert!(level0.contains("pub last: ::std::option::Option<i64>"));
}

#[test]
fn discriminator_gives_internally_tagged_enum() {
    let text = check("one_of_discriminator");
    assert!(text.contains(
        "#[serde(tag = \"kind\")]\n#[allow(clippy::large_enum_variant)]\npub enum Pet {"
    ));
    assert!(text.contains("#[serde(rename = \"good-dog\")]\n    GoodDog(crate::models::Dog),"));
    // A mapping by component name, to branches that are aliases of one struct.
    assert!(text.contains(
        "#[serde(tag = \"event_type\")]\n#[allow(clippy::large_enum_variant)]\npub enum Event {"
    ));
    assert!(
        text.contains("#[serde(rename = \"approved\")]\n    Approved(crate::models::Approved),")
    );
    assert!(text.contains("pub type Approved = crate::models::EventBase;"));
    // A branch that is an array cannot carry a tag: the union is tried branch by branch.
    assert!(
        text.contains(
            "#[serde(untagged)]\n#[allow(clippy::large_enum_variant)]\npub enum Content {"
        )
    );
}

#[test]
fn properties_beside_additional_properties_are_a_flattened_map() {
    // Compared without white space: rustfmt breaks the long map types over lines.
    let text: String = check("flattened_map")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(text.contains(
        "///Theotherproperties(`additionalProperties`).#[serde(flatten)]pubadditional_properties:::std::collections::BTreeMap<::std::string::String,::std::string::String,>,"
    ), "{text}");
    // From an `allOf` part, with the base's fields.
    assert!(text.contains("pubstructLimits{pubname:::std::string::String,"));
    assert!(text.contains("BTreeMap<::std::string::String,crate::models::Limit,>"));
    // A property of the same name keeps it; the map takes the next free one.
    assert!(text.contains("pubadditional_properties_2:::std::collections::BTreeMap<"));
}

#[test]
fn all_of_parts_that_are_not_objects_merge_into_one_type() {
    let text = check("all_of_scalars");
    for field in [
        "pub color: ::std::option::Option<crate::models::Color>,",
        "pub code: ::std::option::Option<::std::string::String>,",
        "pub layers: ::std::option::Option<i32>,",
        "pub maybe: ::std::option::Option<::std::string::String>,",
        "pub shades: ::std::option::Option<::std::vec::Vec<::std::string::String>>,",
    ] {
        assert!(text.contains(field), "{field}\n{text}");
    }
    // `red` is the only value both enums allow.
    assert!(
        text.contains("pub enum PaintWarm {\n    #[serde(rename = \"red\")]\n    Red,\n}"),
        "{text}"
    );
}

#[test]
fn defaults_are_read_through_accessors() {
    let text = check("defaults");
    for accessor in [
        "pub fn enabled_or_default(&self) -> bool {\n        self.enabled.unwrap_or(true)",
        "pub fn retries_or_default(&self) -> i64 {\n        self.retries.unwrap_or(3i64)",
        "pub fn port_or_default(&self) -> i32 {\n        self.port.unwrap_or(8080i32)",
        "pub fn ratio_or_default(&self) -> f64 {\n        self.ratio.unwrap_or(0.5f64)",
        "pub fn whole_or_default(&self) -> f64 {\n        self.whole.unwrap_or(2f64)",
        "pub fn label_or_default(&self) -> &str {\n        self.label.as_deref().unwrap_or(\"none \\\"quoted\\\"\")",
        "pub fn mode_or_default(&self) -> crate::models::Mode {\n        self.mode.unwrap_or(crate::models::Mode::Safe)",
        // A keyword field (`type_`) gives `type_or_default`.
        "pub fn type_or_default(&self) -> &str {\n        self.type_.as_deref().unwrap_or(\"basic\")",
    ] {
        assert!(text.contains(accessor), "{accessor}\n{text}");
    }
    // Required, nullable, arrays and defaults of another type are documented only.
    for none in [
        "name_or_default",
        "tags_or_default",
        "nullable_or_default",
        "mismatch_or_default",
    ] {
        assert!(!text.contains(none), "{none}");
    }
}

#[test]
fn references_anywhere_name_one_type_and_ref_path_items_are_copies() {
    let text = check("refs_anywhere");
    assert!(text.contains("pub struct Line {"), "{text}");
    assert!(
        text.contains("pub bundle: ::std::option::Option<::std::vec::Vec<crate::models::Line>>")
    );
    let client = check_client("refs_anywhere");
    for method in ["create_order", "get_order", "get_v1_orders_id"] {
        assert!(
            client.contains(&format!("pub async fn {method}(")),
            "{method}\n{client}"
        );
    }
    // The shared parameter and response, through their references.
    let copy = method(&client, "get_v1_orders_id");
    assert!(
        copy.contains("dry_run: ::std::option::Option<bool>"),
        "{copy}"
    );
    assert!(copy.contains("crate::models::Line"), "{copy}");
}

#[test]
fn pinned_union_is_tagged_and_deduplicated() {
    let text = check("pinned_union");
    assert_eq!(
        text.matches("#[serde(tag = \"type\")]").count(),
        1,
        "one union type"
    );
    assert!(text.contains("Start(crate::models::StartElement)"));
    assert!(
        text.contains(
            "pub elements: ::std::option::Option<::std::vec::Vec<crate::models::Element>>"
        )
    );
}

#[test]
fn other_unions_are_untagged() {
    let text = check("untagged");
    assert!(
        text.contains("#[serde(untagged)]\n#[allow(clippy::large_enum_variant)]\npub enum Value {")
    );
    assert!(text.contains("Point(crate::models::Point)"));
    assert!(text.contains("pub type Opaque = ::serde_json::Value;"));
}

#[test]
fn descriptions_cannot_break_the_build() {
    let text = check("docs");
    assert!(text.contains("```text"));
    assert!(!text.contains("```rust"));
    assert!(text.contains("<https://example.com/y>"));
    assert!(text.contains("&lt;html&gt;"));
    // An unclosed backtick is escaped, so what follows it is escaped too.
    assert!(text.contains("An unclosed \\`backtick before &lt;b&gt; and \\[link\\]"));
    assert!(text.contains("then \\` alone &lt;x&gt;"));
    assert!(text.contains("Default when absent: ``\"a`b <c>\"``."));
    // Characters rustc or clippy refuse in doc comments never reach them.
    assert!(!text.contains(['\r', '\t', '\u{0}', '\u{202e}']));
    assert!(text.contains("NUL \\u{0000} and a bidi override \\u{202e} here"));
}

#[test]
fn header_and_cookie_parameters_are_arguments_sent_as_headers() {
    check("parameters");
    let client = check_client("parameters");
    let get = method(&client, "get_item");
    for argument in [
        "x_request_id: &str",
        "x_limit: ::std::option::Option<i64>",
        "x_ratio: ::std::option::Option<f64>",
        "x_dry_run: ::std::option::Option<bool>",
        "x_mode: ::std::option::Option<&crate::models::Mode>",
        "x_tags: ::std::option::Option<&::std::vec::Vec<::std::string::String>>",
        "user_agent: ::std::option::Option<&str>",
        "session: &str",
        "theme: ::std::option::Option<&crate::models::Mode>",
        "visits: ::std::option::Option<i64>",
    ] {
        assert!(get.contains(argument), "{argument}");
    }
    // OpenAPI says to ignore a header parameter named `Accept`.
    assert!(!get.contains("accept"), "{get}");
    assert!(get.contains("* `x_request_id` (header `X-Request-Id`): Echoed in the response."));
    assert!(get.contains("* `session` (cookie `session`)"));
    assert_eq!(
        get.matches("crate::runtime::path::header_pairs(").count(),
        7
    );
    assert_eq!(
        get.matches("crate::runtime::path::cookie_pairs(").count(),
        3
    );
    assert!(get.contains("self.execute_with("));
    // The paging helper sends the header with every page.
    let stream = squash(&client[client.find("pub fn list_items_stream").unwrap_or_default()..]);
    assert!(stream.contains("x_tenant: &'a str"), "{stream}");
    assert!(stream.contains("header_pairs("), "{stream}");
}

#[test]
fn request_bodies_are_sent_in_their_media_type() {
    let models = check("request_bodies");
    assert!(
        models.contains("pub photo: ::std::vec::Vec<u8>,"),
        "{models}"
    );
    assert!(
        models.contains(
            "pub thumbnails: ::std::option::Option<::std::vec::Vec<::std::vec::Vec<u8>>>,"
        )
    );
    let client = check_client("request_bodies");
    let create = method(&client, "create_pet");
    assert!(create.contains("body: &crate::models::NewPet"));
    assert!(create.contains("crate::runtime::body::form(\"createPet\", body)?"));
    let upload = method(&client, "upload_photo");
    assert!(upload.contains("crate::runtime::body::text_parts(\"uploadPhoto\", \"caption\""));
    // `encoding.contentType` names the file part's type (the first of a list).
    let files = "crate::runtime::body::file_parts(\"photo\", \"image/png\", [&body.photo])";
    assert!(upload.contains(files), "{upload}");
    assert!(upload.contains("body.thumbnails.iter().flatten()"));
    assert!(upload.contains("-> ::std::result::Result<(), crate::runtime::Error>"));
    assert!(upload.contains("self.execute_empty("));
    let blob = method(&client, "put_blob");
    assert!(blob.contains("body: &[u8]"));
    assert!(blob.contains("crate::runtime::body::bytes(\"application/octet-stream\", body)"));
    let note = method(&client, "create_note");
    assert!(note.contains("body: ::std::option::Option<&str>"));
    assert!(note.contains("\"text/plain; charset=utf-8\""));
    // Text, bytes or form fields: form fields come first.
    let choice = method(&client, "submit_choice");
    assert!(choice.contains("crate::runtime::body::form(\"submitChoice\", body)"));
    let fields = method(&client, "upload_fields");
    assert!(fields.contains("crate::runtime::body::object_parts(\"uploadFields\", body)?"));
    // A media range cannot be sent: the concrete type is.
    let image = method(&client, "post_image");
    assert!(image.contains("crate::runtime::body::bytes(\"image/png\", body)"));
}

#[test]
fn responses_are_read_as_their_media_type_says() {
    let models = check("responses");
    assert!(models.contains("#[serde(with = \"json_bytes\")]\n    pub data: ::std::vec::Vec<u8>,"));
    assert_eq!(models.matches("mod json_bytes {").count(), 1);
    let client = check_client("responses");
    let returns = |name: &str, ty: &str, call: &str| {
        let text = method(&client, name);
        assert!(
            text.contains(&format!(
                "-> ::std::result::Result<{ty}, crate::runtime::Error>"
            )),
            "{name}: {text}"
        );
        assert!(text.contains(&format!("self.{call}(")), "{name}: {text}");
    };
    returns("health", "::serde_json::Value", "execute");
    returns("get_report", "::std::string::String", "execute_text");
    returns("get_page", "::std::string::String", "execute_text");
    returns("get_photo", "::std::vec::Vec<u8>", "execute_bytes");
    returns("download", "::std::vec::Vec<u8>", "execute_bytes");
    returns("delete_photo", "()", "execute_empty");
    returns("get_summary", "crate::models::Attachment", "execute");
    assert!(method(&client, "get_page").contains("Some(\"text/html, text/plain\")"));
    assert!(method(&client, "get_photo").contains("Some(\"image/png, image/jpeg\")"));
}

#[test]
fn operation_schemas_become_models() {
    let text = check("operations");
    assert!(text.contains("pub struct CreateThingBody {"));
    assert!(text.contains("pub struct CreateThingResponse200Result {"));
}

/// `tests/fixtures/partial.json` holds twelve unsupported constructs. Told to skip them,
/// the generator leaves out each type and operation that needs one, and each that uses a
/// left-out type, one line apiece, and generates the rest (the models snapshot is built by
/// `compile.rs`, the whole crate by `standalone.rs`).
#[test]
fn partial_generation_leaves_out_what_needs_an_unsupported_construct() {
    let text = std::fs::read_to_string("tests/fixtures/partial.json").unwrap_or_default();
    let mut settings = Settings::new("tests/fixtures/partial.json");
    settings.skip_unsupported = true;
    let output = generate(&text, &settings).unwrap_or_else(|e| panic!("{e}"));
    let lines: Vec<String> = output.skipped.iter().map(ToString::to_string).collect();
    let label =
        "`not` schema at #/components/schemas/Label/additionalProperties/not (line 89, column 34)";
    let tag = "union branch without a single value for the tag `kind` at #/components/schemas/Shape/oneOf";
    assert_eq!(
        lines,
        [
            "left out type `Flags` at #/components/schemas/Flags: `not` schema at #/components/schemas/Flags/not (line 102, column 17)".to_string(),
            format!("left out type `Label` at #/components/schemas/Label: {label}"),
            "left out type `Mixed` at #/components/schemas/Mixed: allOf part that is not an object at #/components/schemas/Mixed/allOf/1 (line 103, column 65)".to_string(),
            format!("left out type `Owner` at #/components/schemas/Owner: uses type `Label`, left out for {label}"),
            format!("left out type `Shape` at #/components/schemas/Shape: {tag}/0 (line 99, column 19); {tag}/1 (line 99, column 39)"),
            "left out operation `health` at #/paths/~1health/get: request body in the media range `*/*` (no media type to send) at #/paths/~1health/get/requestBody/content/*~1* (line 65, column 37)".to_string(),
            "left out path item `/legacy` at #/paths/~1legacy: $ref path item `#/components/x-paths/legacy` that cannot be followed at #/paths/~1legacy (line 68, column 5)".to_string(),
            "left out operation `listPets` at #/paths/~1pets/get: union header parameter at #/paths/~1pets/get/parameters/1/schema (line 11, column 47); deepObject query parameter that is a scalar at #/paths/~1pets/get/parameters/2/schema (line 12, column 68)".to_string(),
            "left out operation `deletePet` at #/paths/~1pets~1{id}/delete: non-scalar cookie parameter at #/paths/~1pets~1{id}/delete/parameters/0/schema (line 43, column 60)".to_string(),
            "left out operation `uploadPhoto` at #/paths/~1pets~1{id}/put: multipart body that is not an object at #/paths/~1pets~1{id}/put/requestBody/content/multipart~1form-data/schema (line 38, column 61)".to_string(),
            format!("left out operation `getOwner` at #/paths/~1pets~1{{id}}~1owner/get: uses type `Owner`, left out for {label}"),
            "left out operation `getReport` at #/paths/~1report/get: response media type `text csv`, which is not a media type at #/paths/~1report/get/responses/200/content/text csv (line 59, column 69)".to_string(),
        ]
    );
    assert_eq!((output.types, output.operations), (4, 2));
    let models = output.src.get("models.rs").cloned().unwrap_or_default();
    expectorate::assert_contents("tests/snapshots/partial.rs", &models);
    for kept in [
        "pub struct Pet {",
        "pub struct NewPet {",
        "pub enum PetStatus {",
    ] {
        assert!(models.contains(kept), "{kept}");
    }
    let operations = output.src.get("operations.rs").cloned().unwrap_or_default();
    let methods: Vec<&str> = operations
        .lines()
        .filter_map(|line| line.trim().strip_prefix("pub async fn "))
        .map(|rest| rest.split('(').next().unwrap_or_default())
        .collect();
    assert_eq!(methods, ["create_pet", "get_pet"]);
    // The same description without skipping is the error that lists the twelve.
    settings.skip_unsupported = false;
    let error = generate(&text, &settings).err().map(|e| e.to_string());
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.starts_with("12 unsupported constructs:\n")),
        "{error:?}"
    );
}

#[test]
fn a_spec_without_operations_gives_a_models_only_crate() {
    let text = std::fs::read_to_string("tests/fixtures/objects.json").unwrap_or_default();
    let output = generate(&text, &Settings::new("objects.json")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.src.keys().collect::<Vec<_>>(), ["models.rs"]);
    let files = dynroute_codegen::krate::files("objects", "objects.json", &output);
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        ["Cargo.toml", "src/lib.rs", "src/models.rs"]
    );
    assert!(!files["Cargo.toml"].contains("reqwest"));
    assert!(!files["src/lib.rs"].contains("runtime"));
}

#[test]
fn output_is_deterministic() {
    for fixture in ["pinned_union", "refs", "objects"] {
        assert_eq!(models(fixture), models(fixture));
    }
}

#[test]
fn a_byte_order_mark_changes_nothing() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/dynamic-routing.openapi.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut settings = Settings::new("spec.json");
    settings.document_component = Some("RouteDefinition".to_string());
    let plain = generate(&text, &settings).unwrap_or_else(|e| panic!("{e}"));
    let marked = generate(&format!("\u{feff}{text}"), &settings);
    assert!(marked.as_ref() == Ok(&plain), "{:?}", marked.err());
}

//! A user's OpenAPI description through the whole code generator (and the standalone crate
//! writer): `generate` returns `Ok` or `Err`, it never panics and never hangs.
//!
//! Two modes, chosen by the first byte:
//! * anything but NUL: the input is the spec text, JSON or YAML (seeded with the fixtures,
//!   our spec and YAML descriptions);
//! * NUL: the rest drives a few structural mutations of a valid spec (replace, delete,
//!   insert an OpenAPI keyword, splice in another part of the document, point a `$ref`
//!   somewhere), so the generator sees near-valid specs deep past the parser; the result is
//!   handed over as JSON or, behind a comment line, as YAML (JSON's syntax is YAML's flow
//!   style), so the YAML reader sees them too.
//!
//! A description the generator refuses for unsupported constructs is generated again with
//! `skip_unsupported`, which must then not refuse it for them.
#![no_main]

use dynroute_codegen::{Error, Settings, generate, krate};
use libfuzzer_sys::arbitrary::{Result as ArbResult, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

/// The largest spec text the structured mode hands to the generator.
const MAX_SPEC_BYTES: usize = 1 << 20;

/// Valid specs the structured mode starts from.
const BASES: &[&str] = &[
    include_str!("../../spec/dynamic-routing.openapi.json"),
    include_str!("../../codegen/tests/fixtures/all_of.json"),
    include_str!("../../codegen/tests/fixtures/arrays_maps.json"),
    include_str!("../../codegen/tests/fixtures/docs.json"),
    include_str!("../../codegen/tests/fixtures/enums.json"),
    include_str!("../../codegen/tests/fixtures/nullable.json"),
    include_str!("../../codegen/tests/fixtures/numbers.json"),
    include_str!("../../codegen/tests/fixtures/objects.json"),
    include_str!("../../codegen/tests/fixtures/one_of_discriminator.json"),
    include_str!("../../codegen/tests/fixtures/operations.json"),
    include_str!("../../codegen/tests/fixtures/partial.json"),
    include_str!("../../codegen/tests/fixtures/pinned_union.json"),
    include_str!("../../codegen/tests/fixtures/recursive_aliases.json"),
    include_str!("../../codegen/tests/fixtures/refs.json"),
    include_str!("../../codegen/tests/fixtures/untagged.json"),
];

/// Keys the structured mode inserts: the ones the generator gives meaning to.
const KEYS: &[&str] = &[
    "$ref",
    "type",
    "format",
    "properties",
    "additionalProperties",
    "required",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "enum",
    "nullable",
    "discriminator",
    "propertyName",
    "mapping",
    "description",
    "title",
    "default",
    "minimum",
    "maximum",
    "parameters",
    "requestBody",
    "responses",
    "content",
    "application/json",
    "schema",
    "in",
    "name",
    "style",
    "explode",
    "operationId",
    "servers",
    "url",
    "variables",
    "x-dynroute-unwrap",
    "x-dynroute-pagination",
    "x-dynroute-document",
    "page",
    "perPage",
    "items",
    "200",
    "default",
];

/// Strings the structured mode writes: types, formats, and names likely to collide.
const STRINGS: &[&str] = &[
    "object",
    "array",
    "string",
    "integer",
    "number",
    "boolean",
    "int32",
    "int64",
    "float",
    "double",
    "path",
    "query",
    "header",
    "form",
    "",
    "type",
    "self",
    "Self",
    "crate",
    "r#type",
    "1abc",
    "a-b c",
    "é",
    "*/",
    "#/components/schemas/",
    "#/components/schemas/~1",
    "#/components/parameters/",
    "#/paths",
    "#",
    "http://example.com/{v}",
];

fuzz_target!(|data: &[u8]| {
    let text = match data.split_first() {
        Some((0, rest)) => match mutated(rest) {
            Ok(Some(text)) => text,
            _ => return,
        },
        _ => match std::str::from_utf8(data) {
            Ok(text) => text.to_owned(),
            Err(_) => return,
        },
    };
    let mut settings = Settings::new("fuzz.json");
    if text.contains("RouteDefinition") {
        settings.document_component = Some("RouteDefinition".to_owned());
    }
    let mut result = generate(&text, &settings);
    if let Err(Error::Unsupported { constructs }) = &result {
        assert!(
            !constructs.is_empty(),
            "an empty list of unsupported constructs"
        );
        settings.skip_unsupported = true;
        result = generate(&text, &settings);
        // Skipping leaves out what needs a construct; only the export of the document
        // schema, which is not left out, can still refuse one (a `$ref` it cannot follow).
        if let Err(Error::Unsupported { constructs }) = &result {
            assert!(
                constructs
                    .iter()
                    .all(|c| c.what.ends_with("outside #/components/schemas")),
                "refused for unsupported constructs while skipping them: {constructs:?}"
            );
        }
    }
    if let Ok(output) = result {
        for skipped in &output.skipped {
            let _ = skipped.to_string();
        }
        let _ = krate::files("fuzzed", "fuzz.json", &output);
    }
});

/// A base spec after the mutations `input` describes, as text.
fn mutated(input: &[u8]) -> ArbResult<Option<String>> {
    let mut u = Unstructured::new(input);
    let Ok(mut spec) = serde_json::from_str::<Value>(u.choose(BASES)?) else {
        return Ok(None);
    };
    for _ in 0..u.int_in_range(1..=8)? {
        mutate(&mut spec, &mut u)?;
    }
    let as_yaml: bool = u.arbitrary()?;
    // Splicing can double the document per mutation; past 1 MiB the run would measure the
    // sanitizer's cost on a large input, not look for a bug.
    Ok(serde_json::to_string(&spec)
        .ok()
        .filter(|text| text.len() <= MAX_SPEC_BYTES)
        .map(|text| {
            if as_yaml {
                format!("# YAML\n{text}")
            } else {
                text
            }
        }))
}

/// One mutation at a node chosen by `u`.
fn mutate(spec: &mut Value, u: &mut Unstructured<'_>) -> ArbResult<()> {
    let mut pointers = Vec::new();
    collect(spec, String::new(), &mut pointers);
    let target = u.choose(&pointers)?.clone();
    let donor = spec
        .pointer(u.choose(&pointers)?)
        .cloned()
        .unwrap_or(Value::Null);
    let replacement = match u.int_in_range(0..=9u8)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::from(u.arbitrary::<i64>()?),
        3 => serde_json::Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number),
        4 => Value::String(u.choose(STRINGS)?.to_string()),
        5 => Value::String(u.arbitrary::<String>()?),
        6 => Value::Object(Map::new()),
        7 => Value::Array(Vec::new()),
        8 => {
            // A $ref to a component, to itself, or to a schema that does not exist.
            let name = component_names(spec)
                .into_iter()
                .chain(["Missing".to_owned()])
                .collect::<Vec<_>>();
            let name = u.choose(&name)?.clone();
            let mut map = Map::new();
            map.insert("$ref".into(), format!("#/components/schemas/{name}").into());
            Value::Object(map)
        }
        _ => donor.clone(),
    };
    let Some(node) = spec.pointer_mut(&target) else {
        return Ok(());
    };
    match (u.int_in_range(0..=3u8)?, node) {
        // Delete a member or an item.
        (0, Value::Object(map)) if !map.is_empty() => {
            let key = u.choose_index(map.len())?;
            if let Some(key) = map.keys().nth(key).cloned() {
                map.remove(&key);
            }
        }
        (0, Value::Array(items)) if !items.is_empty() => {
            let index = u.choose_index(items.len())?;
            items.remove(index);
        }
        // Insert a keyword the generator reads.
        (1, Value::Object(map)) => {
            map.insert(u.choose(KEYS)?.to_string(), replacement);
        }
        (1, Value::Array(items)) => items.push(replacement),
        // Splice in another part of the document.
        (2, node) => *node = donor,
        (_, node) => *node = replacement,
    }
    Ok(())
}

/// Every JSON pointer in `value`.
fn collect(value: &Value, pointer: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                collect(child, format!("{pointer}/{escaped}"), out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect(child, format!("{pointer}/{index}"), out);
            }
        }
        _ => {}
    }
    out.push(pointer);
}

fn component_names(spec: &Value) -> Vec<String> {
    spec.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default()
}

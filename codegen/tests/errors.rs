//! Unsupported or broken specs give an error naming the construct and where it is: its JSON
//! pointer and, for JSON and YAML alike, its line and column. Every unsupported construct
//! is listed at once, sorted by pointer.

use dynroute_codegen::{Settings, generate};

/// The error of `tests/errors/{fixture}` (`.json` or `.yaml`).
fn error(fixture: &str) -> String {
    let path = ["json", "yaml"]
        .iter()
        .map(|ext| format!("tests/errors/{fixture}.{ext}"))
        .find(|path| std::path::Path::new(path).exists())
        .unwrap_or_else(|| panic!("no fixture {fixture}"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    match generate(&text, &Settings::new(fixture)) {
        Ok(_) => panic!("{fixture}: generated without error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn multipart_body_that_is_not_an_object() {
    assert_eq!(
        error("multipart"),
        "unsupported: multipart body that is not an object at #/paths/~1upload/post/requestBody/content/multipart~1form-data/schema (line 1, column 155)"
    );
}

#[test]
fn not_schema() {
    assert_eq!(
        error("not"),
        "unsupported: `not` schema at #/components/schemas/A/properties/x/not (line 1, column 131)"
    );
}

#[test]
fn missing_ref() {
    assert_eq!(
        error("missing_ref"),
        "invalid: $ref `#/components/schemas/Missing` names no schema at #/components/schemas/A/properties/x/$ref (line 1, column 131)"
    );
}

#[test]
fn external_ref() {
    assert_eq!(
        error("external_ref"),
        "unsupported: $ref `other.json#/components/schemas/B` to another document at #/components/schemas/A/properties/x/$ref (line 1, column 131)"
    );
}

#[test]
fn all_of_parts_no_value_satisfies() {
    assert_eq!(
        error("all_of_disjoint"),
        "2 unsupported constructs:\n  \
         allOf parts whose enums share no value at #/components/schemas/E/allOf (line 1, column 149)\n  \
         allOf parts that no value satisfies together (`string` and `integer`) at #/components/schemas/S/allOf (line 1, column 96)"
    );
}

#[test]
fn all_of_with_a_string() {
    assert_eq!(
        error("all_of_string"),
        "unsupported: allOf part that is not an object at #/components/schemas/S (line 1, column 91)"
    );
}

#[test]
fn discriminator_over_scalars_names_every_branch() {
    assert_eq!(
        error("discriminator_scalar"),
        "2 unsupported constructs:\n  \
         union branch without a single value for the tag `kind` at #/components/schemas/A/oneOf/0 (line 1, column 105)\n  \
         union branch without a single value for the tag `kind` at #/components/schemas/A/oneOf/1 (line 1, column 123)"
    );
}

#[test]
fn reference_loop_without_a_value() {
    assert_eq!(
        error("ref_loop"),
        "invalid: $ref loop with no object or array in between at #/components/schemas/A (line 1, column 91)"
    );
}

#[test]
fn enum_of_only_null() {
    assert_eq!(
        error("null_enum"),
        "unsupported: string enum without a non-null string value at #/components/schemas/OnlyNull/enum (line 1, column 135)"
    );
}

#[test]
fn openapi_3_2_and_4_0() {
    assert_eq!(
        error("version_3_2"),
        "unsupported OpenAPI version \"3.2.0\" at #/openapi (line 1, column 2): only 3.0.x and 3.1.x are supported"
    );
    assert_eq!(
        error("version_4_0"),
        "unsupported OpenAPI version \"4.0.0\" at #/openapi (line 1, column 1): only 3.0.x and 3.1.x are supported"
    );
}

#[test]
fn syntax_error_has_line_and_column() {
    assert!(error("trailing_comma").starts_with("invalid OpenAPI document at line 5, column 1:"));
}

#[test]
fn swagger_2_names_the_swagger_field() {
    assert_eq!(
        error("swagger_2"),
        "unsupported OpenAPI version \"2.0\" at #/swagger (line 1, column 2): only 3.0.x and 3.1.x are supported"
    );
}

#[test]
fn byte_order_mark_is_read_past() {
    // The document after the mark is read as JSON: its version is what is refused, at the
    // column an editor shows (the mark is not counted).
    assert_eq!(
        error("bom_version_3_2"),
        "unsupported OpenAPI version \"3.2.0\" at #/openapi (line 1, column 2): only 3.0.x and 3.1.x are supported"
    );
}

#[test]
fn empty_file() {
    assert_eq!(
        error("empty"),
        "invalid OpenAPI document at line 1, column 1: the file is empty"
    );
}

#[test]
fn a_document_that_is_not_an_object() {
    assert_eq!(
        error("array"),
        "invalid OpenAPI document at line 1, column 1: expected an object (an OpenAPI document), found an array"
    );
}

#[test]
fn duplicate_operation_id_names_both_places() {
    assert_eq!(
        error("duplicate_operation_id"),
        "invalid: duplicate operationId `getThing` (first declared at #/paths/~1things/get/operationId) at #/paths/~1things~1{id}/get/operationId (line 10, column 15)"
    );
}

#[test]
fn yaml_syntax_error_has_line_and_column() {
    assert!(
        error("yaml_syntax").starts_with("invalid OpenAPI document at line 7, column 1:"),
        "{}",
        error("yaml_syntax")
    );
}

#[test]
fn yaml_that_json_cannot_hold_is_refused_where_it_is() {
    assert_eq!(
        error("yaml_tag"),
        "invalid OpenAPI document at line 4, column 12: the tag `!version` is not supported (JSON has no such value)"
    );
    assert_eq!(
        error("yaml_duplicate_key"),
        "invalid OpenAPI document at line 8, column 3: the key `/a` appears twice in one mapping (JSON keeps only one)"
    );
    assert_eq!(
        error("yaml_two_documents"),
        "invalid OpenAPI document at line 6, column 1: a second YAML document: a description is one document"
    );
    assert_eq!(
        error("yaml_complex_key"),
        "invalid OpenAPI document at line 8, column 7: a key must be a string, not a sequence (JSON keys are strings)"
    );
}

#[test]
fn yaml_errors_after_parsing_have_the_line_and_column_of_their_pointer() {
    assert_eq!(
        error("yaml_shape"),
        "invalid OpenAPI document at #/info/version (line 5, column 3): invalid type: floating point `1.0`, expected a string"
    );
    assert_eq!(
        error("yaml_header_parameter"),
        "unsupported: union header parameter at #/paths/~1things/get/parameters/1/schema (line 17, column 11)"
    );
}

/// The constructs of `tests/fixtures/partial.json`, sorted by pointer.
pub const PARTIAL: &str = "\
12 unsupported constructs:
  `not` schema at #/components/schemas/Flags/not (line 102, column 17)
  `not` schema at #/components/schemas/Label/additionalProperties/not (line 89, column 34)
  allOf part that is not an object at #/components/schemas/Mixed/allOf/1 (line 103, column 65)
  union branch without a single value for the tag `kind` at #/components/schemas/Shape/oneOf/0 (line 99, column 19)
  union branch without a single value for the tag `kind` at #/components/schemas/Shape/oneOf/1 (line 99, column 39)
  request body in the media range `*/*` (no media type to send) at #/paths/~1health/get/requestBody/content/*~1* (line 65, column 37)
  $ref path item `#/components/x-paths/legacy` that cannot be followed at #/paths/~1legacy (line 68, column 5)
  union header parameter at #/paths/~1pets/get/parameters/1/schema (line 11, column 47)
  deepObject query parameter that is a scalar at #/paths/~1pets/get/parameters/2/schema (line 12, column 68)
  non-scalar cookie parameter at #/paths/~1pets~1{id}/delete/parameters/0/schema (line 43, column 60)
  multipart body that is not an object at #/paths/~1pets~1{id}/put/requestBody/content/multipart~1form-data/schema (line 38, column 61)
  response media type `text csv`, which is not a media type at #/paths/~1report/get/responses/200/content/text csv (line 59, column 69)";

#[test]
fn every_unsupported_construct_is_listed_at_once_sorted_by_pointer() {
    let text = std::fs::read_to_string("tests/fixtures/partial.json").unwrap_or_default();
    let error = generate(&text, &Settings::new("partial.json"))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert_eq!(error, PARTIAL);
}

#[test]
fn each_refusal_names_its_keyword_and_where_it_is() {
    let refusals = [
        (
            "openapi_3_1_prefix_items",
            "unsupported: JSON Schema keyword `prefixItems` (a tuple) at #/components/schemas/Pair/prefixItems (line 1, column 115)",
        ),
        (
            "openapi_3_1_items_array",
            "unsupported: `items` as an array (a tuple) at #/components/schemas/Old/items (line 1, column 114)",
        ),
        (
            "openapi_3_1_conditional",
            "4 unsupported constructs:\n  \
             JSON Schema keyword `dependentSchemas` (a conditional schema) at #/components/schemas/Shape/dependentSchemas (line 1, column 236)\n  \
             JSON Schema keyword `else` (a conditional schema) at #/components/schemas/Shape/else (line 1, column 204)\n  \
             JSON Schema keyword `if` (a conditional schema) at #/components/schemas/Shape/if (line 1, column 117)\n  \
             JSON Schema keyword `then` (a conditional schema) at #/components/schemas/Shape/then (line 1, column 170)",
        ),
        (
            "openapi_3_1_dynamic_ref",
            "unsupported: JSON Schema keyword `$dynamicRef` (a dynamic reference) at #/components/schemas/Tree/properties/children/items/$dynamicRef (line 1, column 197)",
        ),
        (
            "openapi_3_1_false_schema",
            "unsupported: `false` schema (it admits no value) at #/components/schemas/Closed/properties/legacy (line 1, column 159)",
        ),
        (
            "openapi_3_1_unevaluated",
            "unsupported: JSON Schema keyword `unevaluatedProperties` with a schema at #/components/schemas/Extra/unevaluatedProperties (line 1, column 117)",
        ),
        (
            "openapi_3_1_pattern_properties",
            "2 unsupported constructs:\n  \
             JSON Schema keyword `patternProperties` beside `properties` or an `additionalProperties` schema at #/components/schemas/Both/patternProperties (line 1, column 158)\n  \
             JSON Schema keyword `patternProperties` with several patterns at #/components/schemas/Several/patternProperties (line 1, column 239)",
        ),
        (
            "openapi_3_1_types_beside_union",
            "unsupported: `type` with several types beside `oneOf` at #/components/schemas/Mixed/type (line 1, column 99)",
        ),
    ];
    for (fixture, expected) in refusals {
        assert_eq!(error(fixture), expected, "{fixture}");
    }
}

#[test]
fn an_error_in_what_the_downgrade_moved_stands_at_the_nearest_place_written() {
    // `{description, $ref}` is read as `{description, allOf: [{$ref}]}`: the pointer names
    // that form, the line and column are those of the property (`item:`).
    assert_eq!(
        error("openapi_3_1_moved_ref"),
        "invalid: $ref `#/components/schemas/Missing` names no schema at #/components/schemas/Holder/properties/item/allOf/0/$ref (line 12, column 9)"
    );
}

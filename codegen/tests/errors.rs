//! Unsupported or broken specs give an error naming the construct and where it is.

use dynroute_codegen::{Settings, generate};

fn error(fixture: &str) -> String {
    let path = format!("tests/errors/{fixture}.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    match generate(&text, &Settings::new(fixture)) {
        Ok(_) => panic!("{fixture}: generated without error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn multipart_body() {
    assert_eq!(
        error("multipart"),
        "unsupported: multipart/form-data request body at #/paths/~1upload/post/requestBody"
    );
}

#[test]
fn not_schema() {
    assert_eq!(
        error("not"),
        "unsupported: `not` schema at #/components/schemas/A/properties/x/not"
    );
}

#[test]
fn missing_ref() {
    assert_eq!(
        error("missing_ref"),
        "invalid: $ref `#/components/schemas/Missing` names no schema at #/components/schemas/A/properties/x/$ref"
    );
}

#[test]
fn external_ref() {
    assert_eq!(
        error("external_ref"),
        "unsupported: $ref `other.json#/components/schemas/B` to another document at #/components/schemas/A/properties/x/$ref"
    );
}

#[test]
fn all_of_with_a_string() {
    assert_eq!(
        error("all_of_string"),
        "unsupported: allOf part that is not an object at #/components/schemas/S"
    );
}

#[test]
fn properties_and_additional_properties() {
    assert_eq!(
        error("mixed_map"),
        "unsupported: object with both `properties` and an `additionalProperties` schema at #/components/schemas/A/additionalProperties"
    );
}

#[test]
fn discriminator_over_scalars() {
    assert_eq!(
        error("discriminator_scalar"),
        "unsupported: union branch without a single value for the tag `kind` at #/components/schemas/A/oneOf/0"
    );
}

#[test]
fn reference_loop_without_a_value() {
    assert_eq!(
        error("ref_loop"),
        "invalid: $ref loop with no object or array in between at #/components/schemas/A"
    );
}

#[test]
fn enum_of_only_null() {
    assert_eq!(
        error("null_enum"),
        "unsupported: string enum without a non-null string value at #/components/schemas/OnlyNull/enum"
    );
}

#[test]
fn openapi_3_1() {
    assert_eq!(
        error("version_3_1"),
        "unsupported OpenAPI version \"3.1.0\" at #/openapi: only 3.0.x is supported"
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
        "unsupported OpenAPI version \"2.0\" at #/swagger: only 3.0.x is supported"
    );
}

#[test]
fn byte_order_mark_is_read_past() {
    // The document after the mark is read as JSON: its version is what is refused.
    assert_eq!(
        error("bom_version_3_1"),
        "unsupported OpenAPI version \"3.1.0\" at #/openapi: only 3.0.x is supported"
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
fn json_that_is_not_an_object() {
    assert_eq!(
        error("array"),
        "invalid OpenAPI document at line 1, column 1: expected a JSON object, found an array"
    );
}

#[test]
fn duplicate_operation_id_names_both_places() {
    assert_eq!(
        error("duplicate_operation_id"),
        "invalid: duplicate operationId `getThing` (first declared at #/paths/~1things/get/operationId) at #/paths/~1things~1{id}/get/operationId"
    );
}

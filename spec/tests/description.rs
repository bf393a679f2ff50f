//! Our description is valid OpenAPI 3.0.3 and complete: it parses with openapiv3, every
//! `$ref` resolves, and every request and response body has an example.

use serde_json::Value;

fn spec() -> Value {
    serde_json::from_str(dynroute_spec::OPENAPI).expect("JSON")
}

#[test]
fn parses_as_openapi_3_0_3() {
    let parsed: openapiv3::OpenAPI =
        serde_json::from_str(dynroute_spec::OPENAPI).expect("openapiv3 parses the description");
    assert_eq!(parsed.openapi, "3.0.3");
    let operations = parsed.operations().count();
    assert_eq!(operations, 10);
    let ids: std::collections::BTreeSet<_> = parsed
        .operations()
        .filter_map(|(_, _, op)| op.operation_id.clone())
        .collect();
    let expected = [
        "create",
        "createDeployment",
        "createVersion",
        "delete",
        "get",
        "getVersion",
        "list",
        "listDeployments",
        "listVersions",
        "update",
    ];
    assert_eq!(ids, expected.iter().map(|s| s.to_string()).collect());
}

fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn every_reference_resolves() {
    let spec = spec();
    let mut all = Vec::new();
    refs(&spec, &mut all);
    assert!(all.len() > 50);
    for r in all {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("non-local $ref {r}"));
        assert!(spec.pointer(pointer).is_some(), "{r} does not resolve");
    }
}

fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(r) => spec.pointer(&r[1..]).expect("resolves"),
        None => value,
    }
}

#[test]
fn every_body_has_an_example_and_every_operation_documents_errors() {
    let spec = spec();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let name = format!("{method} {path}");
            let mut bodies = Vec::new();
            if let Some(body) = op.get("requestBody") {
                bodies.push(("request".to_string(), resolve(&spec, body)));
            }
            for (status, response) in op["responses"].as_object().expect("responses") {
                bodies.push((status.clone(), resolve(&spec, response)));
            }
            assert!(
                op["responses"].get("4XX").is_some(),
                "{name}: no 4XX error response"
            );
            for (which, holder) in bodies {
                let media = &holder["content"]["application/json"];
                let has_example = media.get("example").is_some()
                    || media
                        .get("examples")
                        .and_then(Value::as_object)
                        .is_some_and(|e| !e.is_empty());
                assert!(has_example, "{name} {which}: no example");
            }
            assert!(
                op.get("description")
                    .and_then(Value::as_str)
                    .is_some_and(|d| !d.is_empty()),
                "{name}: no description"
            );
        }
    }
}

#[test]
fn both_security_schemes_are_declared() {
    let spec = spec();
    assert_eq!(
        spec["components"]["securitySchemes"]["api_token"]["scheme"],
        "bearer"
    );
    assert_eq!(
        spec["components"]["securitySchemes"]["api_email"]["name"],
        "X-Auth-Email"
    );
    assert_eq!(
        spec["components"]["securitySchemes"]["api_key"]["name"],
        "X-Auth-Key"
    );
    assert_eq!(
        spec["security"],
        serde_json::json!([{"api_token": []}, {"api_email": [], "api_key": []}])
    );
}

#[test]
fn the_element_union_is_discriminated_by_type() {
    let spec = spec();
    let element = &spec["components"]["schemas"]["Element"];
    assert_eq!(element["discriminator"]["propertyName"], "type");
    let mapping = element["discriminator"]["mapping"]
        .as_object()
        .expect("mapping");
    assert_eq!(mapping.len(), 6);
    for (value, target) in mapping {
        let schema = spec
            .pointer(&target.as_str().expect("string")[1..])
            .expect("mapping target resolves");
        assert_eq!(
            schema["properties"]["type"]["enum"],
            serde_json::json!([value]),
            "{target}"
        );
    }
}

//! Our description against Cloudflare's official one (../shared/reference), operation by
//! operation, and proof that the checker catches the breaks that matter.

use dynroute_spec::compat::{Exception, Finding, check};
use serde_json::Value;

const OFFICIAL_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/reference/cloudflare-dynamic-routing.openapi.json"
);

/// Where our description differs on purpose.
const EXCEPTIONS: &[Exception] = &[Exception {
    method: "patch",
    path: "/accounts/{account_id}/ai-gateway/gateways/{gateway_id}/routes/{id}",
    status: "400",
    reason: "the official description gives PATCH's 400 the shape of a successful update \
             ({success, route}); the API answers errors with its error envelope, as every \
             other operation declares",
}];

fn official() -> Value {
    let text = std::fs::read_to_string(OFFICIAL_PATH).unwrap_or_else(|e| {
        panic!("cannot read {OFFICIAL_PATH}: {e}; ../shared must sit beside the repository")
    });
    serde_json::from_str(&text).expect("official description is JSON")
}

fn ours() -> Value {
    serde_json::from_str(dynroute_spec::OPENAPI).expect("our description is JSON")
}

fn findings_for(candidate: &Value) -> Vec<Finding> {
    check(&official(), candidate, EXCEPTIONS)
}

fn describe(findings: &[Finding]) -> String {
    findings.iter().map(|f| format!("  {f}\n")).collect()
}

#[test]
fn our_description_is_wire_compatible_with_cloudflares() {
    let findings = findings_for(&ours());
    assert!(
        findings.is_empty(),
        "incompatibilities:\n{}",
        describe(&findings)
    );
}

#[test]
fn the_official_description_is_compatible_with_itself() {
    let official = official();
    assert!(check(&official, &official, &[]).is_empty());
}

#[test]
fn every_official_operation_is_compared() {
    // Dropping all operations must produce one finding per official operation.
    let mut spec = ours();
    spec["paths"] = serde_json::json!({});
    let findings = findings_for(&spec);
    let missing = findings
        .iter()
        .filter(|f| f.problem == "path missing")
        .count();
    assert_eq!(missing, 5, "{}", describe(&findings));
}

/// Renames the JSON key `from` to `to` in every object at or below `value`.
fn rename_key(value: &mut Value, from: &str, to: &str) -> usize {
    let mut renamed = 0;
    match value {
        Value::Object(map) => {
            if let Some(inner) = map.shift_remove(from) {
                map.insert(to.to_string(), inner);
                renamed += 1;
            }
            for inner in map.values_mut() {
                renamed += rename_key(inner, from, to);
            }
        }
        Value::Array(items) => {
            for inner in items {
                renamed += rename_key(inner, from, to);
            }
        }
        _ => {}
    }
    renamed
}

#[test]
fn renaming_element_id_is_caught() {
    let mut spec = ours();
    let target = spec
        .pointer_mut("/components/schemas/Target")
        .expect("Target schema");
    assert!(rename_key(target, "elementId", "element_id") > 0);
    let findings = findings_for(&spec);
    assert!(
        findings
            .iter()
            .any(|f| f.problem == "property `elementId` missing"),
        "{}",
        describe(&findings)
    );
    // Every operation that carries elements is affected: 2 request bodies, 8 responses.
    let operations: std::collections::BTreeSet<_> = findings
        .iter()
        .filter(|f| f.problem == "property `elementId` missing")
        .map(|f| f.location.split(':').next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(operations.len(), 10, "{}", describe(&findings));
}

#[test]
fn dropping_the_data_envelope_of_a_list_is_caught() {
    let mut spec = ours();
    let envelope = spec
        .pointer_mut("/components/schemas/RouteListResponse")
        .expect("RouteListResponse schema");
    assert_eq!(rename_key(envelope, "data", "result"), 1);
    // `required` still names data; make the break complete.
    envelope["required"] = serde_json::json!(["success", "result"]);
    let findings = findings_for(&spec);
    assert!(
        findings
            .iter()
            .any(|f| f.location.starts_with(
                "GET /accounts/{account_id}/ai-gateway/gateways/{gateway_id}/routes 200"
            ) && f.problem == "property `data` missing"),
        "{}",
        describe(&findings)
    );
}

#[test]
fn turning_active_into_a_boolean_is_caught() {
    let mut spec = ours();
    spec["components"]["schemas"]["Version"]["properties"]["active"] =
        serde_json::json!({"type": "boolean"});
    let findings = findings_for(&spec);
    assert!(
        findings
            .iter()
            .any(|f| f.location.ends_with("/version/active") && f.problem.contains("`string`")),
        "{}",
        describe(&findings)
    );
}

#[test]
fn changing_an_enum_or_a_required_list_is_caught() {
    let mut spec = ours();
    spec["components"]["schemas"]["RateProperties"]["properties"]["limitType"]["enum"] =
        serde_json::json!(["count"]);
    spec["components"]["schemas"]["ModelProperties"]["required"] =
        serde_json::json!(["provider", "model"]);
    let findings = findings_for(&spec);
    assert!(
        findings
            .iter()
            .any(|f| f.problem.starts_with("enum is [\"cost\", \"count\"]")),
        "{}",
        describe(&findings)
    );
    assert!(
        findings.iter().any(|f| f
            .problem
            .starts_with("required is [model, provider, retries, timeout]")),
        "{}",
        describe(&findings)
    );
}

#[test]
fn losing_an_element_variant_or_the_percentage_map_is_caught() {
    let mut spec = ours();
    let branches = spec["components"]["schemas"]["Element"]["oneOf"]
        .as_array_mut()
        .expect("oneOf");
    branches.retain(|b| b["$ref"] != "#/components/schemas/RateElement");
    let findings = findings_for(&spec);
    assert!(
        findings
            .iter()
            .any(|f| f.location.contains("[type=\"rate\"]") && f.problem == "union branch missing"),
        "{}",
        describe(&findings)
    );

    let mut spec = ours();
    spec["components"]["schemas"]["OutputMap"] = serde_json::json!({"type": "object"});
    let findings = findings_for(&spec);
    assert!(
        findings
            .iter()
            .any(|f| f.location.contains("[type=\"percentage\"]/outputs")
                && f.problem.contains("additionalProperties")),
        "{}",
        describe(&findings)
    );
}

#[test]
fn parameter_changes_are_caught() {
    let mut spec = ours();
    spec["components"]["parameters"]["Page"]["schema"]["type"] = serde_json::json!("string");
    spec["components"]["parameters"]["VersionId"]["name"] = serde_json::json!("version");
    let findings = findings_for(&spec);
    assert!(findings.iter().any(|f| f.location.contains("query parameter page") && f.problem.contains("`integer`")), "{}", describe(&findings));
    assert!(
        findings
            .iter()
            .any(|f| f.location.contains("path parameter version_id")
                && f.problem == "parameter missing"),
        "{}",
        describe(&findings)
    );
}

#[test]
fn a_stale_exception_is_reported() {
    let official = official();
    let stale = [Exception {
        method: "get",
        path: "/nowhere",
        status: "200",
        reason: "test",
    }];
    let findings = check(&official, &official, &stale);
    assert_eq!(findings.len(), 1);
    assert!(findings[0].problem.contains("agree"));
}

#[test]
fn security_schemes_must_match() {
    let mut spec = ours();
    spec["components"]["securitySchemes"]["api_key"]["name"] = serde_json::json!("X-Api-Key");
    let findings = findings_for(&spec);
    assert!(
        findings
            .iter()
            .any(|f| f.location == "security scheme api_key" && f.problem.contains("`name`")),
        "{}",
        describe(&findings)
    );
}

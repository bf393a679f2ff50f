//! Run inside the crate built from the `flattened_map` snapshot by `tests/compile.rs`: the
//! keys other than the fields are read into the flattened map and written back beside
//! them, and a value of the wrong type in the map is an error.

use serde_json::json;
use snapshot_flattened_map::models::{Clash, Limit, Limits, Permissions};

#[test]
fn other_keys_go_to_the_map_and_come_back() {
    let text = json!({"issues": "read", "contents": "write", "pages": "read", "actions": "none"});
    let permissions: Permissions = serde_json::from_value(text.clone()).expect("decodes");
    assert_eq!(permissions.issues, "read");
    assert_eq!(permissions.contents.as_deref(), Some("write"));
    assert_eq!(
        permissions.additional_properties,
        [
            ("actions".to_string(), "none".to_string()),
            ("pages".to_string(), "read".to_string())
        ]
        .into()
    );
    assert_eq!(serde_json::to_value(&permissions).expect("encodes"), text);
}

#[test]
fn map_values_are_checked_against_their_schema() {
    let wrong = json!({"issues": "read", "pages": 3});
    assert!(serde_json::from_value::<Permissions>(wrong).is_err());
    let limits: Limits =
        serde_json::from_value(json!({"name": "n", "total": 2, "cpu": {"max": 4}}))
            .expect("decodes");
    assert_eq!(limits.total, Some(2));
    assert_eq!(
        limits.additional_properties.get("cpu"),
        Some(&Limit { max: Some(4) })
    );
}

#[test]
fn a_property_named_like_the_map_is_a_property() {
    let clash: Clash =
        serde_json::from_value(json!({"additional_properties": true, "x": false}))
            .expect("decodes");
    assert_eq!(clash.additional_properties, Some(true));
    assert_eq!(
        clash.additional_properties_2,
        [("x".to_string(), false)].into()
    );
}

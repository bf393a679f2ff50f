//! Run inside the crate built from the `defaults` snapshot by `tests/compile.rs`: an absent
//! field reads as its default through its accessor, a present one as itself, and nothing
//! the caller left out is written.

use serde_json::json;
use snapshot_defaults::models::{Mode, Settings};

#[test]
fn absent_fields_read_as_their_defaults() {
    let settings: Settings = serde_json::from_value(json!({"name": "n"})).expect("decodes");
    assert!(settings.enabled_or_default());
    assert_eq!(settings.retries_or_default(), 3);
    assert_eq!(settings.port_or_default(), 8080);
    assert_eq!(settings.ratio_or_default(), 0.5);
    assert_eq!(settings.whole_or_default(), 2.0);
    assert_eq!(settings.label_or_default(), "none \"quoted\"");
    assert_eq!(settings.mode_or_default(), Mode::Safe);
    assert_eq!(settings.type_or_default(), "basic");
    // Written back as it came: no default is sent.
    assert_eq!(
        serde_json::to_value(&settings).expect("encodes"),
        json!({"name": "n"})
    );
}

#[test]
fn present_fields_read_as_themselves() {
    let settings: Settings = serde_json::from_value(json!({
        "name": "n", "enabled": false, "retries": 0, "port": 1, "ratio": 1.5,
        "label": "x", "mode": "fast"
    }))
    .expect("decodes");
    assert!(!settings.enabled_or_default());
    assert_eq!(settings.retries_or_default(), 0);
    assert_eq!(settings.port_or_default(), 1);
    assert_eq!(settings.ratio_or_default(), 1.5);
    assert_eq!(settings.label_or_default(), "x");
    assert_eq!(settings.mode_or_default(), Mode::Fast);
}

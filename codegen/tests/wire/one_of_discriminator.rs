//! Run inside the crate built from the `one_of_discriminator` snapshot by
//! `tests/compile.rs`: a mapping by component name selects the variant by its tag, and a
//! union with an array branch is read branch by branch.

use serde_json::json;
use snapshot_one_of_discriminator::models::{Content, Event, File};

#[test]
fn the_tag_selects_a_variant_mapped_by_component_name() {
    let text = json!({"event_type": "denied", "id": "e1", "reason": "late"});
    let event: Event = serde_json::from_value(text.clone()).expect("decodes");
    let Event::Denied(denied) = &event else {
        panic!("{event:?}");
    };
    assert_eq!(denied.reason.as_deref(), Some("late"));
    assert_eq!(serde_json::to_value(&event).expect("encodes"), text);
    let approved: Event =
        serde_json::from_value(json!({"event_type": "approved", "id": "e2"})).expect("decodes");
    assert!(matches!(approved, Event::Approved(base) if base.id == "e2"));
}

#[test]
fn a_union_with_an_array_branch_is_read_untagged() {
    let file = json!({"type": "file", "name": "a.txt"});
    let listing: Content = serde_json::from_value(json!([file])).expect("decodes");
    assert!(matches!(&listing, Content::Array(files) if files.len() == 1));
    let single: Content = serde_json::from_value(file.clone()).expect("decodes");
    assert!(matches!(&single, Content::File(File { name, .. }) if name == "a.txt"));
    assert_eq!(serde_json::to_value(&single).expect("encodes"), file);
}

//! The property names a route may use, place by place: what the route schema declares (the
//! schema step reads them out of spec/route.schema.json) and what the `ignored-property` check
//! compares a document's keys with.

use std::collections::BTreeSet;

/// The key editors read to find a document's JSON Schema (`"$schema":
/// "../route.schema.json"` gives completion in route files). It is for tools, not the API,
/// and accepted at the top of a route document without being declared.
pub const EDITOR_SCHEMA_KEY: &str = "$schema";

/// The property names of a route.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownFields {
    /// Declared on the route document.
    pub route: BTreeSet<String>,
    /// Per element type, in schema order.
    pub elements: Vec<ElementFields>,
}

/// The property names of one element type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ElementFields {
    /// The element type (the discriminator value: `model`, `rate`...).
    pub tag: String,
    /// Declared at the element level.
    pub element: BTreeSet<String>,
    /// Declared inside the element's `properties` object.
    pub properties: Option<BTreeSet<String>>,
    /// Output names, when `outputs` is a fixed-shape object (not a map).
    pub outputs: Option<BTreeSet<String>>,
}

impl KnownFields {
    /// The fields of an element type.
    pub fn element(&self, tag: &str) -> Option<&ElementFields> {
        self.elements.iter().find(|e| e.tag == tag)
    }

    /// Whether a top-level key of a route document is one the route may use.
    pub fn is_route_field(&self, key: &str) -> bool {
        key == EDITOR_SCHEMA_KEY || self.route.contains(key)
    }
}

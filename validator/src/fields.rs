//! The property names a route may use, place by place: what the route schema declares and
//! what the `ignored-property` check compares a document's keys with. Those of the embedded
//! schema are read out of spec/route.schema.json at build time (`generated.rs`, written by
//! `cargo xtask generate` with the `schema` module's reader, whose tests hold the two equal),
//! so that no run parses the schema to learn them.

#[cfg(feature = "generated")]
#[rustfmt::skip]
mod generated;

/// The key editors read to find a document's JSON Schema (`"$schema":
/// "../route.schema.json"` gives completion in route files). It is for tools, not the API,
/// and accepted at the top of a route document without being declared.
pub const EDITOR_SCHEMA_KEY: &str = "$schema";

/// The property names of a route.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownFields {
    /// Declared on the route document.
    pub route: Names,
    /// Per element type, in schema order.
    pub elements: Vec<ElementFields>,
}

/// The property names of one element type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ElementFields {
    /// The element type (the discriminator value: `model`, `rate`...).
    pub tag: String,
    /// Declared at the element level.
    pub element: Names,
    /// Declared inside the element's `properties` object.
    pub properties: Option<Names>,
    /// Output names, when `outputs` is a fixed-shape object (not a map).
    pub outputs: Option<Names>,
}

impl KnownFields {
    /// The property names of the embedded route schema (spec/route.schema.json), made once
    /// per process from the tables generated at build time.
    #[cfg(feature = "generated")]
    pub fn route_schema() -> &'static KnownFields {
        static FIELDS: std::sync::OnceLock<KnownFields> = std::sync::OnceLock::new();
        FIELDS.get_or_init(|| {
            let names = |list: &[&str]| list.iter().map(|n| n.to_string()).collect::<Names>();
            KnownFields {
                route: names(generated::ROUTE),
                elements: generated::ELEMENTS
                    .iter()
                    .map(|&(tag, element, properties, outputs)| ElementFields {
                        tag: tag.to_string(),
                        element: names(element),
                        properties: properties.map(names),
                        outputs: outputs.map(names),
                    })
                    .collect(),
            }
        })
    }

    /// The fields of an element type.
    pub fn element(&self, tag: &str) -> Option<&ElementFields> {
        self.elements.iter().find(|e| e.tag == tag)
    }

    /// Whether a top-level key of a route document is one the route may use.
    pub fn is_route_field(&self, key: &str) -> bool {
        key == EDITOR_SCHEMA_KEY || self.route.contains(key)
    }
}

/// A set of property names, in sorted order. The sets of a route hold a dozen names at most, so
/// a lookup is a scan that compares lengths before bytes, which costs less than a tree or a
/// hash of each key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names(Vec<String>);

impl Names {
    /// Whether `name` is one of the names.
    pub fn contains(&self, name: &str) -> bool {
        self.0
            .iter()
            .any(|known| known.len() == name.len() && known == name)
    }

    /// The names, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl FromIterator<String> for Names {
    fn from_iter<I: IntoIterator<Item = String>>(names: I) -> Self {
        let mut names: Vec<String> = names.into_iter().collect();
        names.sort_unstable();
        names.dedup();
        Names(names)
    }
}

#[cfg(test)]
mod tests {
    use super::Names;

    #[test]
    fn names_are_sorted_once_each_and_found_exactly() {
        let names: Names = ["model", "provider", "model", "id", "retries"]
            .map(String::from)
            .into_iter()
            .collect();
        assert_eq!(
            names.iter().collect::<Vec<_>>(),
            ["id", "model", "provider", "retries"]
        );
        assert!(names.contains("provider") && names.contains("id"));
        for absent in ["", "i", "ids", "Model", "provideR", "timeout"] {
            assert!(!names.contains(absent), "{absent}");
        }
    }
}

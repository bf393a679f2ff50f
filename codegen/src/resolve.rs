//! The one `$ref` resolver of the generator.
//!
//! A `$ref` is followed only when it is local and names an entry of the section of
//! `#/components` that the place where it stands expects ([`Component::SECTION`]): a schema
//! under `#/components/schemas`, a parameter under `#/components/parameters`, and so on.
//! Chains of references are followed up to [`MAX_CHAIN`] steps. Every error names the JSON
//! pointer of the `$ref` that cannot be followed: the pointer the caller gives for the first
//! one, the component that holds it for the ones after.

use crate::error::Error;
use crate::pointer::Pointer;
use indexmap::IndexMap;
use openapiv3::{Components, Parameter, ReferenceOr, RequestBody, Response, Schema};

/// The longest chain of `$ref`s followed before it is taken for a loop.
pub const MAX_CHAIN: usize = 32;

/// Something a `$ref` can name: the entries of one section of `#/components`.
pub trait Component: Sized {
    /// The key of the section under `#/components` (`schemas`, `parameters`, ...).
    const SECTION: &'static str;
    /// What one entry is called in errors (`schema`, `parameter`, ...).
    const NOUN: &'static str;
    /// The section in `components`.
    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>>;
}

impl Component for Schema {
    const SECTION: &'static str = "schemas";
    const NOUN: &'static str = "schema";
    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.schemas
    }
}

impl Component for Parameter {
    const SECTION: &'static str = "parameters";
    const NOUN: &'static str = "parameter";
    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.parameters
    }
}

impl Component for RequestBody {
    const SECTION: &'static str = "requestBodies";
    const NOUN: &'static str = "request body";
    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.request_bodies
    }
}

impl Component for Response {
    const SECTION: &'static str = "responses";
    const NOUN: &'static str = "response";
    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.responses
    }
}

/// The entry name (unescaped) that `reference` gives in `#/components/{section}`, or `None`
/// when it points into another document or elsewhere in this one.
pub fn local_name(reference: &str, section: &str) -> Option<String> {
    match Pointer::from_ref(reference)?.tokens() {
        [components, found, name] if components == "components" && found == section => {
            Some(name.clone())
        }
        _ => None,
    }
}

/// An entry of a section of `#/components`.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a, T> {
    /// Its position in the section, in spec order.
    pub index: usize,
    /// Its name in the section (unescaped).
    pub name: &'a str,
    /// The entry, which may itself be a `$ref`.
    pub value: &'a ReferenceOr<T>,
}

/// The entry `reference` names in `#/components/{T::SECTION}`, one step (a `$ref` found
/// there is not followed). Errors are reported at `at`, the pointer of the `$ref`.
pub fn lookup<'a, T: Component>(
    components: Option<&'a Components>,
    reference: &str,
    at: &Pointer,
) -> Result<Entry<'a, T>, Error> {
    if Pointer::from_ref(reference).is_none() {
        return Err(Error::unsupported(
            format!("$ref `{reference}` to another document"),
            at,
        ));
    }
    let Some(name) = local_name(reference, T::SECTION) else {
        return Err(Error::unsupported(
            format!("$ref `{reference}` outside #/components/{}", T::SECTION),
            at,
        ));
    };
    components
        .and_then(|c| T::section(c).get_full(&name))
        .map(|(index, name, value)| Entry {
            index,
            name: name.as_str(),
            value,
        })
        .ok_or_else(|| Error::invalid(format!("$ref `{reference}` names no {}", T::NOUN), at))
}

/// `item` itself, or the entry its chain of `$ref`s ends at, with the pointer of what was
/// returned (`at` for `item`, `#/components/{section}/{name}` for an entry). `at` is where
/// `item` is; errors about the first `$ref` and a chain longer than [`MAX_CHAIN`] are
/// reported there.
pub fn resolve<'a, T: Component>(
    components: Option<&'a Components>,
    item: &'a ReferenceOr<T>,
    at: &Pointer,
) -> Result<(&'a T, Pointer), Error> {
    let mut current = item;
    let mut pointer = at.clone();
    for _ in 0..MAX_CHAIN {
        match current {
            ReferenceOr::Item(item) => return Ok((item, pointer)),
            ReferenceOr::Reference { reference } => {
                let entry = lookup::<T>(components, reference, &pointer)?;
                pointer = Pointer::root()
                    .push("components")
                    .push(T::SECTION)
                    .push(entry.name);
                current = entry.value;
            }
        }
    }
    Err(Error::invalid(
        format!("$ref chain longer than {MAX_CHAIN} references (a reference loop?)"),
        at,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn components() -> Components {
        serde_json::from_value(serde_json::json!({
            "schemas": {
                "A": {"$ref": "#/components/schemas/B"},
                "B": {"type": "string", "description": "b"},
                "Loop1": {"$ref": "#/components/schemas/Loop2"},
                "Loop2": {"$ref": "#/components/schemas/Loop1"},
                "Dangling": {"$ref": "#/components/schemas/Nowhere"},
                "a/b": {"type": "integer"}
            },
            "parameters": {
                "Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                "Alias": {"$ref": "#/components/parameters/Id"}
            }
        }))
        .expect("test components parse")
    }

    fn reference<T>(to: &str) -> ReferenceOr<T> {
        ReferenceOr::Reference {
            reference: to.to_string(),
        }
    }

    fn at() -> Pointer {
        Pointer::root().push("paths").push("/x").push("$ref")
    }

    #[test]
    fn follows_chains_and_returns_the_pointer_of_the_entry() {
        let components = components();
        let start = reference::<Schema>("#/components/schemas/A");
        let (schema, pointer) = resolve(Some(&components), &start, &at()).expect("resolves");
        assert_eq!(schema.schema_data.description.as_deref(), Some("b"));
        assert_eq!(pointer.to_string(), "#/components/schemas/B");

        let param = reference::<Parameter>("#/components/parameters/Alias");
        let (param, pointer) = resolve(Some(&components), &param, &at()).expect("resolves");
        assert_eq!(param.parameter_data_ref().name, "id");
        assert_eq!(pointer.to_string(), "#/components/parameters/Id");
    }

    #[test]
    fn an_item_is_returned_at_the_given_pointer() {
        let components = components();
        let item = ReferenceOr::Item(Schema {
            schema_data: Default::default(),
            schema_kind: openapiv3::SchemaKind::Any(Default::default()),
        });
        let (_, pointer) = resolve(Some(&components), &item, &at()).expect("resolves");
        assert_eq!(pointer, at());
    }

    #[test]
    fn escaped_names_are_unescaped() {
        let components = components();
        let start = reference::<Schema>("#/components/schemas/a~1b");
        let (_, pointer) = resolve(Some(&components), &start, &at()).expect("resolves");
        assert_eq!(pointer.tokens(), ["components", "schemas", "a/b"]);
    }

    #[test]
    fn errors_name_the_pointer_of_the_ref_that_fails() {
        let components = components();
        let error = |to: &str| {
            resolve(Some(&components), &reference::<Schema>(to), &at())
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert_eq!(
            error("#/components/schemas/Missing"),
            "invalid: $ref `#/components/schemas/Missing` names no schema at #/paths/~1x/$ref"
        );
        assert_eq!(
            error("other.json#/components/schemas/B"),
            "unsupported: $ref `other.json#/components/schemas/B` to another document at #/paths/~1x/$ref"
        );
        assert_eq!(
            error("#/components/parameters/Id"),
            "unsupported: $ref `#/components/parameters/Id` outside #/components/schemas at #/paths/~1x/$ref"
        );
        // The second `$ref` of the chain is the one that names nothing.
        assert_eq!(
            error("#/components/schemas/Dangling"),
            "invalid: $ref `#/components/schemas/Nowhere` names no schema at #/components/schemas/Dangling"
        );
        assert_eq!(
            error("#/components/schemas/Loop1"),
            "invalid: $ref chain longer than 32 references (a reference loop?) at #/paths/~1x/$ref"
        );
    }

    #[test]
    fn a_spec_without_components_names_nothing() {
        let err = resolve(
            None,
            &reference::<Response>("#/components/responses/R"),
            &at(),
        )
        .err()
        .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("invalid: $ref `#/components/responses/R` names no response at #/paths/~1x/$ref")
        );
    }

    #[test]
    fn local_names_only_in_the_section() {
        assert_eq!(
            local_name("#/components/schemas/A", "schemas").as_deref(),
            Some("A")
        );
        assert_eq!(local_name("#/components/schemas/A", "parameters"), None);
        assert_eq!(
            local_name("#/components/schemas/A/properties/x", "schemas"),
            None
        );
        assert_eq!(
            local_name("other.json#/components/schemas/A", "schemas"),
            None
        );
    }
}

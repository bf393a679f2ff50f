//! The one place where wire names become Rust identifiers.
//!
//! Every type, variant, field and method name goes through [`type_name`] or
//! [`field_name`], so the same input always gives the same identifier:
//! - words are split by `heck` and re-cased (`elementId` -> `element_id`, `ElementId`);
//! - `%` reads as the word "percent" (`10%` -> `_10_percent`, `Percent10`);
//! - a leading digit is moved behind the words for types (`10%` -> `Percent10`) and
//!   prefixed with `_` for fields (`_10_percent`);
//! - Rust keywords get a trailing `_` (`type` -> `type_`, `Self` -> `Self_`), as typify does;
//! - nothing usable left (`""`, `"--"`) gives `Empty` / `empty`.
//!
//! Collisions (two wire names that map to one identifier) are resolved by
//! [`Unique`], which appends `2`, `3`, ... in first-come order.
//!
//! Types without a name of their own in the spec are named from where they are:
//! [`property_type`] (`{Parent}{Property}`), [`item_type`] (array items: `elements` ->
//! `Element`), [`map_value`], [`alias_item`], [`tagged_variant_type`] /
//! [`untagged_variant_type`] (the types of union variants), and union variants from what
//! they hold ([`ref_variant`], [`branch_variant`]).

use heck::{ToSnakeCase, ToUpperCamelCase};
use openapiv3::{Schema, SchemaKind, Type};
use std::collections::BTreeSet;

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "union", "_",
];

/// Splits on anything that is not alphanumeric, reading `%` as "percent" and `+` as "plus".
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '%' => out.push_str(" percent "),
            '+' => out.push_str(" plus "),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
    }
    out
}

fn escape_keyword(ident: String) -> String {
    if KEYWORDS.contains(&ident.as_str()) {
        format!("{ident}_")
    } else {
        ident
    }
}

/// An UpperCamelCase identifier for a type or enum variant.
pub fn type_name(raw: &str) -> String {
    let camel = words(raw).to_upper_camel_case();
    let digits: String = camel.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = &camel[digits.len()..];
    let ident = match (digits.is_empty(), rest.is_empty()) {
        (true, true) => "Empty".to_string(),
        (true, false) => camel.clone(),
        // A type cannot start with a digit: move the number behind the words.
        (false, false) => format!("{}{digits}", rest.to_upper_camel_case()),
        (false, true) => format!("N{digits}"),
    };
    escape_keyword(ident)
}

/// A snake_case identifier for a field, method or module.
pub fn field_name(raw: &str) -> String {
    let snake = words(raw).to_snake_case();
    let ident = if snake.is_empty() {
        "empty".to_string()
    } else if snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{snake}")
    } else {
        snake
    };
    escape_keyword(ident)
}

/// The type of the property `property` of the type `parent`: `{Parent}{Property}`
/// (`Route` + `elements` -> `RouteElements`).
pub fn property_type(parent: &str, property: &str) -> String {
    format!("{parent}{}", type_name(property))
}

/// The type of one item of an array whose type would be called `array`: its singular
/// (`Elements` -> `Element`, `Policies` -> `Policy`), or `{array}Item` when there is no
/// plural `s` to drop (`Data` -> `DataItem`, `Address` -> `AddressItem`).
pub fn item_type(array: &str) -> String {
    if let Some(stem) = array.strip_suffix("ies") {
        format!("{stem}y")
    } else if array.ends_with("ss") || !array.ends_with('s') {
        format!("{array}Item")
    } else {
        array[..array.len() - 1].to_string()
    }
}

/// The type of the values of a map whose type would be called `map`: `{map}Value`.
pub fn map_value(map: &str) -> String {
    format!("{map}Value")
}

/// The name an alias component `alias` (an array, a map, ...) lends to the types inside
/// it: `{alias}Item`.
pub fn alias_item(alias: &str) -> String {
    format!("{alias}Item")
}

/// The struct of the variant `variant` of the tagged union `union`: `{Variant}{Union}`
/// (`Model` of `Element` -> `ModelElement`).
pub fn tagged_variant_type(variant: &str, union: &str) -> String {
    format!("{variant}{union}")
}

/// The type of the variant `variant` of the untagged union `union`: `{Union}{Variant}`.
pub fn untagged_variant_type(union: &str, variant: &str) -> String {
    format!("{union}{variant}")
}

/// The variant of an untagged union whose branch is a `$ref`: the last segment of the
/// reference as a type name (`#/components/schemas/Route` -> `Route`).
pub fn ref_variant(reference: &str) -> String {
    reference
        .rsplit('/')
        .next()
        .map(type_name)
        .unwrap_or_else(|| "Variant".to_string())
}

/// The variant of an untagged union whose branch at `index` is an inline schema, from
/// what it is: `String`, `Number`, `Integer`, `Boolean`, `Array`, else `Variant{index}`.
pub fn branch_variant(schema: &Schema, index: usize) -> String {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if s.enumeration.is_empty() => "String".into(),
        SchemaKind::Type(Type::Number(_)) => "Number".into(),
        SchemaKind::Type(Type::Integer(_)) => "Integer".into(),
        SchemaKind::Type(Type::Boolean(_)) => "Boolean".into(),
        SchemaKind::Type(Type::Array(_)) => "Array".into(),
        _ => format!("Variant{index}"),
    }
}

/// The method that walks every page of the paginated operation `method`: `{method}_stream`.
pub fn stream_method(method: &str) -> String {
    format!("{method}_stream")
}

/// Hands out identifiers that are unique within one scope (a module, a struct,
/// an enum), deterministically: the first claimant keeps the name, later ones get
/// `2`, `3`, ... appended (`_2` for snake_case names).
#[derive(Debug, Default, Clone)]
pub struct Unique {
    taken: BTreeSet<String>,
}

impl Unique {
    /// An empty scope.
    pub fn new() -> Self {
        Unique::default()
    }

    /// Marks `name` as used without checking.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }

    /// Whether `name` is already used.
    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Claims `name`, or the first free `name2`, `name3`, ... (`name_2` for snake_case).
    pub fn claim(&mut self, name: &str) -> String {
        if self.taken.insert(name.to_string()) {
            return name.to_string();
        }
        let snake = name.chars().next().is_some_and(|c| !c.is_ascii_uppercase());
        let base = name.trim_end_matches('_');
        let mut n = 2usize;
        loop {
            let candidate = if snake {
                format!("{base}_{n}")
            } else {
                format!("{base}{n}")
            };
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types() {
        assert_eq!(type_name("route-definition"), "RouteDefinition");
        assert_eq!(type_name("10%"), "Percent10");
        assert_eq!(type_name("true"), "True");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(type_name("42"), "N42");
        assert_eq!(type_name("--"), "Empty");
        assert_eq!(type_name("aig-config-list"), "AigConfigList");
    }

    #[test]
    fn fields() {
        assert_eq!(field_name("elementId"), "element_id");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("true"), "true_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("10%"), "_10_percent");
        assert_eq!(field_name(""), "empty");
        assert_eq!(field_name("$eq"), "eq");
    }

    #[test]
    fn array_items_are_named_after_the_singular() {
        assert_eq!(item_type("Elements"), "Element");
        assert_eq!(item_type("Policies"), "Policy");
        assert_eq!(item_type("RouteTags"), "RouteTag");
        assert_eq!(item_type("Address"), "AddressItem");
        assert_eq!(item_type("Data"), "DataItem");
        // An alias component's hint is already an item name; its array items get another.
        assert_eq!(item_type(&alias_item("Tags")), "TagsItemItem");
    }

    #[test]
    fn inline_types_are_named_after_their_place() {
        assert_eq!(property_type("Route", "elements"), "RouteElements");
        assert_eq!(property_type("Route", "10%"), "RoutePercent10");
        assert_eq!(map_value("BagOutputs"), "BagOutputsValue");
        assert_eq!(alias_item("Tags"), "TagsItem");
        assert_eq!(tagged_variant_type("Model", "Element"), "ModelElement");
        assert_eq!(untagged_variant_type("Value", "String"), "ValueString");
        assert_eq!(stream_method("list_routes"), "list_routes_stream");
    }

    #[test]
    fn union_variants_are_named_after_what_they_hold() {
        assert_eq!(
            ref_variant("#/components/schemas/route-summary"),
            "RouteSummary"
        );
        assert_eq!(ref_variant("Plain"), "Plain");
        let schema = |json: serde_json::Value| -> Schema {
            serde_json::from_value(json).expect("test schema parses")
        };
        let cases = [
            (serde_json::json!({"type": "string"}), "String"),
            (serde_json::json!({"type": "number"}), "Number"),
            (serde_json::json!({"type": "integer"}), "Integer"),
            (serde_json::json!({"type": "boolean"}), "Boolean"),
            (serde_json::json!({"type": "array", "items": {}}), "Array"),
            // A string enum and an object are not told by a kind word.
            (
                serde_json::json!({"type": "string", "enum": ["a"]}),
                "Variant3",
            ),
            (serde_json::json!({"type": "object"}), "Variant3"),
        ];
        for (json, expected) in cases {
            assert_eq!(branch_variant(&schema(json.clone()), 3), expected, "{json}");
        }
    }

    #[test]
    fn unique_is_first_come() {
        let mut scope = Unique::new();
        assert_eq!(scope.claim("element_id"), "element_id");
        assert_eq!(scope.claim("element_id"), "element_id_2");
        assert_eq!(scope.claim("Route"), "Route");
        assert_eq!(scope.claim("Route"), "Route2");
        assert_eq!(scope.claim("type_"), "type_");
        assert_eq!(scope.claim("type_"), "type_2");
    }
}

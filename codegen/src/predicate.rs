//! JSON Schema (draft 2020-12) -> Rust predicates: functions that say whether a JSON value
//! is valid under a schema, compiled with the program instead of at run time.
//!
//! A predicate is a verdict, not a validator: it answers as a JSON Schema validator would,
//! without saying why. The program asks the predicate first and compiles the full validator
//! only when the answer is `false`, to find the errors.
//!
//! The keywords it checks: `type`, `enum` and `const` (of strings, booleans and `null`),
//! `properties`, `required`, `additionalProperties`, `items`, `allOf`, `anyOf`, `oneOf`,
//! `not`, local `$ref`s, and the `true` and `false` schemas. A `oneOf` whose branches each require one property and
//! pin it to one distinct string (an OpenAPI discriminated union) becomes a `match` on that
//! property. Every other assertion keyword of draft 2020-12 is refused with its JSON
//! pointer, so that a schema that grows one fails the generation instead of being checked
//! loosely; keywords outside draft 2020-12's assertions (`description`, `discriminator`,
//! `x-*`...) are annotations, as they are to a JSON Schema validator.
//!
//! The emitted code is a module; it reads values through names its parent module provides
//! (`use super::{Json, Type, is_type}`):
//!
//! * `Json<'_>`, a `Copy` view of one value with `members()` (an object's `(key, value)`
//!   pairs, a repeated key once), `items()` (an array's items), `as_str()`, `as_bool()` and
//!   `raw()` (the value's text as written);
//! * `Type` (`Null`, `Boolean`, `Object`, `Array`, `Number`, `Integer`, `String`) and
//!   `is_type(value, Type) -> bool`, exactly as the validator reads types (`1.0` is an
//!   integer in draft 2020-12).
//!
//! Every answer must be exact, not merely cautious: under `not` or `oneOf` a cautious `false`
//! would become a wrong `true`. So what cannot be decided exactly is refused, numbers in
//! `enum` and `const` among them (a validator compares them by value, across integer and
//! float forms).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

/// A schema the generator cannot turn into a predicate, with the pointer of the keyword.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PredicateError {
    /// JSON pointer into the schema.
    pub pointer: String,
    /// What is wrong there.
    pub message: String,
}

impl fmt::Display for PredicateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}: {}", self.pointer, self.message)
    }
}

impl std::error::Error for PredicateError {}

/// Assertion keywords of draft 2020-12 that no predicate checks yet.
const REFUSED: &[&str] = &[
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "minContains",
    "maxContains",
    "prefixItems",
    "minProperties",
    "maxProperties",
    "patternProperties",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
    "dependencies",
    "if",
    "then",
    "else",
    "unevaluatedProperties",
    "unevaluatedItems",
    "$dynamicRef",
    "$recursiveRef",
    "contentSchema",
];

/// The Rust tokens of one predicate function per entry, `pub(crate) fn name(v: Json<'_>)
/// -> bool`, for the schema at each entry's pointer in `schema` (`""` is the whole
/// document), and private functions for what they reference.
pub fn predicates(schema: &Value, entries: &[(&str, &str)]) -> Result<TokenStream, PredicateError> {
    let mut generator = Generator {
        root: schema,
        names: BTreeMap::new(),
        taken: BTreeSet::new(),
        queue: VecDeque::new(),
        items: Vec::new(),
    };
    let mut public = BTreeSet::new();
    for (name, pointer) in entries {
        generator.at(pointer, pointer)?;
        if !generator.taken.insert(name.to_string()) {
            return Err(error(pointer, format!("two entries are named `{name}`")));
        }
        generator
            .names
            .insert(pointer.to_string(), format_ident!("{}", name));
        generator.queue.push_back(pointer.to_string());
        public.insert(pointer.to_string());
    }
    // Each referenced or nested schema gets its function once, in the order first needed.
    let mut done = BTreeSet::new();
    while let Some(pointer) = generator.queue.pop_front() {
        if !done.insert(pointer.clone()) {
            continue;
        }
        let ident = generator.names[&pointer].clone();
        let target = generator.at(&pointer, &pointer)?;
        let body = generator.body(target, &pointer)?;
        let (doc, visibility) = if public.contains(&pointer) {
            (
                format!(" Whether a value is valid under `#{pointer}`."),
                quote!(pub(crate)),
            )
        } else {
            (format!(" `#{pointer}`"), quote!())
        };
        generator.items.push(quote! {
            #[doc = #doc]
            #visibility fn #ident(v: Json<'_>) -> bool {
                #(#body)*
                true
            }
        });
    }
    let items = generator.items;
    Ok(quote! {
        use super::{Json, Type, is_type};
        #(#items)*
    })
}

struct Generator<'s> {
    root: &'s Value,
    /// The function of each schema that has one, by pointer.
    names: BTreeMap<String, Ident>,
    taken: BTreeSet<String>,
    /// Pointers whose functions are still to be written.
    queue: VecDeque<String>,
    items: Vec<TokenStream>,
}

fn error(pointer: &str, message: impl Into<String>) -> PredicateError {
    PredicateError {
        pointer: pointer.to_string(),
        message: message.into(),
    }
}

fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}

impl<'s> Generator<'s> {
    /// The schema at `pointer`, or an error at `from` (where it is referenced).
    fn at(&self, pointer: &str, from: &str) -> Result<&'s Value, PredicateError> {
        self.root
            .pointer(pointer)
            .ok_or_else(|| error(from, format!("`#{pointer}` is not in the schema")))
    }

    /// The function checking the schema at `pointer`: `valid_` and the pointer's names in
    /// snake case (`#/$defs/ModelElement/properties/type` is `valid_model_element_type`).
    fn function(&mut self, pointer: &str) -> Ident {
        if let Some(ident) = self.names.get(pointer) {
            return ident.clone();
        }
        let mut base = String::from("valid");
        for segment in pointer.split('/').skip(1) {
            let segment = match segment {
                "$defs" | "definitions" | "properties" => continue,
                "items" => "item",
                "additionalProperties" => "value",
                other => other,
            };
            base.push('_');
            let start = base.len();
            for c in segment.chars() {
                if c.is_ascii_uppercase() && base.len() > start && !base.ends_with('_') {
                    base.push('_');
                }
                let c = c.to_ascii_lowercase();
                base.push(if c.is_ascii_alphanumeric() { c } else { '_' });
            }
        }
        let mut name = base.clone();
        let mut n = 2;
        while !self.taken.insert(name.clone()) {
            name = format!("{base}_{n}");
            n += 1;
        }
        let ident = Ident::new(&name, Span::call_site());
        self.names.insert(pointer.to_string(), ident.clone());
        self.queue.push_back(pointer.to_string());
        ident
    }

    /// Whether the schema asserts nothing (`true`, `{}`, or annotations only).
    fn trivial(schema: &Value) -> bool {
        match schema {
            Value::Bool(b) => *b,
            Value::Object(map) => map.keys().all(|k| !asserts(k)),
            _ => false,
        }
    }

    /// A boolean expression: `value` is valid under the schema at `pointer`.
    fn condition(
        &mut self,
        schema: &'s Value,
        pointer: &str,
        value: &TokenStream,
    ) -> Result<TokenStream, PredicateError> {
        if Self::trivial(schema) {
            return Ok(quote!(true));
        }
        if schema == &Value::Bool(false) {
            return Ok(quote!(false));
        }
        // A schema that is only a `$ref` is its target's function.
        if let Some(reference) = only_ref(schema) {
            let target = self.reference(reference, &child(pointer, "$ref"))?;
            let ident = self.function(&target);
            return Ok(quote!(#ident(#value)));
        }
        let ident = self.function(pointer);
        Ok(quote!(#ident(#value)))
    }

    /// The pointer a `$ref` names (local references only).
    fn reference(&self, reference: &Value, pointer: &str) -> Result<String, PredicateError> {
        let text = reference
            .as_str()
            .ok_or_else(|| error(pointer, "`$ref` is not a string"))?;
        let target = text.strip_prefix('#').ok_or_else(|| {
            error(
                pointer,
                format!("only local references (`#/...`) are supported, not `{text}`"),
            )
        })?;
        self.at(target, pointer)?;
        Ok(target.to_string())
    }

    /// The statements of the function of a schema: each returns `false` when its keyword
    /// fails; the function then returns `true`.
    fn body(
        &mut self,
        schema: &'s Value,
        pointer: &str,
    ) -> Result<Vec<TokenStream>, PredicateError> {
        let map = match schema {
            Value::Bool(true) => return Ok(Vec::new()),
            Value::Bool(false) => return Ok(vec![quote!(return false;)]),
            Value::Object(map) => map,
            _ => return Err(error(pointer, "a schema is an object or a boolean")),
        };
        let v = quote!(v);
        let mut out = Vec::new();
        for keyword in map.keys() {
            if REFUSED.contains(&keyword.as_str()) {
                return Err(error(
                    &child(pointer, keyword),
                    format!("`{keyword}` is not supported by the predicate generator"),
                ));
            }
        }
        if let Some(types) = map.get("type") {
            let at = child(pointer, "type");
            let names: Vec<&Value> = match types {
                Value::Array(list) => list.iter().collect(),
                one => vec![one],
            };
            let mut tests = Vec::new();
            for name in names {
                let variant = match name.as_str() {
                    Some("null") => quote!(Null),
                    Some("boolean") => quote!(Boolean),
                    Some("object") => quote!(Object),
                    Some("array") => quote!(Array),
                    Some("number") => quote!(Number),
                    Some("integer") => quote!(Integer),
                    Some("string") => quote!(String),
                    _ => return Err(error(&at, format!("{name} is not a JSON Schema type"))),
                };
                tests.push(quote!(is_type(v, Type::#variant)));
            }
            out.push(unless(&any(tests)));
        }
        if let Some(value) = map.get("const") {
            let test = equals(std::slice::from_ref(value), &child(pointer, "const"))
                .map_err(|e| error(&child(pointer, "const"), e.message))?;
            out.push(unless(&test));
        }
        if let Some(values) = map.get("enum") {
            let at = child(pointer, "enum");
            let list = values
                .as_array()
                .ok_or_else(|| error(&at, "`enum` is not an array"))?;
            out.push(unless(&equals(list, &at)?));
        }
        if let Some(reference) = map.get("$ref") {
            let target = self.reference(reference, &child(pointer, "$ref"))?;
            let ident = self.function(&target);
            out.push(unless(&quote!(#ident(v))));
        }
        if map.contains_key("properties")
            || map.contains_key("required")
            || map.contains_key("additionalProperties")
        {
            out.push(self.object(map, pointer)?);
        }
        if let Some(items) = map.get("items") {
            let at = child(pointer, "items");
            if !items.is_object() && !items.is_boolean() {
                return Err(error(&at, "`items` is a schema (draft 2020-12)"));
            }
            let test = self.condition(items, &at, &quote!(item))?;
            let check = unless(&test);
            out.push(quote! {
                for item in v.items() {
                    #check
                }
            });
        }
        for keyword in ["allOf", "anyOf", "oneOf"] {
            let Some(list) = map.get(keyword) else {
                continue;
            };
            let at = child(pointer, keyword);
            let branches = list
                .as_array()
                .filter(|l| !l.is_empty())
                .ok_or_else(|| error(&at, format!("`{keyword}` is not a non-empty array")))?;
            if keyword == "oneOf"
                && let Some(dispatch) = self.discriminated(branches, &at)?
            {
                out.push(dispatch);
                continue;
            }
            let tests = branches
                .iter()
                .enumerate()
                .map(|(i, b)| self.condition(b, &child(&at, &i.to_string()), &v))
                .collect::<Result<Vec<_>, _>>()?;
            out.push(match keyword {
                "allOf" => {
                    let checks = tests.iter().map(unless);
                    quote!(#(#checks)*)
                }
                "anyOf" => unless(&any(tests)),
                _ => quote! {
                    if [#(#tests),*].iter().filter(|valid| **valid).count() != 1 {
                        return false;
                    }
                },
            });
        }
        if let Some(not) = map.get("not") {
            let test = self.condition(not, &child(pointer, "not"), &v)?;
            out.push(quote!(if #test { return false; }));
        }
        Ok(out)
    }

    /// `properties`, `required` and `additionalProperties`, in one pass over the members.
    fn object(
        &mut self,
        map: &'s serde_json::Map<String, Value>,
        pointer: &str,
    ) -> Result<TokenStream, PredicateError> {
        let properties = match map.get("properties") {
            None => None,
            Some(p) => Some(p.as_object().ok_or_else(|| {
                error(
                    &child(pointer, "properties"),
                    "`properties` is not an object",
                )
            })?),
        };
        let required: Vec<&str> = match map.get("required") {
            None => Vec::new(),
            Some(r) => r
                .as_array()
                .and_then(|list| list.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
                .ok_or_else(|| {
                    error(
                        &child(pointer, "required"),
                        "`required` is not an array of strings",
                    )
                })?,
        };
        let mut required_set: Vec<&str> = Vec::new();
        for name in &required {
            if !required_set.contains(name) {
                required_set.push(name);
            }
        }
        if required_set.len() > 64 {
            return Err(error(
                &child(pointer, "required"),
                "more than 64 required properties",
            ));
        }
        let additional = match map.get("additionalProperties") {
            None => quote!(true),
            Some(schema) => self.condition(
                schema,
                &child(pointer, "additionalProperties"),
                &quote!(value),
            )?,
        };
        let mut names: Vec<&str> = properties
            .into_iter()
            .flat_map(|p| p.keys().map(String::as_str))
            .collect();
        for name in &required_set {
            if !names.contains(name) {
                names.push(name);
            }
        }
        // Each member's verdict comes out of one `match` on its key, which also marks the
        // required keys seen.
        let mut arms = Vec::new();
        for name in names {
            let test = match properties.and_then(|p| p.get(name)) {
                Some(schema) => self.condition(
                    schema,
                    &child(&child(pointer, "properties"), name),
                    &quote!(value),
                )?,
                None => additional.clone(),
            };
            match required_set.iter().position(|r| *r == name) {
                Some(bit) => {
                    let mask = 1u64 << bit;
                    arms.push(quote!(#name => { seen |= #mask; #test }));
                }
                // A property with nothing to check still keeps its name from the fallback.
                None if !is_true(&test) || !is_true(&additional) => {
                    arms.push(quote!(#name => #test,));
                }
                None => {}
            }
        }
        let verdict = if arms.is_empty() {
            additional.clone()
        } else {
            quote! {
                match key {
                    #(#arms)*
                    _ => #additional,
                }
            }
        };
        if is_true(&verdict) && required_set.is_empty() {
            return Ok(quote!());
        }
        let uses = |name: &str| verdict.clone().into_iter().any(|t| mentions(t, name));
        let key = if uses("key") { quote!(key) } else { quote!(_) };
        let value = if uses("value") {
            quote!(value)
        } else {
            quote!(_)
        };
        let check = if arms.is_empty() {
            unless(&verdict)
        } else {
            quote! {
                let valid = #verdict;
                if !valid { return false; }
            }
        };
        let each = if is_true(&verdict) {
            quote!()
        } else {
            quote! {
                for (#key, #value) in v.members() {
                    #check
                }
            }
        };
        let all: u64 = if required_set.len() == 64 {
            u64::MAX
        } else {
            (1u64 << required_set.len()) - 1
        };
        let (declare, count) = if required_set.is_empty() {
            (quote!(), quote!())
        } else {
            (
                quote!(let mut seen: u64 = 0;),
                quote!(if seen != #all { return false; }),
            )
        };
        let checks = quote!(#declare #each #count);
        // `properties`, `required` and `additionalProperties` say nothing of other values.
        let object_only = map.get("type").and_then(Value::as_str) == Some("object");
        Ok(if object_only {
            checks
        } else {
            quote!(if is_type(v, Type::Object) { #checks })
        })
    }

    /// A `oneOf` over two or more branches that each require one shared property and pin it
    /// to one string, distinct in every branch: a `match` on that property's value (a value
    /// without it, or with another, fails every branch). `None` when the union is not of
    /// that shape.
    fn discriminated(
        &mut self,
        branches: &'s [Value],
        pointer: &str,
    ) -> Result<Option<TokenStream>, PredicateError> {
        let mut bodies = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            let mut body = branch;
            let mut at = child(pointer, &i.to_string());
            // Follow a reference-only branch to its target (a few hops at most).
            let mut hops = 0;
            while let Some(reference) = only_ref(body) {
                at = self.reference(reference, &child(&at, "$ref"))?;
                body = self.at(&at, &at)?;
                hops += 1;
                if hops > 8 {
                    return Ok(None);
                }
            }
            bodies.push((body, at));
        }
        // With one branch, a value that is not an object passes it (`required` and
        // `properties` say nothing of other values): only a real union is dispatched.
        if bodies.len() < 2 {
            return Ok(None);
        }
        let Some(first) = bodies
            .first()
            .and_then(|(b, _)| b.get("required")?.as_array())
        else {
            return Ok(None);
        };
        let shared = first.iter().filter_map(Value::as_str).find(|name| {
            bodies.iter().all(|(body, _)| {
                let required = body
                    .get("required")
                    .and_then(Value::as_array)
                    .is_some_and(|r| r.iter().any(|x| x.as_str() == Some(name)));
                required && pinned(body, name).is_some()
            })
        });
        let Some(property) = shared else {
            return Ok(None);
        };
        let mut tags = BTreeSet::new();
        let mut arms = Vec::new();
        for (body, at) in &bodies {
            let tag = pinned(body, property).unwrap_or_default();
            if !tags.insert(tag) {
                return Ok(None);
            }
            let test = self.condition(body, at, &quote!(v))?;
            arms.push(quote!(Some(#tag) => #test,));
        }
        Ok(Some(quote! {
            let tag = v
                .members()
                .find(|(key, _)| *key == #property)
                .and_then(|(_, value)| value.as_str());
            let valid = match tag {
                #(#arms)*
                _ => false,
            };
            if !valid { return false; }
        }))
    }
}

/// `if !test { return false; }`, parenthesised where the test needs it.
fn unless(test: &TokenStream) -> TokenStream {
    if is_true(test) {
        return quote!();
    }
    let simple = !test.clone().into_iter().any(|t| match t {
        proc_macro2::TokenTree::Punct(p) => matches!(p.as_char(), '|' | '&' | '='),
        proc_macro2::TokenTree::Group(g) => g.delimiter() == proc_macro2::Delimiter::Brace,
        _ => false,
    });
    if simple {
        quote!(if !#test { return false; })
    } else {
        quote!(if !(#test) { return false; })
    }
}

/// `a || b || ...`, `false` for none.
fn any(tests: Vec<TokenStream>) -> TokenStream {
    if tests.is_empty() {
        quote!(false)
    } else {
        quote!(#(#tests)||*)
    }
}

/// Whether an expression is the literal `true`.
fn is_true(tokens: &TokenStream) -> bool {
    tokens.to_string() == "true"
}

/// Whether a token tree names the identifier `name` anywhere inside.
fn mentions(tree: proc_macro2::TokenTree, name: &str) -> bool {
    match tree {
        proc_macro2::TokenTree::Ident(ident) => ident == name,
        proc_macro2::TokenTree::Group(group) => {
            group.stream().into_iter().any(|t| mentions(t, name))
        }
        _ => false,
    }
}

/// The one string a schema pins `property` to, with `const` or a one-value `enum`.
fn pinned<'s>(schema: &'s Value, property: &str) -> Option<&'s str> {
    let p = schema.get("properties")?.get(property)?;
    match p.get("const") {
        Some(c) => c.as_str(),
        None => match p.get("enum")?.as_array()?.as_slice() {
            [one] => one.as_str(),
            _ => None,
        },
    }
}

/// The `$ref` of a schema that asserts nothing else (annotations aside).
fn only_ref(schema: &Value) -> Option<&Value> {
    let map = schema.as_object()?;
    let reference = map.get("$ref")?;
    (map.keys().filter(|k| asserts(k)).count() == 1).then_some(reference)
}

/// Whether a keyword is an assertion or applicator (something a predicate must check), as
/// opposed to an annotation.
fn asserts(keyword: &str) -> bool {
    REFUSED.contains(&keyword)
        || matches!(
            keyword,
            "type"
                | "enum"
                | "const"
                | "properties"
                | "required"
                | "additionalProperties"
                | "items"
                | "allOf"
                | "anyOf"
                | "oneOf"
                | "not"
                | "$ref"
        )
}

/// A boolean expression: `v` equals one of the JSON values: strings, booleans and `null`,
/// in one `matches!` each. Numbers, objects and arrays are refused.
fn equals(values: &[Value], pointer: &str) -> Result<TokenStream, PredicateError> {
    let mut strings = Vec::new();
    let mut booleans = Vec::new();
    let mut null = false;
    for (i, value) in values.iter().enumerate() {
        match value {
            Value::Null => null = true,
            Value::Bool(b) => booleans.push(*b),
            Value::String(s) => strings.push(s.as_str()),
            Value::Number(_) | Value::Array(_) | Value::Object(_) => {
                return Err(error(
                    &format!("{pointer}/{i}"),
                    "numbers, objects and arrays in `enum` or `const` are not supported",
                ));
            }
        }
    }
    let mut tests = Vec::new();
    if !strings.is_empty() {
        tests.push(quote!(matches!(v.as_str(), Some(#(#strings)|*))));
    }
    if !booleans.is_empty() {
        tests.push(quote!(matches!(v.as_bool(), Some(#(#booleans)|*))));
    }
    if null {
        tests.push(quote!(is_type(v, Type::Null)));
    }
    Ok(any(tests))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refusal(schema: Value) -> String {
        predicates(&schema, &[("check", "")])
            .expect_err("refused")
            .to_string()
    }

    #[test]
    fn keywords_it_cannot_check_are_refused_where_they_are() {
        assert_eq!(
            refusal(json!({"properties": {"a": {"type": "string", "pattern": "^a"}}})),
            "#/properties/a/pattern: `pattern` is not supported by the predicate generator"
        );
        assert_eq!(
            refusal(json!({"$defs": {"N": {"enum": ["a", 1]}}, "$ref": "#/$defs/N"})),
            "#/$defs/N/enum/1: numbers, objects and arrays in `enum` or `const` are not supported"
        );
        assert_eq!(
            refusal(json!({"items": {"$ref": "other.json#/x"}})),
            "#/items/$ref: only local references (`#/...`) are supported, not `other.json#/x`"
        );
        assert_eq!(
            refusal(json!({"items": {"$ref": "#/$defs/Missing"}})),
            "#/items/$ref: `#/$defs/Missing` is not in the schema"
        );
        assert_eq!(
            refusal(json!({"type": "text"})),
            "#/type: \"text\" is not a JSON Schema type"
        );
    }

    #[test]
    fn annotations_are_not_checked() {
        let tokens = predicates(
            &json!({"description": "d", "examples": [1], "x-note": {}, "discriminator": {}}),
            &[("check", "")],
        )
        .expect("generated")
        .to_string();
        assert!(tokens.contains("fn check"), "{tokens}");
        assert!(!tokens.contains("is_type (v"), "nothing to check: {tokens}");
    }

    #[test]
    fn a_discriminated_union_is_a_match_on_its_tag() {
        let branch = |tag: &str| json!({"type": "object", "required": ["kind"], "properties": {"kind": {"const": tag}}});
        let union = json!({"oneOf": [branch("a"), branch("b")]});
        let tokens = predicates(&union, &[("check", "")])
            .expect("generated")
            .to_string();
        assert!(tokens.contains("match tag"), "{tokens}");
        // Without a tag in every branch, each branch is counted.
        let loose = json!({"oneOf": [branch("a"), {"type": "object"}]});
        let tokens = predicates(&loose, &[("check", "")])
            .expect("generated")
            .to_string();
        assert!(!tokens.contains("match tag"), "{tokens}");
        assert!(tokens.contains("count"), "{tokens}");
    }
}

//! JSON pointer -> byte range in the source text.

use jsonc_parser::ast::{ObjectPropName, Value as Ast};

use crate::parse::prop_name;
use crate::pointer::split_pointer;

/// Where a pointer lands in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    /// Start byte offset.
    pub start: usize,
    /// Exclusive end byte offset.
    pub end: usize,
}

/// Finds the node named by `pointer`. When the node does not exist (a missing required
/// property, say) the closest existing ancestor is returned, as Spectral does. With
/// `at_key`, an object member resolves to its key instead of its value.
pub fn locate(ast: &Ast<'_>, pointer: &str, at_key: bool) -> Located {
    let mut node = ast;
    let mut key_range = None;
    for token in split_pointer(pointer) {
        key_range = None;
        let next = match node {
            Ast::Object(o) => o
                .properties
                .iter()
                // serde_json keeps the last of duplicate keys, so the last one is the
                // value the checks saw.
                .rev()
                .find(|p| prop_name(&p.name) == token)
                .map(|p| {
                    key_range = Some(match &p.name {
                        ObjectPropName::String(s) => s.range,
                        ObjectPropName::Word(w) => w.range,
                    });
                    &p.value
                }),
            Ast::Array(a) => token.parse::<usize>().ok().and_then(|i| a.elements.get(i)),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => {
                key_range = None;
                break;
            }
        }
    }
    let range = match (at_key, key_range) {
        (true, Some(k)) => k,
        _ => range_of(node),
    };
    Located {
        start: range.start,
        end: range.end,
    }
}

fn range_of(node: &Ast<'_>) -> jsonc_parser::common::Range {
    match node {
        Ast::StringLit(n) => n.range,
        Ast::NumberLit(n) => n.range,
        Ast::BooleanLit(n) => n.range,
        Ast::Object(n) => n.range,
        Ast::Array(n) => n.range,
        Ast::NullKeyword(n) => n.range,
    }
}

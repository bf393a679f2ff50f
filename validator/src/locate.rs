//! JSON pointer -> byte range in the source text.

use std::collections::{HashMap, HashSet};

use jsonc_parser::ast::{ObjectPropName, Value as Ast};

use crate::parse::prop_name;
use crate::pointer::{push_token_in_place, split_pointer};

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

/// [`locate`] for many pointers in one walk of the tree: only the nodes on the way to a
/// wanted pointer are visited, and each object member once, so the time is linear in the
/// text however many findings point into one large object.
pub fn locate_all(ast: &Ast<'_>, wanted: &[(&str, bool)]) -> Vec<Located> {
    let mut on_the_way: HashSet<&str> = HashSet::new();
    for (pointer, _) in wanted {
        let mut prefix: &str = pointer;
        loop {
            if !on_the_way.insert(prefix) {
                break;
            }
            match prefix.rfind('/') {
                Some(at) => prefix = &prefix[..at],
                None => break,
            }
        }
    }
    let mut found: HashMap<String, (Range, Option<Range>)> = HashMap::new();
    let mut stack: Vec<(&Ast<'_>, String, Option<Range>)> = vec![(ast, String::new(), None)];
    while let Some((node, pointer, key)) = stack.pop() {
        let mut children: Vec<(&Ast<'_>, String, Option<Range>)> = Vec::new();
        match node {
            Ast::Object(o) => {
                for p in &o.properties {
                    let mut child = pointer.clone();
                    push_token_in_place(&mut child, prop_name(&p.name));
                    if on_the_way.contains(child.as_str()) {
                        let key = match &p.name {
                            ObjectPropName::String(s) => s.range,
                            ObjectPropName::Word(w) => w.range,
                        };
                        children.push((&p.value, child, Some(key)));
                    }
                }
            }
            Ast::Array(a) => {
                for (i, item) in a.elements.iter().enumerate() {
                    let child = format!("{pointer}/{i}");
                    if on_the_way.contains(child.as_str()) {
                        children.push((item, child, None));
                    }
                }
            }
            _ => {}
        }
        found.insert(pointer, (range_of(node), key));
        // Popped last-first: of duplicate keys, the last one is recorded last and wins, as
        // serde_json keeps the last (what the checks saw).
        stack.extend(children.into_iter().rev());
    }
    wanted
        .iter()
        .map(|(pointer, at_key)| {
            let mut prefix: &str = pointer;
            let (range, key) = loop {
                if let Some(&(range, key)) = found.get(prefix) {
                    // An ancestor stands in for a missing node, at its value.
                    break (range, key.filter(|_| prefix.len() == pointer.len()));
                }
                match prefix.rfind('/') {
                    Some(at) => prefix = &prefix[..at],
                    None => break (range_of(ast), None),
                }
            };
            let range = match (at_key, key) {
                (true, Some(k)) => k,
                _ => range,
            };
            Located {
                start: range.start,
                end: range.end,
            }
        })
        .collect()
}

type Range = jsonc_parser::common::Range;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_walk_finds_what_each_lookup_finds() {
        let text = r#"{"name": "r", "a/b": {"x~y": [1, {"k": 2}]}, "elements": [
            {"id": "s", "outputs": {"next": {"elementId": "e"}}}, {"id": "e"}], "z": 1, "z": 2}"#;
        let parsed = crate::parse::parse(text).expect("parses");
        let pointers = [
            "",
            "/name",
            "/a~1b/x~0y/1/k",
            "/elements/0/outputs/next/elementId",
            "/elements/1/outputs",
            "/elements/7",
            "/missing/deeper",
            "/z",
        ];
        for at_key in [false, true] {
            let wanted: Vec<(&str, bool)> = pointers.iter().map(|p| (*p, at_key)).collect();
            let all = locate_all(&parsed.ast, &wanted);
            for (pointer, got) in pointers.iter().zip(all) {
                assert_eq!(
                    got,
                    locate(&parsed.ast, pointer, at_key),
                    "{pointer} {at_key}"
                );
            }
        }
    }
}

//! JSON pointer -> byte range in the source text.

use std::collections::{HashMap, HashSet};

use crate::parse::Parsed;
use crate::pointer::{push_token_in_place, split_pointer};
use crate::tree::Json;

/// Where a pointer lands in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    /// Start byte offset.
    pub start: usize,
    /// Exclusive end byte offset.
    pub end: usize,
}

impl Located {
    fn of(node: Json<'_>, at_key: bool) -> Located {
        let (start, end) = match (at_key, node.key_span()) {
            (true, Some(key)) => key,
            _ => node.span(),
        };
        Located { start, end }
    }
}

/// Finds the node named by `pointer`. When the node does not exist (a missing required
/// property, say) the closest existing ancestor is returned, as Spectral does. With
/// `at_key`, an object member resolves to its key instead of its value.
pub fn locate(parsed: &Parsed<'_>, pointer: &str, at_key: bool) -> Located {
    let mut node = parsed.root();
    for token in split_pointer(pointer) {
        let next = if node.is_object() {
            // Of a key written twice, the last one is the value the checks saw.
            node.get(&token)
        } else {
            token.parse::<usize>().ok().and_then(|i| node.index(i))
        };
        match next {
            Some(n) => node = n,
            None => return Located::of(node, false),
        }
    }
    Located::of(node, at_key)
}

/// [`locate`] for many pointers in one walk of the tree: only the nodes on the way to a
/// wanted pointer are visited, and each object member once, so the time is linear in the
/// text however many findings point into one large object.
pub fn locate_all(parsed: &Parsed<'_>, wanted: &[(&str, bool)]) -> Vec<Located> {
    if wanted.is_empty() {
        // A clean file: nothing to walk to.
        return Vec::new();
    }
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
    let mut found: HashMap<String, Json<'_>> = HashMap::new();
    let mut stack = vec![(parsed.root(), String::new())];
    while let Some((node, pointer)) = stack.pop() {
        for (key, child) in node.members() {
            let mut at = pointer.clone();
            push_token_in_place(&mut at, key);
            if on_the_way.contains(at.as_str()) {
                stack.push((child, at));
            }
        }
        for (i, item) in node.items().enumerate() {
            let at = format!("{pointer}/{i}");
            if on_the_way.contains(at.as_str()) {
                stack.push((item, at));
            }
        }
        found.insert(pointer, node);
    }
    wanted
        .iter()
        .map(|(pointer, at_key)| {
            let mut prefix: &str = pointer;
            loop {
                if let Some(&node) = found.get(prefix) {
                    // An ancestor stands in for a missing node, at its value.
                    break Located::of(node, *at_key && prefix.len() == pointer.len());
                }
                match prefix.rfind('/') {
                    Some(at) => prefix = &prefix[..at],
                    None => break Located::of(parsed.root(), false),
                }
            }
        })
        .collect()
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
            let all = locate_all(&parsed, &wanted);
            for (pointer, got) in pointers.iter().zip(all) {
                assert_eq!(got, locate(&parsed, pointer, at_key), "{pointer} {at_key}");
            }
        }
        let z = locate(&parsed, "/z", false);
        assert_eq!(&text[z.start..z.end], "2", "the last of a repeated key");
        let k = locate(&parsed, "/a~1b/x~0y/1/k", true);
        assert_eq!(&text[k.start..k.end], "\"k\"");
    }
}

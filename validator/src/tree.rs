//! A parsed JSON document, compact and with source positions: what the schema step, the
//! rules, the locator and the drawing all read.
//!
//! Every value is one 24-byte node in a flat array, in document order; a container's
//! children follow it, and each node records where its subtree ends, so walking a container's
//! members is a chain of jumps. Strings and keys are read from the text itself; only those
//! written with escapes are kept decoded beside the nodes. A route file's tree takes about
//! twice the size of its text, where a `serde_json::Value` takes about twenty times.
//! [`Json::to_value`] builds a `serde_json::Value` of one part when a consumer needs one
//! (the JSON Schema validator, element by element).
//!
//! Of a key written twice in one object, the last value is read, as `serde_json` does.

use std::collections::HashSet;

use serde_json::{Map, Number, Value};

use crate::pointer::{push_token_in_place, split_pointer};

/// The type of a JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool,
    /// A number, kept as written.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

/// The node is a member of an object (its key span is set).
pub(crate) const MEMBER: u8 = 1;
/// The member's key is written with escapes (decoded in `Tree::keys`).
pub(crate) const KEY_ESCAPED: u8 = 2;
/// The string value is written with escapes (decoded in `Tree::strings`).
pub(crate) const VALUE_ESCAPED: u8 = 4;
/// A later member of the same object has the same key: this one is not read.
pub(crate) const SHADOWED: u8 = 8;
/// An earlier member of the same object has the same key (a `duplicate-key` finding).
pub(crate) const REPEATED: u8 = 16;

/// One value: its byte range, its key's byte range (quotes included) when it is an object
/// member, and the index just past its subtree.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node {
    pub(crate) start: u32,
    pub(crate) end: u32,
    pub(crate) key_start: u32,
    pub(crate) key_end: u32,
    pub(crate) next: u32,
    pub(crate) kind: Kind,
    pub(crate) flags: u8,
}

// The layout the module documentation promises.
const _: () = assert!(std::mem::size_of::<Node>() == 24);

/// A parsed document, as the parser (module `parse`) builds it.
#[derive(Debug, Clone)]
pub struct Tree<'a> {
    pub(crate) text: &'a str,
    pub(crate) nodes: Vec<Node>,
    /// Decoded keys written with escapes, by node index, in index order.
    pub(crate) keys: Vec<(u32, Box<str>)>,
    /// Decoded string values written with escapes, by node index, in index order.
    pub(crate) strings: Vec<(u32, Box<str>)>,
}

impl<'a> Tree<'a> {
    /// The top-level value.
    pub fn root(&self) -> Json<'_> {
        Json { tree: self, id: 0 }
    }

    /// The text the tree was parsed from.
    pub fn text(&self) -> &'a str {
        self.text
    }

    #[cold]
    fn decoded(table: &[(u32, Box<str>)], id: u32) -> &str {
        match table.binary_search_by_key(&id, |(i, _)| *i) {
            Ok(at) => &table[at].1,
            Err(_) => "",
        }
    }

    /// The indexes of the children of container `id`.
    fn child_ids(&self, id: u32) -> impl Iterator<Item = u32> + '_ {
        let node = self.nodes[id as usize];
        let container = matches!(node.kind, Kind::Array | Kind::Object);
        let mut child = id + 1;
        std::iter::from_fn(move || {
            if !container || child >= node.next {
                return None;
            }
            let at = child;
            child = self.nodes[at as usize].next;
            Some(at)
        })
    }

    /// Flags the members of object `id` whose key a later member repeats (`SHADOWED`: not
    /// read) and those that repeat an earlier key (`REPEATED`: reported). Says whether any
    /// key is repeated. Linear in the number of members.
    pub(crate) fn mark_repeated_keys(&mut self, id: u32) -> bool {
        // Most objects have a handful of members: those are read into an array on the stack.
        let mut few = [0u32; 16];
        let mut count = 0;
        let mut many = Vec::new();
        for child in self.child_ids(id) {
            if count < few.len() {
                few[count] = child;
            } else {
                if many.is_empty() {
                    many.extend_from_slice(&few);
                }
                many.push(child);
            }
            count += 1;
        }
        let members: &[u32] = if many.is_empty() {
            &few[..count]
        } else {
            &many
        };
        if members.len() < 2 {
            return false;
        }
        // Route objects have a handful of members: comparing each pair costs less than hashing
        // every key, and most objects repeat none. Each key is read once.
        if members.len() <= 16 {
            let mut keys = [""; 16];
            for (key, &member) in keys.iter_mut().zip(members) {
                *key = self.key(member);
            }
            let keys = &keys[..members.len()];
            if keys
                .iter()
                .enumerate()
                .all(|(i, a)| keys[i + 1..].iter().all(|b| a != b))
            {
                return false;
            }
        }
        let mut seen = HashSet::with_capacity(members.len());
        let repeated: Vec<u32> = members
            .iter()
            .copied()
            .filter(|&m| !seen.insert(self.key(m)))
            .collect();
        if repeated.is_empty() {
            return false;
        }
        seen.clear();
        let shadowed: Vec<u32> = members
            .iter()
            .rev()
            .copied()
            .filter(|&m| !seen.insert(self.key(m)))
            .collect();
        for member in repeated {
            self.nodes[member as usize].flags |= REPEATED;
        }
        for member in shadowed {
            self.nodes[member as usize].flags |= SHADOWED;
        }
        true
    }

    /// The pointer and key of every member flagged `REPEATED`, in document order. One walk of
    /// the tree, without recursion.
    pub(crate) fn repeated_keys(&self) -> Vec<(String, String)> {
        enum Token<'k> {
            Root,
            Key(&'k str),
            Index(usize),
        }
        let mut out = Vec::new();
        let mut path = String::new();
        let mut stack = vec![(0u32, 0usize, Token::Root)];
        while let Some((id, base, token)) = stack.pop() {
            path.truncate(base);
            match token {
                Token::Root => {}
                Token::Key(key) => push_token_in_place(&mut path, key),
                Token::Index(i) => path.push_str(&format!("/{i}")),
            }
            let here = path.len();
            let containers =
                |c: &u32| matches!(self.nodes[*c as usize].kind, Kind::Array | Kind::Object);
            let start = stack.len();
            match self.nodes[id as usize].kind {
                Kind::Object => {
                    for child in self.child_ids(id) {
                        if self.nodes[child as usize].flags & REPEATED != 0 {
                            let mut pointer = path.clone();
                            push_token_in_place(&mut pointer, self.key(child));
                            out.push((pointer, self.key(child).to_string()));
                        }
                        if containers(&child) {
                            stack.push((child, here, Token::Key(self.key(child))));
                        }
                    }
                }
                Kind::Array => {
                    for (i, child) in self.child_ids(id).enumerate() {
                        if containers(&child) {
                            stack.push((child, here, Token::Index(i)));
                        }
                    }
                }
                _ => {}
            }
            // Children in document order: the first is popped first.
            stack[start..].reverse();
        }
        out
    }

    /// The key of member `id` (decoded).
    #[inline]
    fn key(&self, id: u32) -> &str {
        let node = &self.nodes[id as usize];
        if node.flags & KEY_ESCAPED != 0 {
            Tree::decoded(&self.keys, id)
        } else {
            self.text
                .get(node.key_start as usize + 1..(node.key_end as usize).saturating_sub(1))
                .unwrap_or_default()
        }
    }
}

/// A value of a [`Tree`]: a cheap handle, read like a `serde_json::Value`.
#[derive(Clone, Copy)]
pub struct Json<'t> {
    tree: &'t Tree<'t>,
    id: u32,
}

impl std::fmt::Debug for Json<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Json({:?})", self.raw())
    }
}

impl PartialEq for Json<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.tree, other.tree) && self.id == other.id
    }
}

impl<'t> Json<'t> {
    fn node(self) -> &'t Node {
        &self.tree.nodes[self.id as usize]
    }

    /// The value's type.
    pub fn kind(self) -> Kind {
        self.node().kind
    }

    /// The value's byte range in the text.
    pub fn span(self) -> (usize, usize) {
        let node = self.node();
        (node.start as usize, node.end as usize)
    }

    /// The byte range of the value's key, quotes included, when it is an object member.
    pub fn key_span(self) -> Option<(usize, usize)> {
        let node = self.node();
        (node.flags & MEMBER != 0).then_some((node.key_start as usize, node.key_end as usize))
    }

    /// The text of the value as written.
    pub fn raw(self) -> &'t str {
        let (start, end) = self.span();
        self.tree.text.get(start..end).unwrap_or_default()
    }

    /// Whether the value is an object.
    pub fn is_object(self) -> bool {
        self.kind() == Kind::Object
    }

    /// Whether the value is an array.
    pub fn is_array(self) -> bool {
        self.kind() == Kind::Array
    }

    /// The string, decoded, when the value is one.
    pub fn as_str(self) -> Option<&'t str> {
        let node = self.node();
        if node.kind != Kind::String {
            return None;
        }
        Some(if node.flags & VALUE_ESCAPED != 0 {
            Tree::decoded(&self.tree.strings, self.id)
        } else {
            let raw = self.raw();
            raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default()
        })
    }

    /// The boolean, when the value is one.
    pub fn as_bool(self) -> Option<bool> {
        (self.kind() == Kind::Bool).then(|| self.raw() == "true")
    }

    /// The number as an `f64`, when the value is one.
    pub fn as_f64(self) -> Option<f64> {
        (self.kind() == Kind::Number)
            .then(|| self.raw().parse::<f64>().ok())
            .flatten()
    }

    /// The member named `key` when the value is an object (the last one, if the key is
    /// written twice).
    pub fn get(self, key: &str) -> Option<Json<'t>> {
        self.members().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The children of a container in order, duplicate keys included.
    fn children(self) -> impl Iterator<Item = Json<'t>> + 't {
        let tree = self.tree;
        tree.child_ids(self.id).map(move |id| Json { tree, id })
    }

    /// The members of an object in order, with their keys; a key written twice appears once,
    /// at its last occurrence. Nothing for other values.
    pub fn members(self) -> impl Iterator<Item = (&'t str, Json<'t>)> + 't {
        let object = self.is_object();
        self.children()
            .filter(move |c| object && c.node().flags & SHADOWED == 0)
            .map(|c| (c.tree.key(c.id), c))
    }

    /// The items of an array in order. Nothing for other values.
    pub fn items(self) -> impl Iterator<Item = Json<'t>> + 't {
        let array = self.is_array();
        self.children().filter(move |_| array)
    }

    /// The value at a JSON pointer (`""` is the value itself), as `serde_json::Value::pointer`
    /// finds it: object members by key (the last of a key written twice), array items by index.
    pub fn pointer(self, pointer: &str) -> Option<Json<'t>> {
        let mut value = self;
        for token in split_pointer(pointer) {
            value = match value.kind() {
                Kind::Array => value.index(token.parse().ok()?)?,
                _ => value.get(&token)?,
            };
        }
        Some(value)
    }

    /// The `i`th item of an array.
    pub fn index(self, i: usize) -> Option<Json<'t>> {
        self.items().nth(i)
    }

    /// The number of members of an object or items of an array; 0 for other values.
    pub fn len(self) -> usize {
        match self.kind() {
            Kind::Object => self.members().count(),
            Kind::Array => self.items().count(),
            _ => 0,
        }
    }

    /// Whether [`Json::len`] is 0.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The value as a `serde_json::Value`.
    pub fn to_value(self) -> Value {
        self.to_value_hollow(None)
    }

    /// The value as a `serde_json::Value`, with the items of the array `hollow` (when it is
    /// inside) replaced by `null`: the document schema checks the route around its elements
    /// without holding them. Recursion is bounded by the parser's nesting limit.
    pub fn to_value_hollow(self, hollow: Option<Json<'t>>) -> Value {
        match self.kind() {
            Kind::Null => Value::Null,
            Kind::Bool => Value::Bool(self.raw() == "true"),
            Kind::Number => number(self.raw()).map_or(Value::Null, Value::Number),
            Kind::String => Value::String(self.as_str().unwrap_or_default().to_string()),
            Kind::Array if hollow == Some(self) => Value::Array(vec![Value::Null; self.len()]),
            Kind::Array => Value::Array(self.items().map(|i| i.to_value_hollow(hollow)).collect()),
            Kind::Object => {
                let mut map = Map::new();
                for (key, value) in self.members() {
                    map.insert(key.to_string(), value.to_value_hollow(hollow));
                }
                Value::Object(map)
            }
        }
    }
}

/// Converts a JSON number literal the way `serde_json` does: integers stay integers,
/// everything else becomes a finite `f64`.
pub(crate) fn number(raw: &str) -> Option<Number> {
    let is_float = raw.contains(['.', 'e', 'E']);
    // serde_json reads `-0` as the float -0.0.
    if !is_float && raw != "-0" {
        if let Ok(i) = raw.parse::<i64>() {
            return Some(i.into());
        }
        if let Ok(u) = raw.parse::<u64>() {
            return Some(u.into());
        }
    }
    raw.parse::<f64>().ok().and_then(Number::from_f64)
}

//! Walks over the graph of named types once every schema is converted: which types are
//! reachable (the rest is not emitted), which are left out for an unsupported construct
//! (those that hold one and, through the graph, those that use them), which aliases contain
//! themselves (they become newtypes) and which fields and variants must be boxed (cycles
//! held by value).

use super::{Exclusion, TypeId, TypeKind, TypeRef, TypeSpace};
use crate::error::{Construct, Error};
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

impl TypeSpace {
    /// Named types an entry refers to, in order.
    fn children(&self, id: TypeId) -> Vec<TypeId> {
        let mut out = Vec::new();
        match &self.entry(id).kind {
            TypeKind::Struct(def) => {
                def.fields.iter().for_each(|f| f.ty.visit_named(&mut out));
                if let Some((_, ty)) = &def.additional {
                    ty.visit_named(&mut out);
                }
            }
            TypeKind::Tagged { variants, .. } => out.extend(variants.iter().map(|v| v.ty)),
            TypeKind::Untagged(variants) => {
                variants.iter().for_each(|v| v.ty.visit_named(&mut out))
            }
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => ty.visit_named(&mut out),
            TypeKind::StringEnum(_) | TypeKind::Pending => {}
        }
        out
    }

    /// The types reachable from `roots` (the components and what [`TypeSpace::add`]
    /// returned, or some of them).
    pub(super) fn reachable_from(
        &self,
        roots: impl IntoIterator<Item = TypeId>,
    ) -> BTreeSet<TypeId> {
        let mut reachable = BTreeSet::new();
        let mut stack: Vec<TypeId> = roots.into_iter().collect();
        while let Some(id) = stack.pop() {
            if reachable.insert(id) {
                stack.extend(self.children(id));
            }
        }
        reachable
    }

    /// Whether decoding a value of `ty` may read one JSON object more than once: whether
    /// `ty` reaches an untagged union (serde tries its variants on the object in turn) or a
    /// struct with `additionalProperties` (its flattened map reads what the fields left).
    /// The generated client tells the runtime, which checks such bodies for repeated keys
    /// before it decodes them without a `serde_json::Value`.
    pub fn rereads_objects(&self, ty: &TypeRef) -> bool {
        let mut roots = Vec::new();
        ty.visit_named(&mut roots);
        self.reachable_from(roots)
            .into_iter()
            .any(|id| match &self.entry(id).kind {
                TypeKind::Untagged(_) => true,
                TypeKind::Struct(def) => def.additional.is_some(),
                _ => false,
            })
    }

    /// Leaves out the types that hold an unsupported construct and every type that uses a
    /// left-out one, each with the first left-out type it was found to use (a walk from
    /// the holders backwards along the edges, in id order, so it is deterministic).
    pub(super) fn exclude(&mut self) {
        let mut users: Vec<Vec<TypeId>> = vec![Vec::new(); self.entries.len()];
        for from in 0..self.entries.len() {
            for to in self.children(TypeId(from)) {
                users[to.0].push(TypeId(from));
            }
        }
        let mut excluded = BTreeMap::new();
        let mut queue = VecDeque::new();
        for (&id, held) in &self.problems {
            let mut held = held.clone();
            Construct::sort(&mut held);
            excluded.insert(id, Exclusion::Holds(held));
            queue.push_back(id);
        }
        while let Some(id) = queue.pop_front() {
            for &user in &users[id.0] {
                if let Entry::Vacant(slot) = excluded.entry(user) {
                    slot.insert(Exclusion::Uses(id));
                    queue.push_back(user);
                }
            }
        }
        self.excluded = excluded;
    }

    /// Aliases that can reach themselves through other aliases (`Tree = Vec<Tree>`, or
    /// `A = Vec<B>`, `B = Vec<A>`) become newtypes, since a Rust type alias cannot be
    /// recursive. A loop made only of references (`A = B`, `B = A`, maybe nullable) names
    /// no value at all and is reported, at its first alias in id order.
    pub(super) fn break_alias_cycles(&mut self) -> Result<(), Error> {
        let alias_of = |id: TypeId| match &self.entry(id).kind {
            TypeKind::Alias(ty) => Some(ty),
            _ => None,
        };
        // Plain references first: a loop of them must not exist.
        let references = |id: TypeId| {
            alias_of(id)
                .and_then(TypeRef::direct_named)
                .into_iter()
                .collect()
        };
        if let Some(id) = self.on_cycles(references).into_iter().next() {
            return Err(Error::invalid(
                "$ref loop with no object or array in between",
                &self.entry(id).pointer,
            ));
        }
        let contents = |id: TypeId| {
            let mut out = Vec::new();
            if let Some(ty) = alias_of(id) {
                ty.visit_named(&mut out);
            }
            // Only a path through aliases makes an alias recursive.
            out.retain(|to| alias_of(*to).is_some());
            out
        };
        for id in self.on_cycles(contents) {
            let entry = &mut self.entries[id.0];
            if let TypeKind::Alias(ty) = &entry.kind {
                entry.kind = TypeKind::Newtype(ty.clone());
            }
        }
        Ok(())
    }

    /// Named types a type holds by value: through fields (maybe optional), enum variants
    /// and aliases, not through collections, which are on the heap already.
    fn by_value(&self, id: TypeId) -> Vec<TypeId> {
        match &self.entry(id).kind {
            TypeKind::Struct(def) => def
                .fields
                .iter()
                .filter_map(|f| f.ty.direct_named())
                .collect(),
            TypeKind::Tagged { variants, .. } => variants.iter().map(|v| v.ty).collect(),
            TypeKind::Untagged(variants) => variants
                .iter()
                .filter_map(|v| v.ty.direct_named())
                .collect(),
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => ty.direct_named().into_iter().collect(),
            TypeKind::StringEnum(_) | TypeKind::Pending => Vec::new(),
        }
    }

    /// Edges `(from, to)` that must be boxed: `from` holds `to` by value (a field, maybe
    /// optional, or an enum variant) and `to` can reach `from` again by value, so the
    /// type would otherwise have infinite size. Every edge of such a cycle is boxed,
    /// which is deterministic and always enough: these are the edges inside one strongly
    /// connected component of the by-value graph, found in one walk of it.
    pub fn boxed_edges(&self) -> BTreeSet<(TypeId, TypeId)> {
        let edges = self.edges(|id| self.by_value(id));
        let component = strong_components(&edges);
        let mut out = BTreeSet::new();
        for (id, _) in self.types() {
            for &to in &edges[id.0] {
                if component[id.0] == component[to.0] {
                    out.insert((id, to));
                }
            }
        }
        out
    }

    /// The types on a cycle of the graph whose edges leave each type towards
    /// `edges(type)` (a type with an edge to itself included), in id order.
    fn on_cycles(&self, edges: impl Fn(TypeId) -> Vec<TypeId>) -> BTreeSet<TypeId> {
        let edges = self.edges(edges);
        let component = strong_components(&edges);
        (0..edges.len())
            .filter(|&id| edges[id].iter().any(|to| component[to.0] == component[id]))
            .map(TypeId)
            .collect()
    }

    /// The edges of every type, indexed by type.
    fn edges(&self, edges: impl Fn(TypeId) -> Vec<TypeId>) -> Vec<Vec<TypeId>> {
        (0..self.entries.len())
            .map(|id| edges(TypeId(id)))
            .collect()
    }
}

/// The strongly connected components of the graph whose edges leave each type `t` towards
/// `edges[t]`: a component number per type, equal for two types exactly when each reaches
/// the other. Tarjan's algorithm with the depth-first path kept in a vector rather than on
/// the call stack, so a ring or chain of any length is walked in time and memory linear in
/// types plus edges.
fn strong_components(edges: &[Vec<TypeId>]) -> Vec<usize> {
    let len = edges.len();
    let mut walk = Walk {
        order: vec![UNSEEN; len],
        low: vec![UNSEEN; len],
        component: vec![UNSEEN; len],
        open: Vec::new(),
        is_open: vec![false; len],
        path: Vec::new(),
        discovered: 0,
        components: 0,
    };
    for root in 0..len {
        if walk.order[root] != UNSEEN {
            continue;
        }
        walk.enter(root);
        while let Some((node, taken)) = walk.path.last_mut() {
            let node = *node;
            if let Some(&TypeId(to)) = edges[node].get(*taken) {
                *taken += 1;
                if walk.order[to] == UNSEEN {
                    walk.enter(to);
                } else if walk.is_open[to] {
                    walk.low[node] = walk.low[node].min(walk.order[to]);
                }
            } else {
                walk.leave(node);
            }
        }
    }
    walk.component
}

/// Not discovered yet, or no component yet.
const UNSEEN: usize = usize::MAX;

/// The state of [`strong_components`], indexed by type.
struct Walk {
    /// Order of discovery.
    order: Vec<usize>,
    /// The lowest discovery order reachable from the type's subtree through open types.
    low: Vec<usize>,
    /// The component of each type, once its component is complete.
    component: Vec<usize>,
    /// Discovered types not given a component yet, and whether each type is there.
    open: Vec<usize>,
    is_open: Vec<bool>,
    /// The depth-first path: each type with how many of its edges were taken.
    path: Vec<(usize, usize)>,
    discovered: usize,
    components: usize,
}

impl Walk {
    /// Discovers `node` at the end of the path.
    fn enter(&mut self, node: usize) {
        self.order[node] = self.discovered;
        self.low[node] = self.discovered;
        self.discovered += 1;
        self.open.push(node);
        self.is_open[node] = true;
        self.path.push((node, 0));
    }

    /// Leaves `node`, every edge of it taken: its parent reaches what it reaches, and if
    /// it reaches nothing discovered before it, it and the open types after it are one
    /// component.
    fn leave(&mut self, node: usize) {
        self.path.pop();
        if let Some(&(parent, _)) = self.path.last() {
            self.low[parent] = self.low[parent].min(self.low[node]);
        }
        if self.low[node] == self.order[node] {
            while let Some(member) = self.open.pop() {
                self.is_open[member] = false;
                self.component[member] = self.components;
                if member == node {
                    break;
                }
            }
            self.components += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{named, names, space};
    use super::*;
    use serde_json::json;

    #[test]
    fn self_containing_aliases_become_newtypes_and_ref_loops_are_errors() {
        let trees = space(json!({"schemas": {
            "Tree": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
            "Plain": {"type": "array", "items": {"type": "string"}}
        }}))
        .expect("converts");
        assert!(matches!(named(&trees, "Tree").1.kind, TypeKind::Newtype(_)));
        assert!(matches!(named(&trees, "Plain").1.kind, TypeKind::Alias(_)));

        let err = space(json!({"schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"$ref": "#/components/schemas/A"}
        }}))
        .err()
        .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("invalid: $ref loop with no object or array in between at #/components/schemas/A")
        );
    }

    #[test]
    fn only_edges_of_by_value_cycles_are_boxed() {
        let space = space(json!({"schemas": {
            "Node": {"type": "object", "properties": {
                "next": {"$ref": "#/components/schemas/Node"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                "pair": {"$ref": "#/components/schemas/Pair"},
                "leaf": {"$ref": "#/components/schemas/Leaf"}
            }},
            "Pair": {"type": "object", "properties": {"node": {"$ref": "#/components/schemas/Node"}}},
            "Leaf": {"type": "object", "properties": {"id": {"type": "string"}}}
        }}))
        .expect("converts");
        let id = |name| named(&space, name).0;
        let (node, pair) = (id("Node"), id("Pair"));
        assert_eq!(
            space.boxed_edges(),
            BTreeSet::from([(node, node), (node, pair), (pair, node)])
        );
    }

    /// `n` components `S0` .. `S{n-1}`, each made by `schema` from the `$ref` of the one
    /// `next` names.
    fn linked(
        n: usize,
        next: impl Fn(usize) -> usize,
        schema: impl Fn(serde_json::Value) -> serde_json::Value,
    ) -> serde_json::Value {
        let schemas: serde_json::Map<String, serde_json::Value> = (0..n)
            .map(|i| {
                let next = json!({"$ref": format!("#/components/schemas/S{}", next(i))});
                (format!("S{i}"), schema(next))
            })
            .collect();
        json!({ "schemas": schemas })
    }

    /// `n` components in one ring: `S{n-1}` refers back to `S0`.
    fn ring(
        n: usize,
        schema: impl Fn(serde_json::Value) -> serde_json::Value,
    ) -> serde_json::Value {
        linked(n, |i| (i + 1) % n, schema)
    }

    /// Long enough that a recursive walk would overflow a test thread's stack. That the walks
    /// are linear is measured by `cargo bench -p dynroute-codegen --bench ring`, not here.
    const LONG: usize = 20_000;

    #[test]
    fn a_long_ring_of_structs_is_boxed() {
        let objects = ring(
            LONG,
            |next| json!({"type": "object", "properties": {"next": next}}),
        );
        let boxed = space(objects).map(|space| space.boxed_edges().len());
        assert_eq!(boxed.ok(), Some(LONG));
    }

    #[test]
    fn a_long_ring_of_arrays_becomes_newtypes() {
        let arrays = ring(LONG, |next| json!({"type": "array", "items": next}));
        let newtypes = space(arrays).map(|space| {
            let newtypes = space
                .types()
                .filter(|(_, e)| matches!(e.kind, TypeKind::Newtype(_)));
            newtypes.count()
        });
        assert_eq!(newtypes.ok(), Some(LONG));
    }

    #[test]
    fn a_long_chain_of_references_into_a_loop_is_an_error() {
        // `S0` -> `S1` -> ... -> `S{n-1}` -> `S{n-2}`: the loop is at the far end.
        let references = linked(
            LONG,
            |i| if i + 1 < LONG { i + 1 } else { LONG - 2 },
            |next| next,
        );
        let err = space(references).err().map(|e| e.to_string());
        assert_eq!(
            err,
            Some(format!(
                "invalid: $ref loop with no object or array in between at #/components/schemas/S{}",
                LONG - 2
            ))
        );
    }

    #[test]
    fn boxed_edges_and_newtypes_are_exactly_the_cycles() {
        // Small pseudo-random graphs of structs (fields by value or in arrays) and array
        // aliases, checked against the definitions by brute force.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |bound: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % bound
        };
        for _ in 0..200 {
            let n = 1 + next(8);
            let target = |to: u64| json!({"$ref": format!("#/components/schemas/S{to}")});
            let schemas: serde_json::Map<String, serde_json::Value> = (0..n)
                .map(|i| {
                    let schema = if next(3) == 0 {
                        json!({"type": "array", "items": target(next(n))})
                    } else {
                        let fields: serde_json::Map<String, serde_json::Value> = (0..next(4))
                            .map(|f| {
                                let to = target(next(n));
                                let ty = if next(2) == 0 {
                                    to
                                } else {
                                    json!({"type": "array", "items": to})
                                };
                                (format!("f{f}"), ty)
                            })
                            .collect();
                        json!({"type": "object", "properties": fields})
                    };
                    (format!("S{i}"), schema)
                })
                .collect();
            let space = space(json!({ "schemas": schemas })).expect("converts");
            let reaches = |from: TypeId, target: TypeId, edges: &dyn Fn(TypeId) -> Vec<TypeId>| {
                let mut seen = BTreeSet::new();
                let mut stack = edges(from);
                while let Some(id) = stack.pop() {
                    if id == target {
                        return true;
                    }
                    if seen.insert(id) {
                        stack.extend(edges(id));
                    }
                }
                false
            };
            let by_value = |id| space.by_value(id);
            let expected: BTreeSet<(TypeId, TypeId)> = space
                .types()
                .flat_map(|(id, _)| space.by_value(id).into_iter().map(move |to| (id, to)))
                .filter(|(id, to)| to == id || reaches(*to, *id, &by_value))
                .collect();
            assert_eq!(space.boxed_edges(), expected, "{schemas:?}");
            // An array alias is a newtype exactly when it reaches itself through aliases.
            let wrapper = |id: TypeId| match &space.entry(id).kind {
                TypeKind::Alias(ty) | TypeKind::Newtype(ty) => {
                    let mut out = Vec::new();
                    ty.visit_named(&mut out);
                    out.retain(|to| !matches!(space.entry(*to).kind, TypeKind::Struct(_)));
                    out
                }
                _ => Vec::new(),
            };
            for (id, entry) in space.types() {
                let recursive =
                    !matches!(entry.kind, TypeKind::Struct(_)) && reaches(id, id, &wrapper);
                assert_eq!(
                    matches!(entry.kind, TypeKind::Newtype(_)),
                    recursive,
                    "{schemas:?}"
                );
            }
        }
    }

    #[test]
    fn types_that_reach_an_untagged_union_or_flattened_properties_reread_objects() {
        let space = space(json!({"schemas": {
            "Plain": {"type": "object", "properties": {
                "inner": {"type": "object", "properties": {"n": {"type": "integer"}}},
                "list": {"type": "array", "items": {"$ref": "#/components/schemas/Tags"}},
                "any": {},
                "counts": {"type": "object", "additionalProperties": {"type": "integer"}}
            }},
            "Tags": {"type": "string", "enum": ["a", "b"]},
            "Either": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            "Holder": {"type": "object", "properties": {
                "deep": {"type": "array", "items": {"type": "array", "items":
                    {"$ref": "#/components/schemas/Either"}}}
            }},
            "Open": {"type": "object", "properties": {"a": {"type": "string"}},
                     "additionalProperties": {"type": "integer"}},
            "UsesOpen": {"type": "object", "properties": {
                "open": {"$ref": "#/components/schemas/Open"}
            }},
            "Eithers": {"type": "array", "items": {"$ref": "#/components/schemas/Either"}},
            "Kind": {"oneOf": [
                {"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}
            ], "discriminator": {"propertyName": "kind"}},
            "Cat": {"type": "object", "required": ["kind"], "properties": {
                "kind": {"type": "string", "enum": ["Cat"]}
            }},
            "Dog": {"type": "object", "required": ["kind"], "properties": {
                "kind": {"type": "string", "enum": ["Dog"]},
                "open": {"$ref": "#/components/schemas/Open"}
            }}
        }}))
        .expect("converts");
        assert!(matches!(
            named(&space, "Kind").1.kind,
            TypeKind::Tagged { .. }
        ));
        let rereads = |name: &str| space.rereads_objects(&TypeRef::Named(named(&space, name).0));
        assert!(
            !rereads("Plain"),
            "fields, enums, `Value`s and plain maps read once"
        );
        assert!(
            rereads("Either") && rereads("Holder"),
            "an untagged union, and through arrays"
        );
        assert!(
            rereads("Open") && rereads("UsesOpen"),
            "flattened additional properties"
        );
        assert!(rereads("Eithers"), "through an alias");
        assert!(
            !rereads("Cat") && rereads("Kind"),
            "through a tagged union's variant"
        );
        let list_of_either = TypeRef::Vec(Box::new(TypeRef::Named(named(&space, "Either").0)));
        assert!(space.rereads_objects(&list_of_either));
        assert!(!space.rereads_objects(&TypeRef::Any));
    }

    #[test]
    fn only_types_reachable_from_the_roots_are_emitted() {
        let mut space = space(json!({"schemas": {
            "A": {"type": "object", "properties": {
                "inner": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}}
            }},
            "B": {"type": "array", "items": {"$ref": "#/components/schemas/C"}},
            "C": {"type": "string", "enum": ["c"]},
            "D": {"type": "object", "properties": {"x": {"type": "string"}}}
        }}))
        .expect("converts");
        assert_eq!(names(&space), ["A", "B", "C", "D", "AInner"]);
        // Through fields, aliases and collections, not to unrelated types.
        space.roots = BTreeSet::from([named(&space, "A").0]);
        space.emitted = Some(space.reachable_from(space.roots.clone()));
        assert_eq!(names(&space), ["A", "B", "C", "AInner"]);
    }
}

//! Walks over the graph of named types once every schema is converted: which types are
//! reachable (the rest is not emitted), which aliases contain themselves (they become
//! newtypes) and which fields and variants must be boxed (cycles held by value).

use super::{TypeId, TypeKind, TypeSpace};
use crate::error::Error;
use std::collections::BTreeSet;

impl TypeSpace {
    /// Named types an entry refers to, in order.
    fn children(&self, id: TypeId) -> Vec<TypeId> {
        let mut out = Vec::new();
        match &self.entry(id).kind {
            TypeKind::Struct(def) => def.fields.iter().for_each(|f| f.ty.visit_named(&mut out)),
            TypeKind::Tagged { variants, .. } => out.extend(variants.iter().map(|v| v.ty)),
            TypeKind::Untagged(variants) => {
                variants.iter().for_each(|v| v.ty.visit_named(&mut out))
            }
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => ty.visit_named(&mut out),
            TypeKind::StringEnum(_) | TypeKind::Pending => {}
        }
        out
    }

    /// The types reachable from the roots (components and what [`TypeSpace::add`]
    /// returned).
    pub(super) fn reachable(&self) -> BTreeSet<TypeId> {
        let mut reachable = BTreeSet::new();
        let mut stack: Vec<TypeId> = self.roots.iter().copied().collect();
        while let Some(id) = stack.pop() {
            if reachable.insert(id) {
                stack.extend(self.children(id));
            }
        }
        reachable
    }

    /// Aliases that can reach themselves through other aliases (`Tree = Vec<Tree>`, or
    /// `A = Vec<B>`, `B = Vec<A>`) become newtypes, since a Rust type alias cannot be
    /// recursive. A loop made only of references (`A = B`, `B = A`, maybe nullable) names
    /// no value at all and is reported.
    pub(super) fn break_alias_cycles(&mut self) -> Result<(), Error> {
        let alias_of = |space: &Self, id: TypeId| match &space.entry(id).kind {
            TypeKind::Alias(ty) => Some(ty.clone()),
            _ => None,
        };
        let mut cyclic = Vec::new();
        for index in 0..self.entries.len() {
            let id = TypeId(index);
            let Some(ty) = alias_of(self, id) else {
                continue;
            };
            // Plain references first: following them must end somewhere else.
            let mut seen = BTreeSet::new();
            let mut next = ty.direct_named();
            while let Some(current) = next {
                if current == id {
                    return Err(Error::invalid(
                        "$ref loop with no object or array in between",
                        &self.entry(id).pointer,
                    ));
                }
                if !seen.insert(current) {
                    break;
                }
                next = alias_of(self, current).and_then(|t| t.direct_named());
            }
            let mut seen = BTreeSet::new();
            let mut stack = Vec::new();
            ty.visit_named(&mut stack);
            while let Some(current) = stack.pop() {
                if current == id {
                    cyclic.push(id);
                    break;
                }
                if seen.insert(current)
                    && let Some(inner) = alias_of(self, current)
                {
                    inner.visit_named(&mut stack);
                }
            }
        }
        for id in cyclic {
            let entry = &mut self.entries[id.0];
            if let TypeKind::Alias(ty) = &entry.kind {
                entry.kind = TypeKind::Newtype(ty.clone());
            }
        }
        Ok(())
    }

    /// Edges `(from, to)` that must be boxed: `from` holds `to` by value (a field, maybe
    /// optional, or an enum variant) and `to` can reach `from` again by value, so the
    /// type would otherwise have infinite size. Every edge of such a cycle is boxed,
    /// which is deterministic and always enough.
    pub fn boxed_edges(&self) -> BTreeSet<(TypeId, TypeId)> {
        let direct = |id: TypeId| -> Vec<TypeId> {
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
                TypeKind::Alias(ty) | TypeKind::Newtype(ty) => {
                    ty.direct_named().into_iter().collect()
                }
                TypeKind::StringEnum(_) | TypeKind::Pending => Vec::new(),
            }
        };
        let reaches = |from: TypeId, target: TypeId| -> bool {
            let mut seen = BTreeSet::new();
            let mut stack = vec![from];
            while let Some(id) = stack.pop() {
                if id == target {
                    return true;
                }
                if seen.insert(id) {
                    stack.extend(direct(id));
                }
            }
            false
        };
        let mut out = BTreeSet::new();
        for (id, _) in self.types() {
            for to in direct(id) {
                if reaches(to, id) {
                    out.insert((id, to));
                }
            }
        }
        out
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
        space.emitted = Some(space.reachable());
        assert_eq!(names(&space), ["A", "B", "C", "AInner"]);
    }
}

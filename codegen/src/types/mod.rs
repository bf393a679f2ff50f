//! The type space: every schema of the spec turned into a small IR of named Rust types,
//! each named once.
//!
//! Order of work (so that output is deterministic and `$ref` cycles work):
//! 1. every `#/components/schemas/*` gets an id and a name up front, so forward and
//!    recursive references resolve;
//! 2. components are converted in spec order; inline schemas met on the way are named
//!    from their context (`{Parent}{Property}`, array items after the singular of the
//!    property: `elements` -> `Element`) and deduplicated by structure, so the same inline
//!    schema repeated eleven times becomes one type;
//! 3. [`TypeSpace::finalize`] turns aliases that refer to themselves into newtypes,
//!    removes discriminator properties from the variant structs of internally tagged
//!    enums (serde writes the tag itself) and drops types nothing refers to;
//! 4. emitters read the entries; cycles are boxed at emission time ([`TypeSpace::boxed_edges`]).
//!
//! An unsupported construct does not stop the conversion: it is recorded as a construct the
//! type being converted holds (the innermost named type whose schema contains it), the type
//! gets a placeholder and the work goes on, so that every construct is found in one run
//! ([`TypeSpace::unsupported`]). [`TypeSpace::finalize`] leaves out those types and every
//! type that uses one of them ([`TypeSpace::excluded`]); the generator either reports the
//! constructs or, told to skip them, emits the rest. An inline schema repeated verbatim is
//! one type, so its constructs are recorded again at each place it is repeated. Errors in
//! the spec itself ([`Error::Invalid`]) still stop the conversion.
//!
//! The work is split by job: `ir` holds the data (ids, [`TypeRef`], [`TypeEntry`], ...);
//! `convert` decides what a schema becomes and converts it; `merge` merges the properties
//! of `allOf` parts; `unions` classifies `oneOf`/`anyOf` (internally tagged by a
//! discriminator or a pinned property, or untagged); `dedup` gives the structural key that
//! makes identical inline schemas one type; `graph` walks the finished types (alias cycles,
//! reachability, the edges to box). `$ref`s are followed by [`crate::resolve`] and every
//! name comes from [`crate::names`].

mod convert;
mod dedup;
mod graph;
mod ir;
mod merge;
mod unions;

pub use ir::{
    EnumValue, Field, StructDef, TaggedVariant, TypeEntry, TypeId, TypeKind, TypeRef,
    UntaggedVariant,
};

use crate::error::{Construct, Error};
use crate::names::{self, Unique};
use crate::pointer::Pointer;
use crate::resolve;
use openapiv3::{Components, ReferenceOr, Schema};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Why a type is left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exclusion {
    /// Its schema holds these unsupported constructs (sorted).
    Holds(Vec<Construct>),
    /// It uses this type, which is left out.
    Uses(TypeId),
}

/// Names to try for an inline type, best first; the first is made unique if all are taken.
#[derive(Debug, Clone)]
struct Hint {
    candidates: Vec<String>,
}

impl Hint {
    fn one(name: String) -> Self {
        Hint {
            candidates: vec![name],
        }
    }

    /// The same hint with every candidate passed through `rename`.
    fn map(&self, rename: impl Fn(&str) -> String) -> Self {
        Hint {
            candidates: self.candidates.iter().map(|c| rename(c)).collect(),
        }
    }

    fn best(&self) -> &str {
        self.candidates
            .first()
            .map(String::as_str)
            .unwrap_or("Type")
    }
}

/// The type space of one spec.
#[derive(Debug, Clone)]
pub struct TypeSpace {
    /// `#/components` of the spec, where `$ref`s point. The id of a component schema is
    /// its index in `components.schemas`.
    components: Components,
    entries: Vec<TypeEntry>,
    /// Inline and component schemas by their structural key (see `dedup`).
    by_shape: HashMap<String, TypeId>,
    names: Unique,
    /// Components and the types [`TypeSpace::add`] returned: what is emitted, with
    /// everything they refer to.
    roots: BTreeSet<TypeId>,
    /// The types to emit, once [`TypeSpace::finalize`] has run.
    emitted: Option<BTreeSet<TypeId>>,
    /// The unsupported constructs each type holds itself.
    problems: BTreeMap<TypeId, Vec<Construct>>,
    /// The types being converted, innermost last: the owner of a construct met now.
    owners: Vec<TypeId>,
    /// The types left out and why, once [`TypeSpace::finalize`] has run.
    excluded: BTreeMap<TypeId, Exclusion>,
}

impl TypeSpace {
    /// A type space holding every component schema of `spec`, converted.
    pub fn new(spec: &openapiv3::OpenAPI) -> Result<Self, Error> {
        let mut space = TypeSpace::empty(spec.components.clone().unwrap_or_default());
        // Ids first, so that forward and recursive references resolve.
        let keys: Vec<String> = space.components.schemas.keys().cloned().collect();
        for key in &keys {
            let pointer = Pointer::root()
                .push("components")
                .push("schemas")
                .push(key.clone());
            let name = space.names.claim(&names::type_name(key));
            let id = space.push(TypeEntry {
                name,
                doc: None,
                pointer,
                kind: TypeKind::Pending,
            });
            space.roots.insert(id);
        }
        for (index, key) in keys.iter().enumerate() {
            let id = TypeId(index);
            let Some(schema) = space.components.schemas.get(key).cloned() else {
                continue;
            };
            let pointer = space.entries[index].pointer.clone();
            space.convert_component(id, &schema, &pointer)?;
        }
        Ok(space)
    }

    /// Every unsupported construct the schemas hold, sorted by pointer.
    pub fn unsupported(&self) -> Vec<Construct> {
        let mut all: Vec<Construct> = self.problems.values().flatten().cloned().collect();
        Construct::sort(&mut all);
        all
    }

    /// Whether [`TypeSpace::finalize`] left the type out.
    pub fn is_excluded(&self, id: TypeId) -> bool {
        self.excluded.contains_key(&id)
    }

    /// The types left out that would otherwise be emitted, in id order, with why.
    pub fn excluded(&self) -> Vec<(TypeId, &TypeEntry, &Exclusion)> {
        let complete = self.reachable_from(self.roots.iter().copied());
        self.excluded
            .iter()
            .filter(|(id, _)| complete.contains(id))
            .map(|(id, why)| (*id, self.entry(*id), why))
            .collect()
    }

    /// The construct a left-out type is left out for: its own first one, or that of the
    /// type it uses, followed to a type that holds one.
    pub fn cause(&self, id: TypeId) -> Option<&Construct> {
        let mut at = id;
        // Each step moves to a type excluded earlier, so the walk ends.
        for _ in 0..=self.excluded.len() {
            match self.excluded.get(&at)? {
                Exclusion::Holds(constructs) => return constructs.first(),
                Exclusion::Uses(next) => at = *next,
            }
        }
        None
    }

    /// Adds a schema met outside `#/components/schemas` (a request body, a response, a
    /// parameter) and returns the type to use for it. Inline object, enum and union
    /// schemas become named types called after `name_hint` (made unique); identical
    /// schemas share one type.
    pub fn add(
        &mut self,
        schema: &ReferenceOr<Schema>,
        name_hint: &str,
        pointer: &Pointer,
    ) -> Result<TypeRef, Error> {
        self.emitted = None;
        let hint = Hint::one(names::type_name(name_hint));
        let ty = self.convert_ref(schema, &hint, pointer)?;
        let mut named = Vec::new();
        ty.visit_named(&mut named);
        self.roots.extend(named);
        Ok(ty)
    }

    /// The entry of a type id.
    ///
    /// Ids only come from this space, so they are always in range.
    pub fn entry(&self, id: TypeId) -> &TypeEntry {
        &self.entries[id.0]
    }

    /// Every type to emit, in id order (components in spec order, then inline types in
    /// the order they were met). Before [`TypeSpace::finalize`] this is every type.
    pub fn types(&self) -> impl Iterator<Item = (TypeId, &TypeEntry)> {
        self.entries
            .iter()
            .enumerate()
            .map(|(i, e)| (TypeId(i), e))
            .filter(|(id, _)| self.emitted.as_ref().is_none_or(|set| set.contains(id)))
    }

    /// Completes the space once every schema has been added: turns self-referring aliases
    /// into newtypes, strips the tag property from tagged-union variant structs, leaves out
    /// the types that hold or use an unsupported construct and keeps only types reachable
    /// from the components and from the results of [`TypeSpace::add`].
    pub fn finalize(&mut self) -> Result<(), Error> {
        self.break_alias_cycles()?;
        self.strip_tags();
        self.exclude();
        let roots: Vec<TypeId> = self
            .roots
            .iter()
            .copied()
            .filter(|id| !self.is_excluded(*id))
            .collect();
        self.emitted = Some(self.reachable_from(roots));
        Ok(())
    }

    /// A space with no types, whose `$ref`s point into `components`.
    fn empty(components: Components) -> Self {
        TypeSpace {
            components,
            entries: Vec::new(),
            by_shape: HashMap::new(),
            names: Unique::new(),
            roots: BTreeSet::new(),
            emitted: None,
            problems: BTreeMap::new(),
            owners: Vec::new(),
            excluded: BTreeMap::new(),
        }
    }

    /// `result`, or `None` with its unsupported constructs recorded as held by the type
    /// being converted (the innermost); any other error is returned, and so are
    /// unsupported constructs met outside every type.
    fn note<T>(&mut self, result: Result<T, Error>) -> Result<Option<T>, Error> {
        let constructs = match result {
            Ok(value) => return Ok(Some(value)),
            Err(error) => error.into_constructs()?,
        };
        let Some(&owner) = self.owners.last() else {
            return Err(Error::Unsupported { constructs });
        };
        self.problems.entry(owner).or_default().extend(constructs);
        Ok(None)
    }

    /// Records `constructs` as held by the type being converted.
    fn note_all(&mut self, constructs: Vec<Construct>) -> Result<(), Error> {
        if constructs.is_empty() {
            return Ok(());
        }
        self.note::<()>(Err(Error::Unsupported { constructs }))
            .map(|_| ())
    }

    /// `work` as the conversion of `id`: the unsupported constructs met in it (outside the
    /// named types it makes) are `id`'s, and it gives `None`.
    fn converting<T>(
        &mut self,
        id: TypeId,
        work: impl FnOnce(&mut Self) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        self.owners.push(id);
        let result = work(self);
        let noted = self.note(result);
        self.owners.pop();
        noted
    }

    /// `id`, met again at `at` as a verbatim copy of its schema: the constructs it holds
    /// under its first place are recorded at `at` too, where they also are.
    fn met_again(&mut self, id: TypeId, at: &Pointer) {
        let first = &self.entries[id.0].pointer;
        let Some(held) = self.problems.get(&id) else {
            return;
        };
        let copies: Vec<Construct> = held
            .iter()
            .filter_map(|c| {
                let moved = c.pointer.rebase(first, at)?;
                (moved != c.pointer).then(|| Construct::new(c.what.clone(), &moved))
            })
            .collect();
        if let Some(held) = self.problems.get_mut(&id) {
            for copy in copies {
                if !held.contains(&copy) {
                    held.push(copy);
                }
            }
        }
    }

    fn push(&mut self, entry: TypeEntry) -> TypeId {
        self.entries.push(entry);
        TypeId(self.entries.len() - 1)
    }

    fn claim_name(&mut self, hint: &Hint) -> String {
        for candidate in &hint.candidates {
            if !self.names.is_taken(candidate) {
                return self.names.claim(candidate);
            }
        }
        let best = hint.best().to_string();
        self.names.claim(&best)
    }

    /// The schema itself, or the component schema its `$ref`s end at; errors at `at`.
    fn resolve<'a>(
        &'a self,
        schema: &'a ReferenceOr<Schema>,
        at: &Pointer,
    ) -> Result<&'a Schema, Error> {
        resolve::resolve(Some(&self.components), schema, at).map(|(schema, _)| schema)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec with these `components` (JSON) and no paths.
    pub(super) fn spec(components: serde_json::Value) -> openapiv3::OpenAPI {
        serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": components
        }))
        .expect("test spec parses")
    }

    /// The type space of a spec with these `components`, finalized.
    pub(super) fn space(components: serde_json::Value) -> Result<TypeSpace, Error> {
        let mut space = TypeSpace::new(&spec(components))?;
        space.finalize()?;
        let unsupported = space.unsupported();
        if !unsupported.is_empty() {
            return Err(Error::unsupported_all(unsupported));
        }
        Ok(space)
    }

    /// A space holding these `components` with nothing converted, to try one step alone.
    pub(super) fn unconverted(components: serde_json::Value) -> TypeSpace {
        TypeSpace::empty(spec(components).components.unwrap_or_default())
    }

    /// The emitted type called `name`.
    pub(super) fn named<'a>(space: &'a TypeSpace, name: &str) -> (TypeId, &'a TypeEntry) {
        space
            .types()
            .find(|(_, entry)| entry.name == name)
            .unwrap_or_else(|| panic!("no type {name}"))
    }

    /// The names of the emitted types, in order.
    pub(super) fn names(space: &TypeSpace) -> Vec<&str> {
        space
            .types()
            .map(|(_, entry)| entry.name.as_str())
            .collect()
    }
}

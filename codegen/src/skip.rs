//! Partial generation ([`crate::Settings::skip_unsupported`]): which operations and types are
//! left out for the unsupported constructs they need, and why.
//!
//! A type is left out when its schema holds an unsupported construct or when it uses a
//! type that is left out (a field, a variant, an alias, an item); an operation when it
//! holds one itself (an object header parameter, a body in a media range, ...) or when a type in its signature
//! (parameters, body, returned type, page items) is left out; a `$ref` path item with all
//! its operations. Everything else is generated as it would be without them: names are
//! decided before anything is left out, so a later generation that supports the construct
//! renames nothing.

use crate::error::{Construct, Position};
use crate::operations::{ClientIr, Operation};
use crate::pointer::Pointer;
use crate::types::{Exclusion, TypeId, TypeRef, TypeSpace};
use std::fmt;

/// What kind of item was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A model type.
    Type,
    /// An operation of the client.
    Operation,
    /// A path item, with every operation under it.
    PathItem,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Type => "type",
            Kind::Operation => "operation",
            Kind::PathItem => "path item",
        })
    }
}

/// Why an item was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// It holds these unsupported constructs (sorted).
    Holds(Vec<Construct>),
    /// It uses the type `name`, which is left out for `construct` (its own, or that of a
    /// type it uses in turn).
    Uses {
        /// The Rust name of the left-out type.
        name: String,
        /// The construct that type is left out for.
        construct: Construct,
    },
}

/// One item left out of a partial generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// A type, an operation or a path item.
    pub kind: Kind,
    /// The Rust name of a type, the operationId (or `{method} {path}`) of an operation, the
    /// path template of a path item.
    pub name: String,
    /// Where the item is in the spec.
    pub pointer: Pointer,
    /// Why it was left out.
    pub reason: Reason,
}

impl Skipped {
    /// The report with each of its pointers passed through `map` (see
    /// [`Error::relocated`](crate::error::Error::relocated)).
    pub(crate) fn relocate(&mut self, map: &impl Fn(&Pointer) -> Pointer) {
        self.pointer = map(&self.pointer);
        match &mut self.reason {
            Reason::Holds(constructs) => {
                for c in constructs.iter_mut() {
                    c.pointer = map(&c.pointer);
                }
            }
            Reason::Uses { construct, .. } => construct.pointer = map(&construct.pointer),
        }
    }

    /// Every construct the report names, to give it a position.
    pub(crate) fn constructs_mut(&mut self) -> Vec<(&Pointer, &mut Option<Position>)> {
        match &mut self.reason {
            Reason::Holds(constructs) => constructs
                .iter_mut()
                .map(|c| (&c.pointer, &mut c.position))
                .collect(),
            Reason::Uses { construct, .. } => vec![(&construct.pointer, &mut construct.position)],
        }
    }
}

/// `left out operation `getThing` at #/paths/~1things/get: object header parameter at ...`; for an
/// item left out through a type it uses: `... uses type `Pet`, left out for `not` schema at
/// ...`. One line.
impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "left out {} `{}` at {}: ",
            self.kind, self.name, self.pointer
        )?;
        match &self.reason {
            Reason::Holds(constructs) => {
                for (index, construct) in constructs.iter().enumerate() {
                    let sep = if index == 0 { "" } else { "; " };
                    write!(f, "{sep}{construct}")?;
                }
                Ok(())
            }
            Reason::Uses { name, construct } => {
                write!(f, "uses type `{name}`, left out for {construct}")
            }
        }
    }
}

/// Leaves the refused operations and those that use a left-out type out of `client` and
/// lists every item left out (types the models would otherwise hold, operations, path
/// items), sorted by pointer.
pub(crate) fn leave_out(client: &mut ClientIr, space: &TypeSpace) -> Vec<Skipped> {
    let mut skipped = Vec::new();
    for (id, entry, why) in space.excluded() {
        let reason = match why {
            Exclusion::Holds(constructs) => Reason::Holds(constructs.clone()),
            Exclusion::Uses(used) => uses(space, *used),
        };
        skipped.push(Skipped {
            kind: Kind::Type,
            name: entry.name.clone(),
            pointer: space.entry(id).pointer.clone(),
            reason,
        });
    }
    for refused in &client.refused {
        let mut constructs = refused.constructs.clone();
        Construct::sort(&mut constructs);
        skipped.push(Skipped {
            kind: refused.kind,
            name: refused.name.clone(),
            pointer: refused.pointer.clone(),
            reason: Reason::Holds(constructs),
        });
    }
    client.operations.retain(|operation| {
        match signature(operation)
            .into_iter()
            .find(|id| space.is_excluded(*id))
        {
            None => true,
            Some(used) => {
                skipped.push(Skipped {
                    kind: Kind::Operation,
                    name: operation.operation_id.clone(),
                    pointer: operation.pointer.clone(),
                    reason: uses(space, used),
                });
                false
            }
        }
    });
    skipped.sort_by(|a, b| {
        a.pointer
            .natural_cmp(&b.pointer)
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.name.cmp(&b.name))
    });
    skipped
}

/// The reason of an item that uses the left-out type `used`.
fn uses(space: &TypeSpace, used: TypeId) -> Reason {
    Reason::Uses {
        name: space.entry(used).name.clone(),
        construct: space.cause(used).cloned().unwrap_or_else(|| {
            Construct::new("an unsupported construct", &space.entry(used).pointer)
        }),
    }
}

/// The named types in the signature of an operation, in order: path, query, header and
/// cookie parameters, body, returned type, page items.
fn signature(operation: &Operation) -> Vec<TypeId> {
    let mut types: Vec<&TypeRef> = Vec::new();
    types.extend(operation.path_params.iter().map(|p| &p.ty));
    types.extend(operation.query_params.iter().map(|p| &p.ty));
    types.extend(operation.header_params.iter().map(|p| &p.ty));
    types.extend(operation.cookie_params.iter().map(|p| &p.ty));
    types.extend(operation.body.as_ref().and_then(|b| b.ty()));
    types.extend(operation.returns.ty());
    types.extend(operation.pagination.iter().map(|p| &p.item_ty));
    let mut ids = Vec::new();
    for ty in types {
        ty.visit_named(&mut ids);
    }
    ids
}

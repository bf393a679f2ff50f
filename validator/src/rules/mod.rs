//! The checks behind the graph rules and warnings, run in registry order over one
//! [`Context`]. Which check implements which rule is declared in [`crate::registry`]; [`run`]
//! is expanded from those declarations.

pub mod conditions;
pub mod graph;
pub mod percentage;
pub mod suspicious;

use std::cell::OnceCell;

use crate::diagnostic::Finding;
use crate::fields::KnownFields;
use crate::route::Route;
use crate::tree::Json;

/// What the checks read: the route document, the graph of its elements and the property names
/// the schema declares. Every check has the signature `fn(&Context, &mut Vec<Finding>)`.
pub struct Context<'a> {
    /// The route object and its pointer when the file is a route document (not a bare array
    /// of elements or an API response, whose top-level keys are not the route's).
    pub document: Option<(Json<'a>, &'a str)>,
    /// The graph, when the file has an elements array; checks that read it find nothing
    /// without one.
    pub graph: Option<Route<'a>>,
    /// The property names the route schema declares.
    pub fields: &'a KnownFields,
    reachable: OnceCell<Vec<bool>>,
    conditionals: OnceCell<Vec<conditions::Conditional>>,
}

impl<'a> Context<'a> {
    /// A context over a document and the graph of its elements.
    pub fn new(
        document: Option<(Json<'a>, &'a str)>,
        graph: Option<Route<'a>>,
        fields: &'a KnownFields,
    ) -> Self {
        Context {
            document,
            graph,
            fields,
            reachable: OnceCell::new(),
            conditionals: OnceCell::new(),
        }
    }

    /// Which elements of the graph are reachable from its (first) start element, computed
    /// once for the checks that need it. Without a start, every element counts as reachable.
    pub fn reachable(&self) -> &[bool] {
        self.reachable.get_or_init(|| match &self.graph {
            Some(route) => graph::reachable(route),
            None => Vec::new(),
        })
    }

    /// The conditional elements of the graph with their conditions read, computed once for
    /// the checks that need them.
    pub fn conditionals(&self) -> &[conditions::Conditional] {
        self.conditionals.get_or_init(|| match &self.graph {
            Some(route) => conditions::conditionals(route),
            None => Vec::new(),
        })
    }
}

/// Expands the registry's declarations into [`run`].
macro_rules! run_checks {
    ($(
        $constant:ident = $name:literal {
            default: $severity:ident,
            $how:ident: $($by:ident)::+,
            summary: $summary:literal,
            explanation: $explanation:literal $(,)?
        }
    )*) => {
        /// Runs the check of every rule that has one, in registry order. `invalid-json`,
        /// `duplicate-key` and `schema` are reported by the parser and the schema step.
        pub fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
            $( run_checks!(@one $how $($by)::+, cx, out); )*
        }
    };
    (@one check $check:path, $cx:ident, $out:ident) => {
        $check($cx, $out)
    };
    (@one reported_by parse, $cx:ident, $out:ident) => {};
    (@one reported_by schema, $cx:ident, $out:ident) => {};
}

crate::registry::declare_rules!(run_checks);

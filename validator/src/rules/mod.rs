//! The rule registry: every rule's name, summary, explanation and default severity, and
//! the checks that implement them.
//!
//! Rule names are a public contract (CI configurations pass them to `--allow`/`--warn`, and
//! tools read them from `--format json`); never rename one.

pub mod graph;
pub mod percentage;
pub mod suspicious;

use crate::diagnostic::Severity;

/// Rule name constants, so a typo is a compile error.
pub mod names {
    /// The file is not JSON.
    pub const INVALID_JSON: &str = "invalid-json";
    /// A key appears twice in one object.
    pub const DUPLICATE_KEY: &str = "duplicate-key";
    /// JSON Schema validation failure.
    pub const SCHEMA: &str = "schema";
    /// Not exactly one start element.
    pub const SINGLE_START: &str = "single-start";
    /// Two elements share an id.
    pub const DUPLICATE_ID: &str = "duplicate-id";
    /// An output names an element that does not exist.
    pub const DANGLING_REFERENCE: &str = "dangling-reference";
    /// An element cannot be reached from the start.
    pub const UNREACHABLE: &str = "unreachable";
    /// The graph contains a loop.
    pub const CYCLE: &str = "cycle";
    /// Percentage outputs that are malformed or do not sum to 100.
    pub const PERCENTAGE_SUM: &str = "percentage-sum";
    /// No end element reachable, or an end element with outputs.
    pub const DEAD_END: &str = "dead-end";
    /// A property the live API silently drops.
    pub const IGNORED_PROPERTY: &str = "ignored-property";
    /// A condition operator outside the documented set.
    pub const UNKNOWN_OPERATOR: &str = "unknown-operator";
    /// A value that is valid JSON but cannot be meant.
    pub const IMPLAUSIBLE_VALUE: &str = "implausible-value";
}

/// A rule's documentation and default severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The stable name.
    pub name: &'static str,
    /// One line: what the rule checks.
    pub summary: &'static str,
    /// Several lines for `dynroute explain`: why it matters and how to fix it.
    pub explanation: &'static str,
    /// Severity unless overridden with `--allow`/`--warn`.
    pub default_severity: Severity,
}

/// Every rule, in the order they run.
pub const RULES: &[Rule] = &[
    Rule {
        name: names::INVALID_JSON,
        summary: "the file is not valid JSON",
        explanation: "The file must be strict JSON (RFC 8259): no comments, no trailing commas, \
no single quotes, no NaN or hex numbers. The diagnostic points at the first token the parser \
could not accept. Nothing else is checked in a file that does not parse.\n\n\
Fix: correct the syntax at the reported line and column.",
        default_severity: Severity::Error,
    },
    Rule {
        name: names::DUPLICATE_KEY,
        summary: "the same key appears twice in one JSON object",
        explanation: "JSON parsers, including the one behind the Cloudflare API, keep only one \
of two values with the same key (usually the last) and drop the other silently. A duplicated \
`elementId` or `properties` key means part of what you wrote is ignored. The checks after this \
one see the last value, as the API would.\n\n\
Fix: remove or rename one of the keys.",
        default_severity: Severity::Error,
    },
    Rule {
        name: names::SCHEMA,
        summary: "the document does not match the route JSON Schema",
        explanation: "The route is validated against spec/route.schema.json, which is generated \
from the OpenAPI description of the Dynamic Routing API. Each element is checked against the \
schema of its own `type` (start, conditional, percentage, rate, model, end), so the error names \
the field that is wrong rather than the whole union. Typical causes: a missing `outputs`, \
`properties` or `elementId`, a number written as a string, `type: \"rate_limit\"` instead of \
`rate`, `limitType` other than `count` or `cost`. The API's schema requires both `success` and \
`fallback` on rate and model elements.\n\n\
Fix: add or correct the field at the reported pointer.",
        default_severity: Severity::Error,
    },
    Rule {
        name: names::SINGLE_START,
        summary: "a route has exactly one start element",
        explanation: "Every request enters the route at its start element. Without one the route \
cannot run; with two, which one is used is not defined.\n\n\
Fix: keep exactly one element with `\"type\": \"start\"`.",
        default_severity: Severity::Error,
    },
    Rule {
        name: names::DUPLICATE_ID,
        summary: "element ids are unique",
        explanation: "Outputs refer to elements by `id`. When two elements share an id, a \
reference to it is ambiguous. The graph checks treat the first element with an id as its \
owner.\n\n\
Fix: rename one of the elements and update the outputs that should point at it.",
        default_severity: Severity::Error,
    },
    Rule {
        name: names::DANGLING_REFERENCE,
        summary: "every output's elementId names an existing element",
        explanation: "An output `{\"elementId\": \"x\"}` must name the `id` of an element of the \
same route. A request following an output to a missing element fails at run time.\n\n\
Fix: correct the id (the message suggests a close match when there is one) or add the element.",
        default_severity: Severity::Error,
    },
    Rule {
        name: names::UNREACHABLE,
        summary: "every element is reachable from the start element",
        explanation: "An element that no path from the start element leads to never runs. It is \
usually a leftover, or a sign that an output points at the wrong element.\n\n\
Fix: connect the element with an output or delete it.",
        default_severity: Severity::Error,
    },
    Rule {
        name: names::CYCLE,
        summary: "the route graph has no loop",
        explanation: "Outputs must not lead back to an element already on the path: a fallback \
that returns to an earlier model would route a failing request forever. The message shows the \
loop, starting from the element that comes first in the file.\n\n\
Fix: point one of the outputs on the loop at an element outside it (often an end element).",
        default_severity: Severity::Error,
    },
    Rule {
        name: names::PERCENTAGE_SUM,
        summary: "percentage outputs are `N%` keys that sum to exactly 100, at most 5 of them",
        explanation: "A percentage element splits traffic by its output keys: `\"10%\"`, \
`\"90%\"`. Each key must be a non-negative decimal number followed by `%` (`else` and keys \
without `%` are rejected by the API), the keys must add up to exactly 100, and the API accepts \
at most 5 outputs. Fractional keys such as `\"33.5%\"` are accepted with up to 6 decimal \
places and summed exactly, without floating-point rounding.\n\n\
Fix: adjust the keys so they total 100%.",
        default_severity: Severity::Error,
    },
    Rule {
        name: names::DEAD_END,
        summary: "every element can reach an end element, and end elements have no outputs",
        explanation: "A request that reaches an element from which no path leads to an end \
element never gets a response from the route. An end element terminates the route, so outputs \
on it are never followed (the API requires `\"outputs\": {}` on end elements).\n\n\
Fix: route every branch to an end element; make end elements' outputs empty.",
        default_severity: Severity::Error,
    },
    Rule {
        name: names::IGNORED_PROPERTY,
        summary: "a property the live API silently ignores",
        explanation: "The API drops properties it does not know without an error, so a typo \
disables a setting quietly. Known cases: `condition` (the API only reads `conditions`), \
`technique` on rate elements (the window type is not configurable), `interval` (the field is \
`window`), and any other field not in the schema.\n\n\
Fix: rename the property to the one the API reads, or remove it.",
        default_severity: Severity::Warning,
    },
    Rule {
        name: names::UNKNOWN_OPERATOR,
        summary: "a condition operator outside the documented set ($eq, $ne, $in, $and, $or)",
        explanation: "Conditional elements accept MongoDB-like conditions, but only `$eq`, `$ne`, \
`$in`, `$and` and `$or` are documented. Other operators (`$gt`, `$exists`, ...) may be \
rejected or evaluated differently by the gateway.\n\n\
Fix: express the condition with the documented operators.",
        default_severity: Severity::Warning,
    },
    Rule {
        name: names::IMPLAUSIBLE_VALUE,
        summary: "a number that is valid but cannot be meant (negative retries, zero timeout...)",
        explanation: "The schema only says these fields are numbers. Values that cannot work are \
reported: `retries` negative or fractional, `timeout` (milliseconds) zero or negative, `window` \
(seconds) zero or negative, `limit` zero or negative.\n\n\
Fix: use a positive value (a whole number for retries).",
        default_severity: Severity::Warning,
    },
];

/// Looks a rule up by name.
pub fn rule(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.name == name)
}

//! The rule registry: every rule declared once, in `declare_rules!`, with its name, default
//! severity, what reports it (the check in `rules/` that implements it, or the pipeline step
//! for `invalid-json`, `duplicate-key` and `schema`), summary, explanation and failing example.
//!
//! This module is a leaf: it uses nothing else of the validator, and the pipeline, the checks
//! and the output formats read it. The declarations reach the rest of the crate two ways:
//! here they become the [`names`] constants and the [`RULES`] table, and `rules` expands the
//! same declarations into the calls of the checks, in registry order. The check paths are
//! tokens only to this module; they are resolved, and type-checked, where `rules` expands
//! them.
//!
//! A rule's failing example is `spec/examples/invalid/<name>.json`, embedded in the build, so
//! a rule without one does not compile. Rule names are a public contract (CI configurations
//! pass them to `--allow`/`--warn`, and tools read them from `--format json`); never rename
//! one.

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Blocks the route: the command exits with status 1.
    Error,
    /// Suspicious but accepted by the API: reported, exit status 0 unless `--deny-warnings`.
    Warning,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A rule's documentation, default severity and failing example.
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
    /// Where the failing example lives, relative to the repository root.
    pub example_path: &'static str,
    /// The failing example: a route file that breaks the rule.
    pub example: &'static str,
}

/// Every rule, declared once, in the order they are listed and run. Each declaration is
///
/// ```text
/// CONSTANT = "rule-name" {
///     default: Error | Warning,
///     check: module::function,      // in `rules/`: fn(&rules::Context, &mut Vec<Finding>)
///  or reported_by: parse | schema,  // a step of the pipeline reports it
///     summary: "...",
///     explanation: "...",
/// }
/// ```
///
/// and is handed to the macro named in the call (`declare_rules!(rule_table)`), which
/// expands the whole list.
macro_rules! declare_rules {
    ($then:ident) => {
        $then! {
            INVALID_JSON = "invalid-json" {
                default: Error,
                reported_by: parse,
                summary: "the file is not valid JSON",
                explanation: "The file must be strict JSON (RFC 8259): no comments, no trailing \
                    commas, no single quotes, no NaN or hex numbers. The diagnostic points at the \
                    first token the parser could not accept. Nothing else is checked in a file \
                    that does not parse.\n\n\
                    Fix: correct the syntax at the reported line and column.",
            }
            DUPLICATE_KEY = "duplicate-key" {
                default: Error,
                reported_by: parse,
                summary: "the same key appears twice in one JSON object",
                explanation: "JSON parsers, including the one behind the Cloudflare API, keep only \
                    one of two values with the same key (usually the last) and drop the other \
                    silently. A duplicated `elementId` or `properties` key means part of what you \
                    wrote is ignored. The checks after this one see the last value, as the API \
                    would.\n\n\
                    Fix: remove or rename one of the keys.",
            }
            SCHEMA = "schema" {
                default: Error,
                reported_by: schema,
                summary: "the document does not match the route JSON Schema",
                explanation: "The route is validated against spec/route.schema.json, which is \
                    generated from the OpenAPI description of the Dynamic Routing API. Each \
                    element is checked against the schema of its own `type` (start, conditional, \
                    percentage, rate, model, end), so the error names the field that is wrong \
                    rather than the whole union. Typical causes: a missing `outputs`, `properties` \
                    or `elementId`, a number written as a string, `type: \"rate_limit\"` instead \
                    of `rate`, `limitType` other than `count` or `cost`. The API's schema requires \
                    both `success` and `fallback` on rate and model elements.\n\n\
                    Fix: add or correct the field at the reported pointer.",
            }
            SINGLE_START = "single-start" {
                default: Error,
                check: graph::single_start,
                summary: "a route has exactly one start element",
                explanation: "Every request enters the route at its start element. Without one the \
                    route cannot run; with two, which one is used is not defined.\n\n\
                    Fix: keep exactly one element with `\"type\": \"start\"`.",
            }
            DUPLICATE_ID = "duplicate-id" {
                default: Error,
                check: graph::duplicate_id,
                summary: "element ids are unique",
                explanation: "Outputs refer to elements by `id`. When two elements share an id, a \
                    reference to it is ambiguous. The graph checks treat the first element with an \
                    id as its owner.\n\n\
                    Fix: rename one of the elements and update the outputs that should point at \
                    it.",
            }
            EMPTY_ID = "empty-id" {
                default: Error,
                check: graph::empty_id,
                summary: "element ids are not empty",
                explanation: "The API's schema only says `id` is a string, so `\"id\": \"\"` \
                    passes it; an empty id is a placeholder left in, and an output that names it \
                    (`\"elementId\": \"\"`) looks like a reference still to be filled in. \
                    (Assumed: Cloudflare does not document whether the API accepts it.)\n\n\
                    Fix: give the element a name that says what it does.",
            }
            DANGLING_REFERENCE = "dangling-reference" {
                default: Error,
                check: graph::dangling_reference,
                summary: "every output's elementId names an existing element",
                explanation: "An output `{\"elementId\": \"x\"}` must name the `id` of an element \
                    of the same route. A request following an output to a missing element fails at \
                    run time.\n\n\
                    Fix: correct the id (the message suggests a close match when there is one) or \
                    add the element.",
            }
            UNREACHABLE = "unreachable" {
                default: Error,
                check: graph::unreachable,
                summary: "every element is reachable from the start element",
                explanation: "An element that no path from the start element leads to never runs. \
                    It is usually a leftover, or a sign that an output points at the wrong \
                    element.\n\n\
                    Fix: connect the element with an output or delete it.",
            }
            CYCLE = "cycle" {
                default: Error,
                check: graph::cycle,
                summary: "the route graph has no loop",
                explanation: "Outputs must not lead back to an element already on the path: a \
                    fallback that returns to an earlier model would route a failing request \
                    forever. The message shows the loop, starting from the element that comes \
                    first in the file.\n\n\
                    Fix: point one of the outputs on the loop at an element outside it (often an \
                    end element).",
            }
            PERCENTAGE_SUM = "percentage-sum" {
                default: Error,
                check: percentage::sum,
                summary: "percentage outputs are `N%` keys that sum to exactly 100, at most 5 of them",
                explanation: "A percentage element splits traffic by its output keys: `\"10%\"`, \
                    `\"90%\"`. Each key must be a non-negative decimal number followed by `%` \
                    (`else` and keys without `%` are rejected by the API), the keys must add up to \
                    exactly 100, and the API accepts at most 5 outputs. Fractional keys such as \
                    `\"33.5%\"` are accepted with up to 6 decimal places and summed exactly, \
                    without floating-point rounding.\n\n\
                    Fix: adjust the keys so they total 100%.",
            }
            ZERO_PERCENT = "zero-percent" {
                default: Warning,
                check: percentage::zero_percent,
                summary: "a percentage output of 0% never runs",
                explanation: "An output keyed `\"0%\"` (or `\"0.0%\"`) receives no traffic: the \
                    branch behind it never runs. It is usually a split being turned off by \
                    hand, which leaves a live-looking branch in the route.\n\n\
                    Fix: remove the output (and the elements only it leads to), or give it a \
                    share.",
            }
            DEAD_END = "dead-end" {
                default: Error,
                check: graph::dead_end,
                summary: "every element can reach an end element, and end elements have no outputs",
                explanation: "A request that reaches an element from which no path leads to an end \
                    element never gets a response from the route. An end element terminates the \
                    route, so outputs on it are never followed (the API requires `\"outputs\": {}` \
                    on end elements).\n\n\
                    Fix: route every branch to an end element; make end elements' outputs empty.",
            }
            IGNORED_PROPERTY = "ignored-property" {
                default: Warning,
                check: suspicious::ignored_property,
                summary: "a property the live API silently ignores",
                explanation: "The API drops properties it does not know without an error, so a \
                    typo disables a setting quietly. Known cases: `condition` (the API only reads \
                    `conditions`), `technique` on rate elements (the window type is not \
                    configurable), `interval` (the field is `window`), and any other field not in \
                    the schema.\n\n\
                    Fix: rename the property to the one the API reads, or remove it.",
            }
            UNKNOWN_OPERATOR = "unknown-operator" {
                default: Warning,
                check: suspicious::unknown_operator,
                summary: "a condition operator outside the documented set ($eq, $ne, $in, $and, $or)",
                explanation: "Conditional elements accept MongoDB-like conditions, but only `$eq`, \
                    `$ne`, `$in`, `$and` and `$or` are documented. Other operators (`$gt`, \
                    `$exists`, ...) may be rejected or evaluated differently by the gateway.\n\n\
                    Fix: express the condition with the documented operators.",
            }
            UNREADABLE_CONDITION = "unreadable-condition" {
                default: Error,
                check: conditions::unreadable_condition,
                summary: "a condition that cannot be read (an operand of the wrong type, an empty $and/$or, an unknown path root or operator)",
                explanation: "A conditional element's `conditions` must be an object keyed by \
                    request paths (`metadata.plan`, `headers.x-team`, `body.model`) whose values \
                    are a value or an operator object (`{\"$in\": [\"pro\", \"team\"]}`), \
                    combined with `$and`/`$or`, each a non-empty array of condition objects. \
                    `{\"$in\": \"pro\"}`, `{\"$and\": \"x\"}`, `{\"$or\": []}`, an \
                    operator object with no operator (`{}`), an object mixing operators and \
                    plain keys, a path that does not start with `metadata.`, `headers.` or \
                    `body.`, and an operator MongoDB does not have all pass the API's schema, \
                    which only says `conditions` is an object, and leave the outcome to chance; \
                    `dynroute trace` and `dynroute test` refuse such a route.\n\n\
                    Fix: write the condition as the message says, at the reported pointer.",
            }
            CONSTANT_CONDITION = "constant-condition" {
                default: Warning,
                check: conditions::constant_condition,
                summary: "a condition that can never be true, or never be false",
                explanation: "A condition whose result does not depend on the request leaves one \
                    output of the conditional unused: `$in` an empty list is never true, `$nin` \
                    an empty list always is, two `$eq` of different values on one metadata or \
                    header field joined by `$and` (or by two keys) can never both hold, and a \
                    conditional without `conditions` (or with `{}`) always takes `true`. Body \
                    fields are left out, since an array in the body can equal two values at \
                    once.\n\n\
                    Fix: make the condition depend on the request, or replace the conditional \
                    with the branch it always takes.",
            }
            SAME_BRANCH = "same-branch" {
                default: Warning,
                check: conditions::same_branch,
                summary: "a conditional whose true and false outputs lead to the same element",
                explanation: "When `true` and `false` name the same element the condition \
                    decides nothing: usually one output was meant to point elsewhere.\n\n\
                    Fix: point one of the outputs at the element it was meant for, or remove \
                    the conditional.",
            }
            IMPLAUSIBLE_VALUE = "implausible-value" {
                default: Warning,
                check: suspicious::implausible_value,
                summary: "a number that is valid but cannot be meant (negative retries, zero timeout...)",
                explanation: "The schema only says these fields are numbers. Values that cannot \
                    work are reported: `retries` negative or fractional, `timeout` (milliseconds) \
                    zero or negative, `window` (seconds) zero or negative, `limit` zero or \
                    negative.\n\n\
                    Fix: use a positive value (a whole number for retries).",
            }
        }
    };
}
pub(crate) use declare_rules;

/// Expands the declarations into [`names`] and [`RULES`].
macro_rules! rule_table {
    ($(
        $constant:ident = $name:literal {
            default: $severity:ident,
            $how:ident: $($by:ident)::+,
            summary: $summary:literal,
            explanation: $explanation:literal $(,)?
        }
    )*) => {
        /// Rule name constants, so a typo is a compile error.
        pub mod names {
            $(
                #[doc = concat!("`", $name, "`: ", $summary, ".")]
                pub const $constant: &str = $name;
            )*
        }

        /// Every rule, in the order they are listed and run.
        pub const RULES: &[Rule] = &[$(
            Rule {
                name: $name,
                summary: $summary,
                explanation: $explanation,
                default_severity: Severity::$severity,
                example_path: concat!("spec/examples/invalid/", $name, ".json"),
                example: include_str!(concat!("../../spec/examples/invalid/", $name, ".json")),
            },
        )*];
    };
}

declare_rules!(rule_table);

/// Looks a rule up by name.
pub fn rule(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.name == name)
}

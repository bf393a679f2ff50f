//! Wire compatibility of two OpenAPI 3.0 descriptions.
//!
//! [`check`] walks a reference description (Cloudflare's) and a candidate (ours) side by side
//! and reports every place where a client or server written against one would not talk to the
//! other: an operation, parameter, property, required list, type or enum of the reference that
//! the candidate lacks or changes. The candidate may add things (optional properties, error
//! responses, descriptions, examples); it may not take anything away or rename it.
//!
//! Both documents are read as JSON. `$ref`s are followed (local references only), `allOf` is
//! merged into one object, and the branches of `anyOf`/`oneOf` are matched by the property each
//! branch pins to a single-value enum (the element `type`), so that a discriminated `oneOf` of
//! named schemas compares equal to an inline `anyOf` of the same shapes.

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// One incompatibility: where it is, and what differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The operation and the location inside it, e.g.
    /// `GET /routes 200 response: /data/routes/items/name`.
    pub location: String,
    /// What differs.
    pub problem: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.problem)
    }
}

/// A difference the candidate makes on purpose, with the reason.
///
/// [`check`] reports an exception that no longer matches any difference, so that the list
/// cannot go stale.
#[derive(Debug, Clone, Copy)]
pub struct Exception {
    /// Lower-case HTTP method.
    pub method: &'static str,
    /// The path template.
    pub path: &'static str,
    /// The response status whose body may differ.
    pub status: &'static str,
    /// Why the candidate differs.
    pub reason: &'static str,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Compares `candidate` with `reference` and returns every incompatibility.
pub fn check(reference: &Value, candidate: &Value, exceptions: &[Exception]) -> Vec<Finding> {
    let reference = Document { root: reference };
    let candidate = Document { root: candidate };
    let mut findings = Vec::new();
    let mut used = BTreeSet::new();
    let empty = Map::new();

    let ref_paths = reference
        .root
        .get("paths")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let cand_paths = candidate
        .root
        .get("paths")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for (path, ref_item) in ref_paths {
        let Some(cand_item) = cand_paths.get(path) else {
            findings.push(Finding {
                location: path.clone(),
                problem: "path missing".into(),
            });
            continue;
        };
        for method in METHODS {
            let Some(ref_op) = ref_item.get(method) else {
                continue;
            };
            let op_name = format!("{} {path}", method.to_uppercase());
            let Some(cand_op) = cand_item.get(method) else {
                findings.push(Finding {
                    location: op_name,
                    problem: "operation missing".into(),
                });
                continue;
            };
            let mut cx = Context {
                reference: &reference,
                candidate: &candidate,
                findings: &mut findings,
            };
            cx.parameters(&op_name, ref_item, ref_op, cand_item, cand_op);
            cx.request_body(&op_name, ref_op, cand_op);
            let ref_responses = ref_op
                .get("responses")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            let cand_responses = reference_free(&candidate, cand_op.get("responses"));
            for (status, ref_response) in ref_responses {
                let location = format!("{op_name} {status} response");
                let exception = exceptions
                    .iter()
                    .position(|e| e.method == method && e.path == path && e.status == status);
                let Some(cand_response) = cand_responses.and_then(|r| r.get(status)) else {
                    cx.findings.push(Finding {
                        location,
                        problem: "response missing".into(),
                    });
                    continue;
                };
                let before = cx.findings.len();
                cx.content(&location, ref_response, cand_response);
                if let Some(index) = exception
                    && cx.findings.len() > before
                {
                    cx.findings.truncate(before);
                    used.insert(index);
                }
            }
        }
    }
    for (index, exception) in exceptions.iter().enumerate() {
        if !used.contains(&index) {
            findings.push(Finding {
                location: format!(
                    "{} {} {} response",
                    exception.method.to_uppercase(),
                    exception.path,
                    exception.status
                ),
                problem: "listed as a deliberate difference, but the two descriptions agree here"
                    .into(),
            });
        }
    }
    findings.extend(security(&reference, &candidate));
    findings
}

fn reference_free<'a>(doc: &Document<'a>, value: Option<&'a Value>) -> Option<&'a Value> {
    value.map(|v| doc.resolve(v))
}

struct Document<'a> {
    root: &'a Value,
}

impl<'a> Document<'a> {
    /// Follows local `$ref`s until a value that is not a reference. A reference that does not
    /// resolve yields `Value::Null`, which then compares as "missing".
    fn resolve(&self, mut value: &'a Value) -> &'a Value {
        static NULL: Value = Value::Null;
        // A chain longer than this is a loop of references.
        for _ in 0..64 {
            let Some(target) = value.get("$ref").and_then(Value::as_str) else {
                return value;
            };
            match target
                .strip_prefix('#')
                .and_then(|pointer| self.root.pointer(pointer))
            {
                Some(next) => value = next,
                None => return &NULL,
            }
        }
        &NULL
    }

    /// The schema reduced to what the wire sees: references followed and `allOf` merged.
    fn shape(&self, schema: &'a Value, depth: usize) -> Shape {
        let schema = self.resolve(schema);
        if depth > 64 {
            return Shape::Any;
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Shape::Object(ObjectShape::default());
            for part in parts {
                merged = merged.merge(self.shape(part, depth + 1));
            }
            let own = own_object(self, schema, depth);
            return merged.merge(own);
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(branches) = schema.get(key).and_then(Value::as_array) {
                return Shape::Union(branches.iter().map(|b| self.shape(b, depth + 1)).collect());
            }
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("object") => own_object(self, schema, depth),
            Some("array") => Shape::Array(Box::new(
                schema
                    .get("items")
                    .map_or(Shape::Any, |items| self.shape(items, depth + 1)),
            )),
            Some(scalar) => Shape::Scalar {
                ty: scalar.to_string(),
                values: schema
                    .get("enum")
                    .and_then(Value::as_array)
                    .map(|values| values.iter().map(Value::to_string).collect()),
            },
            None if schema.get("properties").is_some() => own_object(self, schema, depth),
            None => Shape::Any,
        }
    }
}

fn own_object<'a>(doc: &Document<'a>, schema: &'a Value, depth: usize) -> Shape {
    let mut object = ObjectShape::default();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            object
                .properties
                .insert(name.clone(), doc.shape(property, depth + 1));
        }
    }
    if let Some(required) = schema.get("required").and_then(Value::as_array) {
        object.required.extend(
            required
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string),
        );
    }
    if let Some(additional) = schema.get("additionalProperties").filter(|a| a.is_object()) {
        object.additional = Some(Box::new(doc.shape(additional, depth + 1)));
    }
    object.typed = schema.get("type").is_some() || schema.get("properties").is_some();
    Shape::Object(object)
}

#[derive(Debug, Clone, Default)]
struct ObjectShape {
    properties: BTreeMap<String, Shape>,
    required: BTreeSet<String>,
    additional: Option<Box<Shape>>,
    /// Whether the schema said it is an object (an `allOf` part with only `required` does not).
    typed: bool,
}

#[derive(Debug, Clone)]
enum Shape {
    Object(ObjectShape),
    Array(Box<Shape>),
    Scalar {
        ty: String,
        values: Option<BTreeSet<String>>,
    },
    Union(Vec<Shape>),
    Any,
}

impl Shape {
    fn merge(self, other: Shape) -> Shape {
        match (self, other) {
            (Shape::Object(mut a), Shape::Object(b)) => {
                for (name, shape) in b.properties {
                    let merged = match a.properties.remove(&name) {
                        Some(existing) => existing.merge(shape),
                        None => shape,
                    };
                    a.properties.insert(name, merged);
                }
                a.required.extend(b.required);
                a.additional = a.additional.or(b.additional);
                a.typed |= b.typed;
                Shape::Object(a)
            }
            (Shape::Any, other) => other,
            (this, _) => this,
        }
    }

    fn kind(&self) -> String {
        match self {
            Shape::Object(_) => "object".into(),
            Shape::Array(_) => "array".into(),
            Shape::Scalar { ty, .. } => ty.clone(),
            Shape::Union(_) => "union".into(),
            Shape::Any => "any".into(),
        }
    }

    /// The property this union branch pins to one value, e.g. `("type", "\"model\"")`.
    fn pinned(&self) -> Vec<(String, String)> {
        let Shape::Object(object) = self else {
            return Vec::new();
        };
        object
            .properties
            .iter()
            .filter_map(|(name, shape)| match shape {
                Shape::Scalar {
                    values: Some(values),
                    ..
                } if values.len() == 1 => values.iter().next().map(|v| (name.clone(), v.clone())),
                _ => None,
            })
            .collect()
    }
}

struct Context<'c, 'a> {
    reference: &'c Document<'a>,
    candidate: &'c Document<'a>,
    findings: &'c mut Vec<Finding>,
}

impl Context<'_, '_> {
    fn push(&mut self, location: &str, pointer: &str, problem: String) {
        let location = if pointer.is_empty() {
            location.to_string()
        } else {
            format!("{location}: {pointer}")
        };
        self.findings.push(Finding { location, problem });
    }

    fn parameters(
        &mut self,
        op: &str,
        ref_item: &Value,
        ref_op: &Value,
        cand_item: &Value,
        cand_op: &Value,
    ) {
        let ref_params = collect_parameters(self.reference, ref_item, ref_op);
        let cand_params = collect_parameters(self.candidate, cand_item, cand_op);
        for ((name, place), ref_param) in &ref_params {
            let location = format!("{op} {place} parameter {name}");
            let Some(cand_param) = cand_params.get(&(name.clone(), place.clone())) else {
                self.push(&location, "", "parameter missing".into());
                continue;
            };
            let required = |p: &Value| p.get("required").and_then(Value::as_bool).unwrap_or(false);
            if required(ref_param) != required(cand_param) {
                self.push(
                    &location,
                    "",
                    format!(
                        "required is {} in the reference, {} here",
                        required(ref_param),
                        required(cand_param)
                    ),
                );
            }
            let null = Value::Null;
            let ref_shape = self
                .reference
                .shape(ref_param.get("schema").unwrap_or(&null), 0);
            let cand_shape = self
                .candidate
                .shape(cand_param.get("schema").unwrap_or(&null), 0);
            self.compare(&location, "", &ref_shape, &cand_shape);
        }
        for (name, place) in cand_params.keys() {
            let required = cand_params
                .get(&(name.clone(), place.clone()))
                .and_then(|p| p.get("required"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if required && !ref_params.contains_key(&(name.clone(), place.clone())) {
                self.push(
                    &format!("{op} {place} parameter {name}"),
                    "",
                    "required here but unknown to the reference".into(),
                );
            }
        }
    }

    fn request_body(&mut self, op: &str, ref_op: &Value, cand_op: &Value) {
        let location = format!("{op} request body");
        match (ref_op.get("requestBody"), cand_op.get("requestBody")) {
            (None, None) => {}
            (Some(_), None) => self.push(&location, "", "request body missing".into()),
            (None, Some(_)) => self.push(
                &location,
                "",
                "request body unknown to the reference".into(),
            ),
            (Some(r), Some(c)) => self.content(&location, r, c),
        }
    }

    fn content(&mut self, location: &str, ref_holder: &Value, cand_holder: &Value) {
        let ref_holder = self.reference.resolve(ref_holder);
        let cand_holder = self.candidate.resolve(cand_holder);
        let Some(ref_content) = ref_holder.get("content").and_then(Value::as_object) else {
            return;
        };
        for (media, ref_media) in ref_content {
            let Some(cand_media) = cand_holder.get("content").and_then(|c| c.get(media)) else {
                self.push(location, "", format!("media type {media} missing"));
                continue;
            };
            let null = Value::Null;
            let ref_shape = self
                .reference
                .shape(ref_media.get("schema").unwrap_or(&null), 0);
            let cand_shape = self
                .candidate
                .shape(cand_media.get("schema").unwrap_or(&null), 0);
            self.compare(location, "", &ref_shape, &cand_shape);
        }
    }

    fn compare(&mut self, location: &str, pointer: &str, reference: &Shape, candidate: &Shape) {
        match (reference, candidate) {
            (Shape::Any, _) => {}
            (Shape::Object(r), Shape::Object(c)) => {
                for (name, ref_property) in &r.properties {
                    let child = format!("{pointer}/{}", escape(name));
                    match c.properties.get(name) {
                        Some(cand_property) => {
                            self.compare(location, &child, ref_property, cand_property)
                        }
                        None => self.push(location, &child, format!("property `{name}` missing")),
                    }
                }
                if r.required != c.required {
                    let show =
                        |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(", ");
                    self.push(
                        location,
                        pointer,
                        format!(
                            "required is [{}] in the reference, [{}] here",
                            show(&r.required),
                            show(&c.required)
                        ),
                    );
                }
                match (&r.additional, &c.additional) {
                    (Some(ra), Some(ca)) => self.compare(location, &format!("{pointer}/*"), ra, ca),
                    (Some(_), None) => self.push(
                        location,
                        pointer,
                        "additionalProperties (a map) missing".into(),
                    ),
                    _ => {}
                }
            }
            (Shape::Array(r), Shape::Array(c)) => {
                self.compare(location, &format!("{pointer}/items"), r, c)
            }
            (Shape::Scalar { ty: rt, values: rv }, Shape::Scalar { ty: ct, values: cv }) => {
                if rt != ct {
                    self.push(
                        location,
                        pointer,
                        format!("type is `{rt}` in the reference, `{ct}` here"),
                    );
                } else if rv != cv {
                    let show = |v: &Option<BTreeSet<String>>| match v {
                        Some(set) => set.iter().cloned().collect::<Vec<_>>().join(", "),
                        None => "any value".into(),
                    };
                    self.push(
                        location,
                        pointer,
                        format!(
                            "enum is [{}] in the reference, [{}] here",
                            show(rv),
                            show(cv)
                        ),
                    );
                }
            }
            (Shape::Union(r), Shape::Union(c)) => self.union(location, pointer, r, c),
            (r, c) => self.push(
                location,
                pointer,
                format!(
                    "type is `{}` in the reference, `{}` here",
                    r.kind(),
                    c.kind()
                ),
            ),
        }
    }

    /// Matches each reference branch with the candidate branch that pins the same property to
    /// the same value (falling back to the branch at the same position).
    fn union(&mut self, location: &str, pointer: &str, reference: &[Shape], candidate: &[Shape]) {
        for (index, ref_branch) in reference.iter().enumerate() {
            let pins = ref_branch.pinned();
            let label = pins.first().map_or_else(
                || format!("{pointer}/[{index}]"),
                |(name, value)| format!("{pointer}/[{name}={value}]"),
            );
            let found = if pins.is_empty() {
                candidate.get(index)
            } else {
                candidate.iter().find(|branch| {
                    let theirs = branch.pinned();
                    pins.iter().any(|pin| theirs.contains(pin))
                })
            };
            match found {
                Some(cand_branch) => self.compare(location, &label, ref_branch, cand_branch),
                None => self.push(location, &label, "union branch missing".into()),
            }
        }
    }
}

fn collect_parameters<'a>(
    doc: &Document<'a>,
    item: &'a Value,
    op: &'a Value,
) -> BTreeMap<(String, String), &'a Value> {
    let mut params = BTreeMap::new();
    for holder in [item, op] {
        for param in holder
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let param = doc.resolve(param);
            let name = param
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let place = param.get("in").and_then(Value::as_str).unwrap_or_default();
            params.insert((name.to_string(), place.to_string()), param);
        }
    }
    params
}

/// Every security scheme that the reference's operations use must exist in the candidate with
/// the same wire form.
fn security(reference: &Document<'_>, candidate: &Document<'_>) -> Vec<Finding> {
    let mut used = BTreeSet::new();
    for item in reference
        .root
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values())
    {
        for method in METHODS {
            for requirement in item
                .get(method)
                .and_then(|op| op.get("security"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                used.extend(
                    requirement
                        .as_object()
                        .into_iter()
                        .flat_map(|r| r.keys().cloned()),
                );
            }
        }
    }
    let schemes = |doc: &Document<'_>, name: &str| {
        doc.root
            .pointer(&format!("/components/securitySchemes/{}", escape(name)))
            .cloned()
    };
    let mut findings = Vec::new();
    for name in used {
        let location = format!("security scheme {name}");
        let Some(ours) = schemes(candidate, &name) else {
            findings.push(Finding {
                location,
                problem: "missing".into(),
            });
            continue;
        };
        let theirs = schemes(reference, &name).unwrap_or(Value::Null);
        for key in ["type", "scheme", "in", "name"] {
            let norm = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_ascii_lowercase);
            if norm(theirs.get(key)) != norm(ours.get(key)) {
                findings.push(Finding {
                    location: location.clone(),
                    problem: format!("`{key}` differs"),
                });
            }
        }
    }
    findings
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

//! The route as a graph: elements, their ids and types, and the edges their outputs form.
//! Built from whatever the document holds, tolerating schema errors, so that one broken
//! element does not hide problems elsewhere.

use std::collections::HashMap;

use crate::pointer::push_token;
use crate::tree::Json;

/// One output of an element.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge<'v> {
    /// The output name: `next`, `true`, `success`, `10%`...
    pub label: &'v str,
    /// The `elementId` it names.
    pub target: &'v str,
}

/// One element, as far as it could be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Element<'v> {
    /// The element's JSON value.
    pub value: Json<'v>,
    /// `id`, when it is a string.
    pub id: Option<&'v str>,
    /// `type`, when it is a string.
    pub kind: Option<&'v str>,
    /// Outputs whose value carries a string `elementId`, in document order.
    pub edges: Vec<Edge<'v>>,
}

impl Element<'_> {
    /// Whether this is an end element.
    pub fn is_end(&self) -> bool {
        self.kind == Some("end")
    }

    /// A short name for messages: the id, or the position when there is none.
    pub fn name(&self, index: usize) -> String {
        match self.id {
            Some(id) if !id.is_empty() => format!("`{id}`"),
            Some(_) => format!("element {index} (empty id)"),
            None => format!("element {index}"),
        }
    }
}

/// Element id -> index, hashed with foldhash (randomly seeded per process): a route has an id
/// per element, and SipHash, the standard map's hasher, cost more than the lookups it served.
pub type Ids<'v> = HashMap<&'v str, usize, foldhash::fast::RandomState>;

/// The route graph.
#[derive(Debug, Clone)]
pub struct Route<'v> {
    /// Pointer of the elements array in the file.
    pub base: String,
    /// The elements in document order.
    pub elements: Vec<Element<'v>>,
    /// Id -> index of the first element with that id.
    pub by_id: Ids<'v>,
    /// Resolved successors (indexes) per element, in output order; outputs of end elements
    /// are not followed, as the gateway stops there.
    pub successors: Vec<Vec<usize>>,
}

impl<'v> Route<'v> {
    /// Reads the graph out of an elements array (anything else gives an empty route).
    pub fn new(elements: Json<'v>, base: &str) -> Route<'v> {
        let elements: Vec<Element<'v>> = elements.items().map(read_element).collect();
        let mut by_id = Ids::with_capacity_and_hasher(elements.len(), Default::default());
        for (i, e) in elements.iter().enumerate() {
            if let Some(id) = e.id {
                by_id.entry(id).or_insert(i);
            }
        }
        let successors = elements
            .iter()
            .map(|e| {
                if e.is_end() {
                    return Vec::new();
                }
                e.edges
                    .iter()
                    .filter_map(|edge| by_id.get(edge.target).copied())
                    .collect()
            })
            .collect();
        Route {
            base: base.to_string(),
            elements,
            by_id,
            successors,
        }
    }

    /// Pointer to element `i`.
    pub fn pointer(&self, i: usize) -> String {
        format!("{}/{i}", self.base)
    }

    /// Pointer to a field of element `i`.
    pub fn field(&self, i: usize, field: &str) -> String {
        push_token(&self.pointer(i), field)
    }

    /// Pointer to the `elementId` of output `label` of element `i`.
    pub fn edge_pointer(&self, i: usize, label: &str) -> String {
        push_token(&push_token(&self.field(i, "outputs"), label), "elementId")
    }

    /// Pointer to the element's `id` when it has one, else to the element.
    pub fn id_pointer(&self, i: usize) -> String {
        match self.elements[i].id {
            Some(_) => self.field(i, "id"),
            None => self.pointer(i),
        }
    }

    /// Whether element `i` shares its id with an earlier element, which then owns every
    /// reference to that id.
    pub fn is_duplicate(&self, i: usize) -> bool {
        self.elements[i]
            .id
            .and_then(|id| self.by_id.get(id))
            .is_some_and(|&first| first != i)
    }

    /// Indexes of the start elements.
    pub fn starts(&self) -> Vec<usize> {
        (0..self.elements.len())
            .filter(|&i| self.elements[i].kind == Some("start"))
            .collect()
    }
}

fn read_element(value: Json<'_>) -> Element<'_> {
    let edges = value
        .get("outputs")
        .map(|outputs| {
            outputs
                .members()
                .filter_map(|(label, target)| {
                    Some(Edge {
                        label,
                        target: target.get("elementId")?.as_str()?,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Element {
        value,
        id: value.get("id").and_then(Json::as_str),
        kind: value.get("type").and_then(Json::as_str),
        edges,
    }
}

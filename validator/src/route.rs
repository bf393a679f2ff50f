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
    /// The values of `properties` and `outputs`, when there (of any type).
    pub properties: Option<Json<'v>>,
    pub outputs: Option<Json<'v>>,
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
    pub successors: Adjacency,
}

/// A list of element indexes for each element, kept in two flat vectors (two allocations
/// for the whole route, not one per element).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjacency {
    /// The list of element `i` is `to[first[i]..first[i + 1]]`.
    first: Vec<usize>,
    to: Vec<usize>,
}

impl Adjacency {
    /// One list per item of `lists`, in order.
    pub fn new<L: IntoIterator<Item = usize>>(lists: impl IntoIterator<Item = L>) -> Self {
        Self::with_capacity(lists, 0, 0)
    }

    /// [`Adjacency::new`], with room made for `count` lists of `items` indexes in all (so
    /// that lists of unknown length do not grow the storage a step at a time).
    pub fn with_capacity<L: IntoIterator<Item = usize>>(
        lists: impl IntoIterator<Item = L>,
        count: usize,
        items: usize,
    ) -> Self {
        let mut adjacency = Adjacency {
            first: Vec::with_capacity(count + 1),
            to: Vec::with_capacity(items),
        };
        adjacency.first.push(0);
        for list in lists {
            adjacency.to.extend(list);
            adjacency.first.push(adjacency.to.len());
        }
        adjacency
    }

    /// The list of element `i` (empty past the last element).
    pub fn of(&self, i: usize) -> &[usize] {
        match (self.first.get(i), self.first.get(i + 1)) {
            (Some(&from), Some(&to)) => self.to.get(from..to).unwrap_or_default(),
            _ => &[],
        }
    }

    /// The lists reversed: `j` is in the list of `i` here exactly when `i` is in the list of
    /// `j` in `self` (predecessors from successors), each list in increasing order.
    pub fn reversed(&self) -> Adjacency {
        // Counting sort: each list's length, then where each list starts, then the lists.
        let n = self.first.len().saturating_sub(1);
        let mut first = vec![0usize; n + 1];
        for &j in self.to.iter().filter(|&&j| j < n) {
            first[j + 1] += 1;
        }
        for j in 0..n {
            first[j + 1] += first[j];
        }
        let mut to = vec![0usize; first[n]];
        let mut filled = first.clone();
        for i in 0..n {
            for &j in self.of(i).iter().filter(|&&j| j < n) {
                to[filled[j]] = i;
                filled[j] += 1;
            }
        }
        Adjacency { first, to }
    }
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
        let edges = elements.iter().map(|e| e.edges.len()).sum();
        let successors = Adjacency::with_capacity(
            elements.iter().map(|e| {
                // An end element's outputs are not followed.
                let edges = if e.is_end() { &[][..] } else { &e.edges[..] };
                edges
                    .iter()
                    .filter_map(|edge| by_id.get(edge.target).copied())
            }),
            elements.len(),
            edges,
        );
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
    // One pass over the members (a key written twice counts at its last occurrence, as
    // `Json::get` reads it).
    let mut element = Element {
        value,
        id: None,
        kind: None,
        properties: None,
        outputs: None,
        edges: Vec::new(),
    };
    for (key, member) in value.members() {
        match key {
            "id" => element.id = member.as_str(),
            "type" => element.kind = member.as_str(),
            "properties" => element.properties = Some(member),
            "outputs" => element.outputs = Some(member),
            _ => {}
        }
    }
    if let Some(outputs) = element.outputs {
        element.edges = outputs
            .members()
            .filter_map(|(label, target)| {
                Some(Edge {
                    label,
                    target: target.get("elementId")?.as_str()?,
                })
            })
            .collect();
    }
    element
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjacency_lists_and_their_reverse() {
        let successors = Adjacency::new([vec![1, 2], vec![], vec![0, 2, 1], vec![1]]);
        assert_eq!(successors.of(0), [1, 2]);
        assert_eq!(successors.of(1), [] as [usize; 0]);
        assert_eq!(successors.of(2), [0, 2, 1]);
        assert_eq!(successors.of(3), [1]);
        assert_eq!(successors.of(4), [] as [usize; 0]);
        let predecessors = successors.reversed();
        assert_eq!(predecessors.of(0), [2]);
        assert_eq!(predecessors.of(1), [0, 2, 3]);
        assert_eq!(predecessors.of(2), [0, 2]);
        assert_eq!(predecessors.of(3), [] as [usize; 0]);
        assert_eq!(predecessors.reversed().reversed(), predecessors);
        // An index past the last list is not followed.
        assert_eq!(Adjacency::new([vec![5]]).reversed().of(0), [] as [usize; 0]);
        let none = Adjacency::new(Vec::<Vec<usize>>::new());
        assert_eq!((none.of(0), none.reversed()), (&[][..], none.clone()));
    }
}

//! Graph rules: single-start, duplicate-id, dangling-reference, unreachable, cycle and
//! dead-end. Every traversal uses an explicit stack or queue and runs in O(elements + edges),
//! so a 200,000-element chain cannot overflow the call stack.

use std::collections::VecDeque;

use crate::diagnostic::Finding;
use crate::registry::names;
use crate::route::Route;
use crate::rules::Context;
use crate::suggest;

/// Character comparisons that "did you mean" suggestions for dangling references may cost
/// on one route (a fraction of a second).
const SUGGESTION_BUDGET: usize = 5_000_000;

/// How many elements a cycle message lists before eliding the middle.
const CYCLE_PATH_LIMIT: usize = 12;

/// `single-start`: a route has exactly one start element.
pub fn single_start(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(route) = &cx.graph else { return };
    let starts = route.starts();
    match starts.as_slice() {
        [] => out.push(Finding::new(
            names::SINGLE_START,
            route.base.clone(),
            "the route has no start element",
            "add an element {\"type\": \"start\", \"outputs\": {\"next\": {\"elementId\": ...}}}",
        )),
        [first, rest @ ..] => {
            for &i in rest {
                out.push(Finding::new(
                    names::SINGLE_START,
                    route.field(i, "type"),
                    format!(
                        "second start element {}; the route already starts at {}",
                        route.elements[i].name(i),
                        route.elements[*first].name(*first)
                    ),
                    "a route has exactly one start element: remove this one or change its type",
                ));
            }
        }
    }
}

/// `duplicate-id`: element ids are unique.
pub fn duplicate_id(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(route) = &cx.graph else { return };
    for (i, element) in route.elements.iter().enumerate() {
        let Some(id) = element.id else { continue };
        if let Some(&first) = route.by_id.get(id)
            && first != i
        {
            out.push(Finding::new(
                names::DUPLICATE_ID,
                route.field(i, "id"),
                format!("element id `{id}` is already used by element {first}"),
                format!(
                    "ids must be unique; references to `{id}` go to the first element \
                     ({}): rename this one",
                    route.pointer(first)
                ),
            ));
        }
    }
}

/// `empty-id`: element ids are not empty.
pub fn empty_id(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(route) = &cx.graph else { return };
    for (i, element) in route.elements.iter().enumerate() {
        if element.id == Some("") {
            out.push(Finding::new(
                names::EMPTY_ID,
                route.field(i, "id"),
                format!("element {i} has an empty id"),
                "give the element a name that says what it does, and point outputs at it by \
                 that name",
            ));
        }
    }
}

/// `dangling-reference`: every output names an element, with a "did you mean" when one is
/// close.
pub fn dangling_reference(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(route) = &cx.graph else { return };
    // A suggestion compares the reference with every id, character by character. Many
    // dangling references on a large route would make that quadratic, so suggestions stop
    // (in document order) once this bound on the comparisons is spent.
    let id_chars: usize = route.by_id.keys().map(|id| id.chars().count()).sum();
    let mut budget = SUGGESTION_BUDGET;
    for (i, element) in route.elements.iter().enumerate() {
        for edge in &element.edges {
            if route.by_id.contains_key(edge.target) {
                continue;
            }
            let cost = edge.target.chars().count().saturating_mul(id_chars);
            let suggestion = if cost <= budget {
                budget -= cost;
                suggest::closest(edge.target, route.by_id.keys().copied())
            } else {
                None
            };
            let hint = suggestion
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            out.push(Finding::new(
                names::DANGLING_REFERENCE,
                route.edge_pointer(i, edge.label),
                format!(
                    "output `{}` of {} points at `{}`, which is not an element of this route",
                    edge.label,
                    element.name(i),
                    edge.target
                ),
                format!("{hint}elementId must be the id of an element in `elements`"),
            ));
        }
    }
}

/// Which elements are reachable from the (first) start element (breadth-first). Without a
/// start, every element counts as reachable so that `single-start` is the only complaint.
pub fn reachable(route: &Route<'_>) -> Vec<bool> {
    let n = route.elements.len();
    let Some(&start) = route.starts().first() else {
        return vec![true; n];
    };
    let mut seen = vec![false; n];
    let mut queue = VecDeque::from([start]);
    seen[start] = true;
    while let Some(i) = queue.pop_front() {
        for &j in route.successors.of(i) {
            if !seen[j] {
                seen[j] = true;
                queue.push_back(j);
            }
        }
    }
    seen
}

/// `unreachable`: every element is reachable from the start element.
pub fn unreachable(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(route) = &cx.graph else { return };
    for (i, reached) in cx.reachable().iter().enumerate() {
        let element = &route.elements[i];
        // Values that are not objects are reported by `schema`, and an element with a
        // duplicated id is unreachable because of it, as `duplicate-id` says. Extra start
        // elements are entry points, reported by `single-start`.
        if !reached
            && element.value.is_object()
            && !route.is_duplicate(i)
            && element.kind != Some("start")
        {
            out.push(Finding::new(
                names::UNREACHABLE,
                route.id_pointer(i),
                format!(
                    "{} cannot be reached from the start element",
                    element.name(i)
                ),
                "no path of outputs from the start leads here: connect it or delete it",
            ));
        }
    }
}

/// `cycle`: the graph has no loop. Iterative three-colour DFS from each element in document
/// order, over outputs; each output that leads back into the current path (a back edge) is
/// one loop, reported at that output. Roots and outputs are taken in document order, so the
/// loops found, and the messages, do not depend on anything but the document.
pub fn cycle(cx: &Context<'_>, out: &mut Vec<Finding>) {
    const WHITE: u8 = 0;
    const GREY: u8 = 1;
    const BLACK: u8 = 2;
    let Some(route) = &cx.graph else { return };
    let n = route.elements.len();
    let mut colour = vec![WHITE; n];
    // (element, index of the next output to follow)
    let mut stack: Vec<(usize, usize)> = Vec::new();
    let mut stack_pos = vec![usize::MAX; n];
    // Outputs of end elements are not followed: the gateway stops there.
    let outputs = |i: usize| {
        let element = &route.elements[i];
        if element.is_end() {
            &[][..]
        } else {
            element.edges.as_slice()
        }
    };
    for root in 0..n {
        if colour[root] != WHITE {
            continue;
        }
        colour[root] = GREY;
        stack_pos[root] = 0;
        stack.push((root, 0));
        while let Some(top) = stack.last_mut() {
            let (node, next) = *top;
            let Some(edge) = outputs(node).get(next) else {
                colour[node] = BLACK;
                stack_pos[node] = usize::MAX;
                stack.pop();
                continue;
            };
            top.1 += 1;
            let Some(&succ) = route.by_id.get(edge.target) else {
                continue;
            };
            match colour[succ] {
                WHITE => {
                    colour[succ] = GREY;
                    stack_pos[succ] = stack.len();
                    stack.push((succ, 0));
                }
                GREY => {
                    let path: Vec<usize> =
                        stack[stack_pos[succ]..].iter().map(|&(e, _)| e).collect();
                    out.extend(cycle_finding(route, &path, edge.label));
                }
                _ => {}
            }
        }
    }
}

/// The finding for one loop. `path` lists its elements in traversal order, each with an
/// output to the next, and the last one's output `closing` back to the first. The message
/// starts the loop at its element that comes first in the file, whichever element the
/// traversal entered it by; the pointer is the closing output (one of the loop's outputs),
/// which the message names when another output of the same element leads to the same place.
fn cycle_finding(route: &Route<'_>, path: &[usize], closing: &str) -> Option<Finding> {
    let (&entry, &last) = (path.first()?, path.last()?);
    let start = (0..path.len()).min_by_key(|&k| path[k])?;
    let ring: Vec<usize> = path[start..]
        .iter()
        .chain(&path[..start])
        .copied()
        .collect();
    let first = *ring.first()?;
    let elements: Vec<String> = ring.iter().map(|&i| route.elements[i].name(i)).collect();
    let shown = if elements.len() > CYCLE_PATH_LIMIT {
        let head = &elements[..CYCLE_PATH_LIMIT / 2];
        let tail = &elements[elements.len() - CYCLE_PATH_LIMIT / 2..];
        format!(
            "{} -> ... ({} more) -> {}",
            head.join(" -> "),
            elements.len() - CYCLE_PATH_LIMIT,
            tail.join(" -> ")
        )
    } else {
        elements.join(" -> ")
    };
    let parallel = route.elements[last]
        .edges
        .iter()
        .filter(|e| route.by_id.get(e.target) == Some(&entry))
        .count();
    let through = if parallel > 1 {
        format!(" (through output `{closing}`)")
    } else {
        String::new()
    };
    Some(Finding::new(
        names::CYCLE,
        route.edge_pointer(last, closing),
        format!(
            "loop: {shown} -> {}{through}",
            route.elements[first].name(first)
        ),
        "a request following these outputs would never leave the loop: point one of them \
         at an element outside it (e.g. an end element)",
    ))
}

/// `dead-end`: reports reachable elements from which no end element can be reached (reverse
/// BFS from every end) and end elements that declare outputs.
pub fn dead_end(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(route) = &cx.graph else { return };
    let reachable = cx.reachable();
    let n = route.elements.len();
    let predecessors = route.successors.reversed();
    let mut reaches_end = vec![false; n];
    let mut queue: VecDeque<usize> = (0..n).filter(|&i| route.elements[i].is_end()).collect();
    for &i in &queue {
        reaches_end[i] = true;
    }
    while let Some(i) = queue.pop_front() {
        for &p in predecessors.of(i) {
            if !reaches_end[p] {
                reaches_end[p] = true;
                queue.push_back(p);
            }
        }
    }
    for (i, element) in route.elements.iter().enumerate() {
        if element.is_end() {
            let has_outputs = element
                .outputs
                .is_some_and(|o| o.is_object() && !o.is_empty());
            if has_outputs {
                out.push(Finding::new(
                    names::DEAD_END,
                    route.field(i, "outputs"),
                    format!("end element {} has outputs", element.name(i)),
                    "an end element terminates the route and its outputs are never followed: \
                     write \"outputs\": {}",
                ));
            }
        } else if !reaches_end[i] && reachable[i] && element.value.is_object() {
            out.push(Finding::new(
                names::DEAD_END,
                route.id_pointer(i),
                format!("no end element can be reached from {}", element.name(i)),
                "a request arriving here never gets a response from the route: make sure \
                 its outputs lead to an end element",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::fields::KnownFields;

    fn model(id: &str, success: &str, fallback: &str) -> Value {
        json!({"id": id, "type": "model", "outputs": {
            "success": {"elementId": success}, "fallback": {"elementId": fallback}}})
    }

    fn cycles(elements: &Value) -> Vec<(String, String)> {
        let fields = KnownFields::default();
        let text = elements.to_string();
        let parsed = crate::parse::parse(&text).expect("valid JSON");
        let cx = Context::new(None, Some(Route::new(parsed.root(), "/elements")), &fields);
        let mut out = Vec::new();
        cycle(&cx, &mut out);
        out.into_iter()
            .filter(|f| f.rule == names::CYCLE)
            .map(|f| (f.message, f.pointer))
            .collect()
    }

    #[test]
    fn a_loop_is_shown_from_its_first_element_in_the_file() {
        // The traversal enters the loop at `b` (element 2), but `a` (element 1) comes first;
        // the output that leads back to `b` closes it.
        let elements = json!([
            {"id": "s", "type": "start", "outputs": {"next": {"elementId": "b"}}},
            model("a", "b", "end"),
            model("b", "end", "a"),
            {"id": "end", "type": "end", "outputs": {}},
        ]);
        assert_eq!(
            cycles(&elements),
            [(
                "loop: `a` -> `b` -> `a`".to_string(),
                "/elements/1/outputs/success/elementId".to_string()
            )]
        );
    }

    #[test]
    fn each_output_that_closes_a_loop_is_reported_at_its_own_pointer() {
        let elements = json!([
            {"id": "s", "type": "start", "outputs": {"next": {"elementId": "m"}}},
            model("m", "m", "m"),
        ]);
        assert_eq!(
            cycles(&elements),
            [
                (
                    "loop: `m` -> `m` (through output `success`)".to_string(),
                    "/elements/1/outputs/success/elementId".to_string()
                ),
                (
                    "loop: `m` -> `m` (through output `fallback`)".to_string(),
                    "/elements/1/outputs/fallback/elementId".to_string()
                )
            ]
        );
    }

    #[test]
    fn a_self_loop_points_at_its_own_output() {
        let elements = json!([
            {"id": "s", "type": "start", "outputs": {"next": {"elementId": "m"}}},
            model("m", "end", "m"),
            {"id": "end", "type": "end", "outputs": {}},
        ]);
        assert_eq!(
            cycles(&elements),
            [(
                "loop: `m` -> `m`".to_string(),
                "/elements/1/outputs/fallback/elementId".to_string()
            )]
        );
    }
}

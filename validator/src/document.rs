//! Finding the route inside a file: a route document, a bare element array, or an API
//! response envelope. Pointers are kept relative to the file so diagnostics land on the
//! right line.

use crate::diagnostic::Finding;
use crate::registry::names;
use crate::tree::Json;

/// What shape the file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `{"name", "elements"}`: the body of a create request.
    Route,
    /// `[...]`: just the elements.
    Elements,
    /// `{"success", "result": {...}}`: a saved `get` response.
    Envelope,
}

/// The route found in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Document<'t> {
    /// The file's shape.
    pub shape: Shape,
    /// The route object (validated against the document schema), with its pointer.
    pub route: Option<(Json<'t>, String)>,
    /// The elements array, when there is one, with its pointer.
    pub elements: Option<(Json<'t>, String)>,
}

/// Extracts the route from a parsed file, or explains why none was found.
pub fn extract(value: Json<'_>) -> Result<Document<'_>, Finding> {
    if value.is_array() {
        return Ok(Document {
            shape: Shape::Elements,
            route: None,
            elements: Some((value, String::new())),
        });
    }
    if !value.is_object() {
        return Err(Finding::new(
            names::SCHEMA,
            "",
            "the file is not a route",
            "expected a route document {\"name\", \"elements\": [...]}, an array of elements, \
             or an API response {\"success\", \"result\": {...}}",
        ));
    }
    let Some(result) = value
        .get("result")
        .filter(|_| value.get("elements").is_none())
    else {
        return Ok(Document {
            shape: Shape::Route,
            route: Some((value, String::new())),
            elements: value.get("elements").map(|e| (e, "/elements".to_string())),
        });
    };
    let elements = match result.get("elements") {
        Some(e) => Some((e, "/result/elements".to_string())),
        // Some API responses carry the graph only in `version.data` (see the wire-format
        // notes); accept it when it is an array.
        None => result
            .get("version")
            .and_then(|v| v.get("data"))
            .filter(|d| d.is_array())
            .map(|d| (d, "/result/version/data".to_string())),
    };
    let route = (result.is_object() && result.get("elements").is_some())
        .then(|| (result, "/result".to_string()));
    if elements.is_none() {
        return Err(Finding::new(
            names::SCHEMA,
            "/result",
            "the API response holds no route elements",
            "expected `result.elements` (or `result.version.data` as an array)",
        ));
    }
    Ok(Document {
        shape: Shape::Envelope,
        route,
        elements,
    })
}

//! Pictures of a route: Mermaid flowcharts and Graphviz DOT.

use crate::route::Route;
use crate::text::unsafe_char;
use crate::tree::Json;

/// Output language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    /// Mermaid `flowchart` (renders in GitHub Markdown).
    Mermaid,
    /// Graphviz DOT.
    Dot,
}

/// The lines of a node label: the id, then the type with its model, provider or limit.
pub fn node_label(route: &Route<'_>, i: usize) -> Vec<String> {
    let e = &route.elements[i];
    let props = e.properties;
    let prop = |k: &str| props.and_then(|p| p.get(k)).map(show);
    let kind = e.kind.unwrap_or("?");
    let detail = match kind {
        "model" => match (prop("provider"), prop("model")) {
            (Some(p), Some(m)) => format!("model: {p} / {m}"),
            (p, m) => format!("model: {}", p.or(m).unwrap_or_default()),
        },
        "rate" => format!(
            "rate: {} {} per {} s",
            prop("limitType").unwrap_or_default(),
            prop("limit").unwrap_or_default(),
            prop("window").unwrap_or_default()
        ),
        other => other.to_string(),
    };
    vec![e.id.unwrap_or("(no id)").to_string(), detail]
}

fn show(v: Json<'_>) -> String {
    match v.as_str() {
        Some(s) => s.to_string(),
        None if v.is_object() || v.is_array() => v.to_value().to_string(),
        None => v.raw().to_string(),
    }
}

/// Draws the route. Outputs that name no element point at a node marked "missing".
pub fn draw(route: &Route<'_>, format: GraphFormat) -> String {
    let mut out = String::new();
    // Missing targets in first-seen order, with their index (one lookup each).
    let mut missing: Vec<&str> = Vec::new();
    let mut missing_index: std::collections::HashMap<&str, usize> = Default::default();
    match format {
        GraphFormat::Mermaid => out.push_str("flowchart TD\n"),
        GraphFormat::Dot => out.push_str("digraph route {\n  node [shape=box];\n"),
    }
    for i in 0..route.elements.len() {
        let label = node_label(route, i);
        match format {
            GraphFormat::Mermaid => out.push_str(&format!(
                "  n{i}[\"{}\"]\n",
                label
                    .iter()
                    .map(|l| mermaid_escape(l))
                    .collect::<Vec<_>>()
                    .join("<br/>")
            )),
            GraphFormat::Dot => out.push_str(&format!(
                "  n{i} [label=\"{}\"];\n",
                label
                    .iter()
                    .map(|l| dot_escape(l))
                    .collect::<Vec<_>>()
                    .join("\\n")
            )),
        }
    }
    for (i, element) in route.elements.iter().enumerate() {
        for edge in &element.edges {
            let to = match route.by_id.get(edge.target) {
                Some(j) => format!("n{j}"),
                None => {
                    let k = *missing_index.entry(edge.target).or_insert_with(|| {
                        missing.push(edge.target);
                        missing.len() - 1
                    });
                    format!("missing{k}")
                }
            };
            match format {
                GraphFormat::Mermaid => out.push_str(&format!(
                    "  n{i} -->|\"{}\"| {to}\n",
                    mermaid_escape(edge.label)
                )),
                GraphFormat::Dot => out.push_str(&format!(
                    "  n{i} -> {to} [label=\"{}\"];\n",
                    dot_escape(edge.label)
                )),
            }
        }
    }
    for (k, id) in missing.iter().enumerate() {
        match format {
            GraphFormat::Mermaid => out.push_str(&format!(
                "  missing{k}[\"missing: {}\"]\n  style missing{k} stroke-dasharray: 5 5\n",
                mermaid_escape(id)
            )),
            GraphFormat::Dot => out.push_str(&format!(
                "  missing{k} [label=\"missing: {}\", style=dashed];\n",
                dot_escape(id)
            )),
        }
    }
    if format == GraphFormat::Dot {
        out.push_str("}\n");
    }
    out
}

/// Mermaid labels in quotes take HTML entities; `#quot;` and friends are Mermaid's escapes.
fn mermaid_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '|' => out.push_str("#124;"),
            '\n' | '\r' => out.push(' '),
            // Escape sequences and bidirectional controls become entities: the drawing is
            // printed to a terminal and pasted into documents.
            c if unsafe_char(c) => out.push_str(&format!("#{};", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

fn dot_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push(' '),
            c if unsafe_char(c) => {
                for e in c.escape_unicode() {
                    if e == '\\' {
                        out.push('\\');
                    }
                    out.push(e);
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_carry_no_terminal_controls() {
        let text = "a\u{1b}[31m\u{202e}\"b\\";
        assert_eq!(mermaid_escape(text), "a#27;[31m#8238;#quot;b\\");
        assert_eq!(dot_escape(text), "a\\\\u{1b}[31m\\\\u{202e}\\\"b\\\\");
    }
}

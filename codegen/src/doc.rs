//! Spec descriptions -> doc attributes that can never break the build or warn.
//!
//! Descriptions are free text written for a web page. As rustdoc Markdown they could
//! contain code blocks (compiled as doctests), HTML (`invalid_html_tags`), `[x]`
//! (`broken_intra_doc_links`) or bare URLs (`bare_urls`). The text is therefore
//! neutralised: `<`/`>` become entities, brackets are escaped, URLs are wrapped in
//! `<...>`, fences become `text` blocks and indentation is capped below the
//! four spaces of an indented code block. The attribute value itself is a string
//! literal token, so no character can end the comment early.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes, one per line of `text`.
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines = escape(text);
    quote! { #( #[doc = #lines] )* }
}

/// The escaped lines, each starting with a space (as `///` comments do).
pub fn escape(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut in_fence = false;
    for raw in text.trim().lines() {
        let trimmed = raw.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            lines.push(if in_fence {
                " ```".into()
            } else {
                " ```text".into()
            });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            lines.push(format!(" {raw}"));
            continue;
        }
        let indent = (raw.len() - trimmed.len()).min(3);
        let body = escape_inline(trimmed.trim_end());
        lines.push(format!(" {}{}", " ".repeat(indent), body));
    }
    if in_fence {
        lines.push(" ```".into());
    }
    lines
}

fn escape_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    let mut in_code = false;
    while !rest.is_empty() {
        // Code spans are shown verbatim by rustdoc: nothing inside needs escaping.
        if in_code || rest.starts_with('`') {
            let Some(c) = rest.chars().next() else { break };
            if c == '`' {
                in_code = !in_code;
            }
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        if let Some(url_len) = url_at(rest) {
            let (url, tail) = rest.split_at(url_len);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = tail;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Length of an `http(s)://` URL at the start of `text`, stopping at whitespace and
/// at characters that cannot end a URL in prose.
fn url_at(text: &str) -> Option<usize> {
    if !(text.starts_with("http://") || text.starts_with("https://")) {
        return None;
    }
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']'))
        .unwrap_or(text.len());
    let url = text[..end].trim_end_matches(['.', ',', ';', ':']);
    Some(url.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralises_markdown() {
        let lines =
            escape("See [docs](https://x.dev/a).\n    indented <b> `<code>`\n```\nfn x() {}\n```");
        assert_eq!(
            lines,
            [
                " See \\[docs\\](<https://x.dev/a>).",
                "    indented &lt;b&gt; `<code>`",
                " ```text",
                " fn x() {}",
                " ```",
            ]
        );
    }
}

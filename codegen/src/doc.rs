//! Spec descriptions -> doc attributes that can never break the build or warn.
//!
//! Descriptions are free text written for a web page. As rustdoc Markdown they could
//! contain code blocks (compiled as doctests), HTML (`invalid_html_tags`), `[x]`
//! (`broken_intra_doc_links`) or bare URLs (`bare_urls`); as doc comments, a carriage
//! return or a bidirectional-text control character is a compile error, and clippy warns
//! about tabs. The text is therefore neutralised: line breaks are normalised, tabs become
//! spaces, control and bidi characters are written as visible `\u{..}` escapes, `<`/`>` become entities, brackets are escaped, URLs
//! are wrapped in `<...>`, a backtick that opens no complete code span on its line is
//! escaped, fences become `text` blocks and indentation is capped below the four spaces of
//! an indented code block. The attribute value itself is a string literal token, so no
//! character can end the comment early.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes, one per line of `text`.
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines = escape(text);
    quote! { #( #[doc = #lines] )* }
}

/// `text` as a Markdown code span that shows it verbatim whatever backticks it holds (the
/// fence is longer than any run of backticks inside), for wire names and values quoted in
/// generated documentation.
pub fn code(text: &str) -> String {
    let text = text.replace(['\r', '\n'], " ");
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// The escaped lines, each starting with a space (as `///` comments do).
pub fn escape(text: &str) -> Vec<String> {
    let text = visible(&text.replace("\r\n", "\n").replace('\r', "\n"));
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

/// Tabs as four spaces (clippy's `tabs_in_doc_comments`), and other control characters
/// (but line breaks) and bidirectional-text controls as visible `\u{..}` text: rustc
/// rejects some of them in doc comments, and none of them reads well in documentation.
fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        );
        if c == '\t' {
            out.push_str("    ");
        } else if bidi || (c.is_control() && c != '\n') {
            out.push_str(&format!("\\u{{{:04x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

fn escape_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while !rest.is_empty() {
        // A complete code span is shown verbatim by rustdoc: nothing inside needs escaping.
        // A backtick run without a closing run of the same length on this line would be
        // literal text, leaving what follows unescaped if it were copied as is.
        if rest.starts_with('`') {
            let run = rest.len() - rest.trim_start_matches('`').len();
            match closing_run(&rest[run..], run) {
                Some(end) => {
                    let span = run + end + run;
                    out.push_str(&rest[..span]);
                    rest = &rest[span..];
                }
                None => {
                    out.push_str(&"\\`".repeat(run));
                    rest = &rest[run..];
                }
            }
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

/// The offset in `text` of the first run of exactly `len` backticks (a code span's end).
fn closing_run(text: &str, len: usize) -> Option<usize> {
    let mut offset = 0;
    while let Some(start) = text[offset..].find('`') {
        let start = offset + start;
        let run = text[start..].len() - text[start..].trim_start_matches('`').len();
        if run == len {
            return Some(start);
        }
        offset = start + run;
    }
    None
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

    #[test]
    fn unmatched_backticks_do_not_shield_html_or_links() {
        assert_eq!(
            escape("a `b <c> [d]\n``x ` y`` and ` z <w>"),
            [
                " a \\`b &lt;c&gt; \\[d\\]",
                " ``x ` y`` and \\` z &lt;w&gt;"
            ]
        );
    }

    #[test]
    fn carriage_returns_and_control_characters() {
        assert_eq!(
            escape("one\r\ntwo\rthree\u{0}\u{202E}four\tfive"),
            [" one", " two", " three\\u{0000}\\u{202e}four    five"]
        );
    }

    #[test]
    fn code_spans_quote_any_text() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x``"), "``` `x`` ```");
        // A quoted span survives escaping unchanged.
        let quoted = format!("Default: {}.", code("\"a`b<c>\""));
        assert_eq!(escape(&quoted), [format!(" {quoted}")]);
    }
}

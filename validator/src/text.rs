//! Text from a file made safe to print: what a route file says (an element id, a key, a
//! file name) must not reach a terminal or a CI log as anything but text.

/// `text` with control characters (newlines, escape sequences) and bidirectional controls
/// (U+202E and the rest, which reorder what a reader sees) written as `\u{..}`. Other
/// characters, non-ASCII letters included, are kept.
pub fn safe(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether `safe` escapes `c`: a control character or a bidirectional control.
pub fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` escaped for XML 1.0 content (or, with `attribute`, an attribute value, where line
/// breaks and tabs become character references so parsers keep them). Characters XML 1.0
/// cannot hold at all (control characters, U+FFFE, U+FFFF) are written as `\u{..}`.
pub fn xml(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' | '\r' if attribute => out.push_str(&format!("&#{};", u32::from(c))),
            '\n' | '\t' => out.push(c),
            c if c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}') => {
                out.extend(c.escape_unicode());
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
    fn control_and_bidi_characters_are_escaped() {
        assert_eq!(safe("a\nb"), "a\\u{a}b");
        assert_eq!(safe("a\r\nb"), "a\\u{d}\\u{a}b");
        assert_eq!(safe("\u{1b}[31m"), "\\u{1b}[31m");
        assert_eq!(safe("x\u{202e}y\u{2066}"), "x\\u{202e}y\\u{2066}");
        assert_eq!(safe("\u{9b}31m\u{7f}"), "\\u{9b}31m\\u{7f}");
        assert_eq!(safe("plain-id_1 é ✓"), "plain-id_1 é ✓");
        assert!(matches!(safe("plain"), std::borrow::Cow::Borrowed(_)));
    }
}

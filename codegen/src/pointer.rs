//! RFC 6901 JSON pointers into the spec, built while walking it, so that every
//! error can say exactly where the offending construct is.

use std::fmt;

/// A JSON pointer (RFC 6901), displayed in URI-fragment form: `#/paths/~1upload/post`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer {
    tokens: Vec<String>,
}

impl Pointer {
    /// The pointer to the whole document.
    pub fn root() -> Self {
        Pointer::default()
    }

    /// This pointer extended by one reference token (unescaped; escaping happens on display).
    pub fn push(&self, token: impl Into<String>) -> Self {
        let mut tokens = self.tokens.clone();
        tokens.push(token.into());
        Pointer { tokens }
    }

    /// This pointer extended by an array index.
    pub fn index(&self, index: usize) -> Self {
        self.push(index.to_string())
    }

    /// The unescaped reference tokens.
    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }

    /// Parses a local `$ref` (`#/components/schemas/Name`) into a pointer.
    /// Returns `None` for references that are not local fragments.
    pub fn from_ref(reference: &str) -> Option<Self> {
        let rest = reference.strip_prefix('#')?;
        if rest.is_empty() {
            return Some(Pointer::root());
        }
        let rest = rest.strip_prefix('/')?;
        let tokens = rest
            .split('/')
            .map(|t| percent_decode(t).replace("~1", "/").replace("~0", "~"))
            .collect();
        Some(Pointer { tokens })
    }

    /// `self` moved from under `from` to under `to`: `#/a/b/c` from `#/a` to `#/x` is
    /// `#/x/b/c`. `None` when `self` is not `from` or below it.
    pub fn rebase(&self, from: &Pointer, to: &Pointer) -> Option<Pointer> {
        let rest = self.tokens.strip_prefix(from.tokens.as_slice())?;
        let mut tokens = to.tokens.clone();
        tokens.extend(rest.iter().cloned());
        Some(Pointer { tokens })
    }

    /// The order lists of places are sorted in: token by token, array indexes compared as
    /// numbers (`/parameters/2` before `/parameters/10`), other tokens as text, an ancestor
    /// before what it holds.
    pub fn natural_cmp(&self, other: &Pointer) -> std::cmp::Ordering {
        let index = |token: &str| {
            (!token.is_empty() && token.len() < 20 && token.bytes().all(|b| b.is_ascii_digit()))
                .then(|| token.parse::<u64>().ok())
                .flatten()
        };
        for (a, b) in self.tokens.iter().zip(&other.tokens) {
            let order = match (index(a), index(b)) {
                (Some(a), Some(b)) => a.cmp(&b),
                _ => a.cmp(b),
            };
            if order.is_ne() {
                return order;
            }
        }
        self.tokens.len().cmp(&other.tokens.len())
    }

    /// The pointer without the leading `#` (plain RFC 6901 form, "" for the root).
    pub fn to_json_pointer(&self) -> String {
        let mut out = String::new();
        for token in &self.tokens {
            out.push('/');
            out.push_str(&token.replace('~', "~0").replace('/', "~1"));
        }
        out
    }
}

/// `$ref` values are URI fragments, so `%25` and friends may appear.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(value) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(value);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.to_json_pointer())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_slash_and_tilde() {
        let p = Pointer::root().push("paths").push("/upload").push("a~b");
        assert_eq!(p.to_string(), "#/paths/~1upload/a~0b");
    }

    #[test]
    fn rebases_and_orders_indexes_as_numbers() {
        let from = Pointer::root().push("a");
        let to = Pointer::root().push("x").push("y");
        let p = from.push("b").index(3);
        assert_eq!(
            p.rebase(&from, &to).map(|p| p.to_string()).as_deref(),
            Some("#/x/y/b/3")
        );
        assert_eq!(to.rebase(&from, &to), None);
        let mut list = [
            from.index(10),
            from.index(2),
            from.push("b"),
            from.clone(),
            Pointer::root(),
        ];
        list.sort_by(Pointer::natural_cmp);
        let shown: Vec<String> = list.iter().map(Pointer::to_string).collect();
        assert_eq!(
            shown,
            ["#", "#/a", "#/a/2", "#/a/10", "#/a/b"].map(String::from)
        );
    }

    #[test]
    fn parses_local_refs() {
        let p = Pointer::from_ref("#/components/schemas/A~1B%25").unwrap_or_default();
        assert_eq!(p.tokens(), ["components", "schemas", "A/B%"]);
        assert_eq!(Pointer::from_ref("other.json#/x"), None);
    }
}

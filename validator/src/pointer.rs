//! RFC 6901 JSON pointers: building them token by token and splitting them again.

/// Appends one reference token to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub fn push_token(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    push_token_in_place(&mut out, token);
    out
}

/// Appends one escaped reference token to `pointer` in place.
pub fn push_token_in_place(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// Splits a JSON pointer into unescaped reference tokens.
pub fn split_pointer(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_survive_a_round_trip() {
        let tokens = ["a/b", "~1", "~01", "", "50%", "é"];
        let mut pointer = String::new();
        for t in tokens {
            push_token_in_place(&mut pointer, t);
        }
        assert_eq!(pointer, "/a~1b/~01/~001//50%/é");
        assert_eq!(split_pointer(&pointer).collect::<Vec<_>>(), tokens);
        assert_eq!(push_token("/x", "a/b"), "/x/a~1b");
        assert_eq!(split_pointer("").count(), 0);
    }
}

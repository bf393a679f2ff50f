//! "Did you mean" suggestions by edit distance.

/// The candidate closest to `word`, if it is close enough to be a likely typo
/// (distance at most a third of the word's length, rounded up), or a candidate
/// that `word` starts with (`rate_limit` -> `rate`).
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let len = word.chars().count();
    let limit = len.div_ceil(3).max(1);
    // Ranked by distance, then real edits before prefix matches, then the candidate itself,
    // so the answer does not depend on the order candidates come in (a hash map's, say).
    let mut best: Option<(usize, bool, &str)> = None;
    for c in candidates {
        let c_len = c.chars().count();
        let (d, prefix) = if word.len() > c.len() && word.starts_with(c) {
            // The distance to a prefix is the number of characters cut off.
            match len - c_len {
                cut @ 0..=1 => (cut, false),
                _ => (1, true),
            }
        } else if len.abs_diff(c_len) > limit {
            // The distance is at least the difference in length: too far, and not worth
            // the quadratic computation.
            continue;
        } else {
            (distance(word, c), false)
        };
        if d <= limit && best.is_none_or(|b| (d, prefix, c) < b) {
            best = Some((d, prefix, c));
        }
    }
    best.map(|(_, _, c)| c)
}

/// Levenshtein distance over characters (Unicode scalar values); O(|a| * |b|) time.
pub fn distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_typos_and_prefixes_but_not_unrelated_words() {
        let tags = ["start", "conditional", "percentage", "rate", "model", "end"];
        assert_eq!(closest("rate_limit", tags), Some("rate"));
        assert_eq!(closest("modle", tags), Some("model"));
        assert_eq!(closest("banana", tags), None);
        assert_eq!(closest("rate", ["rate_limit", "rates"]), Some("rates"));
        assert_eq!(closest(&"x".repeat(10_000), tags), None);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(
            closest("gpt-4o-mni", ["gpt-4o", "gpt-4o-mini"]),
            Some("gpt-4o-mini")
        );
        assert_eq!(
            closest("gpt-4o-mni", ["gpt-4o-mini", "gpt-4o"]),
            Some("gpt-4o-mini")
        );
    }

    #[test]
    fn distance_counts_characters_not_bytes() {
        assert_eq!(distance("é", "e"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("flaw", "lawn"), 2);
        assert_eq!(closest("mödel", ["model"]), Some("model"));
    }
}

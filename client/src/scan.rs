//! Where the keys and objects of a JSON text are, found 64 bytes at a time.
//!
//! [`Events`] yields, in order, the position of every `{`, `}` and `:` outside strings: where
//! objects open and close, and where each key ends. The bytes between them (strings, white
//! space, numbers, literals, array brackets) are never looked at one at a time: each block of
//! 64 bytes becomes bit masks (bit i for byte i) of its quotes, backslashes and structural
//! bytes. The quotes that backslashes escape are taken out (a byte is escaped when a run of an
//! odd number of backslashes ends right before it, counted across blocks), and a prefix XOR of
//! the other quotes marks the bytes inside strings, carried from block to block. This is the
//! first stage of simdjson (Langdale and Lemire, "Parsing Gigabytes of JSON per Second", 2019).
//!
//! For text that is not JSON the events are still well defined (and bounded by the length of
//! the text); what they mean is up to the caller. The events may also hold a `y` or a DEL
//! outside strings (which valid JSON does not have there): callers match the byte.

/// The bytes of one block that matter, bit i for byte i.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Masks {
    quotes: u64,
    backslashes: u64,
    /// `{`, `}`, `:` (and `y`, DEL: with the braces, the bytes that OR 6 makes 0x7F).
    structural: u64,
}

/// Block masks with SSE2, which every x86-64 processor has.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
fn masks(block: &[u8; 64]) -> Masks {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x, _mm_set1_epi8,
    };
    // SAFETY: these intrinsics only need SSE2, which this build enables (the `cfg` above) and
    // which every x86-64 processor has; none of them reads memory.
    let equal = |v: __m128i, byte: u8| unsafe {
        _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(byte as i8))) as u16
    };
    let or = |v: __m128i, byte: u8| unsafe { _mm_or_si128(v, _mm_set1_epi8(byte as i8)) };
    let mut masks = Masks::default();
    let (lanes, _) = block.as_chunks::<16>();
    for (i, lane) in lanes.iter().enumerate() {
        let lane = u128::from_le_bytes(*lane);
        // SAFETY: as above.
        let v = unsafe { _mm_set_epi64x((lane >> 64) as i64, lane as i64) };
        let at = 16 * i;
        masks.quotes |= u64::from(equal(v, b'"')) << at;
        masks.backslashes |= u64::from(equal(v, b'\\')) << at;
        masks.structural |= u64::from(equal(or(v, 0x06), 0x7f) | equal(v, b':')) << at;
    }
    masks
}

/// Block masks eight bytes at a time, for every processor.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
fn masks_portable(block: &[u8; 64]) -> Masks {
    const LOW: u64 = u64::from_ne_bytes([0x7f; 8]);
    // The high bit of each byte of `word` equal to `byte`, gathered into the low eight bits.
    let equal = |word: u64, byte: u8| {
        let differ = word ^ u64::from_ne_bytes([byte; 8]);
        let high = !(((differ & LOW) + LOW) | differ | LOW);
        (high >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
    };
    let mut masks = Masks::default();
    let (words, _) = block.as_chunks::<8>();
    for (i, word) in words.iter().enumerate() {
        let word = u64::from_le_bytes(*word);
        let at = 8 * i;
        masks.quotes |= equal(word, b'"') << at;
        masks.backslashes |= equal(word, b'\\') << at;
        let braces = equal(word | u64::from_ne_bytes([0x06; 8]), 0x7f);
        masks.structural |= (braces | equal(word, b':')) << at;
    }
    masks
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
use masks_portable as masks;

/// The bytes of a block escaped by a backslash. `carry` is 1 when the previous block ended
/// with an escaping backslash, and is set for the next block.
fn escaped(backslashes: u64, carry: &mut u64) -> u64 {
    const EVEN: u64 = 0x5555_5555_5555_5555;
    // A backslash escaped from the previous block escapes nothing.
    let backslashes = backslashes & !*carry;
    let follows_backslash = (backslashes << 1) | *carry;
    // Adding the start of each run that begins on an odd bit clears that run and sets the
    // bit after it; runs that begin on an even bit are left as they are.
    let odd_starts = backslashes & !EVEN & !follows_backslash;
    let (even_runs, overflow) = odd_starts.overflowing_add(backslashes);
    *carry = u64::from(overflow);
    // After a run that begins on an even bit, the odd bits are escaped; after one that
    // begins on an odd bit, the even bits.
    (EVEN ^ (even_runs << 1)) & follows_backslash
}

/// Each bit set when an odd number of bits at or below it are set.
fn prefix_xor(mut bits: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        bits ^= bits << shift;
    }
    bits
}

/// The positions of the braces and colons outside strings of a JSON text, in order (see the
/// module's documentation).
pub(crate) struct Events<'a> {
    text: &'a [u8],
    /// Where the block of `pending` starts.
    base: usize,
    /// The events of that block not yet returned.
    pending: u64,
    /// The quotes of that block that open or close strings, and its backslashes.
    quotes: u64,
    backslashes: u64,
    /// 1 when the next block starts with an escaped byte.
    escape_carry: u64,
    /// All ones when the next block starts inside a string.
    string_carry: u64,
}

impl<'a> Events<'a> {
    pub(crate) fn new(text: &'a [u8]) -> Self {
        Self {
            text,
            base: 0,
            pending: 0,
            quotes: 0,
            backslashes: 0,
            escape_carry: 0,
            string_carry: 0,
        }
        .with_block(0)
    }

    /// Reads the block starting at `base` (padded with spaces past the end of the text).
    fn with_block(mut self, base: usize) -> Self {
        self.read_block(base);
        self
    }

    fn read_block(&mut self, base: usize) {
        self.base = base;
        let Some(rest) = self.text.get(base..).filter(|rest| !rest.is_empty()) else {
            self.pending = 0;
            return;
        };
        let mut padded = [b' '; 64];
        let block = match rest.first_chunk::<64>() {
            Some(block) => block,
            None => {
                padded[..rest.len()].copy_from_slice(rest);
                &padded
            }
        };
        let masks = masks(block);
        let quotes = masks.quotes & !escaped(masks.backslashes, &mut self.escape_carry);
        let inside = prefix_xor(quotes) ^ self.string_carry;
        self.string_carry = ((inside as i64) >> 63) as u64;
        self.pending = masks.structural & !inside;
        self.quotes = quotes;
        self.backslashes = masks.backslashes;
    }

    /// The text of the key that the colon at `colon` (the event just returned) ends, or `None`
    /// when the key holds a backslash (it may spell any name with escapes). For text that is
    /// not JSON the answer may be any slice of it, or `None`. Read from the block's masks when the key is in the block (in JSON
    /// only white space comes between a key and its colon), else backwards from the colon.
    #[inline]
    pub(crate) fn key_before(&self, colon: usize) -> Option<&'a [u8]> {
        let bit = colon.checked_sub(self.base).filter(|&bit| bit < 64)?;
        let before = self.quotes & ((1u64 << bit) - 1);
        // Fewer than two quotes (no `popcnt` in the x86-64 baseline).
        if before & before.wrapping_sub(1) == 0 {
            return key_before_by_byte(self.text, colon);
        }
        let close = 63 - before.leading_zeros() as usize;
        let open = 63 - (before & !(1u64 << close)).leading_zeros() as usize;
        let between = (1u64 << close) - (2u64 << open);
        if self.backslashes & between != 0 {
            return None;
        }
        self.text.get(self.base + open + 1..self.base + close)
    }

    /// Passes over the value after the colon just returned (the objects it holds, at any
    /// depth) and returns the event that follows it: the colon of the next key or the brace
    /// that closes the object holding it. `None` at the end of the text.
    pub(crate) fn next_after_value(&mut self) -> Option<usize> {
        let mut depth = 0usize;
        loop {
            let at = self.next()?;
            match self.text.get(at) {
                Some(b'{') => depth += 1,
                Some(b'}') if depth > 0 => depth -= 1,
                _ if depth == 0 => return Some(at),
                _ => {}
            }
        }
    }
}

/// [`Events::key_before`] read backwards from the colon, one byte at a time.
fn key_before_by_byte(text: &[u8], colon: usize) -> Option<&[u8]> {
    let text = text.get(..colon)?.trim_ascii_end().strip_suffix(b"\"")?;
    // The opening quote is the last quote before the closing one unless a backslash comes
    // between them, or right before it (escaping it).
    let open = text
        .iter()
        .rposition(|&byte| byte == b'"' || byte == b'\\')?;
    let (before, key) = text.split_at(open);
    (before.last() != Some(&b'\\') && key.first() == Some(&b'"')).then(|| &key[1..])
}

impl Iterator for Events<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.pending == 0 {
            if self.base + 64 >= self.text.len() {
                return None;
            }
            self.read_block(self.base + 64);
        }
        let bit = self.pending.trailing_zeros() as usize;
        self.pending &= self.pending - 1;
        Some(self.base + bit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The events of `text` found one byte at a time.
    fn events_by_byte(text: &[u8]) -> Vec<usize> {
        let mut events = Vec::new();
        let (mut inside, mut escaped) = (false, false);
        for (at, &byte) in text.iter().enumerate() {
            // A backslash escapes the next byte, inside strings or not; only what it does to
            // a quote shows in the events.
            let was_escaped = std::mem::replace(&mut escaped, false);
            if byte == b'\\' && !was_escaped {
                escaped = true;
            } else if byte == b'"' && !was_escaped {
                inside = !inside;
            } else if !inside && (byte | 0x06 == 0x7f || byte == b':') {
                events.push(at);
            }
        }
        events
    }

    /// A text of `len` bytes from the bytes that matter, chosen by `seed`.
    fn text(seed: &mut u64, len: usize) -> Vec<u8> {
        const ALPHABET: &[u8] = b"\\\\\\\"\"{}[],:a y\n";
        (0..len)
            .map(|_| {
                *seed ^= *seed << 13;
                *seed ^= *seed >> 7;
                *seed ^= *seed << 17;
                ALPHABET[(*seed % ALPHABET.len() as u64) as usize]
            })
            .collect()
    }

    #[test]
    fn events_are_those_found_byte_by_byte() {
        let mut seed = 0x9e37_79b9_7f4a_7c15;
        for len in (0..300).chain([511, 512, 513, 4096]) {
            for _ in 0..40 {
                let text = text(&mut seed, len);
                let found: Vec<usize> = Events::new(&text).collect();
                assert_eq!(found, events_by_byte(&text), "{}", text.escape_ascii());
            }
        }
    }

    #[test]
    fn runs_of_backslashes_across_blocks() {
        // A run of backslashes ending at every place around the first and second blocks'
        // ends, of every length up to 200 (whole blocks of them included), then a quote:
        // escaped exactly when the run is odd.
        for end in (50..80).chain(120..140).chain(190..210) {
            for run in 0..200.min(end) {
                let mut text = vec![b'a'; end - run];
                text[0] = b'"';
                text.extend(std::iter::repeat_n(b'\\', run));
                text.extend_from_slice(b"\"}");
                let found: Vec<usize> = Events::new(&text).collect();
                assert_eq!(found, events_by_byte(&text), "run {run} ending at {end}");
                // The brace is outside the string when the quote before it is not escaped.
                assert_eq!(
                    found.len(),
                    usize::from(run % 2 == 0),
                    "run {run} ending at {end}"
                );
            }
        }
    }

    #[test]
    fn json_text_gives_its_braces_and_colons() {
        let text = br#"{"a\"": [1, "x{:}"], "b": {"c": "\\"}, "d": 2}"#;
        let bytes: Vec<u8> = Events::new(text).map(|at| text[at]).collect();
        assert_eq!(bytes, b"{::{:}:}");
    }

    #[test]
    fn keys_are_read_back_from_their_colons_wherever_the_blocks_end() {
        let json = br#"{"id": 1, "gateway_id" : {"x\"y": 2, "elements":null}, "a\\b": 3, "":[]}"#;
        let expected: [Option<&[u8]>; 5] = [
            Some(b"id"),
            Some(b"gateway_id"),
            None,
            Some(b"elements"),
            None,
        ];
        for pad in 0..140 {
            let text = [vec![b' '; pad], json.to_vec()].concat();
            let mut events = Events::new(&text);
            let mut keys = Vec::new();
            while let Some(at) = events.next() {
                if text[at] == b':' {
                    keys.push(events.key_before(at));
                    assert_eq!(events.key_before(at), key_before_by_byte(&text, at));
                }
            }
            assert_eq!(keys[..5], expected, "{pad} spaces before");
            assert_eq!(keys[5], Some(&b""[..]), "{pad} spaces before");
        }
    }

    #[test]
    fn a_value_is_passed_over_to_the_event_after_it() {
        // The values hold objects that cross 64-byte blocks, and braces and colons in strings.
        let filler = format!(r#""{}""#, "{:}".repeat(30));
        for (text, rest) in [
            (
                format!(r#"{{"a": [{{"b": {{"c": {filler}}}}}, {{}}], "d": 1}}"#),
                ": 1}",
            ),
            (format!(r#"{{"a": {{"b": [{filler}, {{"c": 1}}]}}}}"#), "}"),
            (format!(r#"{{"a": {filler}, "d": {{}}}}"#), ": {}}"),
            (r#"{"a": 1 }"#.to_owned(), "}"),
        ] {
            let mut events = Events::new(text.as_bytes());
            assert_eq!(events.next(), Some(0));
            let colon = events.next().expect("the first colon");
            assert_eq!(&text[colon - 3..=colon], r#""a":"#);
            let at = events.next_after_value().expect("an event after the value");
            assert_eq!(&text[at..], rest, "{text}");
        }
        // At the end of the text there is nothing after it.
        let mut events = Events::new(br#"{"a": [{}"#);
        events.next();
        events.next();
        assert_eq!(events.next_after_value(), None);
    }

    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[test]
    fn sse2_and_portable_masks_agree() {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..2000 {
            let block: [u8; 64] = std::array::from_fn(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            });
            assert_eq!(masks(&block), masks_portable(&block), "{block:?}");
        }
    }
}

//! Byte offsets to 1-based line:column (columns counted in characters).

use crate::diagnostic::Position;

/// Line starts of one text, for O(log n) offset -> line lookups.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`. Only `\n` starts a new line (a `\r\n` pair ends the line at `\n`).
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { line_starts }
    }

    /// The position of `offset`. Offsets past the end are clamped to the end of the text.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line_idx = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let line_start = self.line_starts.get(line_idx).copied().unwrap_or(0);
        Position {
            line: line_idx + 1,
            column: count_chars(text, line_start, offset) + 1,
            offset,
        }
    }

    /// Positions of many offsets at once. Sorting first means each line is scanned once even
    /// when a minified file holds thousands of findings on its single line.
    pub fn positions(&self, text: &str, offsets: &[usize]) -> Vec<Position> {
        let mut order: Vec<usize> = (0..offsets.len()).collect();
        order.sort_by_key(|&i| offsets[i]);
        let mut out = vec![
            Position {
                line: 1,
                column: 1,
                offset: 0
            };
            offsets.len()
        ];
        let mut last: Option<Position> = None;
        for i in order {
            let offset = offsets[i].min(text.len());
            let pos = match last {
                Some(prev) if self.line_of(offset) + 1 == prev.line => Position {
                    line: prev.line,
                    column: prev.column + count_chars(text, prev.offset, offset),
                    offset,
                },
                _ => self.position(text, offset),
            };
            out[i] = pos;
            last = Some(pos);
        }
        out
    }

    fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }
}

/// Characters between two byte offsets; falls back to bytes if an offset is not on a
/// character boundary (cannot happen for parser ranges, but input is never trusted).
fn count_chars(text: &str, from: usize, to: usize) -> usize {
    match text.get(from..to) {
        Some(s) => s.chars().count(),
        None => to.saturating_sub(from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "{\n  \"é\": \"ü\", \"x\": 1\n}";
        let idx = LineIndex::new(text);
        let x = text.find("\"x\"").unwrap_or(0);
        let p = idx.position(text, x);
        assert_eq!((p.line, p.column), (2, 13));
    }

    #[test]
    fn batch_positions_match_single_lookups() {
        let text = "ab\ncdé f\n\ngh";
        let idx = LineIndex::new(text);
        let offsets: Vec<usize> = vec![11, 0, 7, 3, 9, 1];
        let batch = idx.positions(text, &offsets);
        for (o, p) in offsets.iter().zip(batch) {
            assert_eq!(p, idx.position(text, *o));
        }
    }
}

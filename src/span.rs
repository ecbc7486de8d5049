//! Byte ranges into a source text. Lines and columns exist only in renderers.

use std::ops::Range;

/// A half-open byte range `start..end` into a [`crate::source::SourceFile`]'s text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// An empty span at `offset`, for findings about something absent.
    pub const fn at(offset: usize) -> Self {
        Self::new(offset, offset)
    }

    pub const fn len(self) -> usize {
        self.end - self.start
    }

    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }
}

/// How offsets in a piece of decoded text map back to the file it came from.
///
/// Text taken verbatim from a file (an OCI statement line, a JSON string without escapes) maps by
/// a constant offset. Text that had to be decoded (JSON escapes, resolved Terraform
/// interpolations) carries a table from each decoded byte to its source byte.
#[derive(Clone, Debug)]
pub enum SpanMap {
    Offset(usize),
    Table { starts: Vec<usize>, end: usize },
}

impl SpanMap {
    /// Maps a range of the decoded text to the source file.
    pub fn map(&self, start: usize, end: usize) -> Span {
        match self {
            SpanMap::Offset(base) => Span::new(base + start, base + end),
            SpanMap::Table { starts, end: last } => {
                let at = |i: usize| starts.get(i).copied().unwrap_or(*last);
                let s = at(start);
                // The end of a non-empty range is just past its last decoded byte's source. The
                // next byte's source counts only when it is in the same file as the last byte's.
                let e = if end > start {
                    let next = starts.get(end).copied().unwrap_or(*last);
                    let same_file = (next >= ELSEWHERE) == (at(end - 1) >= ELSEWHERE);
                    if same_file { next.max(at(end - 1) + 1) } else { at(end - 1) + 1 }
                } else {
                    s
                };
                Span::new(s, e.max(s))
            }
        }
    }
}

/// Offsets from here on stand for text in another file than the one linted (a template file a
/// Terraform `templatefile(…)` call renders), past the end of any file grantlint reads.
pub const ELSEWHERE: usize = usize::MAX / 4;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_map_shifts() {
        assert_eq!(SpanMap::Offset(10).map(2, 5), Span::new(12, 15));
    }

    #[test]
    fn table_map_follows_escapes() {
        // decoded "a\"b" from source `"a\\\"b"`: a at 1, " at 2..4, b at 4
        let map = SpanMap::Table { starts: vec![1, 2, 4], end: 5 };
        assert_eq!(map.map(0, 1), Span::new(1, 2));
        assert_eq!(map.map(1, 2), Span::new(2, 4));
        assert_eq!(map.map(0, 3), Span::new(1, 5));
        assert_eq!(map.map(3, 3), Span::new(5, 5));
        // A value from the linted file inside text from another: its end stays in the file.
        let map = SpanMap::Table { starts: vec![ELSEWHERE, 7, 8, ELSEWHERE + 1], end: ELSEWHERE + 2 };
        assert_eq!(map.map(1, 3), Span::new(7, 9));
    }

    #[test]
    fn cover_joins() {
        assert_eq!(Span::new(3, 4).cover(Span::new(1, 2)), Span::new(1, 4));
    }
}

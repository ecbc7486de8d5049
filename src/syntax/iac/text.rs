//! Decoded template strings that remember, byte by byte, where in the template they came from.
//!
//! YAML and HCL parsers hand out a string's decoded value and the span of its source token, but
//! not where each character of the value sits: escapes, folded lines, stripped indentation and
//! quotes all shift it. [`Text::aligned`] recovers that by walking the decoded value and its raw
//! source together, which is what lets a finding inside a `!Sub` string or a `<<-EOT` heredoc
//! point at the right column.

use crate::span::{Span, SpanMap};
use std::ops::Range;

/// A string as the template means it, with the source offset of each of its bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text {
    pub value: String,
    /// The source offset of each byte of `value`.
    starts: Vec<usize>,
    /// Just past the text's last source character; where an empty text sits.
    end: usize,
}

/// Whether the source token processes backslash escapes (YAML double quotes, HCL quoted strings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escapes {
    Backslash,
    None,
}

impl Text {
    /// A value the template does not spell out where it is used — a parameter's default, a
    /// placeholder, a key grantlint writes for the template's own spelling: every byte points at
    /// `span`, so a finding about it covers the reference.
    pub fn anchored(value: impl Into<String>, span: Span) -> Text {
        let value = value.into();
        Text { starts: vec![span.start; value.len()], end: span.end.max(span.start), value }
    }

    /// `value`, decoded from `raw` (the source text from offset `base`), aligned with it.
    pub fn aligned(value: &str, raw: &str, base: usize, escapes: Escapes) -> Text {
        let mut starts = Vec::with_capacity(value.len());
        let mut p = 0;
        for c in value.chars() {
            let rest = raw.get(p..).unwrap_or("");
            if escapes == Escapes::Backslash && rest.starts_with('\\') {
                let (skip, len) = escape(rest);
                // A line continuation decodes to nothing; the escape after it decodes to `c`.
                p += skip;
                starts.extend(std::iter::repeat_n(base + p, c.len_utf8()));
                p += len;
            } else if rest.starts_with(c) {
                starts.extend((0..c.len_utf8()).map(|k| base + p + k));
                p += c.len_utf8();
            } else if c.is_whitespace() {
                // A folded line break: the decoded space stands for the break and the indentation.
                starts.extend(std::iter::repeat_n(base + p, c.len_utf8()));
                p += rest.len() - rest.trim_start().len();
            } else {
                // Quotes, indentation and `$${`-style doubling sit between decoded characters.
                match rest.find(c) {
                    Some(q) => {
                        starts.extend((0..c.len_utf8()).map(|k| base + p + q + k));
                        p += q + c.len_utf8();
                    }
                    None => starts.extend(std::iter::repeat_n(base + p, c.len_utf8())),
                }
            }
        }
        Text { value: value.to_string(), starts, end: base + p.min(raw.len()) }
    }

    /// Text as written, from offset `at`.
    #[cfg(test)]
    pub fn verbatim(value: &str, at: usize) -> Text {
        Text { value: value.to_string(), starts: (at..at + value.len()).collect(), end: at + value.len() }
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    /// Where the text starts in the source.
    pub fn start(&self) -> usize {
        self.starts.first().copied().unwrap_or(self.end)
    }

    /// Where the text ends in the source: just past its last character.
    pub fn end(&self) -> usize {
        self.end
    }

    /// The source offset of the byte at `index`, or the end.
    pub fn source_at(&self, index: usize) -> usize {
        self.starts.get(index).copied().unwrap_or(self.end)
    }

    /// The source span of the decoded bytes `range`.
    pub fn source_span(&self, range: Range<usize>) -> Span {
        self.map().map(range.start, range.end)
    }

    /// The source span of the whole text.
    pub fn span(&self) -> Span {
        self.source_span(0..self.value.len())
    }

    /// Appends `other`, keeping each byte's origin.
    pub fn push(&mut self, other: &Text) {
        if other.is_empty() && !self.is_empty() {
            return;
        }
        self.value.push_str(&other.value);
        self.starts.extend_from_slice(&other.starts);
        self.end = other.end;
    }

    /// The decoded bytes `range` (on character boundaries) as a text of their own.
    pub fn slice(&self, range: Range<usize>) -> Text {
        let value = self.value.get(range.clone()).unwrap_or("").to_string();
        let starts = self.starts.get(range.clone()).map(<[usize]>::to_vec).unwrap_or_default();
        let end = match range.end.checked_sub(1).and_then(|last| self.starts.get(last)) {
            Some(&last) if range.end > range.start => {
                let next = self.starts.get(range.end).copied().unwrap_or(self.end);
                next.max(last + 1)
            }
            _ => self.source_at(range.start),
        };
        Text { value, starts, end }
    }

    /// Points every byte at `span`: for a value used somewhere other than where it is written.
    pub fn anchor(&mut self, span: Span) {
        *self = Text::anchored(std::mem::take(&mut self.value), span);
    }

    /// How offsets in the decoded text map to the template: a constant shift when the text is a
    /// verbatim slice, a table otherwise.
    pub fn map(&self) -> SpanMap {
        let first = self.start();
        let contiguous = self.starts.iter().enumerate().all(|(i, &s)| s == first + i);
        if contiguous && self.end == first + self.starts.len() {
            SpanMap::Offset(first)
        } else {
            SpanMap::Table { starts: self.starts.clone(), end: self.end }
        }
    }

    /// The origin of each byte, for building a text byte by byte.
    pub(super) fn starts(&self) -> &[usize] {
        &self.starts
    }
}

/// The length of the escape `rest` starts with, after any YAML line continuations (`\` at the
/// end of a line, which decodes to nothing): `(bytes skipped, escape length)`.
fn escape(rest: &str) -> (usize, usize) {
    let mut skip = 0;
    loop {
        let tail = rest.get(skip..).unwrap_or("");
        let after = tail.strip_prefix("\\\r\n").or_else(|| tail.strip_prefix("\\\n"));
        match after {
            Some(next) => skip = rest.len() - next.trim_start_matches([' ', '\t']).len(),
            None => break,
        }
    }
    let tail = rest.get(skip..).unwrap_or("");
    let len = match tail.as_bytes().get(1) {
        Some(b'x') => 4,
        Some(b'u') => 6,
        Some(b'U') => 10,
        Some(_) => 1 + tail.get(1..).and_then(|t| t.chars().next()).map_or(1, char::len_utf8),
        None => 1,
    };
    (skip, len.min(tail.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where each decoded character starts in the source.
    fn origins(text: &Text) -> Vec<usize> {
        text.value.char_indices().map(|(i, _)| text.source_at(i)).collect()
    }

    #[test]
    fn escapes_map_to_the_escape() {
        let source = r#"x: "a\tb\u00e9\"c""#;
        let raw = &source[4..source.len() - 1];
        let text = Text::aligned("a\tbé\"c", raw, 4, Escapes::Backslash);
        assert_eq!(origins(&text), [4, 5, 7, 8, 14, 16]);
        assert_eq!(text.source_span(1..2), Span::new(5, 7));
        assert_eq!(text.source_span(3..5), Span::new(8, 14));
        assert_eq!(text.end(), source.len() - 1);
    }

    #[test]
    fn folded_lines_and_indentation() {
        let source = "k: plain text\n  continued";
        let text = Text::aligned("plain text continued", &source[3..], 3, Escapes::None);
        let c = text.value.find("continued").unwrap();
        assert_eq!(text.source_span(c..c + 9), Span::new(16, 25));
        let heredoc = "    {\n      \"k\": 1\n    }\n";
        let text = Text::aligned("{\n  \"k\": 1\n}\n", heredoc, 100, Escapes::None);
        let k = text.value.find("\"k\"").unwrap();
        assert_eq!(text.source_span(k..k + 3), Span::new(112, 115));
    }

    #[test]
    fn doubled_quotes_and_dollars() {
        let source = "'it''s $${x}'";
        let text = Text::aligned("it's ${x}", &source[1..source.len() - 1], 1, Escapes::None);
        assert_eq!(origins(&text), [1, 2, 3, 5, 6, 7, 9, 10, 11]);
        assert_eq!(text.source_span(5..9), Span::new(7, 12));
    }

    #[test]
    fn yaml_line_continuation() {
        let source = "\"ab\\\n   \\tc\"";
        let text = Text::aligned("ab\tc", &source[1..source.len() - 1], 1, Escapes::Backslash);
        assert_eq!(origins(&text), [1, 2, 8, 10]);
    }

    #[test]
    fn anchored_text_covers_its_reference() {
        let text = Text::anchored("my-bucket", Span::new(10, 25));
        assert_eq!(text.span(), Span::new(10, 25));
        assert_eq!(text.source_span(2..4), Span::new(10, 11));
    }

    #[test]
    fn concatenation_and_slices() {
        let mut text = Text::verbatim("arn:aws:s3:::", 0);
        text.push(&Text::anchored("cur", Span::new(13, 27)));
        text.push(&Text::verbatim("/*", 27));
        assert_eq!(text.span(), Span::new(0, 29));
        assert!(matches!(text.map(), SpanMap::Table { .. }));
        assert!(matches!(Text::verbatim("abc", 4).map(), SpanMap::Offset(4)));
        let tail = text.slice(16..18);
        assert_eq!((tail.as_str(), tail.span()), ("/*", Span::new(27, 29)));
        assert_eq!(text.slice(13..16).span(), Span::new(13, 27));
    }

    #[test]
    fn misaligned_input_stays_in_bounds() {
        let text = Text::aligned("zzz", "abc", 5, Escapes::Backslash);
        assert_eq!(text.span(), Span::new(5, 6));
        let text = Text::aligned("x", "\\", 0, Escapes::Backslash);
        assert_eq!(text.end(), 1);
    }
}

//! Source files and the line index renderers use to turn byte offsets into lines and columns.

use crate::span::Span;

/// A text that grantlint lints: a file on disk, standard input, or a document fetched by an audit.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path as the user named it (or `-`); renderers print it as is.
    pub path: String,
    pub text: String,
    /// Where a live document came from (`live:oci://…`), for audit findings.
    pub origin: Option<String>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        Self { path: path.into(), text: text.into(), origin: None }
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// A 1-based line and a 1-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Line start offsets of one text, built once per file by the renderers that need positions.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { starts }
    }

    /// The 1-based line of `offset`, without counting columns (which costs the line's length).
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }

    /// The position of `offset`; an offset inside a UTF-8 sequence counts as its character.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self.line(offset).saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let column =
            text.get(start..).map_or(0, |rest| rest.char_indices().take_while(|(i, _)| start + i < offset).count());
        Position { line: line + 1, column: column + 1 }
    }

    /// The byte range of the 1-based `line`, without its line break.
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let start = self.starts.get(line - 1).copied().unwrap_or(text.len());
        let end = self.starts.get(line).map_or(text.len(), |&next| next - 1);
        let end = if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') { end - 1 } else { end };
        Span::new(start, end.max(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let text = "ab\né€x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(index.position(text, 3), Position { line: 2, column: 1 });
        // 'x' follows two multi-byte characters
        assert_eq!(index.position(text, 3 + 2 + 3), Position { line: 2, column: 3 });
        assert_eq!(index.position(text, text.len()), Position { line: 3, column: 1 });
        assert_eq!(index.line(3), 2);
    }

    #[test]
    fn line_span_drops_crlf() {
        let text = "one\r\ntwo";
        let index = LineIndex::new(text);
        assert_eq!(index.line_span(text, 1), Span::new(0, 3));
        assert_eq!(index.line_span(text, 2), Span::new(5, 8));
    }
}

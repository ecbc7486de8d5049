//! Source excerpts with labels, through miette's graphical handler.

use super::{Located, Options};
use crate::diagnostic::Severity;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, SourceCode, SourceSpan, SpanContents};
use std::fmt;
use std::io::{self, Write};

/// miette's handler, set up once for the run.
pub(super) struct Handler(GraphicalReportHandler);

impl Handler {
    pub(super) fn new(options: &Options) -> Self {
        let theme = if options.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
        Self(GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false))
    }

    /// One file's findings, sorted; the summary is the renderer's.
    pub(super) fn render(&self, items: &[Located], out: &mut dyn Write) -> io::Result<()> {
        let Some(first) = items.first() else { return Ok(()) };
        // One line table for the file's findings.
        let lines = LineStarts::new(&first.source.text);
        let mut buf = String::new();
        for item in items {
            buf.clear();
            let text = item.source.text.as_str();
            let own;
            // A path named twice is two sources with one name; each has its own table.
            let starts = if std::ptr::eq(text, first.source.text.as_str()) {
                &lines
            } else {
                own = LineStarts::new(text);
                &own
            };
            let shown = Shown { item, source: Named { name: &item.source.path, text, lines: starts } };
            self.0.render_report(&mut buf, &shown).map_err(io::Error::other)?;
            out.write_all(buf.as_bytes())?;
            writeln!(out)?;
        }
        Ok(())
    }
}

/// One finding as miette sees it. The rule code leads the message, as in the concise format.
struct Shown<'a> {
    item: &'a Located<'a>,
    source: Named<'a>,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.item.diagnostic.message)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.item.diagnostic;
        write!(f, "{} {}", d.rule.code, d.message)?;
        match &d.unit {
            Some(unit) => write!(f, " (policy {unit})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.item.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.item.diagnostic.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.item.diagnostic.span;
        let label = LabeledSpan::new_primary_with_span(
            Some(self.item.diagnostic.rule.name.to_string()),
            SourceSpan::new(span.start.into(), span.len()),
        );
        Some(Box::new(std::iter::once(label)))
    }
}

/// The file's text with its path as the name miette prints.
struct Named<'a> {
    name: &'a str,
    text: &'a str,
    lines: &'a LineStarts,
}

impl SourceCode for Named<'_> {
    /// miette finds an excerpt by counting lines from the start of the text it is given, so it
    /// is given only the lines around the span: each finding costs its excerpt, not the file.
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let end = span.offset() + span.len();
        let first = self.lines.line_of(span.offset()).saturating_sub(context_lines_before);
        // One line more than the context: miette reads up to the line break that ends it.
        let last = self.lines.line_of(end.saturating_sub(1).max(span.offset())) + context_lines_after + 1;
        let (from, to) = (self.lines.start(first), self.lines.start(last + 1).min(self.text.len()));
        let window = self.text.get(from..to).ok_or(MietteError::OutOfBounds)?;
        let shifted = SourceSpan::new((span.offset() - from).into(), span.len());
        let inner = window.read_span(&shifted, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            SourceSpan::new((inner.span().offset() + from).into(), inner.span().len()),
            inner.line() + first,
            inner.column(),
            inner.line_count() + first,
        )))
    }
}

/// Where each line starts, with line breaks as miette counts them: `\n`, `\r\n` and a lone `\r`.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            let lone_cr = b == b'\r' && bytes.get(i + 1) != Some(&b'\n');
            if b == b'\n' || lone_cr {
                starts.push(i + 1);
            }
        }
        Self(starts)
    }

    /// The 0-based line holding `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&s| s <= offset).saturating_sub(1)
    }

    /// Where the 0-based `line` starts; past the last line, `usize::MAX`.
    fn start(&self, line: usize) -> usize {
        self.0.get(line).copied().unwrap_or(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The excerpt read from a window is the one miette reads from the whole text.
    #[test]
    fn windowed_excerpts_match_whole_text_excerpts() {
        let text = "zero\none\r\ntwo\rthree\n\nfive é\nsix\nseven";
        let lines = LineStarts::new(text);
        let named = Named { name: "f", text, lines: &lines };
        for start in 0..text.len() {
            for end in start..=text.len() {
                if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                    continue;
                }
                // The handler always asks for context lines (one by default).
                for context in 1..3 {
                    let span = SourceSpan::new(start.into(), end - start);
                    let whole = text.read_span(&span, context, context).unwrap();
                    let window = named.read_span(&span, context, context).unwrap();
                    let at = format!("{start}..{end} with {context} lines of context");
                    assert_eq!(window.data(), whole.data(), "{at}");
                    assert_eq!(window.span(), whole.span(), "{at}");
                    assert_eq!((window.line(), window.column()), (whole.line(), whole.column()), "{at}");
                }
            }
        }
    }
}

//! Source excerpts with labels, through miette's graphical handler.

use super::{Located, Options, located, skipped_lines, summary};
use crate::diagnostic::Severity;
use crate::lint::Report;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, SourceCode, SourceSpan, SpanContents};
use std::fmt;
use std::io::{self, Write};

pub fn render(report: &Report, options: &Options, out: &mut dyn Write) -> io::Result<()> {
    let theme = if options.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
    let mut buf = String::new();
    for item in located(report) {
        buf.clear();
        let shown = Shown::new(&item);
        handler.render_report(&mut buf, &shown).map_err(io::Error::other)?;
        out.write_all(buf.as_bytes())?;
        writeln!(out)?;
    }
    if options.verbose {
        skipped_lines(report, out)?;
    }
    if !options.quiet {
        writeln!(out, "{}", summary(report))?;
    }
    Ok(())
}

/// One finding as miette sees it. The rule code leads the message, as in the concise format.
struct Shown<'a> {
    item: &'a Located<'a>,
    source: Named<'a>,
}

impl<'a> Shown<'a> {
    fn new(item: &'a Located<'a>) -> Self {
        Self { item, source: Named { name: &item.source.path, text: &item.source.text } }
    }
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
}

impl SourceCode for Named<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self.text.read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

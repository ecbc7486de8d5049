//! `path:line:col: CODE message`, one finding per line, for editors and grep.

use super::{Options, located, skipped_lines, summary};
use crate::lint::Report;
use std::io::{self, Write};

pub fn render(report: &Report, options: &Options, out: &mut dyn Write) -> io::Result<()> {
    for item in located(report) {
        let d = item.diagnostic;
        writeln!(out, "{}:{}:{}: {} {}", item.source.path, item.start.line, item.start.column, d.rule.code, d.message)?;
    }
    if options.verbose {
        skipped_lines(report, out)?;
    }
    if !options.quiet {
        writeln!(out, "{}", summary(report))?;
    }
    Ok(())
}

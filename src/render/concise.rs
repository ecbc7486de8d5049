//! `path:line:col: severity[CODE] message`, one finding per line, for editors, grep and CI logs
//! (the form rustc and clippy print, so a reader sees which line failed the build). When a file holds
//! several policies (a template, an API listing, a snapshot) the message ends with the policy's
//! name, as the human format shows it.

use super::{Options, located, skipped_lines, summary};
use crate::lint::Report;
use std::io::{self, Write};

pub fn render(report: &Report, options: &Options, out: &mut dyn Write) -> io::Result<()> {
    for item in located(report) {
        let d = item.diagnostic;
        write!(
            out,
            "{}:{}:{}: {}[{}] {}",
            item.source.path,
            item.start.line,
            item.start.column,
            d.severity.as_str(),
            d.rule.code,
            d.message
        )?;
        match &d.unit {
            Some(unit) => writeln!(out, " (policy {unit})")?,
            None => writeln!(out)?,
        }
    }
    if options.verbose {
        skipped_lines(report, out)?;
    }
    if !options.quiet {
        writeln!(out, "{}", summary(report))?;
    }
    Ok(())
}

//! `path:line:col: severity[CODE] message`, one finding per line, for editors, grep and CI logs
//! (the form rustc and clippy print, so a reader sees which line failed the build). When a file holds
//! several policies (a template, an API listing, a snapshot) the message ends with the policy's
//! name, as the human format shows it.

use super::Located;
use std::io::{self, Write};

/// One file's findings, sorted; the summary is the renderer's.
pub(super) fn render(items: &[Located], out: &mut dyn Write) -> io::Result<()> {
    for item in items {
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
    Ok(())
}

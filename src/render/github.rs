//! GitHub Actions workflow commands, one per finding, which the runner turns into annotations:
//! `::error title=grantlint (CODE),file=…,line=…,col=…,endLine=…,endColumn=…::path:line:col: CODE message`,
//! with the help on a second line (`%0A`).

use super::{Located, repo_path};
use crate::diagnostic::Severity;
use std::io::{self, Write};

/// One file's findings, sorted, one command each.
pub(super) fn render(items: &[Located], out: &mut dyn Write) -> io::Result<()> {
    for item in items {
        let d = item.diagnostic;
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let path = repo_path(&item.source.path);
        let (start, end) = (item.start, item.end);
        let title = format!("grantlint ({})", d.rule.code);
        write!(
            out,
            "::{command} title={},file={},line={}",
            escape_property(&title),
            escape_property(&path),
            start.line
        )?;
        // GitHub honours columns only when an annotation starts and ends on one line; with columns
        // on a multi-line range it misplaces the annotation, so those get lines alone.
        if start.line == end.line {
            write!(out, ",col={},endLine={},endColumn={}", start.column, end.line, end.column)?;
        } else {
            write!(out, ",endLine={}", end.line)?;
        }
        let mut message = format!("{path}:{}:{}: {} {}", start.line, start.column, d.rule.code, d.message);
        if let Some(unit) = &d.unit {
            message.push_str(&format!(" (policy {unit})"));
        }
        // The annotation body shows every line, so the fix goes along with the finding.
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        writeln!(out, "::{}", escape_data(&message))?;
    }
    Ok(())
}

/// A path that could not be read fails the run; say so where the annotations are.
pub(super) fn unreadable(errors: &[String], out: &mut dyn Write) -> io::Result<()> {
    for error in errors {
        writeln!(out, "::error title=grantlint::{}", escape_data(error))?;
    }
    Ok(())
}

/// Escapes a command's message the way the Actions toolkit does, so a newline cannot end the
/// command early and a literal `%` is not read as an escape. `%` goes first, or the escapes
/// added after it would be escaped again.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value: as a message, and also `:` and `,`, which end a value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_escapes_percent_first_and_line_breaks() {
        assert_eq!(escape_data("100% of %0A"), "100%25 of %250A");
        assert_eq!(escape_data("one\r\ntwo\nthree"), "one%0D%0Atwo%0Athree");
        // `:` and `,` are harmless in the message part
        assert_eq!(escape_data("a: b, c"), "a: b, c");
    }

    #[test]
    fn property_also_escapes_colon_and_comma() {
        assert_eq!(escape_property("policies/a,b:c.policy"), "policies/a%2Cb%3Ac.policy");
        assert_eq!(escape_property("50%,\n"), "50%25%2C%0A");
        assert_eq!(escape_property("grantlint (OCI002)"), "grantlint (OCI002)");
    }
}

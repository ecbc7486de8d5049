//! The JSON output, format version 1: a public API, documented in the README.

use super::{Located, Tally};
use crate::catalog::aws::AwsCatalog;
use crate::diagnostic::Severity;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    summary: Summary,
    findings: &'a [Finding],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
    /// The AWS action catalog's source line: which actions and levels the AWS rules knew.
    catalog_version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    skipped: usize,
    errors: usize,
    warnings: usize,
}

/// One finding as the document shows it: kept, without its file's text, until the run ends.
#[derive(Serialize)]
pub(super) struct Finding {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: String,
    help: Option<String>,
    path: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
}

impl Finding {
    pub(super) fn new(item: &Located) -> Self {
        let d = item.diagnostic;
        Finding {
            code: d.rule.code,
            name: d.rule.name,
            severity: d.severity,
            message: d.message.clone(),
            help: d.help.clone(),
            path: item.source.path.clone(),
            line: item.start.line,
            column: item.start.column,
            end_line: item.end.line,
            end_column: item.end.column,
            policy: d.unit.clone(),
            source: item.source.origin.clone(),
        }
    }
}

pub(super) fn render(findings: &[Finding], tally: &Tally, out: &mut dyn Write) -> io::Result<()> {
    let document = Document {
        version: 1,
        tool: Tool { name: "grantlint", version: env!("CARGO_PKG_VERSION"), catalog_version: AwsCatalog::get().source },
        summary: Summary {
            files: tally.linted,
            skipped: tally.skipped.len(),
            errors: tally.errors,
            warnings: tally.warnings,
        },
        findings,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

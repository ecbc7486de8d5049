//! The JSON output, format version 1: a public API, documented in the README.

use super::located;
use crate::catalog::aws::AwsCatalog;
use crate::diagnostic::Severity;
use crate::lint::Report;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    summary: Summary,
    findings: Vec<Finding<'a>>,
    /// Paths that could not be read, each as a sentence (`policies/a.json: permission denied`).
    unreadable: &'a [String],
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
    unreadable: usize,
}

#[derive(Serialize)]
struct Finding<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let findings = located(report)
        .into_iter()
        .map(|item| {
            let d = item.diagnostic;
            Finding {
                code: d.rule.code,
                name: d.rule.name,
                severity: d.severity,
                message: &d.message,
                help: d.help.as_deref(),
                path: &item.source.path,
                line: item.start.line,
                column: item.start.column,
                end_line: item.end.line,
                end_column: item.end.column,
                policy: d.unit.as_deref(),
                source: item.source.origin.as_deref(),
            }
        })
        .collect();
    let document = Document {
        version: 1,
        tool: Tool { name: "grantlint", version: env!("CARGO_PKG_VERSION"), catalog_version: AwsCatalog::get().source },
        summary: Summary {
            files: report.linted(),
            skipped: report.skipped().count(),
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            unreadable: report.errors.len(),
        },
        findings,
        unreadable: &report.errors,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

//! The JSON output, format version 1: a public API, documented in the README.
//!
//! The document opens with the run's totals, known only at its end, so each finding is written
//! out as its file goes by into a [`Spool`] (memory, then an anonymous temporary file once it
//! grows), and the document is assembled from it at the end: memory stays bounded whatever the
//! number of findings.

use super::{Located, Tally};
use crate::catalog::aws::AwsCatalog;
use crate::diagnostic::Severity;
use serde::Serialize;
use std::fs::File;
use std::io::{self, Read, Seek, Write};

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    summary: Summary,
    /// Paths that could not be read, each as a sentence (`policies/a.json: permission denied`).
    unreadable: &'a [String],
    /// Always empty here: the findings are spliced in from the spool.
    findings: [(); 0],
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

/// How much of the findings' text stays in memory before it moves to a temporary file.
const IN_MEMORY: usize = 8 << 20;

/// The findings written so far, as the document's `findings` array holds them (without its
/// brackets).
#[derive(Default)]
pub(super) struct Spool {
    buf: Vec<u8>,
    file: Option<File>,
    /// Whether a finding was written: the next one needs a comma.
    any: bool,
    /// Where one finding is serialised before it is indented into `buf`.
    scratch: Vec<u8>,
}

impl Spool {
    /// One file's findings, sorted.
    pub(super) fn extend(&mut self, items: &[Located]) -> io::Result<()> {
        for item in items {
            let d = item.diagnostic;
            let finding = Finding {
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
            };
            self.scratch.clear();
            serde_json::to_writer_pretty(&mut self.scratch, &finding)?;
            self.buf.extend_from_slice(if self.any { b",\n    " } else { b"    " });
            self.any = true;
            // An element of `findings` sits two levels deep; JSON strings hold no raw line breaks,
            // so indenting after each one indents every line of the element.
            for (i, line) in self.scratch.split(|&b| b == b'\n').enumerate() {
                if i > 0 {
                    self.buf.extend_from_slice(b"\n    ");
                }
                self.buf.extend_from_slice(line);
            }
        }
        if self.buf.len() >= IN_MEMORY {
            self.spill()?;
        }
        Ok(())
    }

    /// Moves what is in memory to the temporary file; without one (none can be made) it stays.
    fn spill(&mut self) -> io::Result<()> {
        if self.file.is_none() {
            self.file = tempfile::tempfile().ok();
        }
        if let Some(file) = &mut self.file {
            file.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Copies every finding written, in order, to `out`.
    fn copy_to(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if let Some(file) = &mut self.file {
            file.rewind()?;
            let mut chunk = vec![0; 1 << 20];
            loop {
                let n = file.read(&mut chunk)?;
                if n == 0 {
                    break;
                }
                out.write_all(chunk.get(..n).unwrap_or_default())?;
            }
        }
        out.write_all(&self.buf)
    }
}

pub(super) fn render(spool: &mut Spool, tally: &Tally, unreadable: &[String], out: &mut dyn Write) -> io::Result<()> {
    let document = Document {
        version: 1,
        tool: Tool { name: "grantlint", version: env!("CARGO_PKG_VERSION"), catalog_version: AwsCatalog::get().source },
        summary: Summary {
            files: tally.linted,
            skipped: tally.skipped.len(),
            errors: tally.errors,
            warnings: tally.warnings,
            unreadable: unreadable.len(),
        },
        unreadable,
        findings: [],
    };
    let head = serde_json::to_vec_pretty(&document)?;
    // The document ends `"findings": []` and its closing brace; with findings, the array opens
    // there and the spool fills it.
    let empty = b"[]\n}";
    match head.strip_suffix(empty.as_slice()) {
        Some(open) if spool.any => {
            out.write_all(open)?;
            out.write_all(b"[\n")?;
            spool.copy_to(out)?;
            out.write_all(b"\n  ]\n}")?;
        }
        _ => out.write_all(&head)?,
    }
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{Options, lint_source};
    use crate::render::{Format, Renderer};
    use crate::source::SourceFile;

    /// The spliced document is the one serde_json writes for the whole value, byte for byte.
    #[test]
    fn spliced_findings_read_as_the_whole_document() {
        let text = "Allow group a to manage all-resources in tenancy\nAllow group \"b\" to use buckets in tenancy\n";
        let report = lint_source(SourceFile::new("p.policy", text), &Options::default());
        let options = crate::render::Options { color: false, verbose: false, quiet: false };
        let mut out = Vec::new();
        let mut renderer = Renderer::new(Format::Json, options, &mut out);
        renderer.report(&report).unwrap();
        renderer.finish(&[]).unwrap();

        #[derive(Serialize)]
        struct Whole<'a> {
            version: u32,
            tool: Tool,
            summary: Summary,
            unreadable: &'a [String],
            findings: Vec<Finding<'a>>,
        }
        let file = &report.files[0];
        let refs = [file];
        let findings: Vec<Finding> = crate::render::located(&refs)
            .iter()
            .map(|item| Finding {
                code: item.diagnostic.rule.code,
                name: item.diagnostic.rule.name,
                severity: item.diagnostic.severity,
                message: &item.diagnostic.message,
                help: item.diagnostic.help.as_deref(),
                path: &item.source.path,
                line: item.start.line,
                column: item.start.column,
                end_line: item.end.line,
                end_column: item.end.column,
                policy: item.diagnostic.unit.as_deref(),
                source: item.source.origin.as_deref(),
            })
            .collect();
        assert_eq!(findings.len(), 2);
        let whole = Whole {
            version: 1,
            tool: Tool {
                name: "grantlint",
                version: env!("CARGO_PKG_VERSION"),
                catalog_version: AwsCatalog::get().source,
            },
            summary: Summary { files: 1, skipped: 0, errors: 2, warnings: 0, unreadable: 0 },
            unreadable: &[],
            findings,
        };
        let mut expected = serde_json::to_vec_pretty(&whole).unwrap();
        expected.push(b'\n');
        assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(expected).unwrap());
    }

    #[test]
    fn spilled_findings_come_back_in_order() {
        let mut spool = Spool { buf: b"    {\"a\": 1}".to_vec(), any: true, ..Spool::default() };
        spool.spill().unwrap();
        spool.buf.extend_from_slice(b",\n    {\"b\": 2}");
        let mut out = Vec::new();
        spool.copy_to(&mut out).unwrap();
        assert_eq!(out, b"    {\"a\": 1},\n    {\"b\": 2}");
    }
}

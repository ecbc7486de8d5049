//! Diagnostics to text. Each output format is one module; only `human` knows miette.

mod concise;
mod github;
mod human;
mod json;
mod sarif;

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Report;
use crate::source::{LineIndex, Position, SourceFile};
use std::io::{self, Write};
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source excerpts with labels and help (the default on a terminal)
    Human,
    /// One line per finding: `path:line:col: severity[CODE] message`
    Concise,
    /// One JSON document (format version 1)
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request
    Github,
}

pub struct Options {
    pub color: bool,
    /// List skipped files.
    pub verbose: bool,
    /// Only findings, no summary.
    pub quiet: bool,
}

/// A diagnostic with its file and line/column positions.
pub struct Located<'a> {
    pub source: &'a SourceFile,
    pub diagnostic: &'a Diagnostic,
    pub start: Position,
    pub end: Position,
}

/// Every diagnostic of the report with positions, sorted by path, line, column and code.
pub fn located(report: &Report) -> Vec<Located<'_>> {
    let mut out = Vec::new();
    for file in &report.files {
        if file.diagnostics.is_empty() {
            continue;
        }
        let index = LineIndex::new(&file.source.text);
        let text = &file.source.text;
        for diagnostic in &file.diagnostics {
            out.push(Located {
                source: &file.source,
                diagnostic,
                start: index.position(text, diagnostic.span.start),
                end: index.position(text, diagnostic.span.end),
            });
        }
    }
    out.sort_by(|a, b| {
        (&a.source.path, a.start, a.diagnostic.rule.code).cmp(&(&b.source.path, b.start, b.diagnostic.rule.code))
    });
    out
}

pub fn render(report: &Report, format: Format, options: &Options, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human::render(report, options, out),
        Format::Concise => concise::render(report, options, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Github => github::render(report, out),
    }
}

/// A finding's path as CI integrations want it: relative to the working directory (the repository
/// root in a workflow) with forward slashes, because GitHub matches annotations and alerts to files
/// by repository-relative path. A path outside the working directory stays absolute.
fn repo_path(path: &str) -> String {
    let cwd = std::env::current_dir().ok();
    let path = cwd.as_deref().and_then(|cwd| Path::new(path).strip_prefix(cwd).ok()).unwrap_or(Path::new(path));
    let slashed = path.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/");
    let mut relative = slashed.as_str();
    while let Some(rest) = relative.strip_prefix("./") {
        relative = rest;
    }
    relative.to_string()
}

/// The closing line of the text formats: `Found 2 errors and 1 warning in 3 files (1 skipped).`
fn summary(report: &Report) -> String {
    let (errors, warnings) = (report.count(Severity::Error), report.count(Severity::Warning));
    let files = report.linted();
    let skipped = report.skipped().count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let found = if errors + warnings == 0 {
        "No findings".to_string()
    } else {
        format!("Found {} and {}", plural(errors, "error"), plural(warnings, "warning"))
    };
    let skipped = if skipped > 0 { format!(" ({skipped} skipped; --verbose lists them)") } else { String::new() };
    let unreadable = match report.errors.len() {
        0 => String::new(),
        1 => " 1 path could not be read.".to_string(),
        n => format!(" {n} paths could not be read."),
    };
    format!("{found} in {}{skipped}.{unreadable}", plural(files, "file"))
}

/// The skipped files, one per line, for `--verbose`.
fn skipped_lines(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for (source, why) in report.skipped() {
        writeln!(out, "skipped {}: {why}", source.path)?;
    }
    Ok(())
}

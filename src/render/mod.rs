//! Diagnostics to text. Each output format is one module; only `human` knows miette.

mod concise;
mod github;
mod human;
mod json;
mod sarif;

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{FileResult, Outcome, Report};
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

#[derive(Clone, Copy, Debug)]
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

/// The diagnostics of `files` (one path's) with positions, sorted by line, column and code.
pub(crate) fn located<'a>(files: &[&'a FileResult]) -> Vec<Located<'a>> {
    let mut out = Vec::new();
    for file in files {
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
    out.sort_by(|a, b| (a.start, a.diagnostic.rule.code).cmp(&(b.start, b.diagnostic.rule.code)));
    out
}

/// What a run amounted to, counted as its files went by.
#[derive(Debug, Default)]
pub struct Tally {
    pub linted: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Skipped files, with why and their place among the inputs.
    skipped: Vec<(usize, String, String)>,
}

impl Tally {
    pub fn count(&self, severity: Severity) -> usize {
        match severity {
            Severity::Error => self.errors,
            Severity::Warning => self.warnings,
        }
    }

    fn add(&mut self, file: &FileResult) {
        match &file.outcome {
            Outcome::Linted(_) => self.linted += 1,
            Outcome::Skipped(why) => self.skipped.push((file.order, file.source.path.clone(), why.clone())),
        }
        for d in &file.diagnostics {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
            }
        }
    }
}

/// Renders a run as it goes: files come in path order, and each format writes what it can at
/// once (human, concise and github write each finding as its file arrives; JSON, whose document
/// opens with the totals, spools its findings; SARIF keeps compact records of its results until
/// [`Renderer::finish`]). No source text is kept past its file.
pub struct Renderer<'w> {
    format: Format,
    options: Options,
    out: &'w mut dyn Write,
    tally: Tally,
    human: Option<human::Handler>,
    json: json::Spool,
    sarif: sarif::Results,
}

impl<'w> Renderer<'w> {
    pub fn new(format: Format, options: Options, out: &'w mut dyn Write) -> Self {
        let human = (format == Format::Human).then(|| human::Handler::new(&options));
        Self {
            format,
            options,
            out,
            tally: Tally::default(),
            human,
            json: json::Spool::default(),
            sarif: sarif::Results::new(),
        }
    }

    /// The files of one path, after those of every path before it.
    pub fn files(&mut self, files: &[&FileResult]) -> io::Result<()> {
        for file in files {
            self.tally.add(file);
        }
        let items = located(files);
        match self.format {
            Format::Human => match &self.human {
                Some(handler) => handler.render(&items, &mut *self.out),
                None => Ok(()),
            },
            Format::Concise => concise::render(&items, &mut *self.out),
            Format::Github => github::render(&items, &mut *self.out),
            Format::Json => self.json.extend(&items),
            Format::Sarif => {
                self.sarif.extend(&items);
                Ok(())
            }
        }
    }

    /// Every file of a report, in path order.
    pub fn report(&mut self, report: &Report) -> io::Result<()> {
        let mut files: Vec<&FileResult> = report.files.iter().collect();
        files.sort_by(|a, b| a.source.path.cmp(&b.source.path));
        for group in files.chunk_by(|a, b| a.source.path == b.source.path) {
            self.files(group)?;
        }
        Ok(())
    }

    /// Writes what comes after the findings (for JSON and SARIF, the whole document), with the
    /// files that could not be read, and returns the totals.
    pub fn finish(mut self, errors: &[String]) -> io::Result<Tally> {
        self.tally.skipped.sort_by_key(|(order, _, _)| *order);
        let out = &mut *self.out;
        match self.format {
            Format::Human | Format::Concise => {
                if self.options.verbose {
                    for (_, path, why) in &self.tally.skipped {
                        writeln!(out, "skipped {path}: {why}")?;
                    }
                }
                if !self.options.quiet {
                    writeln!(out, "{}", summary(&self.tally, errors.len()))?;
                }
            }
            Format::Github => github::unreadable(errors, out)?,
            Format::Json => json::render(&mut self.json, &self.tally, errors, out)?,
            Format::Sarif => self.sarif.render(errors, out)?,
        }
        Ok(self.tally)
    }
}

/// Renders a whole report at once.
pub fn render(report: &Report, format: Format, options: &Options, out: &mut dyn Write) -> io::Result<Tally> {
    let mut renderer = Renderer::new(format, *options, out);
    renderer.report(report)?;
    renderer.finish(&report.errors)
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
fn summary(tally: &Tally, unreadable: usize) -> String {
    let (errors, warnings) = (tally.errors, tally.warnings);
    let files = tally.linted;
    let skipped = tally.skipped.len();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let found = if errors + warnings == 0 {
        "No findings".to_string()
    } else {
        format!("Found {} and {}", plural(errors, "error"), plural(warnings, "warning"))
    };
    let skipped = if skipped > 0 { format!(" ({skipped} skipped; --verbose lists them)") } else { String::new() };
    let unreadable = match unreadable {
        0 => String::new(),
        1 => " 1 path could not be read.".to_string(),
        n => format!(" {n} paths could not be read."),
    };
    format!("{found} in {}{skipped}.{unreadable}", plural(files, "file"))
}

//! The pipeline: source → syntax → model → rules → sorted diagnostics.

use crate::diagnostic::{Diagnostic, Severity};
use crate::input::{self, Input, Loaded};
use crate::profile::Profile;
use crate::rules::oci::{missing_grant, syntax_error};
use crate::rules::{Check, Context, RULES};
use crate::source::SourceFile;
use crate::span::Span;
use crate::syntax::json;
use crate::syntax::oci::parser::SyntaxError;
use crate::syntax::oci::{self, Policy, PolicySource};
use rayon::prelude::*;
use std::path::Path;

/// How a file's contents are read, when the user says so (`--kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Oci,
}

#[derive(Default)]
pub struct Options<'p> {
    pub profile: Option<&'p Profile>,
    pub kind: Option<Kind>,
}

/// What happened to one file.
#[derive(Debug)]
pub enum Outcome {
    /// Linted; the number of policies it held.
    Linted(usize),
    /// Not a policy; why it was passed over.
    Skipped(String),
}

pub struct FileResult {
    pub source: SourceFile,
    pub outcome: Outcome,
    pub diagnostics: Vec<Diagnostic>,
    coverage: missing_grant::Coverage,
}

/// Everything one run found: files in input order, diagnostics sorted within each file.
pub struct Report {
    pub files: Vec<FileResult>,
    /// Files that could not be read.
    pub errors: Vec<String>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics().filter(|(_, d)| d.severity == severity).count()
    }

    pub fn linted(&self) -> usize {
        self.files.iter().filter(|f| matches!(f.outcome, Outcome::Linted(_))).count()
    }

    pub fn skipped(&self) -> impl Iterator<Item = (&SourceFile, &str)> {
        self.files.iter().filter_map(|f| match &f.outcome {
            Outcome::Skipped(why) => Some((&f.source, why.as_str())),
            Outcome::Linted(_) => None,
        })
    }

    pub fn diagnostics(&self) -> impl Iterator<Item = (&SourceFile, &Diagnostic)> {
        self.files.iter().flat_map(|f| f.diagnostics.iter().map(move |d| (&f.source, d)))
    }
}

/// Lints every input, in parallel, and returns the results in input order.
pub fn run(inputs: &[Input], options: &Options) -> Report {
    let results: Vec<Result<FileResult, String>> = inputs
        .par_iter()
        .map(|input| input::load(input).map(|loaded| lint_loaded(loaded, input.explicit, options)))
        .collect();
    let mut report = Report { files: Vec::new(), errors: Vec::new() };
    for result in results {
        match result {
            Ok(file) => report.files.push(file),
            Err(e) => report.errors.push(e),
        }
    }
    finish(&mut report, options);
    report
}

/// Lints one source already in memory (standard input, an audit's documents, tests).
pub fn lint_source(source: SourceFile, options: &Options) -> Report {
    let mut report = Report { files: vec![lint_loaded(Loaded::Text(source), true, options)], errors: Vec::new() };
    finish(&mut report, options);
    report
}

/// Run-wide rules, then a stable order.
fn finish(report: &mut Report, options: &Options) {
    if let Some(oci_profile) = options.profile.and_then(|p| p.oci.as_ref()) {
        let mut total = missing_grant::Coverage::default();
        for file in &report.files {
            total.merge(&file.coverage);
        }
        if let Some(anchor_file) = report.files.iter_mut().find(|f| f.coverage.anchor.is_some()) {
            total.anchor = anchor_file.coverage.anchor;
            anchor_file.diagnostics.extend(missing_grant::report(&total, oci_profile));
        }
    }
    for file in &mut report.files {
        file.diagnostics
            .sort_by(|a, b| (a.span.start, a.rule.code, a.span.end).cmp(&(b.span.start, b.rule.code, b.span.end)));
    }
}

fn lint_loaded(loaded: Loaded, explicit: bool, options: &Options) -> FileResult {
    let (source, bad_utf8) = match loaded {
        Loaded::Text(source) => (source, None),
        Loaded::NotText { source, offset } => (source, Some(offset)),
    };
    let mut file =
        FileResult { source, outcome: Outcome::Linted(0), diagnostics: Vec::new(), coverage: Default::default() };
    let format = detect(&file.source, explicit, options.kind);
    if let Some(offset) = bad_utf8 {
        match format {
            Format::OciText | Format::Json => {
                let error = SyntaxError {
                    span: Span::new(offset, offset + 1),
                    message: "the file is not UTF-8 text".into(),
                    help: Some("save the file as UTF-8"),
                };
                file.diagnostics.push(syntax_error::diagnostic(error));
            }
            Format::Skip(_) => file.outcome = Outcome::Skipped("binary, or not UTF-8 text".into()),
        }
        return file;
    }
    match format {
        Format::Skip(why) => file.outcome = Outcome::Skipped(why.into()),
        Format::OciText => {
            let name = Path::new(&file.source.path).file_stem().map(|s| s.to_string_lossy().into_owned());
            let text = file.source.text.clone();
            let policy = oci::read_text(&text, name);
            lint_oci(&[policy], options, &mut file);
        }
        Format::Json => lint_json(options, &mut file),
    }
    file
}

enum Format {
    OciText,
    Json,
    Skip(&'static str),
}

fn detect(source: &SourceFile, explicit: bool, kind: Option<Kind>) -> Format {
    let ext = Path::new(&source.path).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let looks_json = source.text.trim_start_matches('\u{feff}').trim_start().starts_with(['{', '[']);
    match ext.as_str() {
        "policy" | "oci" => Format::OciText,
        "json" => Format::Json,
        _ if kind == Some(Kind::Oci) && !looks_json => Format::OciText,
        _ if source.path == "-" && looks_json => Format::Json,
        _ if oci::sniff_text(&source.text) => Format::OciText,
        _ if explicit && looks_json => Format::Json,
        _ => Format::Skip("not a policy: no OCI statement or policy JSON found"),
    }
}

fn lint_json(options: &Options, file: &mut FileResult) {
    let text = file.source.text.clone();
    let value = match json::parse(&text) {
        Ok(value) => value,
        Err(e) => {
            if text.contains("\"statements\"") {
                let error = SyntaxError { span: e.span, message: format!("invalid JSON: {}", e.message), help: None };
                file.diagnostics.push(syntax_error::diagnostic(error));
            } else {
                file.outcome = Outcome::Skipped(format!("not a policy: invalid JSON ({})", e.message));
            }
            return;
        }
    };
    match oci::read_json(&value, &text) {
        Some(policies) => lint_oci(&policies, options, file),
        None => file.outcome = Outcome::Skipped("JSON, but not a policy".into()),
    }
}

fn lint_oci(sources: &[PolicySource], options: &Options, file: &mut FileResult) {
    file.outcome = Outcome::Linted(sources.len());
    for source in sources {
        let policy = Policy::parse(source);
        let mut cx = Context::new(options.profile);
        for error in &policy.errors {
            cx.report(syntax_error::diagnostic(error.clone()));
        }
        if policy.statement_count() == 0 && policy.errors.is_empty() {
            cx.report(syntax_error::diagnostic(SyntaxError {
                span: Span::at(source.span.start),
                message: "the policy has no statements; OCI requires at least one".into(),
                help: Some("add a statement, or delete the policy"),
            }));
        }
        for rule in RULES {
            if let Check::OciPolicy(check) = rule.check {
                check(&policy, &mut cx);
            }
        }
        if let Some(oci_profile) = options.profile.and_then(|p| p.oci.as_ref()) {
            let coverage = missing_grant::coverage(&policy, oci_profile, cx.oci);
            if file.coverage.anchor.is_none() {
                file.coverage.anchor = coverage.anchor;
            }
            file.coverage.merge(&coverage);
        }
        let unit = source.name.clone().filter(|_| sources.len() > 1);
        file.diagnostics.extend(cx.into_diagnostics().into_iter().map(|mut d| {
            d.unit = unit.clone();
            d
        }));
    }
}

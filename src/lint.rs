//! The pipeline: source → syntax → model → rules → sorted diagnostics.

mod iac;
mod snapshot;

use crate::config::{Accepted, Config};
use crate::diagnostic::{Diagnostic, Severity};
use crate::input::{self, Input, Loaded};
use crate::profile::Profile;
use crate::rules::aws::syntax_error as aws_syntax_error;
use crate::rules::file::not_a_policy;
use crate::rules::oci::{missing_grant, syntax_error};
use crate::rules::{Check, Context, RULES};
use crate::source::SourceFile;
use crate::span::Span;
use crate::suppress::{self, Suppression};
use crate::syntax::oci::ast::Domain;
use crate::syntax::oci::parser::SyntaxError;
use crate::syntax::oci::{self, Policy, PolicySource};
use crate::syntax::{aws, json};
use rayon::prelude::*;
use std::io;
use std::path::Path;

/// How a file's contents are read, when the user says so (`--kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Oci,
    /// An AWS policy of this kind, whatever its content suggests.
    Aws(aws::Kind),
}

impl Kind {
    fn aws(self) -> Option<aws::Kind> {
        match self {
            Kind::Aws(kind) => Some(kind),
            Kind::Oci => None,
        }
    }
}

#[derive(Default)]
pub struct Options<'p> {
    pub profile: Option<&'p Profile>,
    pub kind: Option<Kind>,
    /// The `.grantlint.toml` in force, if any.
    pub config: Option<&'p Config>,
}

impl Options<'_> {
    pub(crate) fn accepted(&self) -> &[Accepted] {
        self.config.map_or(&[], |c| &c.accepted)
    }
}

/// What happened to one file.
#[derive(Clone, Debug)]
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
    /// The file's place among the run's inputs, which keeps lists of skipped and unreadable files
    /// in the order they were given while findings come in path order.
    pub order: usize,
    coverage: missing_grant::Coverage,
    /// Applied after the run-wide rules, so they can be suppressed too.
    suppressions: Vec<Suppression>,
    /// Where the configuration's statement-scoped ignores can point.
    anchors: suppress::Anchors,
}

/// Everything one run found: files in path order, diagnostics sorted within each file.
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

/// How many inputs are read and linted at once: enough to keep every core busy, few enough that
/// memory follows the largest files rather than the whole run.
const WINDOW: usize = 256;

/// Lints every input and collects the results, in path order.
pub fn run(inputs: &[Input], options: &Options) -> Report {
    let mut files = Vec::new();
    let errors = stream(inputs, options, &mut |done: Vec<FileResult>| {
        files.extend(done);
        Ok(())
    });
    // Collecting into memory cannot fail.
    Report { files, errors: errors.unwrap_or_default() }
}

/// Lints every input, in parallel, and hands the finished files to `sink` in path order (files
/// of one path together), each as soon as the files before it are done; returns the inputs that
/// could not be read, in input order. Only what a run-wide rule needs waits for the end: with an
/// OCI vendor profile, OCI009 may add its finding to the first file that grants to the vendor's
/// group, so that file and those after it are handed on last.
pub fn stream(
    inputs: &[Input],
    options: &Options,
    sink: &mut dyn FnMut(Vec<FileResult>) -> io::Result<()>,
) -> io::Result<Vec<String>> {
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    order.sort_by_cached_key(|&i| inputs.get(i).map(|input| input.path.to_string_lossy().into_owned()));
    let oci_profile = options.profile.and_then(|p| p.oci.as_ref());
    let mut errors: Vec<(usize, String)> = Vec::new();
    let mut total = missing_grant::Coverage::default();
    let mut held: Vec<FileResult> = Vec::new();
    let mut out = Grouped { sink, files: Vec::new() };
    for window in order.chunks(WINDOW) {
        let results: Vec<(usize, Result<FileResult, String>)> = window
            .par_iter()
            .filter_map(|&i| inputs.get(i).map(|input| (i, input)))
            .map(|(i, input)| (i, input::load(input).map(|loaded| lint_loaded(loaded, input.explicit, options, i))))
            .collect();
        for (i, result) in results {
            let mut file = match result {
                Ok(file) => file,
                Err(e) => {
                    errors.push((i, e));
                    continue;
                }
            };
            if oci_profile.is_some() {
                total.merge(&file.coverage);
                if !held.is_empty() || file.coverage.anchor.is_some() {
                    held.push(file);
                    continue;
                }
            }
            finish_file(&mut file, options);
            out.push(file)?;
        }
    }
    if let (Some(oci_profile), Some(anchor_file)) = (oci_profile, held.first_mut()) {
        total.anchor = anchor_file.coverage.anchor;
        anchor_file.diagnostics.extend(missing_grant::report(&total, oci_profile));
    }
    for mut file in held {
        finish_file(&mut file, options);
        out.push(file)?;
    }
    out.flush()?;
    errors.sort_by_key(|(i, _)| *i);
    Ok(errors.into_iter().map(|(_, e)| e).collect())
}

/// Hands files on in groups of one path, since a path named twice is one file to the renderers.
struct Grouped<'s> {
    sink: &'s mut dyn FnMut(Vec<FileResult>) -> io::Result<()>,
    files: Vec<FileResult>,
}

impl Grouped<'_> {
    fn push(&mut self, file: FileResult) -> io::Result<()> {
        if self.files.last().is_some_and(|last| last.source.path != file.source.path) {
            self.flush()?;
        }
        self.files.push(file);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.files.is_empty() {
            (self.sink)(std::mem::take(&mut self.files))?;
        }
        Ok(())
    }
}

/// Lints one source already in memory (standard input, an audit's documents, tests).
pub fn lint_source(source: SourceFile, options: &Options) -> Report {
    let mut file = lint_loaded(Loaded::Text(source), true, options, 0);
    if let Some(oci_profile) = options.profile.and_then(|p| p.oci.as_ref())
        && file.coverage.anchor.is_some()
    {
        let total = std::mem::take(&mut file.coverage);
        file.diagnostics.extend(missing_grant::report(&total, oci_profile));
    }
    finish_file(&mut file, options);
    Report { files: vec![file], errors: Vec::new() }
}

/// Suppressions, then configured severities, then a stable order: what is left to do on a file
/// once every rule, run-wide ones included, has reported on it.
fn finish_file(file: &mut FileResult, options: &Options) {
    let mut suppressions = std::mem::take(&mut file.suppressions);
    if let Some(config) = options.config {
        suppressions.extend(suppress::from_config(config, Path::new(&file.source.path), &file.anchors));
    }
    suppress::apply(&mut file.diagnostics, &suppressions);
    if let Some(config) = options.config {
        file.diagnostics.retain_mut(|d| match config.severity(d.rule.code, d.severity) {
            Some(severity) => {
                d.severity = severity;
                true
            }
            None => false,
        });
    }
    file.diagnostics
        .sort_by(|a, b| (a.span.start, a.rule.code, a.span.end).cmp(&(b.span.start, b.rule.code, b.span.end)));
}

fn lint_loaded(loaded: Loaded, explicit: bool, options: &Options, order: usize) -> FileResult {
    let file = lint_detected(loaded, explicit, options, order);
    lint_skipped(file, explicit, options)
}

/// JSON evidently meant as an AWS policy is read as one (a misspelt `Statement` draws AWS001). A
/// file named on the command line is never passed over in silence: anything else that is not a
/// policy draws GL003, saying what grantlint expected; a walk passes over it.
fn lint_skipped(mut file: FileResult, explicit: bool, options: &Options) -> FileResult {
    if !matches!(file.outcome, Outcome::Skipped(_)) {
        return file;
    }
    // The text is lent out while its JSON is read, not copied: every skipped file of a walk comes
    // through here.
    let text = std::mem::take(&mut file.source.text);
    let read_as_aws = match json::parse(&text) {
        Ok(value) if not_a_policy::attempted_aws(&value, explicit) => {
            lint_aws(&value, &text, None, options, &mut file);
            true
        }
        _ => false,
    };
    file.source.text = text;
    if !read_as_aws
        && explicit
        && let Outcome::Skipped(why) = &file.outcome
    {
        let finding = not_a_policy::finding(&file.source, why);
        file.diagnostics.push(finding);
        file.outcome = Outcome::Linted(0);
    }
    file
}

fn lint_detected(loaded: Loaded, explicit: bool, options: &Options, order: usize) -> FileResult {
    let (source, bad_utf8) = match loaded {
        Loaded::Text(source) => (source, None),
        Loaded::NotText { source, offset } => (source, Some(offset)),
    };
    let mut file = FileResult {
        source,
        outcome: Outcome::Linted(0),
        diagnostics: Vec::new(),
        order,
        coverage: Default::default(),
        suppressions: Vec::new(),
        anchors: suppress::Anchors::default(),
    };
    let format = detect(&file.source, explicit, options.kind);
    if let Some(offset) = bad_utf8 {
        match format {
            Format::OciText | Format::Json => {
                // The text was decoded lossily: the bad byte is now a U+FFFD, three bytes long.
                let error = SyntaxError {
                    span: Span::new(offset, offset + char::REPLACEMENT_CHARACTER.len_utf8()),
                    message: "the file is not UTF-8 text".into(),
                    help: Some("save the file as UTF-8"),
                };
                let aws = matches!(format, Format::Json) && looks_aws(&file.source.text, options.kind);
                let report = if aws { aws_syntax_error::diagnostic } else { syntax_error::diagnostic };
                file.diagnostics.push(report(error));
            }
            Format::Iac(_) => file.diagnostics.push(iac::not_utf8(offset)),
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
            let statements: Vec<Span> = policy.statements.iter().map(|s| s.map.map(0, s.text.len())).collect();
            file.suppressions = suppress::scope_directives(suppress::directives(&text), &statements);
            lint_oci(&[policy], Domain::Any, options, &mut file);
        }
        Format::Json => lint_json(options, &mut file),
        Format::Iac(flavor) => iac::lint(flavor, options, &mut file),
    }
    file
}

enum Format {
    OciText,
    Json,
    /// A Terraform or CloudFormation template.
    Iac(iac::Flavor),
    Skip(&'static str),
}

fn detect(source: &SourceFile, explicit: bool, kind: Option<Kind>) -> Format {
    let ext = Path::new(&source.path).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let looks_json = source.text.trim_start_matches('\u{feff}').trim_start().starts_with(['{', '[']);
    // A JSON template read as a policy when `--kind` says so; `.tf` and YAML have no other reading.
    if let Some(flavor) = iac::detect(source).filter(|_| kind.is_none() || ext != "json") {
        return Format::Iac(flavor);
    }
    match ext.as_str() {
        "policy" | "oci" => Format::OciText,
        "json" => Format::Json,
        _ if kind == Some(Kind::Oci) && !looks_json => Format::OciText,
        _ if explicit && kind.and_then(Kind::aws).is_some() => Format::Json,
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
            let error = SyntaxError { span: e.span, message: format!("invalid JSON: {}", e.message), help: None };
            if looks_aws(&text, options.kind) {
                file.diagnostics.push(aws_syntax_error::diagnostic(error));
            } else if text.contains("\"statements\"") {
                file.diagnostics.push(syntax_error::diagnostic(error));
            } else {
                file.outcome = Outcome::Skipped(format!("not a policy: invalid JSON ({})", e.message));
            }
            return;
        }
    };
    let forced = options.kind.and_then(Kind::aws);
    if forced.is_some() || (options.kind != Some(Kind::Oci) && aws::sniff(&value)) {
        lint_aws(&value, &text, forced, options, file);
        return;
    }
    if crate::syntax::snapshot::is_snapshot(&value) {
        return snapshot::lint(&value, &text, options, file);
    }
    match oci::read_json(&value, &text) {
        Some(policies) => lint_oci(&policies, Domain::Any, options, file),
        None => file.outcome = Outcome::Skipped("JSON, but not a policy".into()),
    }
}

/// Whether JSON that does not parse was meant as an AWS policy: `--kind` says so, or it has a
/// `Statement` key.
fn looks_aws(text: &str, kind: Option<Kind>) -> bool {
    kind.and_then(Kind::aws).is_some() || (kind != Some(Kind::Oci) && text.contains("\"Statement\""))
}

/// One AWS policy document: the reader's problems as AWS001, then every AWS rule.
fn lint_aws(value: &json::Value, text: &str, kind: Option<aws::Kind>, options: &Options, file: &mut FileResult) {
    file.outcome = Outcome::Linted(1);
    let document = aws::read(value, text, kind);
    file.diagnostics.extend(aws_diagnostics(&document, options));
    let wants_anchors = options.config.is_some_and(|c| !c.ignores.is_empty());
    if let Some(policy) = document.policy.as_ref().filter(|_| wants_anchors) {
        for statement in &policy.statements {
            if let Some(sid) = &statement.sid {
                file.anchors.statements.push((sid.value.to_string(), statement.span));
            }
            for action in statement.action.iter().flat_map(|a| &a.values) {
                file.anchors.actions.push((action.value.to_string(), action.span));
            }
        }
    }
}

/// The findings on one read AWS policy document: the reader's problems as AWS001, then every
/// AWS rule's. Spans are the document's.
pub(crate) fn aws_diagnostics(document: &aws::Document, options: &Options) -> Vec<Diagnostic> {
    let mut cx = Context::new(options.profile, options.accepted());
    for error in &document.errors {
        cx.report(aws_syntax_error::diagnostic(error.clone()));
    }
    if let Some(policy) = &document.policy {
        for rule in RULES {
            if let Check::AwsPolicy(check) = rule.check {
                check(policy, &mut cx);
            }
        }
    }
    cx.into_diagnostics()
}

/// Lints OCI policies; `vendor_domain` is the identity domain of the profile's group where the
/// tenancy is known (a snapshot).
pub(crate) fn lint_oci(sources: &[PolicySource], vendor_domain: Domain, options: &Options, file: &mut FileResult) {
    file.outcome = Outcome::Linted(sources.len());
    for source in sources {
        let policy = Policy::parse(source);
        let mut cx = Context::new(options.profile, options.accepted());
        cx.vendor_domain = vendor_domain;
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
            let coverage = missing_grant::coverage(&policy, oci_profile, vendor_domain, cx.oci);
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

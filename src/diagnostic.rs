//! Findings as data: what a rule reports, before any renderer sees it, and the identity of the
//! rule that reports it. Nothing here depends on a rule: each rule declares its [`RuleMeta`].

use crate::span::Span;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// The rule's doc comment, one source line per line.
    pub doc: &'static str,
}

impl RuleMeta {
    /// The documentation without the one space rustdoc keeps after `///`.
    pub fn documentation(&self) -> String {
        let mut out = String::with_capacity(self.doc.len());
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// The first paragraph of the documentation, joined into one line.
    pub fn summary(&self) -> String {
        let doc = self.documentation();
        let para = doc.split("\n\n").map(str::trim).find(|p| !p.is_empty() && !p.starts_with('#'));
        para.unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// One finding of one rule, pointing at a span of its file.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub span: Span,
    /// The policy the finding is about when a file holds several (`DigiusherIAMRole.Policies[Core]`).
    pub unit: Option<String>,
}

impl Diagnostic {
    pub fn new(rule: &'static RuleMeta, span: Span, message: impl Into<String>) -> Self {
        Self { rule, severity: rule.severity, message: message.into(), help: None, span, unit: None }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

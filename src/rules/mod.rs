//! The rules: pure functions of a parsed model, a vendor profile and options. One file per rule;
//! its doc comment is its documentation (`grantlint rule CODE`).

pub mod oci;

use crate::catalog::oci::OciCatalog;
use crate::diagnostic::{Diagnostic, Severity};
use crate::profile::Profile;
use crate::syntax::oci::Policy;

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

/// Declares a rule's [`RuleMeta`] from its doc comment, the way linters keep docs beside code.
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* $vis:vis static $ident:ident = {
        code: $code:literal, name: $name:literal, severity: $severity:ident $(,)?
    };) => {
        $(#[doc = $doc])*
        $vis static $ident: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
            code: $code,
            name: $name,
            severity: $crate::diagnostic::Severity::$severity,
            doc: concat!($($doc, "\n"),*),
        };
    };
}
pub(crate) use declare_rule;

/// What a rule sees besides the model.
pub struct Context<'a> {
    pub profile: Option<&'a Profile>,
    pub oci: &'static OciCatalog,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Context<'a> {
    pub fn new(profile: Option<&'a Profile>) -> Self {
        Self { profile, oci: OciCatalog::get(), diagnostics: Vec::new() }
    }

    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

/// How and when a rule runs.
pub enum Check {
    /// Reported by the parser; the rule file converts parse errors to findings.
    Syntax,
    /// Runs on each OCI policy.
    OciPolicy(fn(&Policy, &mut Context)),
    /// Runs once over every OCI policy of a run (see the rule's documentation).
    OciRun,
}

pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: Check,
}

/// Every rule, in code order.
pub static RULES: &[Rule] = &[
    Rule { meta: &oci::syntax_error::RULE, check: Check::Syntax },
    Rule { meta: &oci::grant_not_read_only::RULE, check: Check::OciPolicy(oci::grant_not_read_only::check) },
    Rule { meta: &oci::cross_tenancy_mixed::RULE, check: Check::OciPolicy(oci::cross_tenancy_mixed::check) },
    Rule { meta: &oci::undefined_alias::RULE, check: Check::OciPolicy(oci::undefined_alias::check) },
    Rule { meta: &oci::wrong_tenancy_ocid::RULE, check: Check::OciPolicy(oci::wrong_tenancy_ocid::check) },
    Rule { meta: &oci::malformed_ocid::RULE, check: Check::OciPolicy(oci::malformed_ocid::check) },
    Rule { meta: &oci::broad_subject::RULE, check: Check::OciPolicy(oci::broad_subject::check) },
    Rule { meta: &oci::data_read::RULE, check: Check::OciPolicy(oci::data_read::check) },
    Rule { meta: &oci::missing_grant::RULE, check: Check::OciRun },
    Rule { meta: &oci::unknown_resource_type::RULE, check: Check::OciPolicy(oci::unknown_resource_type::check) },
    Rule { meta: &oci::too_many_statements::RULE, check: Check::OciPolicy(oci::too_many_statements::check) },
    Rule { meta: &oci::duplicate_statement::RULE, check: Check::OciPolicy(oci::duplicate_statement::check) },
];

/// Looks a rule up by code (`OCI002`) or name (`oci-grant-not-read-only`), case-insensitively.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.meta.code.eq_ignore_ascii_case(code_or_name) || r.meta.name.eq_ignore_ascii_case(code_or_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for rule in RULES {
            assert!(seen.insert(rule.meta.code), "duplicate code {}", rule.meta.code);
            assert!(seen.insert(rule.meta.name), "duplicate name {}", rule.meta.name);
            assert!(!rule.meta.summary().is_empty(), "{} has no summary", rule.meta.code);
        }
    }
}

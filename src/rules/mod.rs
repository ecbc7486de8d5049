//! The rules: pure functions of a parsed model, a vendor profile and options. One file per rule;
//! its doc comment is its documentation (`grantlint rule CODE`).

pub mod aws;
pub mod file;
pub mod iac;
pub mod live;
pub mod oci;
pub mod suppression;

use crate::catalog::aws::{Action, AwsCatalog};
use crate::catalog::oci::OciCatalog;
use crate::config::{Accepted, Target};
use crate::diagnostic::Diagnostic;
pub use crate::diagnostic::RuleMeta;
use crate::profile::Profile;
use crate::syntax::aws::Policy as AwsPolicy;
use crate::syntax::oci::Policy;
use crate::syntax::oci::ast::Domain;
use crate::syntax::oci::normalize;
use crate::syntax::oci::parser::SyntaxError;
use std::cell::OnceCell;

/// Declares a rule's [`RuleMeta`] from its doc comment, the way linters keep docs beside code.
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* $vis:vis static $ident:ident = {
        code: $code:literal, name: $name:literal, severity: $severity:ident $(,)?
    };) => {
        $(#[doc = $doc])*
        $vis static $ident: $crate::diagnostic::RuleMeta = $crate::diagnostic::RuleMeta {
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
    /// Exceptions the user's configuration accepts, each with its reason.
    pub accepted: &'a [Accepted],
    /// The identity domain of the profile's OCI group: known in a tenancy's snapshot, not in
    /// policy files.
    pub vendor_domain: Domain<'a>,
    diagnostics: Vec<Diagnostic>,
    /// The AWS policy's action patterns resolved against the catalog, shared by the rules that
    /// judge actions; a context judges one AWS policy.
    aws_expansions: OnceCell<aws::expansions::Expansions>,
}

impl<'a> Context<'a> {
    pub fn new(profile: Option<&'a Profile>, accepted: &'a [Accepted]) -> Self {
        Self {
            profile,
            oci: OciCatalog::get(),
            accepted,
            vendor_domain: Domain::Any,
            diagnostics: Vec::new(),
            aws_expansions: OnceCell::new(),
        }
    }

    /// Whether the configuration accepts finding `code` on this OCI statement (compared after
    /// normalising case and whitespace).
    pub fn accepts_statement(&self, code: &str, text: &str) -> bool {
        self.accepted.iter().any(|a| {
            a.rule == code && matches!(&a.target, Target::Statement(want) if normalize(want) == normalize(text))
        })
    }

    /// Whether the configuration accepts finding `code` on this action (case-insensitive, as IAM
    /// compares actions).
    pub fn accepts_action(&self, code: &str, action: &Action) -> bool {
        self.accepted.iter().any(|a| {
            a.rule == code
                && matches!(&a.target, Target::Action(want) if want.split_once(':').is_some_and(|(prefix, name)| {
                    prefix.eq_ignore_ascii_case(action.prefix) && name.eq_ignore_ascii_case(action.name)
                }))
        })
    }

    /// The AWS action catalog, parsed on first use so that OCI-only runs never load it.
    pub fn aws(&self) -> &'static AwsCatalog {
        AwsCatalog::get()
    }

    /// What each action pattern of `policy`, the one AWS policy this context judges, names in
    /// the catalog: resolved on first use, then shared.
    pub(crate) fn aws_expansions(&self, policy: &AwsPolicy) -> &aws::expansions::Expansions {
        self.aws_expansions.get_or_init(|| aws::expansions::Expansions::new(policy, self.aws()))
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
    /// Runs on each AWS policy document.
    AwsPolicy(fn(&AwsPolicy, &mut Context)),
    /// Reported by the suppression machinery about suppressions themselves.
    Suppression,
    /// Reported by the driver about a file named on the command line that is not a policy.
    File,
    /// Runs on a live audit's snapshot (`syntax::snapshot`).
    Live(fn(&crate::syntax::snapshot::Live, &mut Context)),
    /// Runs on what a Terraform or CloudFormation template holds besides its policies.
    Iac(fn(&crate::syntax::iac::Template, &mut Context)),
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
    Rule { meta: &aws::syntax_error::RULE, check: Check::Syntax },
    Rule { meta: &aws::grant_not_read_only::RULE, check: Check::AwsPolicy(aws::grant_not_read_only::check) },
    Rule { meta: &aws::full_wildcard_action::RULE, check: Check::AwsPolicy(aws::full_wildcard_action::check) },
    Rule { meta: &aws::allow_not_action::RULE, check: Check::AwsPolicy(aws::allow_not_action::check) },
    Rule { meta: &aws::unknown_action::RULE, check: Check::AwsPolicy(aws::unknown_action::check) },
    Rule { meta: &aws::data_read::RULE, check: Check::AwsPolicy(aws::data_read::check) },
    Rule { meta: &aws::trust_wrong_principal::RULE, check: Check::AwsPolicy(aws::trust_wrong_principal::check) },
    Rule {
        meta: &aws::trust_missing_external_id::RULE,
        check: Check::AwsPolicy(aws::trust_missing_external_id::check),
    },
    Rule { meta: &aws::trust_weak_external_id::RULE, check: Check::AwsPolicy(aws::trust_weak_external_id::check) },
    Rule { meta: &aws::size_limit::RULE, check: Check::AwsPolicy(aws::size_limit::check) },
    Rule { meta: &aws::invalid_sid::RULE, check: Check::AwsPolicy(aws::invalid_sid::check) },
    Rule { meta: &aws::policy_version::RULE, check: Check::AwsPolicy(aws::policy_version::check) },
    Rule { meta: &aws::public_resource_policy::RULE, check: Check::AwsPolicy(aws::public_resource_policy::check) },
    Rule { meta: &iac::syntax_error::RULE, check: Check::Syntax },
    Rule { meta: &iac::unresolved_reference::RULE, check: Check::Syntax },
    Rule { meta: &iac::managed_policy::RULE, check: Check::Iac(iac::managed_policy::check) },
    Rule { meta: &live::console_password::RULE, check: Check::Live(live::console_password::check) },
    Rule { meta: &live::extra_api_key::RULE, check: Check::Live(live::extra_api_key::check) },
    Rule { meta: &live::stale_api_key::RULE, check: Check::Live(live::stale_api_key::check) },
    Rule { meta: &live::group_membership::RULE, check: Check::Live(live::group_membership::check) },
    Rule { meta: &live::user_other_groups::RULE, check: Check::Live(live::user_other_groups::check) },
    Rule { meta: &live::unexpected_policy::RULE, check: Check::Live(live::unexpected_policy::check) },
    Rule { meta: &live::cross_tenancy_child::RULE, check: Check::Live(live::cross_tenancy_child::check) },
    Rule { meta: &live::drift::RULE, check: Check::Live(live::drift::check) },
    Rule { meta: &live::group_not_granted::RULE, check: Check::Live(live::group_not_granted::check) },
    Rule { meta: &live::aws_external_id_mismatch::RULE, check: Check::Live(live::aws_external_id_mismatch::check) },
    Rule {
        meta: &live::aws_unexpected_managed_policy::RULE,
        check: Check::Live(live::aws_unexpected_managed_policy::check),
    },
    Rule { meta: &live::aws_drift::RULE, check: Check::Live(live::aws_drift::check) },
    Rule { meta: &live::aws_size_quota::RULE, check: Check::Live(live::aws_size_quota::check) },
    Rule { meta: &live::aws_access_key::RULE, check: Check::Live(live::aws_access_key::check) },
    Rule { meta: &live::aws_console_password::RULE, check: Check::Live(live::aws_console_password::check) },
    Rule { meta: &live::aws_account_unreadable::RULE, check: Check::Live(live::aws_account_unreadable::check) },
    Rule { meta: &live::aws_account_drift::RULE, check: Check::Live(live::aws_account_drift::check) },
    Rule { meta: &suppression::unused_suppression::RULE, check: Check::Suppression },
    Rule { meta: &suppression::suppression_without_reason::RULE, check: Check::Suppression },
    Rule { meta: &file::not_a_policy::RULE, check: Check::File },
];

/// A parser's error as a finding of `rule` (the syntax rule of its language).
pub(crate) fn syntax_diagnostic(rule: &'static RuleMeta, error: SyntaxError) -> Diagnostic {
    let diagnostic = Diagnostic::new(rule, error.span, error.message);
    match error.help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

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

//! Rules for OCI policies, one file each.

pub mod broad_subject;
pub mod cross_tenancy_mixed;
pub mod data_read;
pub mod duplicate_statement;
pub mod grant_not_read_only;
pub mod malformed_ocid;
pub mod missing_grant;
pub mod syntax_error;
pub mod too_many_statements;
pub mod undefined_alias;
pub mod unknown_resource_type;
pub mod wrong_tenancy_ocid;

use crate::syntax::oci::ast::Effect;

/// Whether finding `code` on this statement is accepted: by the profile (an expected statement
/// it marks as reviewed for that rule) or by the configuration's `[[lint.accept]]`.
pub(crate) fn accepted(cx: &super::Context, statement_text: &str, code: &str) -> bool {
    cx.profile.is_some_and(|p| p.oci_accepts(statement_text, code)) || cx.accepts_statement(code, statement_text)
}

pub(crate) fn grants(effect: Effect) -> bool {
    effect == Effect::Allow
}

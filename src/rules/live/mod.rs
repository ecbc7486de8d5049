//! Rules for live audits, one file each. They run on a snapshot (see `syntax::snapshot`): what a
//! tenancy looked like when it was audited, or when `grantlint check` reads a saved snapshot.
//! Codes LIVE001–LIVE009 are OCI's; an AWS audit's rules start at LIVE010.

pub mod aws_access_key;
pub mod aws_account_drift;
pub mod aws_account_unreadable;
pub mod aws_console_password;
pub mod aws_drift;
pub mod aws_external_id_mismatch;
pub mod aws_size_quota;
pub mod aws_unexpected_managed_policy;
pub mod console_password;
pub mod cross_tenancy_child;
pub mod drift;
pub mod extra_api_key;
pub mod group_membership;
pub mod group_not_granted;
pub mod stale_api_key;
pub mod unexpected_policy;
pub mod user_other_groups;

use crate::span::Span;
use crate::syntax::aws::Str;
use crate::syntax::snapshot::LiveDocument;

/// The ExternalId values the Allow statements of `document` granting `sts:AssumeRole` test, with
/// their spans in the snapshot.
pub(crate) fn external_ids<'d>(document: &'d LiveDocument<'_>) -> Vec<(&'d Str<'d>, Span)> {
    let Some(policy) = document.policy() else { return Vec::new() };
    policy
        .statements
        .iter()
        .filter(|s| super::aws::allows_assume_role(s))
        .flat_map(|s| s.condition.iter().flat_map(|c| &c.blocks))
        .flat_map(|b| &b.entries)
        .filter(|e| super::aws::is_external_id(&e.key.value))
        .flat_map(|e| &e.values)
        .map(|v| (v, document.span(v.span)))
        .collect()
}

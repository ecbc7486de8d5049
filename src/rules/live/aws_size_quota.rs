use crate::diagnostic::Diagnostic;
use crate::rules::aws::size_limit::{fullness, thousands};
use crate::rules::{Context, declare_rule};
use crate::syntax::snapshot::EntityKind;
use crate::syntax::snapshot::Live;

declare_rule! {
    /// The vendor's role or user is at 90% or more of one of the account's IAM quotas.
    ///
    /// Some IAM quotas hold per role or user, not per policy, so no rule on one document sees
    /// them: a role's inline policies share 10,240 characters (`RolePolicySizeQuota`; a user's
    /// 2,048, `UserPolicySizeQuota`), counted without whitespace, and a role may carry 10 managed
    /// policies (`AttachedPoliciesPerRoleQuota`, raisable on request). The audit reads the
    /// account's real quotas with GetAccountSummary and keeps them in the snapshot. At 90% the
    /// vendor's next permission will not fit, and its update fails in the middle of a rollout.
    ///
    /// A single document's own size is AWS010's.
    ///
    /// ## Fix
    /// Move statements into a customer-managed policy (6,144 characters each), or shorten lists
    /// of actions with read-only wildcards (`ec2:Describe*`) that AWS002 and AWS006 accept.
    pub static RULE = { code: "LIVE013", name: "live-aws-size-quota", severity: Warning };
}

pub fn check(live: &Live, cx: &mut Context) {
    let Some(aws) = &live.snapshot.aws else { return };
    for entity in &aws.entities {
        let (size_quota, count_quota) = match entity.kind {
            EntityKind::Role => ("RolePolicySizeQuota", "AttachedPoliciesPerRoleQuota"),
            EntityKind::User => ("UserPolicySizeQuota", "AttachedPoliciesPerUserQuota"),
        };
        let size: usize = entity.inline.iter().filter_map(|d| d.policy()).map(|p| p.minified_len).sum();
        if let Some(limit) = aws.quotas.get(size_quota).map(|&q| q as usize) {
            let what = format!(
                "the inline policies of {} total {} characters without whitespace",
                entity.describe(),
                thousands(size)
            );
            judge(cx, entity.inline_span, size, limit, what, size_quota);
        }
        if let Some(limit) = aws.quotas.get(count_quota).map(|&q| q as usize) {
            let count = entity.managed.len();
            let what = format!("{} carries {count} managed policies", entity.describe());
            judge(cx, entity.managed_span, count, limit, what, count_quota);
        }
    }
}

/// Reports `used` of `limit` from 90% on: a warning below the quota, an error above it.
fn judge(cx: &mut Context, span: crate::span::Span, used: usize, limit: usize, what: String, quota: &str) {
    let Some(severity) = fullness(used, limit) else { return };
    let mut diagnostic = Diagnostic::new(
        &RULE,
        span,
        format!("{what}, {}% of the {} the account allows ({quota})", used * 100 / limit, thousands(limit)),
    )
    .with_help("leave room for the vendor's next permission: move statements into a managed policy");
    diagnostic.severity = severity;
    cx.report(diagnostic);
}

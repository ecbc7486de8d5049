use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::snapshot::{EntityKind, Live};

declare_rule! {
    /// The vendor's role in this account differs from the one most accounts of the organisation
    /// hold.
    ///
    /// A vendor role is deployed to every account from one template (a CloudFormation StackSet,
    /// a Terraform module), so every account's copy should be the same. `grantlint audit aws
    /// --organization` (or `--accounts`) compares each role's trust policy, inline policies and
    /// attached managed policies across the accounts (`Entity::fingerprint`: the documents
    /// without their whitespace), and records the version more than half of the accounts holding
    /// the role have; an account whose role is another version was edited by hand, or missed a
    /// redeployment. The other rules judge what the differing version grants; this one makes the
    /// odd account stand out. `--expect` compares each account with your own files instead
    /// (LIVE012).
    ///
    /// ## Fix
    /// Compare this account's snapshot with one of the majority's (`--save DIR` keeps one per
    /// account), then redeploy the template to this account, or roll an intended change out to
    /// every account.
    pub static RULE = { code: "LIVE017", name: "live-aws-account-drift", severity: Warning };
}

pub fn check(live: &Live, cx: &mut Context) {
    let Some(aws) = &live.snapshot.aws else { return };
    let Some(majority) = &aws.organization else { return };
    for role in aws.entities.iter().filter(|e| e.kind == EntityKind::Role) {
        let Some(common) = majority.roles.iter().find(|m| m.name.value == role.name.value) else { continue };
        if role.fingerprint() == common.fingerprint.value {
            continue;
        }
        cx.report(
            Diagnostic::new(
                &RULE,
                role.name.span,
                format!(
                    "{} differs from the version {} of the {} accounts holding it have: its trust, inline or attached policies were changed here",
                    role.describe(),
                    common.accounts,
                    common.holding
                ),
            )
            .with_help(
                "compare this account's snapshot with another's; redeploy the vendor's template here, or roll an intended change out to every account",
            ),
        );
    }
}

use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::snapshot::Live;

declare_rule! {
    /// An account of an organisation's audit could not be audited.
    ///
    /// `grantlint audit aws --organization` (or `--accounts`) assumes the member role in each
    /// account and reads the vendor's role there. When that fails for one account (the member
    /// role is missing or does not trust the auditing account, an SCP denies the reads, the
    /// account is being closed), the audit goes on with the others and writes the reason into
    /// that account's snapshot: an account nobody could read is not an account that passed.
    ///
    /// ## Fix
    /// Deploy the member role to the account (the StackSet that deploys the vendor's role can
    /// carry it), or give the reads it lacks, and audit again. The message is AWS's answer.
    pub static RULE = { code: "LIVE016", name: "live-aws-account-unreadable", severity: Error };
}

pub fn check(live: &Live, cx: &mut Context) {
    let Some(aws) = &live.snapshot.aws else { return };
    let Some(error) = &aws.error else { return };
    cx.report(
        Diagnostic::new(
            &RULE,
            error.span,
            format!("account {} could not be audited: {}", live.snapshot.account_id, error.value),
        )
        .with_help("check the member role exists there and trusts the auditing account, then audit again"),
    );
}

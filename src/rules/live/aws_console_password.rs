use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::snapshot::Live;

declare_rule! {
    /// The vendor's IAM user can sign in to the AWS console with a password.
    ///
    /// A vendor integration calls the API; nobody needs to sign in as its user. A console password
    /// (GetLoginProfile) is one more credential that can be phished, reused or left unrotated, and
    /// whoever holds it browses the account in the console with the vendor's permissions, outside
    /// the vendor's own controls. Legacy onboardings that created an IAM user sometimes gave it
    /// one.
    ///
    /// ## Fix
    /// ```text
    /// aws iam delete-login-profile --user-name <vendor user>
    /// ```
    pub static RULE = { code: "LIVE015", name: "live-aws-console-password", severity: Error };
}

pub fn check(live: &Live, cx: &mut Context) {
    let Some(aws) = &live.snapshot.aws else { return };
    for entity in &aws.entities {
        let Some(span) = entity.console else { continue };
        cx.report(
            Diagnostic::new(
                &RULE,
                span,
                format!(
                    "vendor {} can sign in to the AWS console with a password; an integration needs API access only",
                    entity.describe()
                ),
            )
            .with_help(format!(
                "delete its console password: `aws iam delete-login-profile --user-name {}`",
                entity.name.value
            )),
        );
    }
}

use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::snapshot::Live;

declare_rule! {
    /// The vendor's user may sign in to the OCI Console with a password.
    ///
    /// A vendor integration calls the API with a signing key; nobody needs to sign in as its user.
    /// DigiUsher's onboarding guide asks for an API-only user for that reason. A console password
    /// is one more credential that can be phished, reused or left unrotated, and whoever holds it
    /// sees the tenancy in the Console with the vendor's grants, outside the vendor's own controls.
    ///
    /// Reads the user's `can_use_console_password` capability (GetUser `capabilities`; for a user
    /// of another identity domain, the SCIM user's `canUseConsolePassword` capability).
    ///
    /// ## Fix
    /// In the Console: the user's identity domain › Users › the user › Edit user capabilities,
    /// clear *Local password*. For a user of the Default domain, also:
    /// ```text
    /// oci iam user update-user-capabilities --user-id <user OCID> --can-use-console-password false
    /// ```
    pub static RULE = { code: "LIVE001", name: "live-oci-console-password", severity: Error };
}

pub fn check(live: &Live, cx: &mut Context) {
    // The OCI CLI's `oci iam user` commands reach the Default domain only.
    let help = match &live.snapshot.oci.vendor_domain {
        Some(domain) => format!(
            "turn off the user's console-password capability in identity domain `{}` (Console: the domain's Users › the user › Edit user capabilities, clear Local password)",
            domain.value
        ),
        None => "turn off the user's console-password capability (`oci iam user update-user-capabilities --can-use-console-password false`)".to_string(),
    };
    for user in &live.snapshot.oci.users {
        let Some(flag) = user.console_password.filter(|f| f.value) else { continue };
        cx.report(
            Diagnostic::new(
                &RULE,
                flag.span,
                format!(
                    "vendor user `{}` can sign in to the console with a password; it should be API-only",
                    user.name.value
                ),
            )
            .with_help(help.clone()),
        );
    }
}

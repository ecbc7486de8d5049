use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::snapshot::Live;

declare_rule! {
    /// The vendor's user has more than one active API key.
    ///
    /// A vendor signs its requests with one key. A second active key is expected only for the
    /// hours of a rotation; left in place it is a credential nobody is watching — an old key the
    /// vendor no longer uses, or one uploaded by someone else to act as the vendor. OCI allows
    /// three keys per user, so extra keys also make a stolen key harder to notice.
    ///
    /// Inactive keys are not counted.
    pub static RULE = { code: "LIVE002", name: "live-oci-extra-api-key", severity: Warning };
}

pub fn check(live: &Live, cx: &mut Context) {
    for user in &live.snapshot.oci.users {
        let active: Vec<&str> =
            user.api_keys.iter().filter(|k| k.is_active()).map(|k| k.fingerprint.value.as_ref()).collect();
        if active.len() < 2 {
            continue;
        }
        cx.report(
            Diagnostic::new(
                &RULE,
                user.api_keys_span,
                format!(
                    "vendor user `{}` has {} active API keys ({}); the integration signs with one",
                    user.name.value,
                    active.len(),
                    active.join(", ")
                ),
            )
            .with_help("ask the vendor which fingerprint it uses and delete the other keys"),
        );
    }
}

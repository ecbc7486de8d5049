use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::snapshot::Live;

declare_rule! {
    /// An active API key of the vendor's user is more than 90 days old.
    ///
    /// Long-lived keys outlive the people and systems that knew about them. A 90-day rotation is
    /// the common baseline (CIS OCI Foundations Benchmark 1.8: "Ensure user API keys rotate
    /// within 90 days or less"). Age is measured from the key's `timeCreated` to the time the
    /// snapshot was taken, so re-checking a saved snapshot later gives the same verdict.
    ///
    /// ## Fix
    /// Have the vendor upload a new public key, switch to it, then delete the old key.
    pub static RULE = { code: "LIVE003", name: "live-oci-stale-api-key", severity: Warning };
}

/// The longest a key may live.
pub const MAX_AGE_DAYS: i64 = 90;

pub fn check(live: &Live, cx: &mut Context) {
    let Some(now) = live.snapshot.fetched_at else { return };
    for user in &live.snapshot.oci.users {
        for key in user.api_keys.iter().filter(|k| k.is_active()) {
            let Some((created, span)) = key.created else { continue };
            let days = now.duration_since(created).as_secs() / 86_400;
            if days <= MAX_AGE_DAYS {
                continue;
            }
            cx.report(
                Diagnostic::new(
                    &RULE,
                    span,
                    format!(
                        "API key {} of vendor user `{}` is {days} days old (more than {MAX_AGE_DAYS})",
                        key.fingerprint.value, user.name.value
                    ),
                )
                .with_help("rotate it: upload a new key, switch the vendor to it, delete this one"),
            );
        }
    }
}

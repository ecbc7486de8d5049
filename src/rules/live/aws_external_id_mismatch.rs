use crate::diagnostic::Diagnostic;
use crate::rules::aws::trust_weak_external_id::redact;
use crate::rules::{Context, declare_rule};
use crate::syntax::snapshot::Live;
use crate::syntax::snapshot::aws::sha256_hex;

declare_rule! {
    /// The ExternalId the vendor issued you (`grantlint audit aws --external-id ID`) is not the one
    /// the role's trust policy demands.
    ///
    /// The vendor assumes the role passing the ExternalId it issued to you. When the trust policy
    /// tests another value, either the integration cannot work (every AssumeRole is refused), or
    /// the role was set up with an ExternalId that belongs to someone else — a copy of another
    /// account's template, or another customer's value — which is what the ExternalId exists to
    /// prevent.
    ///
    /// The snapshot keeps the given value only as a SHA-256 digest with its first characters and
    /// length, so `grantlint check` of a saved snapshot compares the same way, and no output shows
    /// an ExternalId in full. Quiet without `--external-id`, and for a trust policy with no
    /// ExternalId condition (AWS008 reports that).
    ///
    /// ## Fix
    /// Set the trust policy's `sts:ExternalId` to the value the vendor issued you, e.g. by updating
    /// the vendor's CloudFormation stack with it.
    pub static RULE = { code: "LIVE010", name: "live-aws-external-id-mismatch", severity: Error };
}

pub fn check(live: &Live, cx: &mut Context) {
    let Some(aws) = &live.snapshot.aws else { return };
    let Some(given) = &aws.external_id else { return };
    for entity in &aws.entities {
        let Some(trust) = &entity.trust else { continue };
        let values = super::external_ids(trust);
        let Some((first, span)) = values.first() else { continue };
        if values.iter().any(|(value, _)| sha256_hex(value.as_str()) == given.sha256.value) {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            &RULE,
            *span,
            format!(
                "the trust policy of {} demands ExternalId {}, not the `{}…` ({} characters) given with --external-id",
                entity.describe(),
                redact(first.as_str()),
                given.prefix.value,
                given.length
            ),
        )
        .with_help("set the trust policy's `sts:ExternalId` to the value the vendor issued you");
        diagnostic.unit = Some(trust.unit.clone());
        cx.report(diagnostic);
    }
}

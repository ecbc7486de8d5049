use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::snapshot::Live;

declare_rule! {
    /// The vendor reaches the account with a long-lived access key of an IAM user, not by
    /// assuming a role with an ExternalId.
    ///
    /// Older onboarding guides had the customer create an IAM user and hand its access key and
    /// secret to the vendor. Such a key never expires: it works until someone deletes it, from
    /// wherever it was copied to, and the customer cannot tell the vendor's use of it from anyone
    /// else's. A cross-account role is the replacement: the vendor holds no secret of yours, every
    /// session is short-lived and names the vendor's account, and the ExternalId stops the vendor
    /// being tricked into using your role for another customer. Reported for each active key,
    /// with its age and last use (GetAccessKeyLastUsed) at the time of the audit.
    ///
    /// ## Fix
    /// Create the vendor's role (`grantlint profile show <vendor>` prints its trust policy and
    /// permissions), have the vendor switch to it, then deactivate and delete the key:
    /// ```text
    /// aws iam update-access-key --user-name <user> --access-key-id <key> --status Inactive
    /// aws iam delete-access-key --user-name <user> --access-key-id <key>
    /// ```
    pub static RULE = { code: "LIVE014", name: "live-aws-user-access-key", severity: Error };
}

pub fn check(live: &Live, cx: &mut Context) {
    let Some(aws) = &live.snapshot.aws else { return };
    let days_since = |time: Option<jiff::Timestamp>| {
        let (now, then) = (live.snapshot.fetched_at?, time?);
        Some(now.duration_since(then).as_secs().max(0) / 86_400)
    };
    for entity in &aws.entities {
        for key in entity.access_keys.iter().filter(|k| k.active) {
            let age = days_since(key.created).map_or(String::new(), |days| format!(", {days} days old"));
            let used = match (days_since(key.last_used), &key.last_used_service) {
                (Some(days), Some(service)) => format!("last used {days} days ago ({})", service.value),
                (Some(days), None) => format!("last used {days} days ago"),
                (None, _) => "never used".to_string(),
            };
            cx.report(
                Diagnostic::new(
                    &RULE,
                    key.id.span,
                    format!(
                        "vendor {} has an active access key {}{age}, {used}: long-lived keys should give way to a role the vendor assumes with an ExternalId",
                        entity.describe(),
                        key.id.value
                    ),
                )
                .with_help("create the vendor's role with an ExternalId, have the vendor switch to it, then deactivate and delete this key"),
            );
        }
    }
}

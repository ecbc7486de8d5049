use super::{exposed_classes, is_full_wildcard, name_list};
use crate::catalog::aws::{Action, AwsCatalog, Expansion, Sensitivity};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, declare_rule};
use crate::syntax::aws::Policy;

declare_rule! {
    /// An Allow statement grants `*` (every action) or `service:*` (every action of a service).
    ///
    /// A whole service includes its writes, deletes and permission changes, and every action
    /// AWS adds to it later. No vendor that reads needs it. Applies to every kind of policy: `*`
    /// in a trust policy lets the principal do more than assume the role, and `s3:*` in a bucket
    /// policy hands over the bucket.
    ///
    /// A service whose actions are all reads in grantlint's catalog (`pricing:*`) is reported as
    /// a warning that says so: today it reads, but an action AWS adds to the service later is
    /// granted too. Reads among them that return credentials keep it an error, and the message
    /// names them.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "ce:*", "Resource": "*"}
    /// ```
    /// Use instead:
    /// ```json
    /// {"Effect": "Allow", "Action": ["ce:Get*", "ce:Describe*", "ce:List*"], "Resource": "*"}
    /// ```
    pub static RULE = { code: "AWS003", name: "aws-full-wildcard-action", severity: Error };
}

pub fn check(policy: &Policy, cx: &mut Context) {
    for statement in &policy.statements {
        for pattern in statement.allowed_actions() {
            let action = pattern.as_str();
            if !is_full_wildcard(action) {
                continue;
            }
            let (message, severity) = match action.split_once(':') {
                Some((service, _)) => judge_service(cx.aws(), action, service),
                None => ("`*` allows every action in every AWS service".to_string(), Severity::Error),
            };
            let mut diagnostic =
                Diagnostic::new(&RULE, pattern.span, message).with_help("list the actions the vendor needs");
            diagnostic.severity = severity;
            cx.report(diagnostic);
        }
    }
}

/// What `service:*` allows, said as the catalog knows it: writes, or only reads (and which of
/// those return secrets, data or credentials).
fn judge_service(catalog: &AwsCatalog, pattern: &str, service: &str) -> (String, Severity) {
    let writes_and_deletes =
        (format!("`{pattern}` allows every `{service}` action, including writes and deletes"), Severity::Error);
    let Expansion::Actions(found) = catalog.expand(pattern) else { return writes_and_deletes };
    let actions: Vec<&Action> = found.collect();
    if actions.is_empty() || actions.iter().any(|a| !a.level().is_read_only()) {
        return writes_and_deletes;
    }
    let count = actions.len();
    let (s, are) = if count == 1 { ("", "is a read") } else { ("s", "are reads") };
    let mut message = format!(
        "`{pattern}` allows every `{service}` action: the {count} action{s} in the catalog {are} today, but an action AWS adds to `{service}` later is granted too"
    );
    let sensitive: Vec<&Action> = actions.iter().copied().filter(|a| a.sensitive().is_some()).collect();
    let credential = sensitive.iter().any(|a| a.sensitive().is_some_and(|s| s.class == Sensitivity::Credential));
    if !sensitive.is_empty() {
        let what = exposed_classes(&sensitive);
        message
            .push_str(&format!("; reads that return {what}: {}", name_list(sensitive.iter().map(|a| a.to_string()))));
    }
    (message, if credential { Severity::Error } else { Severity::Warning })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Judged against the real catalog: `pricing` has only reads, `s3` has writes.
    #[test]
    fn services_of_reads_are_told_apart() {
        let catalog = AwsCatalog::get();
        let (message, severity) = judge_service(catalog, "pricing:*", "pricing");
        assert_eq!(severity, Severity::Warning, "{message}");
        assert!(message.contains("are reads today") && !message.contains("writes"), "{message}");
        let (message, severity) = judge_service(catalog, "s3:*", "s3");
        assert_eq!(severity, Severity::Error);
        assert!(message.contains("including writes and deletes"), "{message}");
        let (message, severity) = judge_service(catalog, "PRICING:**", "PRICING");
        assert_eq!(severity, Severity::Warning, "{message}");
    }

    /// A service of reads where one returns credentials stays an error and names it.
    #[test]
    fn credential_reads_keep_it_an_error() {
        let catalog = AwsCatalog::get();
        let Expansion::Actions(found) = catalog.expand("eks-auth:*") else { panic!("eks-auth is in the catalog") };
        let actions: Vec<&Action> = found.collect();
        assert!(actions.iter().all(|a| a.level().is_read_only()));
        let (message, severity) = judge_service(catalog, "eks-auth:*", "eks-auth");
        assert_eq!(severity, Severity::Error, "{message}");
        assert!(message.contains("credentials") && message.contains("eks-auth:AssumeRoleForPodIdentity"), "{message}");
    }
}

use super::is_full_wildcard;
use crate::diagnostic::Diagnostic;
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
            let message = match action.split_once(':') {
                Some((service, _)) => {
                    format!("`{action}` allows every `{service}` action, including writes and deletes")
                }
                None => "`*` allows every action in every AWS service".to_string(),
            };
            cx.report(Diagnostic::new(&RULE, pattern.span, message).with_help("list the actions the vendor needs"));
        }
    }
}

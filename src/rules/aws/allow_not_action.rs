use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::aws::Policy;

declare_rule! {
    /// An Allow statement uses `NotAction` or `NotResource`.
    ///
    /// With Allow, `NotAction` grants every action except the ones listed, including every
    /// action AWS adds later, and `NotResource` grants the actions on every resource except the
    /// ones listed. Neither can be shown to be read-only or narrow. (`NotAction` and
    /// `NotResource` are fine in Deny statements, which only take access away.)
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    /// ```
    /// Use instead: an `Action` list of what the vendor needs.
    pub static RULE = { code: "AWS004", name: "aws-allow-not-action", severity: Error };
}

pub fn check(policy: &Policy, cx: &mut Context) {
    for statement in policy.statements.iter().filter(|s| s.allows()) {
        if let Some(action) = statement.action.as_ref().filter(|a| a.negated) {
            cx.report(
                Diagnostic::new(
                    &RULE,
                    action.key,
                    "`NotAction` in an Allow statement grants every action except those listed, including ones AWS adds later",
                )
                .with_help("list the allowed actions under `Action` instead"),
            );
        }
        if let Some(resource) = statement.resource.as_ref().filter(|r| r.negated) {
            cx.report(
                Diagnostic::new(
                    &RULE,
                    resource.key,
                    "`NotResource` in an Allow statement grants the actions on every resource except those listed",
                )
                .with_help("list the resources under `Resource` instead"),
            );
        }
    }
}

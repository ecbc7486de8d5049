use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::aws::{Kind, Policy};
use std::collections::HashMap;

declare_rule! {
    /// Two statements share a `Sid`, or a `Sid` has characters IAM rejects.
    ///
    /// IAM requires statement IDs to be unique within a policy, and in identity and trust
    /// policies to consist of letters and digits only (`read-only` and `Read Only` are refused).
    /// Resource policies such as S3 bucket policies allow more, including spaces, so only
    /// duplicates are reported there. An empty `Sid` is allowed.
    ///
    /// ## Example
    /// ```json
    /// {"Sid": "cost-read", "Effect": "Allow", "Action": "ce:Get*", "Resource": "*"}
    /// ```
    /// Use instead:
    /// ```json
    /// {"Sid": "CostRead", "Effect": "Allow", "Action": "ce:Get*", "Resource": "*"}
    /// ```
    pub static RULE = { code: "AWS011", name: "aws-invalid-sid", severity: Error };
}

pub fn check(policy: &Policy, cx: &mut Context) {
    let alphanumeric_only = policy.kind != Kind::Resource;
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (index, statement) in policy.statements.iter().enumerate() {
        let Some(sid) = &statement.sid else { continue };
        let text = sid.as_str();
        if text.is_empty() {
            continue;
        }
        if let Some(first) = seen.get(text) {
            cx.report(
                Diagnostic::new(&RULE, sid.span, format!("Sid `{text}` is already used by statement {}", first + 1))
                    .with_help("give each statement its own Sid"),
            );
        } else {
            seen.insert(text, index);
        }
        if alphanumeric_only && let Some(bad) = text.chars().find(|c| !c.is_ascii_alphanumeric()) {
            cx.report(
                Diagnostic::new(
                    &RULE,
                    sid.span,
                    format!(
                        "Sid `{text}` has `{bad}`; IAM allows only letters and digits in identity and trust policies"
                    ),
                )
                .with_help(format!(
                    "write it as `{}`",
                    text.chars().filter(char::is_ascii_alphanumeric).collect::<String>()
                )),
            );
        }
    }
}

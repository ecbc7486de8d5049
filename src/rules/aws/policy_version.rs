use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, declare_rule};
use crate::span::Span;
use crate::syntax::aws::{Policy, Str};

declare_rule! {
    /// The policy has no `Version`, or the old version `2008-10-17`.
    ///
    /// Without `"Version": "2012-10-17"` IAM reads the policy as version 2008-10-17, in which
    /// policy variables such as `${aws:username}` are literal text, so a resource written with
    /// one matches nothing (or, in a Deny, protects nothing). IAM also refuses new managed
    /// policies without the current version. When the policy uses a variable in a resource or a
    /// condition value the finding is an error, because the policy does not do what it says.
    ///
    /// ## Example
    /// ```json
    /// {"Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::home-${aws:username}"}]}
    /// ```
    /// Use instead:
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::home-${aws:username}"}]}
    /// ```
    pub static RULE = { code: "AWS012", name: "aws-policy-version", severity: Warning };
}

pub fn check(policy: &Policy, cx: &mut Context) {
    let (at, what) = match &policy.version {
        None => (
            Span::new(policy.span.start, policy.span.start + 1),
            "the policy has no `Version`, so IAM reads it as 2008-10-17",
        ),
        Some(version) if version.as_str() == "2008-10-17" => (version.span, "`2008-10-17` is the old policy language"),
        Some(_) => return,
    };
    let mut diagnostic = match first_variable(policy) {
        Some(variable) => {
            let mut d = Diagnostic::new(
                &RULE,
                at,
                format!("{what}: the policy variable in `{}` is taken literally", variable.value),
            );
            d.severity = Severity::Error;
            d
        }
        None => Diagnostic::new(&RULE, at, format!("{what}, in which policy variables are literal text")),
    };
    diagnostic = diagnostic.with_help(r#"add "Version": "2012-10-17""#);
    cx.report(diagnostic);
}

/// The first resource or condition value holding a policy variable.
fn first_variable<'p>(policy: &'p Policy) -> Option<&'p Str<'p>> {
    policy.statements.iter().find_map(|s| {
        let resources = s.resource.iter().flat_map(|r| &r.values);
        let conditions = s.condition.iter().flat_map(|c| &c.blocks).flat_map(|b| &b.entries).flat_map(|e| &e.values);
        resources.chain(conditions).find(|v| has_policy_variable(v.as_str()))
    })
}

/// Whether `value` holds an IAM policy variable: `${prefix:key}` (`${aws:username}`,
/// `${saml:sub}`) or one of the special `${*}`, `${?}`, `${$}`. A template's own placeholders
/// (`${BucketName}`, `${AWS::AccountId}`, `${var.bucket}`) are not: CloudFormation and Terraform
/// replace them before IAM sees the policy.
fn has_policy_variable(value: &str) -> bool {
    value.split("${").skip(1).filter_map(|rest| rest.split_once('}').map(|(inner, _)| inner)).any(|inner| {
        matches!(inner, "*" | "?" | "$")
            || inner.split_once(':').is_some_and(|(prefix, key)| {
                !prefix.is_empty()
                    && prefix.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    && !key.is_empty()
                    && !key.starts_with(':')
            })
    })
}

#[cfg(test)]
mod tests {
    use super::has_policy_variable;

    #[test]
    fn policy_variables_are_not_template_placeholders() {
        assert!(has_policy_variable("arn:aws:s3:::home/${aws:username}/*"));
        assert!(has_policy_variable("${aws:PrincipalTag/team}"));
        assert!(has_policy_variable("a${*}b"));
        assert!(!has_policy_variable("arn:aws:s3:::${BucketName}/*"));
        assert!(!has_policy_variable("arn:${AWS::Partition}:iam::${AWS::AccountId}:root"));
        assert!(!has_policy_variable("${var.bucket}"));
        assert!(!has_policy_variable("${data.aws_caller_identity.current.account_id}"));
    }
}

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, declare_rule};
use crate::syntax::iac::{ManagedPolicy, Template};

declare_rule! {
    /// A template attaches a managed policy by ARN, which the vendor profile does not expect.
    ///
    /// A vendor's onboarding grants the policies its profile lists (`grantlint profile show`);
    /// DigiUsher's are inline policies on its role. A managed policy attached by ARN
    /// (`ManagedPolicyArns`, `managed_policy_arns`, `aws_iam_role_policy_attachment`) widens the
    /// vendor's access with statements that are not in the template, so no other rule sees
    /// them. AWS-managed policies are judged by name: `AdministratorAccess`, `PowerUserAccess`
    /// and the `…FullAccess` policies allow writes and are reported as errors; `ReadOnlyAccess`,
    /// the usual "make it work" attachment, allows reads that return data (S3 objects, DynamoDB
    /// items, CloudWatch Logs events, Lambda code). A customer-managed policy defined in the same
    /// template is not reported here: it is linted as a policy of its own, named with the role
    /// it is attached to.
    ///
    /// A policy named like one of the profile's policies or optional packs is expected. Needs a
    /// profile; without one this rule is quiet. `grantlint audit aws` reads the statements of
    /// the policies a deployed role carries (LIVE011).
    ///
    /// ## Example
    /// ```yaml
    /// ManagedPolicyArns:
    ///   - arn:aws:iam::aws:policy/ReadOnlyAccess
    /// ```
    /// Use instead: the vendor's own policies, inline (`Policies`), as its profile lists them.
    pub static RULE = { code: "IAC003", name: "iac-managed-policy", severity: Warning };
}

pub fn check(template: &Template, cx: &mut Context) {
    let Some(profile) = cx.profile else { return };
    let Some(expected) = &profile.aws else { return };
    let known = |name: &str| {
        expected.policies.iter().any(|p| p.name.eq_ignore_ascii_case(name))
            || expected.packs.iter().any(|p| p.spec.policy.eq_ignore_ascii_case(name))
    };
    let mut found = Vec::new();
    for managed in &template.managed {
        let name = managed.arn.rsplit('/').next().unwrap_or(&managed.arn);
        if known(name) {
            continue;
        }
        let (owner, risk, severity) = judge(managed, name);
        let mut diagnostic = Diagnostic::new(
            &RULE,
            managed.span,
            format!("attaches the {owner} policy `{name}`, which profile `{}` does not expect; {risk}", profile.name),
        )
        .with_help("the vendor's access should come from the profile's policies alone: remove the ARN");
        diagnostic.severity = severity;
        diagnostic.unit = Some(managed.unit.clone());
        found.push(diagnostic);
    }
    for diagnostic in found {
        cx.report(diagnostic);
    }
}

/// Who owns the policy, what it is known to allow, and how serious that is.
fn judge(managed: &ManagedPolicy, name: &str) -> (&'static str, &'static str, Severity) {
    let fields: Vec<&str> = managed.arn.splitn(6, ':').collect();
    let aws_managed =
        matches!(fields.as_slice(), ["arn", _, "iam", "", "aws", resource] if resource.starts_with("policy/"));
    if !aws_managed {
        return (
            "managed",
            "its statements are not in this template, so grantlint cannot check them",
            Severity::Warning,
        );
    }
    let (risk, severity) = match name {
        "AdministratorAccess" => ("it allows every action", Severity::Error),
        "PowerUserAccess" => ("it allows every action outside IAM, Organizations and Account", Severity::Error),
        _ if name.ends_with("FullAccess") => ("its name says it allows writes", Severity::Error),
        "ReadOnlyAccess" => (
            "it allows reads that return data: S3 objects, DynamoDB items, CloudWatch Logs events, Lambda code",
            Severity::Warning,
        ),
        _ => ("its statements are not in this template, so grantlint cannot check them", Severity::Warning),
    };
    ("AWS-managed", risk, severity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn judged(arn: &str) -> (&'static str, Severity) {
        let managed = ManagedPolicy { arn: arn.into(), span: Span::default(), unit: String::new() };
        let name = arn.rsplit('/').next().unwrap_or(arn);
        let (owner, _, severity) = judge(&managed, name);
        (owner, severity)
    }

    #[test]
    fn aws_managed_policies_by_name() {
        assert_eq!(judged("arn:aws:iam::aws:policy/ReadOnlyAccess"), ("AWS-managed", Severity::Warning));
        assert_eq!(judged("arn:aws:iam::aws:policy/AdministratorAccess"), ("AWS-managed", Severity::Error));
        assert_eq!(judged("arn:aws-cn:iam::aws:policy/AmazonS3FullAccess"), ("AWS-managed", Severity::Error));
        assert_eq!(judged("arn:aws:iam::123456789012:policy/AdministratorAccess"), ("managed", Severity::Warning));
        assert_eq!(judged("${PolicyArn}"), ("managed", Severity::Warning));
    }
}

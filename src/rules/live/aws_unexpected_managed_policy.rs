use crate::catalog::aws::{Action, Expansion};
use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::snapshot::{EntityKind, Live, LiveDocument};

declare_rule! {
    /// The vendor's role (or user) carries a managed policy the vendor profile does not expect.
    ///
    /// A vendor's onboarding grants exactly the policies its profile lists (`grantlint profile
    /// show`); DigiUsher's are inline policies on its role. A managed policy attached besides them
    /// widens the vendor's access outside the reviewed set — typically AWS's `ReadOnlyAccess`,
    /// attached "to make it work", which reads data: S3 objects, DynamoDB items, CloudWatch logs,
    /// Lambda environments. For an AWS-managed policy, which is AWS's text and the same in every
    /// account, the finding counts what it allows that returns data or is not read-only (the
    /// other AWS rules judge the customer's own documents, not AWS's); a customer-managed
    /// policy's statements are judged by the other AWS rules as well. When the audit could not
    /// read an AWS-managed policy's document, grantlint's compiled table of AWS-managed policies
    /// (`rules/aws/managed-policies.tsv`) stands in for it.
    ///
    /// A policy named like one of the profile's policies or optional packs is expected. An
    /// AWS-managed policy the profile lists in `managed_policies` is expected too, yet judged by
    /// what it allows: reported when it grants more than metadata reads that the profile's
    /// exceptions do not accept. Needs a profile; without one this rule is quiet.
    ///
    /// ## Fix
    /// ```text
    /// aws iam detach-role-policy --role-name <role> --policy-arn <policy ARN>
    /// ```
    pub static RULE = { code: "LIVE011", name: "live-aws-unexpected-managed-policy", severity: Error };
}

pub fn check(live: &Live, cx: &mut Context) {
    let Some(aws) = &live.snapshot.aws else { return };
    let Some(profile) = cx.profile else { return };
    let Some(expected) = &profile.aws else { return };
    let known = |name: &str| {
        expected.policies.iter().any(|p| p.name.eq_ignore_ascii_case(name))
            || expected.packs.iter().any(|p| p.spec.policy.eq_ignore_ascii_case(name))
    };
    let mut found = Vec::new();
    for entity in &aws.entities {
        for policy in entity.managed.iter().filter(|p| !known(&p.name.value)) {
            let listed = policy.aws_managed && expected.expected_managed(&policy.name.value).is_some();
            let owner = if policy.aws_managed { "AWS-managed" } else { "customer-managed" };
            let judged =
                Some(policy).filter(|p| p.aws_managed).and_then(|p| exposure(p.document.as_ref(), &p.arn.value, cx));
            // An expected policy is reported only for what it allows beyond metadata reads.
            if listed && judged.is_none() {
                continue;
            }
            let expects = if listed { "expects" } else { "does not expect" };
            let mut message = format!(
                "{} carries the {owner} policy `{}`, which profile `{}` {expects}",
                entity.describe(),
                policy.name.value,
                profile.name
            );
            if let Some(exposure) = judged {
                message.push_str("; it allows ");
                message.push_str(&exposure);
            }
            let command = match entity.kind {
                EntityKind::Role => "detach-role-policy --role-name",
                EntityKind::User => "detach-user-policy --user-name",
            };
            let help = if listed {
                "the profile expects this policy, but not what it allows beyond metadata reads: add profile exceptions for what the vendor documents needing, or replace it with an inline policy"
                    .to_string()
            } else {
                format!(
                    "the vendor's access should come from the profile's policies alone: `aws iam {command} {} --policy-arn {}`",
                    entity.name.value, policy.arn.value
                )
            };
            let mut diagnostic = Diagnostic::new(&RULE, policy.name.span, message).with_help(help);
            diagnostic.unit = policy.document.as_ref().map(|d| d.unit.clone());
            found.push(diagnostic);
        }
    }
    for diagnostic in found {
        cx.report(diagnostic);
    }
}

/// What a policy allows beyond metadata reads: reads that return data, secrets or credentials,
/// and actions that are not read-only, with the catalog's names. The snapshot's document when the
/// audit read it; for an AWS-managed policy whose document is missing, the compiled table's.
fn exposure(document: Option<&LiveDocument>, arn: &str, cx: &Context) -> Option<String> {
    use crate::catalog::managed::{Lookup, ManagedPolicies};
    let catalog = cx.aws();
    let mut note = String::new();
    let mut actions: Vec<&'static Action> = match document {
        Some(document) => {
            let policy = document.policy()?;
            let patterns = policy.statements.iter().flat_map(|s| s.allowed_actions());
            patterns
                .filter_map(|p| match catalog.expand(p.as_str()) {
                    Expansion::Actions(found) => Some(found),
                    Expansion::UnknownPrefix => None,
                })
                .flatten()
                .collect()
        }
        None => match ManagedPolicies::get().by_arn(arn)? {
            Lookup::Found(managed) => {
                let table = ManagedPolicies::get().label();
                note = format!(" (the audit did not read its document: AWS's {} from {table})", managed.version);
                managed.allowed(catalog)
            }
            Lookup::WrongPath(_) | Lookup::Unknown => return None,
        },
    };
    actions.sort_unstable_by_key(|a| a.id);
    actions.dedup_by_key(|a| a.id);
    crate::rules::aws::exposure::Exposure::of(&actions, cx).describe().map(|what| what + &note)
}

use crate::catalog::aws::{Action, Expansion};
use crate::diagnostic::Diagnostic;
use crate::rules::aws::name_list;
use crate::rules::{Context, declare_rule};
use crate::syntax::snapshot::Live;
use crate::syntax::snapshot::{EntityKind, LiveDocument};
use std::collections::BTreeMap;

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
    /// policy's statements are judged by the other AWS rules as well.
    ///
    /// A policy named like one of the profile's policies or optional packs is expected. Needs a
    /// profile; without one this rule is quiet.
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
            let owner = if policy.aws_managed { "AWS-managed" } else { "customer-managed" };
            let mut message = format!(
                "{} carries the {owner} policy `{}`, which profile `{}` does not expect",
                entity.describe(),
                policy.name.value,
                profile.name
            );
            if let Some(exposure) =
                policy.document.as_ref().filter(|_| policy.aws_managed).and_then(|d| exposure(d, cx))
            {
                message.push_str("; it allows ");
                message.push_str(&exposure);
            }
            let command = match entity.kind {
                EntityKind::Role => "detach-role-policy --role-name",
                EntityKind::User => "detach-user-policy --user-name",
            };
            let mut diagnostic = Diagnostic::new(&RULE, policy.name.span, message).with_help(format!(
                "the vendor's access should come from the profile's policies alone: `aws iam {command} {} --policy-arn {}`",
                entity.name.value, policy.arn.value
            ));
            diagnostic.unit = policy.document.as_ref().map(|d| d.unit.clone());
            found.push(diagnostic);
        }
    }
    for diagnostic in found {
        cx.report(diagnostic);
    }
}

/// What a policy allows beyond metadata reads: reads that return data, secrets or credentials,
/// and actions that are not read-only, with the catalog's names.
fn exposure(document: &LiveDocument, cx: &Context) -> Option<String> {
    let policy = document.policy()?;
    let catalog = cx.aws();
    let mut actions: BTreeMap<String, &Action> = BTreeMap::new();
    for pattern in policy.statements.iter().flat_map(|s| s.allowed_actions()) {
        if let Expansion::Actions(found) = catalog.expand(pattern.as_str()) {
            actions.extend(found.map(|a| (a.to_string(), a)));
        }
    }
    let data: Vec<String> = actions
        .iter()
        .filter(|(_, a)| a.level().is_read_only() && a.sensitive().is_some())
        .map(|(name, _)| name.clone())
        .collect();
    let writes: Vec<String> =
        actions.iter().filter(|(_, a)| !a.level().is_read_only()).map(|(name, _)| name.clone()).collect();
    let mut parts = Vec::new();
    if !data.is_empty() {
        parts.push(format!(
            "{} reads that return data, secrets or credentials ({})",
            data.len(),
            name_list(data.into_iter())
        ));
    }
    if !writes.is_empty() {
        parts.push(format!("{} actions that are not read-only ({})", writes.len(), name_list(writes.into_iter())));
    }
    (!parts.is_empty()).then(|| parts.join(" and "))
}

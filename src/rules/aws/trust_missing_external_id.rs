use super::{allows_assume_role, is_external_id};
use crate::catalog::aws::pattern_matches;
use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::aws::{Kind, Policy, PrincipalKind, Statement};

declare_rule! {
    /// A trust policy lets another AWS account assume the role without an `sts:ExternalId`
    /// condition.
    ///
    /// A vendor assumes every customer's role from its own account. Without an ExternalId, anyone
    /// who can make the vendor assume a role ARN of their choosing (another customer entering your
    /// role's ARN in the vendor's console) gets your data: the confused-deputy problem. The vendor
    /// issues each customer its own ExternalId, and the trust policy must require it with
    /// `StringEquals` on `sts:ExternalId` (the key is case-insensitive).
    ///
    /// Every Allow statement that grants `sts:AssumeRole` (also through `sts:AssumeRole*`,
    /// `sts:*` or `*`) to an AWS principal is checked: a second statement without the condition
    /// defeats the first. A statement that tests the ExternalId only with a weaker operator
    /// (`StringLike`, `…IfExists`, `Null`) is reported by AWS009 instead. Statements for AWS
    /// service principals, which cannot pass an ExternalId, are not checked.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::058264546051:root"}, "Action": "sts:AssumeRole"}
    /// ```
    /// Use instead:
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::058264546051:root"}, "Action": "sts:AssumeRole",
    ///  "Condition": {"StringEquals": {"sts:ExternalId": "<ExternalId issued by the vendor>"}}}
    /// ```
    pub static RULE = { code: "AWS008", name: "aws-trust-missing-external-id", severity: Error };
}

pub fn check(policy: &Policy, cx: &mut Context) {
    let required = cx.profile.and_then(|p| p.aws.as_ref()).is_none_or(|aws| aws.external_id.required);
    if policy.kind != Kind::Trust || !required {
        return;
    }
    for statement in &policy.statements {
        let Some(principal) = cross_account_principal(statement) else { continue };
        if !allows_assume_role(statement) || tests_external_id(statement) {
            continue;
        }
        let Some(action) = &statement.action else { continue };
        // The pattern that grants it; with `NotAction`, the key.
        let granting =
            action.values.iter().find(|v| !action.negated && pattern_matches(v.as_str(), "sts", "AssumeRole"));
        let at = granting.map_or(action.key, |v| v.span);
        cx.report(
            Diagnostic::new(
                &RULE,
                at,
                format!("this statement lets `{principal}` assume the role without an `sts:ExternalId` condition"),
            )
            .with_help(r#"add "Condition": {"StringEquals": {"sts:ExternalId": "<the ID the vendor issued you>"}}"#),
        );
    }
}

/// The first AWS principal of the statement: accounts and roles can pass an ExternalId.
fn cross_account_principal<'s>(statement: &'s Statement) -> Option<&'s str> {
    let principal = statement.principal.as_ref()?;
    principal.entries.iter().find(|e| e.kind == PrincipalKind::Aws).map(|e| e.value.as_str())
}

/// Whether any condition operator of the statement tests `sts:ExternalId`.
fn tests_external_id(statement: &Statement) -> bool {
    statement.condition.iter().flat_map(|c| &c.blocks).flat_map(|b| &b.entries).any(|e| is_external_id(&e.key.value))
}

use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::aws::{BaseOperator, Kind, Policy, PrincipalKind, Statement, Str};

declare_rule! {
    /// A trust policy lets someone other than the vendor's account assume the role.
    ///
    /// The role exists for one vendor, so its trust policy should name the vendor's AWS account
    /// and nothing else. Always reported, with or without a profile: `"*"` or `{"AWS": "*"}`
    /// (every AWS account, and an ExternalId does not make that safe), a principal ARN with
    /// wildcards (which IAM refuses), and `NotPrincipal` (which IAM does not allow in trust
    /// policies; with Allow it would trust everyone except those listed). With a vendor profile,
    /// every principal other than the profile's account is reported too: another account, a
    /// service or federated principal, or a unique ID (`AROA…`), which IAM shows when the role
    /// the policy named was deleted. `123456789012`, `arn:aws:iam::123456789012:root` and any
    /// `arn:<partition>:iam::123456789012:…` ARN all name account 123456789012. A `*` that a
    /// condition narrows to named principals (`aws:PrincipalArn`, `aws:PrincipalAccount`,
    /// `aws:PrincipalOrgID` with `StringEquals`, `StringLike`, `ArnEquals` or `ArnLike`) trusts
    /// only those, and is not reported as every account.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
    ///  "Condition": {"StringEquals": {"sts:ExternalId": "…"}}}
    /// ```
    /// Use instead:
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::058264546051:root"}, "Action": "sts:AssumeRole",
    ///  "Condition": {"StringEquals": {"sts:ExternalId": "…"}}}
    /// ```
    pub static RULE = { code: "AWS007", name: "aws-trust-wrong-principal", severity: Error };
}

pub fn check(policy: &Policy, cx: &mut Context) {
    if policy.kind != Kind::Trust {
        return;
    }
    let vendor = cx.profile.and_then(|p| Some((p.vendor.as_str(), p.aws.as_ref()?.vendor_account.as_str())));
    let help = match vendor {
        Some((_, account)) => format!("trust only the vendor's account: arn:aws:iam::{account}:root"),
        None => "trust only the vendor's account, e.g. arn:aws:iam::123456789012:root".to_string(),
    };
    for statement in &policy.statements {
        let Some(principal) = &statement.principal else { continue };
        if principal.negated {
            cx.report(
                Diagnostic::new(
                    &RULE,
                    principal.key,
                    "`NotPrincipal` is not allowed in a trust policy; with Allow it trusts everyone not listed",
                )
                .with_help(help.clone()),
            );
            continue;
        }
        if !statement.allows() {
            continue;
        }
        let narrowed = !narrowing(statement).is_empty();
        for entry in &principal.entries {
            let value = entry.value.as_str();
            let message = if value == "*" && narrowed {
                continue;
            } else if value == "*" {
                "`*` lets every AWS account assume this role; an ExternalId does not make that safe".to_string()
            } else if value.contains(['*', '?']) {
                format!("`{value}` has a wildcard; a principal must name one account or role")
            } else if let Some((name, account)) = vendor {
                match (entry.kind, entry.account()) {
                    (PrincipalKind::Aws, Some(found)) if found == account => continue,
                    (PrincipalKind::Aws, Some(found)) => {
                        format!("this trusts account {found}; {name}'s account is {account}")
                    }
                    (PrincipalKind::Aws, None) => format!(
                        "`{value}` is not an account or ARN (a unique ID here means the role it named was deleted); {name}'s account is {account}"
                    ),
                    (kind, _) => {
                        format!("this trusts the {} principal `{value}`, not {name}'s account {account}", kind.as_str())
                    }
                }
            } else {
                continue;
            };
            cx.report(Diagnostic::new(&RULE, entry.value.span, message).with_help(help.clone()));
        }
    }
}

/// Condition keys that say who the caller is: with one of them, `"Principal": "*"` trusts only
/// the principals it names.
const PRINCIPAL_KEYS: &[&str] = &["aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalOrgID"];

/// The values of a statement's conditions that narrow a `*` principal to named principals: a
/// positive string or ARN test of a [`PRINCIPAL_KEYS`] key, with a value that is not only a
/// wildcard.
pub(crate) fn narrowing<'s>(statement: &'s Statement) -> Vec<&'s Str<'s>> {
    let positive =
        [BaseOperator::StringEquals, BaseOperator::StringLike, BaseOperator::ArnEquals, BaseOperator::ArnLike];
    statement
        .condition
        .iter()
        .flat_map(|c| &c.blocks)
        .filter(|b| positive.contains(&b.operator.base) && !b.operator.if_exists)
        .flat_map(|b| &b.entries)
        .filter(|e| PRINCIPAL_KEYS.iter().any(|k| k.eq_ignore_ascii_case(&e.key.value)))
        .flat_map(|e| &e.values)
        .filter(|v| !v.as_str().chars().all(|c| c == '*' || c == '?'))
        .collect()
}

//! Rules for AWS IAM policies, one file each.

pub mod allow_not_action;
pub mod data_read;
pub mod expansions;
pub mod exposure;
pub mod full_wildcard_action;
pub mod grant_not_read_only;
pub mod invalid_sid;
pub mod policy_version;
pub mod public_resource_policy;
pub mod size_limit;
pub mod syntax_error;
pub mod trust_missing_external_id;
pub mod trust_weak_external_id;
pub mod trust_wrong_principal;
pub mod unknown_action;

use super::Context;
use crate::catalog::aws::{Action, Sensitivity, pattern_matches};
use crate::syntax::aws::{Kind, Policy, PrincipalKind, Statement, Str};
use expansions::Resolved;

/// Actions a message names before it says "and N more".
const LISTED: usize = 5;

/// Whether an Allow statement's actions are judged as a grant to the vendor: every statement of
/// an identity policy, and the statements of a resource policy that name an AWS principal. AWS
/// services a resource policy lets in (billing delivering reports to a bucket) are not the
/// vendor, and a trust policy's actions only let its principal become the role.
fn grants_vendor(policy: &Policy, statement: &Statement) -> bool {
    statement.allows()
        && match policy.kind {
            Kind::Identity => true,
            Kind::Trust => false,
            Kind::Resource => {
                statement.principal.as_ref().is_some_and(|p| p.entries.iter().any(|e| e.kind == PrincipalKind::Aws))
            }
        }
}

/// For each pattern an Allow statement grants the vendor (see [`grants_vendor`]), the catalog
/// actions it names that `flag` selects (in that statement) and neither the profile nor the configuration accepts
/// for `code`; patterns with none are left out. `*` and `service:*` (AWS003's) are not
/// expanded, and patterns the catalog does not know are AWS005's.
pub(crate) fn flagged_actions<'p>(
    policy: &'p Policy<'p>,
    cx: &Context,
    code: &str,
    flag: impl Fn(&Statement, &Action) -> bool,
) -> Vec<(&'p Str<'p>, Vec<&'static Action>)> {
    let mut out = Vec::new();
    for (statement, pattern, resolved) in cx.aws_expansions(policy).patterns(policy) {
        let negated = statement.action.as_ref().is_some_and(|a| a.negated);
        let Resolved::Actions(found) = resolved else { continue };
        if negated || !grants_vendor(policy, statement) {
            continue;
        }
        let flagged: Vec<&Action> = found
            .as_slice()
            .iter()
            .copied()
            .filter(|a| flag(statement, a) && !accepted(cx, statement, a, code))
            .collect();
        if !flagged.is_empty() {
            out.push((pattern, flagged));
        }
    }
    out
}

/// Whether `pattern` is exactly the one action `actions` holds, rather than a wildcard (a
/// pattern without wildcards expands to the one action it names, if any).
pub(crate) fn names_exactly(pattern: &Str, actions: &[&Action]) -> bool {
    actions.len() == 1 && !pattern.as_str().contains(['*', '?'])
}

/// `*`, or a whole service (`s3:*`): AWS003's business, so other rules do not expand them.
pub(crate) fn is_full_wildcard(pattern: &str) -> bool {
    pattern == "*"
        || pattern.split_once(':').is_some_and(|(_, name)| !name.is_empty() && name.bytes().all(|b| b == b'*'))
}

/// Whether the profile or the configuration accepts finding `code` on `action` in `statement`.
pub(crate) fn accepted(cx: &Context, statement: &Statement, action: &Action, code: &str) -> bool {
    accepted_for(cx, action, code, || names_specific_resources(statement))
}

/// Whether the profile or the configuration accepts finding `code` on `action`, where
/// `names_specific` says whether the grant names specific resources (a scoped acceptance needs it).
pub(crate) fn accepted_for(cx: &Context, action: &Action, code: &str, names_specific: impl Fn() -> bool) -> bool {
    let by_profile = cx
        .profile
        .and_then(|p| p.aws.as_ref())
        .and_then(|aws| aws.acceptance(action, code))
        .is_some_and(|acceptance| !acceptance.scoped() || names_specific());
    by_profile || cx.accepts_action(code, action)
}

/// Whether every `Resource` of the statement names specific resources: no `*`, and no wildcard
/// in an ARN's resource name before its first `/` (`arn:aws:s3:::bucket/*` names one bucket's
/// objects; `arn:aws:s3:::*/*` every bucket's).
fn names_specific_resources(statement: &Statement) -> bool {
    let Some(resource) = statement.resource.as_ref().filter(|r| !r.negated) else { return false };
    resource.values.iter().all(|value| {
        let mut fields = value.as_str().splitn(6, ':');
        let name = fields.nth(5).unwrap_or("*");
        let head = name.split('/').next().unwrap_or(name);
        !head.is_empty() && !head.contains(['*', '?'])
    })
}

/// Whether an action pattern lets the principal call `sts:AssumeRole`.
pub(crate) fn allows_assume_role(statement: &Statement) -> bool {
    let Some(action) = statement.action.as_ref().filter(|_| statement.allows()) else { return false };
    let covers = |pattern: &Str| pattern_matches(pattern.as_str(), "sts", "AssumeRole");
    if action.negated { !action.values.iter().any(covers) } else { action.values.iter().any(covers) }
}

/// Whether a condition key is `sts:ExternalId` (condition keys ignore case).
pub(crate) fn is_external_id(key: &str) -> bool {
    key.eq_ignore_ascii_case("sts:ExternalId")
}

/// What the sensitive reads among `actions` return: `credentials, secrets and data`, naming each
/// class once, most serious first.
pub(crate) fn exposed_classes(actions: &[&Action]) -> String {
    let classes: Vec<&str> = [Sensitivity::Credential, Sensitivity::Secret, Sensitivity::Metadata, Sensitivity::Data]
        .into_iter()
        .filter(|class| actions.iter().any(|a| a.sensitive().is_some_and(|s| s.class == *class)))
        .map(Sensitivity::as_str)
        .collect();
    match classes.split_last() {
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// `a, b, c, d, e and 7 more`.
pub(crate) fn name_list(names: impl ExactSizeIterator<Item = String>) -> String {
    let total = names.len();
    let shown: Vec<String> = names.take(LISTED).collect();
    match total.saturating_sub(LISTED) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::aws::parse;

    #[test]
    fn full_wildcards() {
        assert!(is_full_wildcard("*"));
        assert!(is_full_wildcard("s3:*"));
        assert!(is_full_wildcard("s3:**"));
        assert!(!is_full_wildcard("s3:Get*"));
        assert!(!is_full_wildcard("s3:"));
    }

    #[test]
    fn specific_resources() {
        let scoped = |resource: &str| {
            let text =
                format!(r#"{{"Statement": {{"Effect": "Allow", "Action": "s3:GetObject", "Resource": {resource}}}}}"#);
            let document = parse(&text, None);
            names_specific_resources(&document.policy.unwrap().statements[0])
        };
        assert!(scoped(r#"["arn:aws:s3:::cur", "arn:aws:s3:::cur/*"]"#));
        assert!(scoped(r#""arn:aws:s3:::<bucket_name>/*""#));
        assert!(!scoped(r#""*""#));
        assert!(!scoped(r#""arn:aws:s3:::*/*""#));
        assert!(!scoped(r#"["arn:aws:s3:::cur/*", "arn:aws:s3:::cur-*"]"#));
    }

    #[test]
    fn lists_are_capped() {
        let names = |n: usize| (0..n).map(|i| format!("a{i}")).collect::<Vec<_>>().into_iter();
        assert_eq!(name_list(names(2)), "a0, a1");
        assert_eq!(name_list(names(7)), "a0, a1, a2, a3, a4 and 2 more");
    }
}

use super::name_list;
use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::aws::{BaseOperator, Kind, Policy, PrincipalKind, SetQualifier, Statement};

declare_rule! {
    /// A resource policy allows everyone: `"Principal": "*"` or `{"AWS": "*"}` (or an Allow with
    /// `NotPrincipal`) without a condition that narrows who may call.
    ///
    /// A bucket, topic, queue or key policy that allows `*` is a grant to every AWS account and,
    /// for S3, to anonymous callers on the internet. AWS services that deliver to a bucket or
    /// topic (billing reports, CloudTrail, Config) are let in by service principal, or by `*`
    /// narrowed with a condition; a condition narrows when it tests, with a positive operator
    /// (`StringEquals`, `StringLike`, `ArnEquals`, `ArnLike`, `IpAddress`, `Bool`) and a value
    /// that is not only wildcards, a key that names the caller's account, organization, source
    /// or network: `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOwner`,
    /// `aws:SourceOrgID`, `aws:SourceOrgPaths`, `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`,
    /// `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:PrincipalServiceName`,
    /// `aws:PrincipalIsAWSService`, `aws:userid`, `aws:SourceVpce`, `aws:SourceVpc`,
    /// `aws:SourceIp`, `kms:CallerAccount`, `s3:DataAccessPointAccount`. `…IfExists`
    /// operators and `ForAllValues:` do not narrow: they pass when the key is absent.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::cur-bucket/*"}
    /// ```
    /// Use instead:
    /// ```json
    /// {"Effect": "Allow", "Principal": {"Service": "billingreports.amazonaws.com"}, "Action": "s3:PutObject",
    ///  "Resource": "arn:aws:s3:::cur-bucket/*", "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}}
    /// ```
    pub static RULE = { code: "AWS013", name: "aws-public-resource-policy", severity: Error };
}

/// Condition keys that name who calls, from where: any of them, tested positively, narrows `*`.
/// Source: the IAM User Guide's global condition context keys, and the KMS and S3 keys that key
/// and access-point policies use in place of a principal.
const NARROWING_KEYS: &[&str] = &[
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOwner",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalServiceName",
    "aws:PrincipalIsAWSService",
    "aws:userid",
    "aws:SourceVpce",
    "aws:SourceVpc",
    "aws:SourceIp",
    "kms:CallerAccount",
    "s3:DataAccessPointAccount",
];

pub fn check(policy: &Policy, cx: &mut Context) {
    if policy.kind != Kind::Resource {
        return;
    }
    for statement in policy.statements.iter().filter(|s| s.allows()) {
        let Some(principal) = &statement.principal else { continue };
        if narrowed(statement) {
            continue;
        }
        let actions = match &statement.action {
            Some(action) if action.negated => {
                format!("every action except {}", name_list(action.values.iter().map(|v| v.as_str().to_string())))
            }
            Some(action) => name_list(action.values.iter().map(|v| v.as_str().to_string())),
            None => "its actions".to_string(),
        };
        let (span, message) = if principal.negated {
            (
                principal.key,
                format!("`NotPrincipal` in an Allow statement lets anyone but the principals it lists call {actions}"),
            )
        } else {
            let Some(everyone) =
                principal.entries.iter().find(|e| e.kind == PrincipalKind::Aws && e.value.as_str() == "*")
            else {
                continue;
            };
            (
                everyone.value.span,
                format!(
                    "the principal `*` lets anyone call {actions}: every AWS account, and anonymous callers where the service allows them (S3)"
                ),
            )
        };
        cx.report(
            Diagnostic::new(&RULE, span, format!("{message}; no condition narrows it to an account, organization, source or network"))
                .with_help("name the principals (an account, a role, a service), or add a condition such as `aws:SourceAccount`, `aws:SourceArn` or `aws:PrincipalOrgID`"),
        );
    }
}

/// Whether a condition of the statement limits who can call (see [`NARROWING_KEYS`]).
fn narrowed(statement: &Statement) -> bool {
    let Some(condition) = &statement.condition else { return false };
    condition.blocks.iter().any(|block| {
        let op = block.operator;
        let positive = matches!(
            op.base,
            BaseOperator::StringEquals
                | BaseOperator::StringEqualsIgnoreCase
                | BaseOperator::StringLike
                | BaseOperator::ArnEquals
                | BaseOperator::ArnLike
                | BaseOperator::IpAddress
                | BaseOperator::Bool
        );
        if !positive || op.if_exists || op.set == Some(SetQualifier::ForAllValues) {
            return false;
        }
        block.entries.iter().any(|entry| {
            let key = entry.key.as_str();
            let known = NARROWING_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key));
            let limits = |v: &str| match op.base {
                BaseOperator::Bool => v.eq_ignore_ascii_case("true"),
                BaseOperator::IpAddress => !matches!(v, "0.0.0.0/0" | "::/0"),
                _ => !v.is_empty() && !v.bytes().all(|b| b == b'*' || b == b'?'),
            };
            known && !entry.values.is_empty() && entry.values.iter().all(|v| limits(v.as_str()))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::aws::parse;

    fn findings(statement: &str) -> Vec<String> {
        let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{statement}]}}"#);
        let document = parse(&text, None);
        let policy = document.policy.expect("a policy");
        let mut cx = Context::new(None, &[]);
        check(&policy, &mut cx);
        cx.into_diagnostics().into_iter().map(|d| d.message).collect()
    }

    const OBJECTS: &str = r#""Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*""#;

    #[test]
    fn everyone_without_a_condition() {
        assert_eq!(findings(&format!(r#"{{"Effect": "Allow", "Principal": "*", {OBJECTS}}}"#)).len(), 1);
        assert_eq!(
            findings(&format!(r#"{{"Effect": "Allow", "Principal": {{"AWS": ["123456789012", "*"]}}, {OBJECTS}}}"#))
                .len(),
            1
        );
        let not = findings(&format!(r#"{{"Effect": "Allow", "NotPrincipal": {{"AWS": "123456789012"}}, {OBJECTS}}}"#));
        assert!(not[0].contains("NotPrincipal"), "{not:?}");
    }

    #[test]
    fn narrowing_conditions_pass_and_others_do_not() {
        let with = |condition: &str| {
            findings(&format!(r#"{{"Effect": "Allow", "Principal": "*", {OBJECTS}, "Condition": {condition}}}"#)).len()
        };
        assert_eq!(with(r#"{"StringEquals": {"aws:SourceAccount": "123456789012"}}"#), 0);
        assert_eq!(with(r#"{"ArnLike": {"aws:SourceArn": "arn:aws:cur:us-east-1:123456789012:definition/*"}}"#), 0);
        assert_eq!(with(r#"{"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}"#), 0);
        assert_eq!(with(r#"{"StringEquals": {"AWS:SourceVpce": "vpce-1a2b3c"}}"#), 0);
        assert_eq!(with(r#"{"StringEquals": {"kms:CallerAccount": "123456789012"}}"#), 0);
        assert_eq!(with(r#"{"Bool": {"aws:SecureTransport": "true"}}"#), 1, "TLS says nothing of who calls");
        assert_eq!(with(r#"{"StringNotEquals": {"aws:PrincipalOrgID": "o-abc123"}}"#), 1, "everyone outside the org");
        assert_eq!(with(r#"{"StringEqualsIfExists": {"aws:SourceAccount": "123456789012"}}"#), 1, "absent passes");
        assert_eq!(with(r#"{"StringLike": {"aws:SourceAccount": "*"}}"#), 1);
        assert_eq!(with(r#"{"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}"#), 1);
        assert_eq!(with(r#"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#), 0);
    }

    #[test]
    fn named_principals_denies_and_identity_policies_pass() {
        assert!(
            findings(&format!(r#"{{"Effect": "Allow", "Principal": {{"AWS": "123456789012"}}, {OBJECTS}}}"#))
                .is_empty()
        );
        assert!(
            findings(&format!(
                r#"{{"Effect": "Allow", "Principal": {{"Service": "billingreports.amazonaws.com"}}, {OBJECTS}}}"#
            ))
            .is_empty()
        );
        assert!(findings(&format!(r#"{{"Effect": "Deny", "Principal": "*", {OBJECTS}, "Condition": {{"Bool": {{"aws:SecureTransport": "false"}}}}}}"#)).is_empty());
        assert!(findings(&format!(r#"{{"Effect": "Allow", {OBJECTS}}}"#)).is_empty());
    }
}

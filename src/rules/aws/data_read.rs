use super::{exposed_classes, flagged_actions, name_list, names_exactly};
use crate::catalog::aws::{Action, Sensitivity};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, declare_rule};
use crate::syntax::aws::{Policy, Statement};

declare_rule! {
    /// An allowed read returns data, secrets or credentials, not just metadata.
    ///
    /// AWS's Read level is not harmless: `s3:GetObject` returns object contents,
    /// `lambda:GetFunctionConfiguration` a function's environment variables (often secrets),
    /// `ec2:DescribeInstanceAttribute` instance user data, `ecs:DescribeTaskDefinition` container
    /// environments, `apigateway:GET` API key values (on a `Resource` that can reach `/apikeys`:
    /// not on `arn:aws:apigateway:*::/restapis/*`), `ssm:GetParameter` parameter values. The
    /// curated list, each entry with its reason and source, is `rules/aws/sensitive-actions.tsv`.
    /// It comes from a review of every Read and List action whose catalog description speaks of
    /// content, messages, output, records, secrets or credentials: those judged harmless are in
    /// `rules/aws/reviewed-reads.tsv`, each with its reason (`iam:GetSSHPublicKey` returns a
    /// public key), and a catalog refresh fails until its new ones have a verdict.
    /// Wildcards are expanded, and the finding names the sensitive actions they include
    /// (`ec2:Describe*` includes `ec2:DescribeInstanceAttribute`).
    ///
    /// A read that returns credentials or tokens (`ecr:GetAuthorizationToken`,
    /// `sts:GetSessionToken`) is never acceptable for a read-only vendor and is reported as an
    /// error. Sensitive metadata, such as every user's credential status in
    /// `iam:GetCredentialReport`, is a warning like data. Sensitive actions AWS labels Write
    /// (`kms:Decrypt`) are reported by AWS002. A vendor profile can accept a read with a reason:
    /// DigiUsher's `s3:GetObject` reads the Cost and Usage Report files in the customer's CUR
    /// bucket, accepted where the statement names the bucket rather than `*`.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": ["lambda:GetFunction", "lambda:List*"], "Resource": "*"}
    /// ```
    /// Use instead:
    /// ```json
    /// {"Effect": "Allow", "Action": ["lambda:List*"], "Resource": "*"}
    /// ```
    pub static RULE = { code: "AWS006", name: "aws-data-read", severity: Warning };
}

pub fn check(policy: &Policy, cx: &mut Context) {
    let sensitive_read =
        |s: &Statement, a: &Action| a.level().is_read_only() && a.sensitive().is_some() && reaches_content(s, a);
    for (pattern, reads) in flagged_actions(policy, cx, RULE.code, sensitive_read) {
        let exposes = exposed_classes(&reads);
        let (message, help) = match reads.first().and_then(|a| a.sensitive()) {
            Some(why) if names_exactly(pattern, &reads) => (
                format!("`{}` is a read that exposes {exposes}: it {}", pattern.value, why.reason),
                "grant the metadata actions the vendor needs instead, or accept the read in the profile with a reason",
            ),
            _ => {
                let count = reads.len();
                let (s, verb) = if count == 1 { ("", "exposes") } else { ("s", "expose") };
                let listed = name_list(reads.iter().map(|a| a.to_string()));
                (
                    format!("`{}` includes {count} read{s} that {verb} {exposes}: {listed}", pattern.value),
                    "replace the wildcard with the actions the vendor needs, leaving these out",
                )
            }
        };
        let mut diagnostic = Diagnostic::new(&RULE, pattern.span, message).with_help(help);
        if reads.iter().any(|a| a.sensitive().is_some_and(|s| s.class == Sensitivity::Credential)) {
            diagnostic.severity = Severity::Error;
        }
        cx.report(diagnostic);
    }
}

/// Sensitive reads whose content sits under one resource path: the action and the path. API
/// Gateway returns API key values only under `/apikeys` (`GET /apikeys?includeValues=true`,
/// `GET /apikeys/{id}?includeValue=true`: Amazon API Gateway REST API reference, GetApiKeys and
/// GetApiKey; resource ARNs `arn:aws:apigateway:region::path`, Service Authorization Reference).
const SCOPED: &[(&str, &str)] = &[("apigateway:GET", "/apikeys")];

/// Whether `action`, allowed by `statement`, can reach the content that makes it sensitive: a
/// read in [`SCOPED`] does only on a `Resource` that may name its path (`*`, a wildcard before
/// the path, a value grantlint does not know, or `NotResource`).
fn reaches_content(statement: &Statement, action: &Action) -> bool {
    let name = action.to_string();
    let Some((_, path)) = SCOPED.iter().find(|(scoped, _)| scoped.eq_ignore_ascii_case(&name)) else { return true };
    let Some(resource) = statement.resource.as_ref().filter(|r| !r.negated) else { return true };
    resource.values.iter().any(|value| {
        let value = unknown_as_wildcard(value.as_str());
        let fields: Vec<&str> = value.splitn(6, ':').collect();
        let [_, _, service, _, _, rest] = fields.as_slice() else { return true };
        let service_may_match = service.contains(['*', '?']) || service.eq_ignore_ascii_case("apigateway");
        service_may_match && path_may_match(rest, path)
    })
}

/// `value` with each `${…}` (a value only a deployment knows, `${AWS::Partition}`) as `*`.
fn unknown_as_wildcard(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        out.push('*');
        rest = rest[start..].find('}').map_or("", |end| &rest[start + end + 1..]);
    }
    out.push_str(rest);
    out
}

/// Whether the resource path `pattern` (with `*` and `?`) may name `path` or something under it.
fn path_may_match(pattern: &str, path: &str) -> bool {
    match pattern.find(['*', '?']) {
        Some(cut) => {
            let literal = &pattern[..cut];
            literal.starts_with(path) || path.starts_with(literal)
        }
        None => pattern == path || pattern.strip_prefix(path).is_some_and(|rest| rest.starts_with('/')),
    }
}

#[cfg(test)]
mod tests {
    use super::{path_may_match, reaches_content};
    use crate::catalog::aws::{AwsCatalog, Expansion};
    use crate::syntax::aws::{Kind, parse};

    /// Whether `apigateway:GET` on `resource` (JSON) reaches API key values.
    fn reaches(resource: &str) -> bool {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"apigateway:GET","Resource":{resource}}}]}}"#
        );
        let document = parse(&text, Some(Kind::Identity));
        let policy = document.policy.expect("the policy parses");
        let Expansion::Actions(mut found) = AwsCatalog::get().expand("apigateway:GET") else { panic!("no apigateway") };
        let action = found.next().expect("apigateway:GET is in the catalog");
        reaches_content(&policy.statements[0], action)
    }

    #[test]
    fn apigateway_get_is_sensitive_where_it_may_read_api_keys() {
        assert!(reaches(r#""*""#));
        assert!(reaches(r#""arn:aws:apigateway:*::/*""#));
        assert!(reaches(r#""arn:aws:apigateway:us-east-1::/apikeys/abc""#));
        assert!(reaches(r#"["arn:aws:apigateway:*::/restapis/*", "arn:aws:apigateway:*::/apikeys"]"#));
        assert!(!reaches(r#""arn:${AWS::Partition}:apigateway:*::/restapis/*""#));
        assert!(reaches(r#""arn:aws:apigateway:*::/${ApiPath}""#));
        assert!(!reaches(r#""arn:aws:apigateway:*::/restapis/*""#));
        assert!(!reaches(r#""arn:aws:s3:::bucket/apikeys""#));
    }

    #[test]
    fn api_key_values_are_reached_only_where_the_path_may_be_apikeys() {
        assert!(path_may_match("/*", "/apikeys"));
        assert!(path_may_match("/apikeys", "/apikeys"));
        assert!(path_may_match("/apikeys/abc123", "/apikeys"));
        assert!(path_may_match("/api*", "/apikeys"));
        assert!(path_may_match("/apikeys*", "/apikeys"));
        assert!(!path_may_match("/restapis/*", "/apikeys"));
        assert!(!path_may_match("/apikeysfoo", "/apikeys"));
        assert!(!path_may_match("/restapis", "/apikeys"));
    }
}

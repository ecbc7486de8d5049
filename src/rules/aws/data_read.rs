use super::{exposed_classes, flagged_actions, name_list, names_exactly};
use crate::catalog::aws::{Action, Sensitivity};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, declare_rule};
use crate::syntax::aws::Policy;

declare_rule! {
    /// An allowed read returns data, secrets or credentials, not just metadata.
    ///
    /// AWS's Read level is not harmless: `s3:GetObject` returns object contents,
    /// `lambda:GetFunctionConfiguration` a function's environment variables (often secrets),
    /// `ec2:DescribeInstanceAttribute` instance user data, `ecs:DescribeTaskDefinition` container
    /// environments, `apigateway:GET` API key values, `ssm:GetParameter` parameter values. The
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
    let sensitive_read = |a: &Action| a.level().is_read_only() && a.sensitive().is_some();
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

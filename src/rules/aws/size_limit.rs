use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, declare_rule};
use crate::span::Span;
use crate::syntax::aws::{Attachment, Holder, Kind, Policy};

declare_rule! {
    /// The policy is larger than the size quota IAM holds it to, or close to it.
    ///
    /// IAM counts characters without the whitespace outside strings, and refuses a larger policy
    /// (AWS IAM User Guide, "IAM and AWS STS quotas",
    /// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>):
    ///
    /// - a managed policy: 6,144;
    /// - a role's inline policies: 10,240 together; a group's 5,120; a user's 2,048;
    /// - a role's trust policy: 2,048 (raisable on request);
    /// - an S3 bucket policy: 20 KB.
    ///
    /// A template says how an identity policy is attached: a role's `Policies`, an
    /// `AWS::IAM::RolePolicy`, an `aws_iam_role_policy` or an `inline_policy` block is measured
    /// against the role's inline quota, the user and group forms against theirs, and an
    /// `AWS::IAM::Policy` against the tightest quota of the identities it lists; an audit
    /// snapshot says the same of a live role's or user's inline policies. A policy file, or a
    /// document grantlint cannot place, is measured against the managed-policy quota, the one that
    /// fits every way of attaching it.
    ///
    /// Each inline policy is measured alone: where one identity holds several, their total is not
    /// summed here (LIVE013 sums a live role's or user's), so a total over the quota can be
    /// missed but is never reported wrongly. A policy at 90% of its quota or more is a warning:
    /// the next permission the vendor adds will not fit.
    ///
    /// Split a large policy into several, or replace long lists of actions of one service by a
    /// read-only wildcard (`ec2:Describe*`) once AWS002 and AWS006 have no objection to it.
    pub static RULE = { code: "AWS010", name: "aws-size-limit", severity: Error };
}

/// The quota for a policy of `kind` attached as `attachment`, and what it applies to.
fn quota(kind: Kind, attachment: Attachment) -> (usize, &'static str) {
    match (kind, attachment) {
        (Kind::Identity, Attachment::Managed) => (6_144, "a managed policy"),
        (Kind::Identity, Attachment::Inline(Holder::Role)) => (10_240, "a role's inline policies together"),
        (Kind::Identity, Attachment::Inline(Holder::Group)) => (5_120, "a group's inline policies together"),
        (Kind::Identity, Attachment::Inline(Holder::User)) => (2_048, "a user's inline policies together"),
        (Kind::Trust, _) => (2_048, "a role trust policy"),
        (Kind::Resource, _) => (20_480, "an S3 bucket policy"),
    }
}

pub fn check(policy: &Policy, cx: &mut Context) {
    let (limit, what) = quota(policy.kind, policy.attachment);
    let size = policy.minified_len;
    let Some(severity) = fullness(size, limit) else { return };
    let at = Span::new(policy.span.start, policy.span.start + 1);
    let (size_text, limit_text) = (thousands(size), thousands(limit));
    let diagnostic = if severity == Severity::Error {
        Diagnostic::new(
            &RULE,
            at,
            format!("the policy is {size_text} characters without whitespace; IAM allows {limit_text} for {what}"),
        )
        .with_help("split it into several policies, or shorten lists of actions")
    } else {
        let mut diagnostic = Diagnostic::new(
            &RULE,
            at,
            format!(
                "the policy is {size_text} characters without whitespace, {}% of the {limit_text} IAM allows for {what}",
                size * 100 / limit
            ),
        )
        .with_help("leave room for the vendor's next permission: split the policy before it is full");
        diagnostic.severity = Severity::Warning;
        diagnostic
    };
    cx.report(diagnostic);
}

/// How `used` of a quota of `limit` is judged: nothing below 90%, a warning up to the quota, an
/// error past it (none for a quota of 0, which says nothing).
pub(crate) fn fullness(used: usize, limit: usize) -> Option<Severity> {
    // Integer arithmetic: warn from 90% on.
    if limit == 0 || used * 10 < limit * 9 {
        return None;
    }
    Some(if used > limit { Severity::Error } else { Severity::Warning })
}

/// `6144` → `6,144`.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::aws::parse;

    /// An identity policy of `size` characters without whitespace, with one statement.
    fn policy_text(size: usize) -> String {
        let head = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::"#;
        let tail = r#""}]}"#;
        let text = format!("{head}{}{tail}", "b".repeat(size - head.len() - tail.len()));
        assert_eq!(text.len(), size);
        text
    }

    /// (severity, message) of AWS010 on an identity policy of `size` attached as `attachment`.
    fn judged(size: usize, attachment: Attachment) -> Vec<(Severity, String)> {
        let text = policy_text(size);
        let mut document = parse(&text, Some(Kind::Identity));
        let policy = document.policy.as_mut().expect("a policy");
        assert_eq!(policy.minified_len, size);
        policy.attachment = attachment;
        let mut cx = Context::new(None, &[]);
        check(policy, &mut cx);
        cx.into_diagnostics().into_iter().map(|d| (d.severity, d.message)).collect()
    }

    #[test]
    fn a_role_inline_policy_is_measured_against_the_roles_quota() {
        let role = Attachment::Inline(Holder::Role);
        // CrowdStrike's CSPM role policy: over the managed quota, well within the role's.
        assert_eq!(judged(7_920, role), []);
        let managed = judged(7_920, Attachment::Managed);
        assert_eq!(
            managed,
            [(
                Severity::Error,
                "the policy is 7,920 characters without whitespace; IAM allows 6,144 for a managed policy".into()
            )]
        );
        assert_eq!(
            judged(10_241, role),
            [(
                Severity::Error,
                "the policy is 10,241 characters without whitespace; IAM allows 10,240 for a role's inline policies together".into()
            )]
        );
        let [(severity, message)] = judged(9_300, role).try_into().expect("one finding");
        assert_eq!(severity, Severity::Warning);
        assert!(message.contains("90% of the 10,240 IAM allows for a role's inline policies together"), "{message}");
        assert_eq!(judged(10_240, role)[0].0, Severity::Warning, "the quota itself is allowed");
    }

    #[test]
    fn users_and_groups_have_tighter_quotas() {
        let user = judged(2_049, Attachment::Inline(Holder::User));
        assert_eq!(user[0].0, Severity::Error);
        assert!(user[0].1.ends_with("IAM allows 2,048 for a user's inline policies together"), "{user:?}");
        assert_eq!(judged(1_800, Attachment::Inline(Holder::User)), []);
        let group = judged(5_121, Attachment::Inline(Holder::Group));
        assert!(group[0].1.ends_with("IAM allows 5,120 for a group's inline policies together"), "{group:?}");
        assert_eq!(judged(4_600, Attachment::Inline(Holder::Group)), []);
        // A policy on several identities meets the tightest of their quotas.
        assert_eq!([Holder::Role, Holder::Group, Holder::User].into_iter().min(), Some(Holder::User));
    }

    #[test]
    fn trust_and_resource_policies_keep_their_quotas_however_attached() {
        let role = Attachment::Inline(Holder::Role);
        assert_eq!(quota(Kind::Trust, role), (2_048, "a role trust policy"));
        assert_eq!(quota(Kind::Resource, role), (20_480, "an S3 bucket policy"));
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(6144), "6,144");
        assert_eq!(thousands(52_428_800), "52,428,800");
    }
}

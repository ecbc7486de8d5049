use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, declare_rule};
use crate::span::Span;
use crate::syntax::aws::{Kind, Policy};

declare_rule! {
    /// The policy is larger than IAM's size quota for its kind, or close to it.
    ///
    /// IAM counts characters without the whitespace outside strings, and refuses a larger policy.
    /// The quotas: 6,144 for a managed identity policy (a role's inline policies share 10,240, a
    /// user's 2,048), 2,048 for a role's trust policy (raisable on request), and 20 KB for an S3
    /// bucket policy. An identity policy is measured against the managed-policy quota, the one
    /// that fits every way of attaching it. A policy at 90% of its quota or more is a warning:
    /// the next permission the vendor adds will not fit.
    ///
    /// Split a large policy into several, or replace long lists of actions of one service by a
    /// read-only wildcard (`ec2:Describe*`) once AWS002 and AWS006 have no objection to it.
    pub static RULE = { code: "AWS010", name: "aws-size-limit", severity: Error };
}

/// The quota for a kind, and what it applies to.
fn quota(kind: Kind) -> (usize, &'static str) {
    match kind {
        Kind::Identity => (6_144, "a managed policy"),
        Kind::Trust => (2_048, "a role trust policy"),
        Kind::Resource => (20_480, "an S3 bucket policy"),
    }
}

pub fn check(policy: &Policy, cx: &mut Context) {
    let (limit, what) = quota(policy.kind);
    let size = policy.minified_len;
    // Integer arithmetic: warn from 90% on.
    if size * 10 < limit * 9 {
        return;
    }
    let at = Span::new(policy.span.start, policy.span.start + 1);
    let (size_text, limit_text) = (thousands(size), thousands(limit));
    let diagnostic = if size > limit {
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
    use super::thousands;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(6144), "6,144");
        assert_eq!(thousands(52_428_800), "52,428,800");
    }
}

use crate::diagnostic::Diagnostic;
use crate::rules::{declare_rule, syntax_diagnostic};
use crate::syntax::oci::parser::SyntaxError;

declare_rule! {
    /// A policy document is not valid JSON, or not a policy IAM would accept.
    ///
    /// IAM rejects the whole document, so grantlint reports each problem where it is and still
    /// lints the statements that are well-formed. Reported: invalid JSON (comments, trailing
    /// commas, a byte-order mark, `NaN`, nesting deeper than 64 levels); a key that appears twice
    /// in one object (parsers disagree on which one wins; the finding points at the second and
    /// names the line of the first); an element of the wrong type; an unknown or misspelt
    /// element (names are case-sensitive: `effect` is not `Effect`); `Action` together with
    /// `NotAction`; a statement without `Effect` or `Action`; an action without a service prefix;
    /// an unknown condition operator, or `IfExists` on `Null`; a `Version` other than the two
    /// that exist; a resource that is not an ARN; an element the policy's kind forbids or lacks (a
    /// `Principal` in an identity policy, a `Resource` in a trust policy); and characters outside
    /// what IAM accepts in policy text (tab, line breaks and U+0020–U+00FF).
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "s3GetObject", "Resource": "*"}]}
    /// ```
    /// Use instead:
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    /// ```
    pub static RULE = { code: "AWS001", name: "aws-syntax-error", severity: Error };
}

pub fn diagnostic(error: SyntaxError) -> Diagnostic {
    syntax_diagnostic(&RULE, error)
}

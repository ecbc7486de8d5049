use crate::diagnostic::Diagnostic;
use crate::rules::{declare_rule, syntax_diagnostic};
use crate::syntax::oci::parser::SyntaxError;

declare_rule! {
    /// A Terraform or CloudFormation template does not parse, or a policy's place in it is not
    /// shaped as the resource requires.
    ///
    /// Terraform and CloudFormation reject such a template, and grantlint cannot find the
    /// policies in it. Reported: invalid HCL or YAML (JSON for a JSON template), with the position
    /// the parser stopped at; a file that is not UTF-8; YAML nested deeper than 64 levels or
    /// whose aliases expand beyond 200,000 nodes; an intrinsic function with the wrong arguments
    /// (`Fn::If` without three items, `Fn::Sub` of a list); a policy resource without its
    /// `PolicyDocument`, an `oci_identity_policy` without `statements`.
    ///
    /// The policies grantlint does find are judged by the OCI and AWS rules, with findings at
    /// their line and column in the template.
    ///
    /// ## Example
    /// ```yaml
    /// Policies:
    ///   - PolicyName: Core
    ///     PolicyDocument: !If [UseCore, {Version: "2012-10-17", Statement: []}]
    /// ```
    /// Use instead:
    /// ```yaml
    /// Policies:
    ///   - PolicyName: Core
    ///     PolicyDocument: !If [UseCore, {Version: "2012-10-17", Statement: []}, !Ref AWS::NoValue]
    /// ```
    pub static RULE = { code: "IAC001", name: "iac-syntax-error", severity: Error };
}

pub fn diagnostic(error: SyntaxError) -> Diagnostic {
    syntax_diagnostic(&RULE, error)
}

use crate::diagnostic::Diagnostic;
use crate::rules::declare_rule;
use crate::syntax::iac::Unresolved;

declare_rule! {
    /// A value in a template's policy could not be worked out, so grantlint checked a
    /// placeholder in its place.
    ///
    /// grantlint evaluates what it can: CloudFormation parameter defaults, `!Sub`, `!Join`,
    /// `!FindInMap`, `!Select`, `!Split`; Terraform variable defaults, locals, conditionals and
    /// `concat`, `join`, `format`, `jsonencode`. What it cannot — a parameter or variable without
    /// a default, `Fn::ImportValue`, a function it does not evaluate, a name the template does
    /// not define — becomes a placeholder spelled `${name}` (a word such as `var.group_name`
    /// where an OCI statement needs a name). The rules treat a placeholder as a value they do not
    /// know: it never matches the vendor's account, group or ExternalId, and a rule that wants
    /// one reports it (AWS009 reports an ExternalId placeholder). Findings about how such a value
    /// is spelled (an ARN's shape, an unknown action) are not reported.
    ///
    /// Values only a deployment knows — `AWS::AccountId`, `AWS::Region`, a resource's
    /// attributes, Terraform data sources — also stay placeholders, without this finding.
    ///
    /// Give the parameter or variable a default, or check the deployed role with `grantlint
    /// audit`. A value that is rightly given at deploy time, such as the ExternalId the vendor
    /// issues each customer, can be accepted with a suppression above the policy:
    /// `# grantlint: ignore[AWS009, IAC002] the ExternalId is entered when the stack is created`.
    ///
    /// ## Example
    /// ```yaml
    /// Parameters:
    ///   VendorAccount: {Type: String}
    /// ```
    /// Use instead:
    /// ```yaml
    /// Parameters:
    ///   VendorAccount: {Type: String, Default: "058264546051"}
    /// ```
    pub static RULE = { code: "IAC002", name: "iac-unresolved-reference", severity: Warning };
}

pub fn diagnostic(unresolved: &Unresolved) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(&RULE, unresolved.span, unresolved.message.clone())
        .with_help("give it a default, or check the policy as deployed (`grantlint audit`)");
    diagnostic.unit = unresolved.unit.clone();
    diagnostic
}

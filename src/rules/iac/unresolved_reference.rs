use crate::diagnostic::Diagnostic;
use crate::rules::declare_rule;
use crate::syntax::iac::Unresolved;

declare_rule! {
    /// A value in a template's policy that a verdict depends on could not be worked out, or a
    /// policy could not be worked out at all and is not checked.
    ///
    /// grantlint evaluates what it can: CloudFormation parameter defaults, `!Sub`, `!Join`,
    /// `!FindInMap`, `!Select`, `!Split`; Terraform variable defaults, locals, conditionals,
    /// `concat`, `join`, `format`, `formatlist`, `jsonencode` and `templatefile` (the template file read from the
    /// module). What it cannot — a parameter or variable without a default, a pseudo parameter, a
    /// data source, a custom resource's output, `Fn::ImportValue`, a macro (`Fn::Transform`) —
    /// is a value given when the template is deployed. Such values are never judged as text: an
    /// ExternalId taken from a parameter is the right way to give each customer its own, and
    /// findings about how a value is spelled, which account a principal names or what an
    /// ExternalId is are not reported on one.
    ///
    /// Reported, once, where such a value decides a verdict: the principal a trust or resource
    /// policy lets in, an action, an `Effect`, a condition's operator or key, or the whole
    /// document or statement, which then is not checked. The message says which verdict it
    /// leaves open. A resource name, a policy name or a condition's value grantlint does not know
    /// changes no verdict and is not reported.
    ///
    /// In an OCI policy the same holds, statement by statement: reported where the value stands
    /// for the verb (the statement then does not parse and is not checked), the resource type or
    /// a permission (whether the grant is read-only, reads contents, names a known type), a
    /// condition's variable, or a whole statement or list of statements (`concat` of a list
    /// grantlint does not know, a module's output), which is not checked. The subject (a group or
    /// dynamic group, by name or OCID) and a `Define`d tenancy's OCID decide only whether the
    /// grant is to the vendor profile's group and tenancy, so they are reported only when linting
    /// with `--profile`. A location (`in compartment id ${var.compartment_ocid}`, a compartment
    /// name), a condition's value and a policy's name or description are not reported. A group the
    /// module itself creates with a written name (`${oci_identity_group.vendor[0].name}`, a domain
    /// group's `display_name`) is no unknown: the statement is checked with that name, and
    /// `formatlist` over known lists makes each statement it writes.
    ///
    /// Check the role as deployed with `grantlint audit`, or pass the value in the template where
    /// it is fixed (a vendor's account ID is the same for every customer).
    ///
    /// ## Example
    /// ```yaml
    /// Parameters:
    ///   VendorAccount: {Type: String}
    /// Resources:
    ///   Role:
    ///     Type: AWS::IAM::Role
    ///     Properties:
    ///       AssumeRolePolicyDocument:
    ///         Statement:
    ///           - {Effect: Allow, Action: sts:AssumeRole, Principal: {AWS: !Ref VendorAccount}}
    /// ```
    /// Use instead:
    /// ```yaml
    /// Parameters:
    ///   VendorAccount: {Type: String, Default: "058264546051"}
    /// ```
    pub static RULE = { code: "IAC002", name: "iac-unresolved-reference", severity: Warning };
}

pub fn diagnostic(unresolved: &Unresolved) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(&RULE, unresolved.span, unresolved.message.clone()).with_help(
        "check the role as deployed (`grantlint audit`), or write the value into the template where it is fixed",
    );
    diagnostic.unit = unresolved.unit.clone();
    diagnostic
}

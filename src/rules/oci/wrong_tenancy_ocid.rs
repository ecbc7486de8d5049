use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::oci::Policy;
use crate::syntax::oci::ast::StatementKind;

declare_rule! {
    /// A Define gives an alias the vendor profile knows a different OCID.
    ///
    /// Cross-tenancy grants trust whatever tenancy the alias names. The profile pins the aliases a
    /// vendor's grant uses to their exact OCIDs: for DigiUsher, `usage-report` must be Oracle's
    /// cost-report tenancy `ocid1.tenancy.oc1..aaaaaaaaned4fkpkisbwjlr56u7cj63lf3wffbilvqknstgtvzub7vhqkggq`.
    /// Any other OCID lets a group read objects in some other tenancy, and leaves the vendor
    /// without cost reports. OCIDs are compared exactly.
    ///
    /// Needs a profile; without one this rule is quiet.
    pub static RULE = { code: "OCI005", name: "oci-wrong-tenancy-ocid", severity: Error };
}

pub fn check(policy: &Policy, cx: &mut Context) {
    let Some(profile) = cx.profile.and_then(|p| p.oci.as_ref()) else { return };
    let mut found = Vec::new();
    for parsed in &policy.statements {
        let StatementKind::Define(define) = &parsed.statement.kind else { continue };
        let Some(expected) = profile.defines.iter().find(|d| d.alias.eq_ignore_ascii_case(define.alias.text)) else {
            continue;
        };
        if !expected.kind.eq_ignore_ascii_case(define.kind.as_str()) {
            found.push(
                Diagnostic::new(
                    &RULE,
                    define.alias.span,
                    format!(
                        "`{}` is defined as a {}, the profile expects a {}",
                        define.alias.text,
                        define.kind.as_str(),
                        expected.kind
                    ),
                )
                .with_help(format!("define {} {} as {}", expected.kind, expected.alias, expected.ocid)),
            );
        } else if define.ocid.text != expected.ocid {
            found.push(
                Diagnostic::new(
                    &RULE,
                    define.ocid.span,
                    format!("`{}` must be {} ({})", define.alias.text, expected.ocid, expected.about),
                )
                .with_help(format!("define {} {} as {}", expected.kind, expected.alias, expected.ocid)),
            );
        }
    }
    for diagnostic in found {
        cx.report(diagnostic);
    }
}

use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::oci::Policy;

declare_rule! {
    /// A policy mixes cross-tenancy statements (Define, Endorse, Admit) with Allow or Deny
    /// statements.
    ///
    /// Cross-tenancy statements must sit in the root compartment, and each `Define` must share a
    /// policy with the Endorse or Admit statements that use its alias. Keeping them in a policy of
    /// their own, holding nothing else, keeps that coupling visible: a later edit to the Allow
    /// statements cannot move or drop a Define by accident, and a reviewer sees at a glance which
    /// policy reaches outside the tenancy. Vendor onboarding guides (DigiUsher's among them)
    /// require the separation.
    ///
    /// The finding points at the first Allow or Deny statement of a mixed policy.
    ///
    /// ## Example
    /// ```text
    /// define tenancy usage-report as ocid1.tenancy.oc1..aaaaaaaaned4fkpkisbwjlr56u7cj63lf3wffbilvqknstgtvzub7vhqkggq
    /// endorse group finops to read objects in tenancy usage-report
    /// Allow group finops to read usage-report in tenancy
    /// ```
    /// Use instead: the first two statements in one policy, the Allow in another.
    pub static RULE = { code: "OCI003", name: "oci-cross-tenancy-mixed", severity: Error };
}

pub fn check(policy: &Policy, cx: &mut Context) {
    let statements = || policy.statements.iter().map(|p| &p.statement);
    let Some(cross) = statements().find(|s| s.is_cross_tenancy()) else { return };
    let Some(local) = statements().find(|s| !s.is_cross_tenancy()) else { return };
    let local_count = statements().filter(|s| !s.is_cross_tenancy()).count();
    cx.report(
        Diagnostic::new(
            &RULE,
            local.span,
            format!(
                "this policy mixes cross-tenancy statements (`{}` …) with {local_count} Allow/Deny statement{}",
                cross.keyword.text,
                if local_count == 1 { "" } else { "s" }
            ),
        )
        .with_help("move the Define/Endorse/Admit statements into a root-compartment policy of their own"),
    );
}

use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::snapshot::Live;

declare_rule! {
    /// A policy outside the root compartment holds cross-tenancy statements (Define, Endorse,
    /// Admit).
    ///
    /// Oracle requires cross-tenancy statements to be written in the root compartment ("define
    /// cross-tenancy statements in the root compartment, not a child compartment"); written
    /// elsewhere they do not grant what they say, and the vendor's cross-tenancy access (for
    /// DigiUsher, reading the cost reports in Oracle's `usage-report` tenancy) breaks. Only a live
    /// audit knows where a policy is attached, so this is a live rule.
    ///
    /// The finding points at the policy's first cross-tenancy statement.
    pub static RULE = { code: "LIVE007", name: "live-oci-cross-tenancy-child", severity: Error };
}

pub fn check(live: &Live, cx: &mut Context) {
    for (entry, policy) in live.snapshot.oci.policies.iter().zip(live.policies) {
        if entry.compartment_path.is_empty() {
            continue;
        }
        let Some(cross) = policy.statements.iter().find(|s| s.statement.is_cross_tenancy()) else { continue };
        let mut diagnostic = Diagnostic::new(
            &RULE,
            cross.statement.span,
            format!(
                "cross-tenancy `{}` statement in compartment `{}`: Define, Endorse and Admit belong in a root-compartment policy",
                cross.statement.keyword.text.to_ascii_lowercase(),
                entry.compartment_path.join(":")
            ),
        )
        .with_help("move the policy's Define/Endorse/Admit statements into a policy attached to the root compartment");
        diagnostic.unit = entry.source.name.clone();
        cx.report(diagnostic);
    }
}

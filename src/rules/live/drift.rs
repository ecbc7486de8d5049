use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::oci::normalize;
use crate::syntax::snapshot::{Live, LivePolicy};
use std::collections::HashSet;

declare_rule! {
    /// The live policies differ from the expected ones (`grantlint audit oci --expect PATH`).
    ///
    /// `--expect` names the policy files the grant was reviewed as — the repository the vendor's
    /// Terraform or your own IaC lives in. The audit matches live policies to expected ones by
    /// name and compares their statements, ignoring case and spacing, and reports each statement
    /// added live, each expected statement missing live, and each policy present on one side only.
    /// Drift means someone changed the grant outside the reviewed path.
    ///
    /// The expected policies are saved in the snapshot (`expected`), so `grantlint check` of a
    /// saved snapshot reports the same drift. Without `--expect` this rule is quiet.
    pub static RULE = { code: "LIVE008", name: "live-oci-drift", severity: Error };
}

pub fn check(live: &Live, cx: &mut Context) {
    let Some(expected) = &live.snapshot.oci.expected else { return };
    let find_live = |name: &str| live.snapshot.oci.policies.iter().find(|p| p.name.value.eq_ignore_ascii_case(name));
    let unit = |policy: &LivePolicy| policy.source.name.clone();
    for policy in &live.snapshot.oci.policies {
        let Some(want) = expected.iter().find(|e| e.name.value.eq_ignore_ascii_case(&policy.name.value)) else {
            let mut d = Diagnostic::new(
                &RULE,
                policy.name.span,
                format!("live policy `{}` is not among the expected policies", policy.name.value),
            )
            .with_help("delete it, or add it to the expected policy files once reviewed");
            d.unit = unit(policy);
            cx.report(d);
            continue;
        };
        let file = want.file.as_ref().map_or(String::new(), |f| format!(" ({})", f.value));
        let wanted: HashSet<String> = want.statements.iter().map(|s| normalize(&s.value)).collect();
        let have: HashSet<String> = policy.source.statements.iter().map(|s| normalize(&s.text)).collect();
        for statement in policy.source.statements.iter().filter(|s| !wanted.contains(&normalize(&s.text))) {
            let mut d = Diagnostic::new(
                &RULE,
                statement.map.map(0, statement.text.len()),
                format!("statement added live: not in the expected policy `{}`{file}", policy.name.value),
            )
            .with_help("remove it live, or add it to the expected policy once reviewed");
            d.unit = unit(policy);
            cx.report(d);
        }
        for statement in want.statements.iter().filter(|s| !have.contains(&normalize(&s.value))) {
            let mut d = Diagnostic::new(
                &RULE,
                statement.span,
                format!("expected statement missing from live policy `{}`", policy.name.value),
            )
            .with_help("apply the expected policy again (e.g. `terraform apply`)");
            d.unit = unit(policy);
            cx.report(d);
        }
    }
    for want in expected.iter().filter(|e| find_live(&e.name.value).is_none()) {
        let file = want.file.as_ref().map_or(String::new(), |f| format!(" ({})", f.value));
        cx.report(
            Diagnostic::new(
                &RULE,
                want.name.span,
                format!(
                    "expected policy `{}`{file} is not live, or no longer grants to the vendor group",
                    want.name.value
                ),
            )
            .with_help("apply the expected policies again (e.g. `terraform apply`)"),
        );
    }
}

use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::snapshot::Live;
use crate::syntax::snapshot::oci::names_group;

declare_rule! {
    /// The vendor's group is granted access by a policy that is not one of the profile's.
    ///
    /// The vendor profile lists the policies its onboarding creates, by name and compartment.
    /// A policy elsewhere that names the vendor group — a `manage` grant someone added to a child
    /// compartment while debugging, an old policy from a trial — widens the vendor's access outside
    /// the reviewed set, and is easy to miss because it lives far from the onboarding policies.
    /// The finding points at the policy's first statement that names the group; other rules judge
    /// what the statements grant. A vendor group in an identity domain other than Default is named
    /// `'Domain'/'group'`; an unqualified name is the Default domain's group, another group.
    ///
    /// Needs a profile; without one this rule is quiet.
    pub static RULE = { code: "LIVE006", name: "live-oci-unexpected-policy", severity: Error };
}

pub fn check(live: &Live, cx: &mut Context) {
    let Some(profile) = cx.profile.and_then(|p| p.oci.as_ref()) else { return };
    let Some(group) = &live.snapshot.oci.vendor_group else { return };
    let group_id = live.vendor_group().map(|g| g.id.value.as_ref());
    let domain = live.snapshot.oci.vendor_domain.as_ref().map(|d| d.value.as_ref());
    let mut found = Vec::new();
    for (entry, policy) in live.snapshot.oci.policies.iter().zip(live.policies) {
        let Some(first) = policy.statements.iter().find(|s| names_group(&s.statement, domain, &group.value, group_id))
        else {
            continue;
        };
        let compartment = entry.compartment_path.join(":");
        let expected = profile.policies.iter().any(|spec| {
            spec.name.eq_ignore_ascii_case(&entry.name.value)
                && if spec.compartment.eq_ignore_ascii_case("root") {
                    compartment.is_empty()
                } else {
                    spec.compartment.eq_ignore_ascii_case(&compartment)
                }
        });
        if expected {
            continue;
        }
        let place = if compartment.is_empty() {
            "the root compartment".to_string()
        } else {
            format!("compartment `{compartment}`")
        };
        let mut diagnostic = Diagnostic::new(
            &RULE,
            first.statement.span,
            format!(
                "policy `{}` in {place} grants to `{}` but is not one of the profile's policies",
                entry.name.value, group.value
            ),
        )
        .with_help("the vendor's access should come from its onboarding policies alone (`grantlint profile show`): remove this grant, or review it and add it to your own profile");
        diagnostic.unit = entry.source.name.clone();
        found.push(diagnostic);
    }
    for diagnostic in found {
        cx.report(diagnostic);
    }
}

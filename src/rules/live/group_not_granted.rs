use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::snapshot::Live;
use crate::syntax::snapshot::oci::names_group;

declare_rule! {
    /// No policy grants anything to the vendor's group.
    ///
    /// An audit that finds no grant to the vendor's group has nothing to judge, and would pass in
    /// silence; yet the vendor's integration cannot work. Either the audit names another group
    /// than the vendor's (`--group`, and for a group of another identity domain `DOMAIN/GROUP`),
    /// or the onboarding policies were never applied — or they were written for a group of
    /// another domain. OCI reads an unqualified group name as the Default domain's group, so when
    /// the vendor's group lives in another domain, the onboarding statements as vendors publish
    /// them (`Allow group digiusher-finops-group to …`) grant the vendor's access to whichever
    /// Default-domain group bears that name, and nothing to the vendor.
    ///
    /// The finding points at the snapshot's `vendor.group`.
    pub static RULE = { code: "LIVE009", name: "live-oci-group-not-granted", severity: Error };
}

pub fn check(live: &Live, cx: &mut Context) {
    let oci = &live.snapshot.oci;
    let Some(group) = &oci.vendor_group else { return };
    let domain = oci.vendor_domain.as_ref().map(|d| d.value.as_ref());
    let group_id = live.vendor_group().map(|g| g.id.value.as_ref());
    let granted = live
        .policies
        .iter()
        .flat_map(|p| &p.statements)
        .any(|s| names_group(&s.statement, domain, &group.value, group_id));
    if granted {
        return;
    }
    let diagnostic = match domain {
        Some(domain) => Diagnostic::new(
            &RULE,
            group.span,
            format!(
                "no policy grants to the vendor group `'{domain}'/'{}'`; a statement naming `{}` without its domain grants to the Default domain's group of that name",
                group.value, group.value
            ),
        )
        .with_help(format!("write the vendor's statements for `group '{domain}'/'{}'`", group.value)),
        None => Diagnostic::new(
            &RULE,
            group.span,
            format!("no policy grants to the vendor group `{}`", group.value),
        )
        .with_help("check that --group names the vendor's group (DOMAIN/GROUP for a group of another identity domain), or apply the vendor's policies (`grantlint profile show`)"),
    };
    cx.report(diagnostic);
}

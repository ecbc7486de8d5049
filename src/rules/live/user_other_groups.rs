use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::snapshot::Live;

declare_rule! {
    /// The vendor's user is a member of groups besides the vendor group.
    ///
    /// A user holds the grants of every group it belongs to. A vendor user added to another group
    /// — `Administrators`, a team's group — gains that group's access, which no review of the
    /// vendor's own policies shows. The vendor's user should belong to the vendor group alone.
    pub static RULE = { code: "LIVE005", name: "live-oci-user-other-groups", severity: Error };
}

pub fn check(live: &Live, cx: &mut Context) {
    let Some(vendor_group) = &live.snapshot.oci.vendor_group else { return };
    for user in &live.snapshot.oci.users {
        for membership in user.groups.iter().filter(|g| !g.name.value.eq_ignore_ascii_case(&vendor_group.value)) {
            cx.report(
                Diagnostic::new(
                    &RULE,
                    membership.span,
                    format!(
                        "vendor user `{}` is also a member of `{}`, and holds that group's grants",
                        user.name.value, membership.name.value
                    ),
                )
                .with_help(format!("remove the user from `{}`", membership.name.value)),
            );
        }
    }
}

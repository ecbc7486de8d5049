use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::snapshot::Live;

declare_rule! {
    /// The vendor's group holds someone besides the vendor's user, or not the vendor's user.
    ///
    /// Every policy statement that names the vendor group grants its access to each member. The
    /// onboarding creates the group for exactly one API-only user; any other member silently
    /// receives the vendor's grants (and, when they are read-only, a complete inventory of the
    /// tenancy), and removing the vendor no longer ends that access. When the audit names the
    /// vendor's user (`--user`), each other member is reported, and so is a vendor user that is
    /// not a member; otherwise a group with other than one member is.
    pub static RULE = { code: "LIVE004", name: "live-oci-group-membership", severity: Error };
}

pub fn check(live: &Live, cx: &mut Context) {
    let Some(group) = live.vendor_group() else { return };
    let name = &group.name.value;
    match &live.snapshot.oci.vendor_user {
        Some(user) => {
            for member in group.members.iter().filter(|m| m.user_id.value != user.value) {
                let who = member.user_name.as_ref().map_or(member.user_id.value.as_ref(), |n| n.value.as_ref());
                cx.report(
                    Diagnostic::new(
                        &RULE,
                        member.span,
                        format!("`{who}` is a member of the vendor group `{name}`, so it holds the vendor's grants"),
                    )
                    .with_help("remove the user from the group; the group is for the vendor's API user only"),
                );
            }
            if !group.members.iter().any(|m| m.user_id.value == user.value) {
                cx.report(Diagnostic::new(
                    &RULE,
                    group.members_span,
                    format!("the vendor user {} is not a member of the vendor group `{name}`", user.value),
                ));
            }
        }
        None if group.members.len() != 1 => cx.report(
            Diagnostic::new(
                &RULE,
                group.members_span,
                format!(
                    "the vendor group `{name}` has {} members; it is meant for one API-only user",
                    group.members.len()
                ),
            )
            .with_help("name the vendor's user with --user to see which members do not belong"),
        ),
        None => {}
    }
}

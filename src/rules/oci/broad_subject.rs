use super::{accepted, grants};
use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::oci::Policy;
use crate::syntax::oci::ast::{Condition, DEFAULT_DOMAIN, Domain, Operator, Principal, SubjectKind, Value};

declare_rule! {
    /// A grant goes to `any-user` or `any-group`, or, with a vendor profile, to anyone but the
    /// profile's group.
    ///
    /// `any-user` includes every user, instance and resource principal and every OCI service
    /// principal; `any-group` every user and instance principal in the tenancy. A vendor grant
    /// belongs to the one group created for the vendor's user, so that removing the user or the
    /// group ends the vendor's access, and nobody else gains it. With a profile, a grant to
    /// another group, a dynamic group, a service or a group OCID is reported too: each widens the
    /// vendor's grant beyond the group the profile names. In a tenancy's snapshot the vendor
    /// group's identity domain is known, and a group of the same name in another domain
    /// (`'Finance'/'vendor'`, or an unqualified `vendor`, which is the Default domain's) is
    /// another group; policy files do not say which domain the group is in, so there a group of
    /// that name in any domain is taken for it. Deny statements are not judged.
    ///
    /// `any-user` narrowed by `where request.principal.type = '<type>'` (alone or inside
    /// `all {…}`) is how Oracle documents grants to a service's resource principals (an Events
    /// rule, an API gateway, a Connector Hub connector): it goes to the customer's own resources
    /// of that type, not to every principal, and is judged like a dynamic group.
    ///
    /// ## Example
    /// ```text
    /// Allow any-user to read all-resources in tenancy
    /// ```
    /// Use instead:
    /// ```text
    /// Allow group digiusher-finops-group to read all-resources in tenancy
    /// ```
    pub static RULE = { code: "OCI007", name: "oci-broad-subject", severity: Error };
}

pub fn check(policy: &Policy, cx: &mut Context) {
    let group = cx.profile.and_then(|p| p.oci.as_ref()).map(|o| o.group.clone());
    for parsed in &policy.statements {
        let Some(parts) = parsed.statement.parts() else { continue };
        if !grants(parts.effect) || accepted(cx, parsed.text, RULE.code) {
            continue;
        }
        let subject = parts.subject;
        let resources =
            matches!(subject.kind, SubjectKind::AnyUser).then(|| parts.condition.and_then(principal_type)).flatten();
        match &subject.kind {
            SubjectKind::AnyUser if resources.is_some() => {
                let (Some(group), Some(kind)) = (&group, resources) else { continue };
                cx.report(
                    Diagnostic::new(
                        &RULE,
                        subject.span,
                        format!("the profile's grants go to group `{group}`, not to `{kind}` resource principals"),
                    )
                    .with_help(format!("grant to group {group}")),
                );
            }
            SubjectKind::AnyUser | SubjectKind::AnyGroup => cx.report(
                Diagnostic::new(
                    &RULE,
                    subject.span,
                    "this grant goes to every principal in the tenancy, not to the vendor's group",
                )
                .with_help("grant to the vendor's own group"),
            ),
            SubjectKind::Group(principals) => {
                let Some(group) = &group else { continue };
                for principal in principals {
                    let message = match principal {
                        vendor if vendor.names_group(group, cx.vendor_domain) => continue,
                        Principal::Name { domain: Some(domain), name } if name.eq_ignore_case(group) => {
                            let vendors = match cx.vendor_domain {
                                Domain::Named(vendors) => vendors,
                                Domain::Any => DEFAULT_DOMAIN,
                            };
                            format!(
                                "group `{}` of identity domain `{}` is not the profile's group `{group}`, which is in domain `{vendors}`",
                                name.text, domain.text
                            )
                        }
                        Principal::Name { domain: None, name } if name.eq_ignore_case(group) => format!(
                            "group `{}` means the Default identity domain's; the profile's group `{group}` is in another domain",
                            name.text
                        ),
                        Principal::Name { name, .. } => {
                            format!("group `{}` is not the profile's group `{group}`", name.text)
                        }
                        Principal::Id(_) => format!("a group OCID cannot be shown to be the profile's group `{group}`"),
                    };
                    cx.report(
                        Diagnostic::new(&RULE, principal.span(), message).with_help(format!("grant to group {group}")),
                    );
                }
            }
            SubjectKind::DynamicGroup(_) | SubjectKind::Service(_) | SubjectKind::Resource(_) => {
                let Some(group) = &group else { continue };
                cx.report(
                    Diagnostic::new(
                        &RULE,
                        subject.span,
                        format!("the profile's grants go to group `{group}`, not to this subject"),
                    )
                    .with_help(format!("grant to group {group}")),
                );
            }
        }
    }
}

/// The resource-principal type a condition requires of every request: `request.principal.type`
/// equal to one quoted value, on its own or as one clause of `all {…}`.
fn principal_type<'c>(condition: &'c Condition<'_>) -> Option<&'c str> {
    match condition {
        Condition::Compare { variable, op: Operator::Eq, values, .. }
            if variable.text.eq_ignore_ascii_case("request.principal.type") =>
        {
            match values.as_slice() {
                [Value::String(kind)] if !kind.text.is_empty() => Some(kind.text),
                _ => None,
            }
        }
        Condition::Group { all: true, items, .. } => items.iter().find_map(principal_type),
        Condition::Group { all: false, items, .. } => match items.as_slice() {
            [only] => principal_type(only),
            _ => None,
        },
        _ => None,
    }
}

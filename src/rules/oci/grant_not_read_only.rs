use super::accepted;
use crate::catalog::oci::PermissionLevel;
use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::oci::Policy;
use crate::syntax::oci::ast::{Action, Effect, Verb};

declare_rule! {
    /// A grant gives more than read access.
    ///
    /// A read-only vendor needs `inspect` and `read` only. This rule flags every Allow, Endorse
    /// or Admit that uses `use`, `manage` or `associate`, and every permission list holding a
    /// permission that is not known to be read-level. Deny statements restrict access and are
    /// never flagged.
    ///
    /// `use` or `manage` on a type for which Oracle's reference lists no permission beyond what
    /// `read` gives ("no extra", like `use fn-function` or `manage audit-events`) is a read, and
    /// is left to OCI008; a type whose lists are not known fails closed.
    ///
    /// A permission is read-level when Oracle's permission mapping lists it as added by the
    /// `inspect` or `read` verb of its resource type, and by no other verb. Permissions cannot be
    /// classified by their suffix (`IAM_WORKREQUEST_READ` is use-level), so a permission
    /// grantlint does not know fails closed.
    ///
    /// ## Example
    /// ```text
    /// Allow group vendor to manage instances in tenancy
    /// ```
    /// Use instead:
    /// ```text
    /// Allow group vendor to read instances in tenancy
    /// ```
    pub static RULE = { code: "OCI002", name: "oci-grant-not-read-only", severity: Error };
}

pub fn check(policy: &Policy, cx: &mut Context) {
    for parsed in &policy.statements {
        let Some(parts) = parsed.statement.parts() else { continue };
        if parts.effect == Effect::Deny || accepted(cx, parsed.text, RULE.code) {
            continue;
        }
        match parts.action {
            // Oracle's "no extra": the verb gives what `read` gives (OCI008 judges it as a read).
            Action::Verb { verb: verb @ (Verb::Use | Verb::Manage), resource, .. }
                if cx.oci.adds_beyond_read(resource.text, *verb == Verb::Manage) == Some(false) => {}
            Action::Verb { verb: verb @ (Verb::Use | Verb::Manage), verb_span, resource } => {
                cx.report(
                    Diagnostic::new(
                        &RULE,
                        *verb_span,
                        format!("`{}` on `{}` is not read-only", verb.as_str(), resource.text),
                    )
                    .with_help("grant `read` (or `inspect`) unless the vendor documents why it must change resources"),
                );
            }
            Action::Verb { .. } => {}
            Action::Associate { verb_span, resource, with } => cx.report(
                Diagnostic::new(
                    &RULE,
                    *verb_span,
                    format!(
                        "`associate` links `{}` with `{}` across tenancies; it is never read-only",
                        resource.text, with.text
                    ),
                )
                .with_help("remove the statement unless the vendor's integration requires it"),
            ),
            Action::Permissions { permissions, .. } => {
                for permission in permissions {
                    let message = match cx.oci.permission(permission.text) {
                        Some(PermissionLevel::Read) => continue,
                        Some(PermissionLevel::Write) => {
                            format!(
                                "permission `{}` is added by `use` or `manage`; it is not read-only",
                                permission.text
                            )
                        }
                        None => format!(
                            "permission `{}` is not in grantlint's catalog, so it cannot be shown to be read-only",
                            permission.text
                        ),
                    };
                    cx.report(
                        Diagnostic::new(&RULE, permission.span, message)
                            .with_help("keep only permissions that `inspect` or `read` add"),
                    );
                }
            }
        }
    }
}

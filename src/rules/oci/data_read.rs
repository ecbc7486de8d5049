use super::{accepted, grants};
use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::oci::Policy;
use crate::syntax::oci::ast::{Action, Verb};

declare_rule! {
    /// A `read` grant returns content, not just metadata.
    ///
    /// Read-only is not harmless. `read objects` returns object contents, `read secret-bundles`
    /// secret values, `read instances` instance user metadata (bootstrap scripts often carry
    /// credentials), `read audit-events` the audit log, and `read all-resources` all of these in
    /// every service. The list of such types, families and permissions, each with its reason, is
    /// `rules/oci/data-exposing.tsv`.
    ///
    /// A vendor profile can accept an expected statement for this rule with a reason: DigiUsher's
    /// `endorse … to read objects in tenancy usage-report` reads Oracle's cost reports, not the
    /// customer's data.
    ///
    /// `use` or `manage` on a type where Oracle lists nothing beyond `read` (`manage audit-events`)
    /// is judged as the read it is.
    ///
    /// ## Example
    /// ```text
    /// Allow group vendor to read all-resources in tenancy
    /// ```
    /// Use instead: `inspect all-resources`, or `read` on the specific metadata types needed.
    pub static RULE = { code: "OCI008", name: "oci-data-read", severity: Warning };
}

pub fn check(policy: &Policy, cx: &mut Context) {
    for parsed in &policy.statements {
        let Some(parts) = parsed.statement.parts() else { continue };
        if !grants(parts.effect) || accepted(cx, parsed.text, RULE.code) {
            continue;
        }
        match parts.action {
            Action::Verb { verb, resource, .. } if reads(cx, *verb, resource.text) => {
                if let Some(reason) = cx.oci.data_exposure(resource.text) {
                    cx.report(
                        Diagnostic::new(
                            &RULE,
                            resource.span,
                            format!("`{} {}` exposes content: {reason}", verb.as_str(), resource.text),
                        )
                        .with_help("grant `inspect`, or `read` on the metadata types the vendor needs"),
                    );
                }
            }
            Action::Permissions { permissions, .. } => {
                for permission in permissions {
                    if let Some(reason) = cx.oci.data_exposure(permission.text) {
                        cx.report(
                            Diagnostic::new(
                                &RULE,
                                permission.span,
                                format!("`{}` exposes content: {reason}", permission.text),
                            )
                            .with_help("drop the permission unless the vendor needs the content"),
                        );
                    }
                }
            }
            Action::Verb { .. } | Action::Associate { .. } => {}
        }
    }
}

/// `read`, or `use`/`manage` on a type where they add nothing to `read` (OCI002 lets those pass).
fn reads(cx: &Context, verb: Verb, resource: &str) -> bool {
    match verb {
        Verb::Read => true,
        Verb::Use | Verb::Manage => cx.oci.adds_beyond_read(resource, verb == Verb::Manage) == Some(false),
        _ => false,
    }
}

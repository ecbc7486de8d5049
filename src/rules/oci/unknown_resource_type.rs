use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::oci::Policy;
use crate::syntax::oci::ast::{Action, Token};

declare_rule! {
    /// A resource type or family grantlint does not know.
    ///
    /// Usually a typo (`bukets`, `instance-familly`), a singular where OCI names the type in the
    /// plural (`drg-attachment` for `drg-attachments`), or a type from another cloud, which OCI
    /// rejects when the policy is saved; the message names the closest known type. Sometimes a
    /// type newer than grantlint's catalog, which is generated from Oracle's published permission
    /// mapping and the types Oracle's documentation adds (`rules/oci/catalog.tsv`). Either way no
    /// other rule can judge the grant, so it is worth a look.
    pub static RULE = { code: "OCI010", name: "oci-unknown-resource-type", severity: Warning };
}

pub fn check(policy: &Policy, cx: &mut Context) {
    for parsed in &policy.statements {
        let Some(parts) = parsed.statement.parts() else { continue };
        let types: &[&Token] = match parts.action {
            Action::Verb { resource, .. } => &[resource],
            Action::Associate { resource, with, .. } => &[resource, with],
            Action::Permissions { .. } => &[],
        };
        for resource in types {
            if cx.oci.resource(resource.text).is_some() {
                continue;
            }
            let diagnostic = match cx.oci.suggest(resource.text) {
                Some(known) => Diagnostic::new(
                    &RULE,
                    resource.span,
                    format!("unknown resource type `{}`: did you mean `{known}`?", resource.text),
                )
                .with_help(format!("write `{known}`; OCI names resource types exactly, most in the plural")),
                None => Diagnostic::new(&RULE, resource.span, format!("unknown resource type `{}`", resource.text))
                    .with_help(format!("check the spelling; grantlint's catalog: {}", cx.oci.source)),
            };
            cx.report(diagnostic);
        }
    }
}

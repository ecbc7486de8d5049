use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::oci::Policy;
use crate::syntax::oci::ast::{Action, Token};

declare_rule! {
    /// A resource type or family grantlint does not know.
    ///
    /// Usually a typo (`bukets`, `instance-familly`) or a type from another cloud, which OCI
    /// rejects when the policy is saved; sometimes a type newer than grantlint's catalog, which
    /// is generated from Oracle's published permission mapping (`rules/oci/catalog.tsv`). Either
    /// way no other rule can judge the grant, so it is worth a look.
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
            if cx.oci.resource(resource.text).is_none() {
                cx.report(
                    Diagnostic::new(&RULE, resource.span, format!("unknown resource type `{}`", resource.text))
                        .with_help(format!("check the spelling; grantlint's catalog: {}", cx.oci.source)),
                );
            }
        }
    }
}

use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::oci::Policy;
use crate::syntax::oci::ast::{DefineKind, Principal, Scope, StatementKind, SubjectKind, Token};
use std::collections::HashMap;

declare_rule! {
    /// An Endorse or Admit statement names an alias that no Define in the same policy defines,
    /// or a policy defines the same alias twice.
    ///
    /// OCI resolves `tenancy <alias>`, `of tenancy <alias>` and an Admit's foreign `group <alias>`
    /// only against the Define statements of the same policy. An alias defined in another policy
    /// does not count, so splitting a Define from the statements that use it breaks the grant.
    ///
    /// ## Example
    /// ```text
    /// endorse group finops to read objects in tenancy usage-report
    /// ```
    /// Use instead:
    /// ```text
    /// define tenancy usage-report as ocid1.tenancy.oc1..aaaaaaaaned4fkpkisbwjlr56u7cj63lf3wffbilvqknstgtvzub7vhqkggq
    /// endorse group finops to read objects in tenancy usage-report
    /// ```
    pub static RULE = { code: "OCI004", name: "oci-undefined-alias", severity: Error };
}

pub fn check(policy: &Policy, cx: &mut Context) {
    let mut defined: HashMap<(DefineKind, String), Token> = HashMap::new();
    for parsed in &policy.statements {
        if let StatementKind::Define(define) = &parsed.statement.kind {
            let key = (define.kind, define.alias.text.to_ascii_lowercase());
            if let Some(first) = defined.get(&key) {
                cx.report(
                    Diagnostic::new(
                        &RULE,
                        define.alias.span,
                        format!("alias `{}` is defined twice in this policy", first.text),
                    )
                    .with_help("keep one Define per alias"),
                );
            } else {
                defined.insert(key, define.alias);
            }
        }
    }
    let require = |kind: DefineKind, alias: &Token, cx: &mut Context| {
        if !defined.contains_key(&(kind, alias.text.to_ascii_lowercase())) {
            cx.report(
                Diagnostic::new(
                    &RULE,
                    alias.span,
                    format!("{} alias `{}` is not defined in this policy", kind.as_str(), alias.text),
                )
                .with_help(format!(
                    "add `define {} {} as <ocid>` to this policy",
                    kind.as_str(),
                    alias.text
                )),
            );
        }
    };
    for parsed in &policy.statements {
        let (grant, admit) = match &parsed.statement.kind {
            StatementKind::Endorse { grant, .. } => (grant, false),
            StatementKind::Admit { grant, .. } => (grant, true),
            _ => continue,
        };
        if admit {
            let (kind, principals) = match &grant.subject.kind {
                SubjectKind::Group(p) => (DefineKind::Group, p.as_slice()),
                SubjectKind::DynamicGroup(p) => (DefineKind::DynamicGroup, p.as_slice()),
                _ => (DefineKind::Group, &[][..]),
            };
            for principal in principals {
                if let Principal::Name { domain: None, name } = principal {
                    require(kind, name, cx);
                }
            }
            if let Some(alias) = grant.of.as_ref().and_then(|of| of.alias.as_ref()) {
                require(DefineKind::Tenancy, alias, cx);
            }
        }
        for scope in std::iter::once(&grant.scope).chain(grant.with_scope.as_ref()) {
            if let Some(alias) = Scope::alias(scope) {
                require(DefineKind::Tenancy, alias, cx);
            }
        }
    }
}

use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::oci::Policy;

declare_rule! {
    /// A policy holds more than 50 statements.
    ///
    /// OCI limits a policy to 50 statements (and a compartment path to 500), and refuses to save
    /// a larger one. The finding points at the 51st statement.
    pub static RULE = { code: "OCI011", name: "oci-too-many-statements", severity: Error };
}

pub const MAX_STATEMENTS: usize = 50;

pub fn check(policy: &Policy, cx: &mut Context) {
    let count = policy.statement_count();
    if let Some(first_extra) = policy.source.statements.get(MAX_STATEMENTS) {
        cx.report(
            Diagnostic::new(
                &RULE,
                first_extra.map.map(0, first_extra.text.len()),
                format!("this policy has {count} statements; OCI allows {MAX_STATEMENTS}"),
            )
            .with_help("split the statements across several policies"),
        );
    }
}

use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::oci::{Policy, normalize};
use std::collections::HashMap;
use std::collections::hash_map::Entry;

declare_rule! {
    /// The same statement appears twice in one policy.
    ///
    /// Statements are compared after normalising case and whitespace. A duplicate grants nothing
    /// more, but counts against the 50-statement limit and usually means a copy-paste slip, where
    /// the copy was meant to differ.
    pub static RULE = { code: "OCI012", name: "oci-duplicate-statement", severity: Warning };
}

pub fn check(policy: &Policy, cx: &mut Context) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (index, parsed) in policy.statements.iter().enumerate() {
        match seen.entry(normalize(parsed.text)) {
            Entry::Vacant(slot) => {
                slot.insert(index);
            }
            Entry::Occupied(first) => cx.report(
                Diagnostic::new(
                    &RULE,
                    parsed.statement.span,
                    format!("this statement repeats statement {} of the policy", first.get() + 1),
                )
                .with_help("remove the duplicate, or make it say what it was meant to"),
            ),
        }
    }
}

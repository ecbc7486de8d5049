use crate::diagnostic::Diagnostic;
use crate::rules::{declare_rule, syntax_diagnostic};
use crate::syntax::oci::parser::SyntaxError;

declare_rule! {
    /// A statement does not parse.
    ///
    /// OCI rejects the whole policy when one statement is invalid, so grantlint reports each bad
    /// statement with the position of the problem and what was expected there, and still lints
    /// the statements that parse.
    ///
    /// The grammar is `grammar/oci-policy.ebnf`. Mistakes that come up in real policies get a
    /// message of their own: a trailing `;`, a `#` or `//` comment inside a statement, double or
    /// typographic quotes, an unquoted condition value (OCI reads it as a variable), an infix
    /// `and`, `compartment ocid1…` without `id`, a region used as a location, two verbs or two
    /// resource types in one statement, and a `user` subject, which OCI does not have.
    ///
    /// ## Example
    /// ```text
    /// Allow group Auditors to read buckets in compartment ocid1.compartment.oc1..aaaa
    /// ```
    /// Use instead:
    /// ```text
    /// Allow group Auditors to read buckets in compartment id ocid1.compartment.oc1..aaaa
    /// ```
    pub static RULE = { code: "OCI001", name: "oci-syntax-error", severity: Error };
}

pub fn diagnostic(error: SyntaxError) -> Diagnostic {
    syntax_diagnostic(&RULE, error)
}

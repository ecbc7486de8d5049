use crate::diagnostic::Diagnostic;
use crate::rules::declare_rule;
use crate::suppress::Suppression;

declare_rule! {
    /// A suppression comment that does not say why.
    ///
    /// The next reviewer needs to know whether the finding was accepted on purpose, by whom, and
    /// under which ticket. Write the reason after the directive. (The configuration file's
    /// ignores and accepted exceptions cannot be written without one.)
    ///
    /// ## Example
    /// ```text
    /// # grantlint: ignore[OCI008]
    /// ```
    /// Use instead:
    /// ```text
    /// # grantlint: ignore[OCI008] auditors read the exported reports, SEC-123
    /// ```
    pub static RULE = { code: "GL002", name: "suppression-without-reason", severity: Warning };
}

pub fn finding(suppression: &Suppression) -> Option<Diagnostic> {
    (!suppression.has_reason && !suppression.codes.is_empty()).then(|| {
        Diagnostic::new(&RULE, suppression.span, "this suppression does not say why")
            .with_help("add the reason after the directive: `# grantlint: ignore[CODE] reason`")
    })
}

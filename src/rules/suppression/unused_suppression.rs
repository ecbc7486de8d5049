use crate::diagnostic::Diagnostic;
use crate::rules::declare_rule;
use crate::suppress::Suppression;

declare_rule! {
    /// A suppression that suppresses nothing: its rule reports nothing there, the rule code is
    /// unknown, the directive is malformed, or it precedes no statement.
    ///
    /// Ignores rot: the statement they excused is fixed or deleted, and the ignore stays behind
    /// to hide the next finding that appears in its place. Remove suppressions that no longer
    /// match anything.
    ///
    /// ## Example
    /// ```text
    /// # grantlint: ignore[OCI002] temporary write access, SEC-123
    /// Allow group vendor to read buckets in tenancy
    /// ```
    /// Use instead: delete the comment.
    pub static RULE = { code: "GL001", name: "unused-suppression", severity: Warning };
}

pub fn findings(suppression: &Suppression, used: &[bool]) -> Vec<Diagnostic> {
    let origin = suppression.from_config.as_deref().map(|c| format!(" (from {c})")).unwrap_or_default();
    if suppression.codes.is_empty() {
        return vec![
            Diagnostic::new(&RULE, suppression.span, format!("this grantlint directive is not understood{origin}"))
                .with_help("write `# grantlint: ignore[CODE] reason` or `# grantlint: ignore-file[CODE] reason`"),
        ];
    }
    suppression
        .codes
        .iter()
        .zip(used)
        .filter(|(_, used)| !**used)
        .map(|((code, name, span), _)| match code {
            None => Diagnostic::new(&RULE, *span, format!("`{name}` is not a grantlint rule{origin}"))
                .with_help("`grantlint rules` lists the codes"),
            Some(code) => {
                Diagnostic::new(&RULE, *span, format!("nothing here draws {code}; the suppression is unused{origin}"))
                    .with_help("remove the suppression")
            }
        })
        .collect()
}

//! Suppressions: `# grantlint: ignore[CODE, …] reason` on the line before an OCI statement,
//! `# grantlint: ignore-file[CODE, …] reason` for a whole file, and the configuration's
//! `per-file-ignores` and `[[lint.ignore]]` entries. Unused suppressions are reported (GL001), and
//! so is a suppression without a reason (GL002), so that ignores do not rot.

use crate::config::{Config, Target};
use crate::diagnostic::Diagnostic;
use crate::rules::{self, suppression};
use crate::span::Span;
use std::path::Path;

/// One suppression, wherever it came from.
#[derive(Clone, Debug)]
pub struct Suppression {
    /// Where it is written, for its own findings: the comment, or the statement an ignore names.
    pub span: Span,
    /// What it covers: findings inside any of these spans; none at all is the whole file.
    pub scope: Vec<Span>,
    /// Rule codes, each with the span that names it (`None` when the code did not resolve).
    pub codes: Vec<(Option<&'static str>, String, Span)>,
    pub has_reason: bool,
    /// Where the suppression comes from when not from the file itself (`.grantlint.toml`).
    pub from_config: Option<String>,
}

/// A `# grantlint: …` comment line of an OCI text file, before its scope is known.
#[derive(Clone, Debug)]
pub struct Directive {
    pub suppression: Suppression,
    pub whole_file: bool,
}

const PREFIX: &str = "grantlint:";

/// The `# grantlint:` directives of a text file. A malformed one is kept, with no codes, so
/// that GL001 reports it rather than it silently doing nothing.
pub fn directives(text: &str) -> Vec<Directive> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let Some(comment) = content.trim_start().strip_prefix('#') else { continue };
        let Some(body) = comment.trim_start().strip_prefix(PREFIX) else { continue };
        let body_start = start + (content.len() - body.len());
        let span = Span::new(start + (content.len() - content.trim_start().len()), start + content.trim_end().len());
        out.push(parse_directive(body, body_start, span));
    }
    out
}

fn parse_directive(body: &str, body_start: usize, span: Span) -> Directive {
    let trimmed = body.trim_start();
    let lead = body.len() - trimmed.len();
    let (whole_file, after_word) = if let Some(rest) = trimmed.strip_prefix("ignore-file[") {
        (true, rest)
    } else if let Some(rest) = trimmed.strip_prefix("ignore[") {
        (false, rest)
    } else {
        let suppression =
            Suppression { span, scope: Vec::new(), codes: Vec::new(), has_reason: true, from_config: None };
        return Directive { suppression, whole_file: false };
    };
    let list_start = body_start + lead + (trimmed.len() - after_word.len());
    let (list, reason) = after_word.split_once(']').unwrap_or((after_word, ""));
    let mut codes = Vec::new();
    let mut at = list_start;
    for item in list.split(',') {
        let name = item.trim();
        let name_start = at + (item.len() - item.trim_start().len());
        if !name.is_empty() {
            let code = rules::find(name).map(|r| r.meta.code);
            codes.push((code, name.to_string(), Span::new(name_start, name_start + name.len())));
        }
        at += item.len() + 1;
    }
    let suppression =
        Suppression { span, scope: Vec::new(), codes, has_reason: !reason.trim().is_empty(), from_config: None };
    Directive { suppression, whole_file }
}

/// Drops the diagnostics a suppression covers, and reports unused and reasonless suppressions.
pub fn apply(diagnostics: &mut Vec<Diagnostic>, suppressions: &[Suppression]) {
    let mut used: Vec<Vec<bool>> = suppressions.iter().map(|s| vec![false; s.codes.len()]).collect();
    diagnostics.retain(|d| {
        let mut suppressed = false;
        for (s, flags) in suppressions.iter().zip(used.iter_mut()) {
            let in_scope = s.scope.is_empty()
                || s.scope.iter().any(|scope| scope.start <= d.span.start && d.span.end <= scope.end);
            if !in_scope {
                continue;
            }
            for ((code, _, _), flag) in s.codes.iter().zip(flags.iter_mut()) {
                if *code == Some(d.rule.code) {
                    *flag = true;
                    suppressed = true;
                }
            }
        }
        !suppressed
    });
    for (s, flags) in suppressions.iter().zip(&used) {
        diagnostics.extend(suppression::unused_suppression::findings(s, flags));
        if let Some(d) = suppression::suppression_without_reason::finding(s) {
            diagnostics.push(d);
        }
    }
}

/// Gives each comment directive its scope: the file, or the statement that follows it.
pub fn scope_directives(directives: Vec<Directive>, statements: &[Span]) -> Vec<Suppression> {
    directives
        .into_iter()
        .map(|d| {
            let mut s = d.suppression;
            if !d.whole_file {
                // A directive that precedes no statement covers nothing, so GL001 reports it.
                let next = statements.iter().find(|st| st.start >= s.span.end).copied();
                s.scope = vec![next.unwrap_or(Span::at(s.span.end))];
            }
            s
        })
        .collect()
}

/// Where a configuration ignore can point inside a policy file: statements by `Sid`, actions by
/// name (as written, compared ignoring case).
#[derive(Debug, Default)]
pub struct Anchors {
    pub statements: Vec<(String, Span)>,
    pub actions: Vec<(String, Span)>,
}

/// The configuration's suppressions for the file at `path`: `per-file-ignores` for the whole
/// file, and `[[lint.ignore]]` entries resolved against the file's anchors. An entry whose `Sid`
/// or action the file does not have covers nothing there, so GL001 reports it at the file's start.
pub fn from_config(config: &Config, path: &Path, anchors: &Anchors) -> Vec<Suppression> {
    let relative = config.relative(path);
    let origin = config.path.as_ref().map(|p| p.display().to_string());
    let suppression = |scope: Vec<Span>, span: Span, codes: &[&'static str]| Suppression {
        span,
        scope,
        codes: codes.iter().map(|c| (Some(*c), (*c).to_string(), span)).collect(),
        has_reason: true,
        from_config: origin.clone(),
    };
    let mut out: Vec<Suppression> = config
        .per_file_ignores
        .iter()
        .filter(|(set, _, _)| set.is_match(&relative))
        .map(|(_, _, codes)| suppression(Vec::new(), Span::at(0), codes))
        .collect();
    for ignore in config.ignores.iter().filter(|i| i.path.is_match(&relative)) {
        let scope: Vec<Span> = match &ignore.target {
            Target::Sid(sid) => anchors.statements.iter().filter(|(s, _)| s == sid).map(|(_, span)| *span).collect(),
            Target::Action(action) => {
                anchors.actions.iter().filter(|(a, _)| a.eq_ignore_ascii_case(action)).map(|(_, span)| *span).collect()
            }
            Target::Statement(_) => Vec::new(),
        };
        let span = scope.first().copied().unwrap_or(Span::at(0));
        // An empty scope would cover the whole file; a target that is not there covers nothing.
        let scope = if scope.is_empty() { vec![Span::at(0)] } else { scope };
        out.push(suppression(scope, span, &ignore.rules));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::oci::grant_not_read_only;

    #[test]
    fn directives_parse_with_spans() {
        let text = "# header\n  # grantlint: ignore[OCI002, oci-data-read] approved in SEC-1\n#grantlint:ignore-file[OCI010]\n# grantlint: ignroe[OCI002]\n";
        let found = directives(text);
        assert_eq!(found.len(), 3);
        let first = &found[0].suppression;
        assert_eq!(&text[first.span.range()], "# grantlint: ignore[OCI002, oci-data-read] approved in SEC-1");
        assert_eq!(first.codes.iter().map(|(c, _, _)| *c).collect::<Vec<_>>(), [Some("OCI002"), Some("OCI008")]);
        assert_eq!(&text[first.codes[1].2.range()], "oci-data-read");
        assert!(first.has_reason);
        assert!(found[1].whole_file && !found[1].suppression.has_reason);
        assert!(found[2].suppression.codes.is_empty(), "a malformed directive suppresses nothing");
    }

    #[test]
    fn apply_drops_covered_and_reports_unused() {
        let text = "# grantlint: ignore[OCI002, OCI008]\nAllow group a to manage buckets in tenancy\n";
        let statement = Span::new(36, text.len() - 1);
        let suppressions = scope_directives(directives(text), &[statement]);
        let mut diagnostics = vec![Diagnostic::new(&grant_not_read_only::RULE, Span::new(53, 59), "x")];
        apply(&mut diagnostics, &suppressions);
        let codes: Vec<&str> = diagnostics.iter().map(|d| d.rule.code).collect();
        assert_eq!(codes, ["GL001", "GL002"], "OCI002 suppressed; OCI008 unused; no reason given");
    }
}

//! Policies inside infrastructure code: Terraform and CloudFormation templates.
//!
//! A reader finds the policies a template holds and hands each out as a source for the same
//! pipeline as a policy file: OCI statements with span maps into the template, or an AWS policy
//! as JSON text with a map from its bytes to the template's. JSON written in the template (a
//! heredoc) maps by offset; a policy the template builds (YAML, an HCL object, `jsonencode`, an
//! `aws_iam_policy_document` block) is written out as compact JSON whose bytes each remember
//! their template byte. Either way a finding lands on the template's line and column.
//!
//! Values the template computes are evaluated where grantlint can: parameter and variable
//! defaults, locals, `!Sub`, `!Join`, `!FindInMap`. What cannot be worked out becomes a
//! placeholder spelled `${name}`, which the rules treat as a value they do not know: it never
//! matches an expected account or ExternalId. Each condition (`Fn::If`, a Terraform conditional)
//! is linted both ways, and findings inside a branch name the condition.

mod audience;
pub mod cloudformation;
pub mod pattern;
pub mod terraform;
mod text;
mod value;
mod yaml;

use crate::span::{Span, SpanMap};
use crate::syntax::aws;
use crate::syntax::oci::PolicySource;
use crate::syntax::oci::parser::SyntaxError;
pub use audience::{Audience, delegates_to_account};

/// The combinations of conditions linted in one policy; more are counted, not linted.
pub const MAX_VARIANTS: usize = 16;

/// What a reader found in one template.
#[derive(Debug, Default)]
pub struct Template {
    /// The policies, in template order.
    pub policies: Vec<Embedded>,
    /// Managed policies attached by ARN: their statements are not in the template.
    pub managed: Vec<ManagedPolicy>,
    /// Values left as placeholders, each reported once.
    pub unresolved: Vec<Unresolved>,
    /// Why the template, or a policy's place in it, cannot be read.
    pub errors: Vec<SyntaxError>,
    /// Parts of the template that apply only under a condition.
    pub guards: Vec<Guard>,
    /// Where placeholders stand for values grantlint could not work out.
    pub placeholders: Vec<Span>,
    /// Deploy-time inputs used in policies: where, which, and the shortest value the template
    /// lets through (a parameter's `MinLength` or `AllowedPattern`, a variable's `length(…) >=`
    /// validation).
    pub inputs: Vec<Input>,
    /// Template files `templatefile(…)` rendered, whose text sits at offsets past the
    /// template's own ([`Template::rendered_at`]).
    pub rendered: Vec<Rendered>,
    /// Values met while evaluating the policy being read, reported when the policy is handed out
    /// if a verdict depends on them ([`audience::decisive`]).
    pending: Vec<(Unresolved, String)>,
}

/// One policy found in a template.
#[derive(Debug)]
pub struct Embedded {
    /// What the policy is, in the template's terms: `DigiusherIAMRole.Policies[DigiUsherCorePermissions]`.
    pub unit: String,
    /// Where the policy is written.
    pub span: Span,
    pub body: Body,
    /// Who its permissions are for.
    pub audience: Audience,
}

#[derive(Debug)]
pub enum Body {
    Oci(PolicySource<'static>),
    /// An AWS policy document: one JSON text per combination of the conditions inside it.
    Aws {
        kind: Option<aws::Kind>,
        /// How an identity policy is attached: its size quota.
        attachment: aws::Attachment,
        variants: Vec<JsonText>,
    },
    /// A policy document in another file (`file("trust.json")`), relative to the template's
    /// directory.
    File {
        kind: Option<aws::Kind>,
        attachment: aws::Attachment,
        path: String,
    },
}

/// JSON text for the AWS reader, and how its offsets map to the template.
#[derive(Clone, Debug)]
pub struct JsonText {
    pub text: String,
    pub map: SpanMap,
}

/// A managed policy a template attaches to a role by ARN.
#[derive(Debug)]
pub struct ManagedPolicy {
    /// The ARN as evaluated (a placeholder when it is not known).
    pub arn: String,
    pub span: Span,
    /// The role and where it lists the policy: `DigiusherIAMRole.ManagedPolicyArns`.
    pub unit: String,
    /// Who can assume the roles it is attached to: the vendor, or only services and the account.
    pub audience: Audience,
}

/// A parameter or variable without a default, used where `span` is.
#[derive(Clone, Debug)]
pub struct Input {
    pub span: Span,
    pub name: String,
    pub min_length: Option<usize>,
}

/// A value the reader could not work out and left as a placeholder.
#[derive(Clone, Debug)]
pub struct Unresolved {
    pub span: Span,
    pub message: String,
    /// The policy it was met in.
    pub unit: Option<String>,
    /// Which verdicts it leaves open.
    pub open: Open,
}

/// Which verdicts a value grantlint could not work out leaves open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Open {
    /// A verdict every run makes, or the whole policy or statement, which is then not checked.
    #[default]
    Any,
    /// Only a vendor profile's: whether an OCI grant is to the vendor's group or tenancy
    /// (OCI009, OCI005), which nothing judges without a profile.
    Profile,
}

/// A part of the template that applies only when `condition` holds (`not X` for an else branch).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Guard {
    pub span: Span,
    pub condition: String,
}

/// A file `templatefile(…)` rendered. Its literal text keeps its own offsets, moved to
/// `base` and beyond, past any template's text: a finding there is placed at `call` and names the
/// file's line and column, since a finding's span is in the file being linted.
#[derive(Debug)]
pub struct Rendered {
    pub base: usize,
    /// The path as the call spells it, evaluated.
    pub file: String,
    pub text: String,
    /// The call's path argument.
    pub call: Span,
}

/// Where rendered template files start: past the end of any file grantlint reads.
pub const RENDERED_BASE: usize = crate::span::ELSEWHERE;

impl Template {
    /// Where the next rendered file's text starts.
    pub fn next_rendered_base(&self) -> usize {
        self.rendered.last().map_or(RENDERED_BASE, |r| r.base + r.text.len() + 1)
    }

    /// For a span in a rendered template file: the call's span and ` (in templates/x.tmpl:12:5)`.
    pub fn rendered_at(&self, span: Span) -> Option<(Span, String)> {
        let rendered = self.rendered.iter().find(|r| r.base <= span.start && span.start <= r.base + r.text.len())?;
        let offset = span.start - rendered.base;
        let at = crate::source::LineIndex::new(&rendered.text).position(&rendered.text, offset);
        let shown = rendered.file.trim_start_matches("./");
        Some((rendered.call, format!(" (in {shown}:{}:{})", at.line, at.column)))
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        let error = SyntaxError { span, message: message.into(), help: None };
        // A value read twice (a role's trust policy, to learn who can assume it) is wrong once.
        if !self.errors.iter().any(|e| e.span == error.span && e.message == error.message) {
            self.errors.push(error);
        }
    }

    fn unresolved(&mut self, span: Span, message: impl Into<String>, unit: &str) {
        if !self.unresolved.iter().any(|u| u.span == span) {
            self.unresolved.push(Unresolved {
                span,
                message: message.into(),
                unit: Some(unit.to_string()),
                open: Open::Any,
            });
        }
    }

    /// A value of the policy being read that grantlint could not work out, spelled `spelling`
    /// where it stands, reported only if a verdict depends on it (see [`Template::settle`]).
    fn defer(&mut self, span: Span, spelling: &str, message: impl Into<String>, unit: &str) {
        if !self.pending.iter().any(|(u, _)| u.span == span) {
            let unresolved =
                Unresolved { span, message: message.into(), unit: Some(unit.to_string()), open: Open::Any };
            self.pending.push((unresolved, spelling.to_string()));
        }
    }

    /// Reports the deferred values that stand where a verdict of `document` is decided, saying
    /// which; the others change nothing and are dropped. Without a document (a managed policy's
    /// ARN) every deferred value is reported; an OCI policy is settled by [`Template::settle_oci`].
    fn settle(&mut self, document: Option<(&value::Value, Option<aws::Kind>)>, unit: &str) {
        let pending = std::mem::take(&mut self.pending);
        let decisive = document.map(|(value, kind)| audience::decisive(value, kind));
        for (unresolved, spelling) in pending {
            let message = match &decisive {
                None => unresolved.message,
                Some(places) => {
                    // The value must stand in the decisive text, not merely be written at the
                    // same place (an interpolated local's whole text points at its `${…}`).
                    let holds = |(place, _, text): &&(Span, &str, String)| {
                        place.start < unresolved.span.end.max(unresolved.span.start + 1)
                            && unresolved.span.start < place.end.max(place.start + 1)
                            && (text.is_empty() || text.contains(spelling.as_str()))
                    };
                    match places.iter().find(holds) {
                        Some((_, verdict, _)) => {
                            let why = unresolved.message.trim_end_matches(", so its value is not checked");
                            format!("{why}, so grantlint cannot tell {verdict}")
                        }
                        None => continue,
                    }
                }
            };
            // Once per value and verdict in a policy, however many statements repeat it.
            let repeated =
                |u: &Unresolved| u.span == unresolved.span || (u.message == message && u.unit == unresolved.unit);
            if !self.unresolved.iter().any(repeated) {
                self.unresolved.push(Unresolved { message, ..unresolved });
            }
        }
        // A whole document or statement grantlint cannot work out is never passed over in silence.
        for (place, verdict, _) in decisive.iter().flatten().filter(|(_, v, _)| v.ends_with("not checked")) {
            let reported = self.unresolved.iter().any(|u| {
                u.span.start < place.end.max(place.start + 1) && place.start < u.span.end.max(u.span.start + 1)
            });
            if !reported {
                let message = format!("grantlint cannot work out this value, so it cannot tell {verdict}");
                self.unresolved.push(Unresolved {
                    span: *place,
                    message,
                    unit: Some(unit.to_string()),
                    open: Open::Any,
                });
            }
        }
    }

    /// Reports the deferred values of an OCI policy that stand where a verdict is decided
    /// ([`audience::oci_decisive`]), saying which, or where a statement cannot be parsed without
    /// them; a value outside every statement stands for whole statements, which are not checked.
    /// A location, a condition's value or a name changes no verdict and is dropped.
    fn settle_oci(&mut self, source: &PolicySource, unit: &str) {
        let pending = std::mem::take(&mut self.pending);
        let overlaps = |a: Span, b: Span| a.start < b.end.max(b.start + 1) && b.start < a.end.max(a.start + 1);
        let mut places = Vec::new();
        let mut statements = Vec::new();
        let mut broken = Vec::new();
        for text in &source.statements {
            statements.push(text.map.map(0, text.text.len()));
            match crate::syntax::oci::parser::parse_statement(&text.text, &text.map) {
                Ok(statement) => places.extend(audience::oci_decisive(&statement)),
                Err(error) => broken.push(error.span),
            }
        }
        let within = |inner: Span, outer: Span| outer != inner && outer.start <= inner.start && inner.end <= outer.end;
        let outside: Vec<Span> =
            pending.iter().map(|(u, _)| u.span).filter(|&at| !statements.iter().any(|s| overlaps(*s, at))).collect();
        for (unresolved, spelling) in pending {
            // A value inside a larger one that stands for whole statements is reported with it.
            if outside.iter().any(|&outer| within(unresolved.span, outer)) {
                continue;
            }
            let why = unresolved.message.trim_end_matches(", so its value is not checked");
            // A value anchored at one `${…}` with others stands wherever they do: it must be
            // spelled in the text that decides, as a word or as itself.
            let word = letters(&spelling);
            let holds = |(place, _, text, _): &&(Span, &str, String, Open)| {
                overlaps(*place, unresolved.span) && (word.is_empty() || letters(text).contains(&word))
            };
            let (message, open) = if let Some((_, verdict, _, open)) = places.iter().find(holds) {
                (format!("{why}, so grantlint cannot tell {verdict}"), *open)
            } else if broken.iter().any(|e| overlaps(*e, unresolved.span)) {
                // Where the grammar wants a verb or a keyword: what the statement allows.
                let message = format!(
                    "{why}, so grantlint cannot tell what the statement allows (its verb, and so whether it is read-only): the statement does not parse without it and is not checked"
                );
                (message, Open::Any)
            } else if statements.iter().any(|s| overlaps(*s, unresolved.span)) {
                continue;
            } else if why.ends_with("not checked") {
                (why.to_string(), Open::Any)
            } else {
                (format!("{why}, so the statements it stands for are not checked"), Open::Any)
            };
            // Once per value and verdict in a policy, however many statements repeat it.
            let repeated =
                |u: &Unresolved| u.span == unresolved.span || (u.message == message && u.unit == unresolved.unit);
            if !self.unresolved.iter().any(repeated) {
                self.unresolved.push(Unresolved { message, open, unit: Some(unit.to_string()), ..unresolved });
            }
        }
    }

    /// A value grantlint does not know, spelled `spelling`, standing at `span`.
    fn placeholder(&mut self, spelling: impl Into<String>, span: Span) -> value::Value {
        if !span.is_empty() && !self.placeholders.contains(&span) {
            self.placeholders.push(span);
        }
        value::Value::Unknown(text::Text::anchored(spelling, span))
    }

    /// Whether `span` overlaps a placeholder.
    pub fn touches_placeholder(&self, span: Span) -> bool {
        self.placeholders.iter().any(|p| span.start < p.end && p.start < span.end.max(span.start + 1))
    }

    fn guard(&mut self, span: Span, condition: impl Into<String>) {
        let guard = Guard { span, condition: condition.into() };
        if !self.guards.contains(&guard) {
            self.guards.push(guard);
        }
    }

    /// The conditions a finding at `span` depends on, outermost first: `NeedsBucketAccess and not IsLinked`.
    pub fn conditions(&self, span: Span) -> Option<String> {
        let mut holding: Vec<&Guard> =
            self.guards.iter().filter(|g| g.span.start <= span.start && span.end <= g.span.end).collect();
        holding.sort_by_key(|g| (g.span.start, std::cmp::Reverse(g.span.end)));
        let mut names: Vec<&str> = Vec::new();
        for guard in holding {
            if !names.contains(&guard.condition.as_str()) {
                names.push(&guard.condition);
            }
        }
        (!names.is_empty()).then(|| names.join(" and "))
    }

    /// An AWS policy document evaluated to `document`: every combination of its conditions.
    fn aws_policy(
        &mut self,
        unit: String,
        span: Span,
        (kind, attachment, audience): (Option<aws::Kind>, aws::Attachment, Audience),
        document: &value::Value,
        lines: &crate::source::LineIndex,
    ) {
        self.settle(Some((document, kind)), &unit);
        let (variants, truncated) = value::json_variants(document, lines, MAX_VARIANTS);
        if truncated {
            self.unresolved(
                span,
                format!(
                    "more than {MAX_VARIANTS} combinations of conditions; grantlint lints the first {MAX_VARIANTS}"
                ),
                &unit,
            );
        }
        if !variants.is_empty() {
            self.policies.push(Embedded { unit, span, body: Body::Aws { kind, attachment, variants }, audience });
        }
    }
}

/// A spelling's letters and digits: `${var.group_name}` and the word it becomes in an OCI
/// statement, `var.group_name`, are alike.
fn letters(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// `base (note; note)`: a unit name with what links it to the rest of the template.
fn unit_name(base: impl Into<String>, notes: &[String]) -> String {
    let base = base.into();
    if notes.is_empty() { base } else { format!("{base} ({})", notes.join("; ")) }
}

/// Helpers for the readers' tests: a policy by its unit, and where its JSON maps in the template.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Body, Embedded, JsonText, Template};

    pub fn policy<'t>(template: &'t Template, unit: &str) -> &'t Embedded {
        let units: Vec<&str> = template.policies.iter().map(|p| p.unit.as_str()).collect();
        template.policies.iter().find(|p| p.unit == unit).unwrap_or_else(|| panic!("no {unit} in {units:?}"))
    }

    pub fn variants(policy: &Embedded) -> &[JsonText] {
        match &policy.body {
            Body::Aws { variants, .. } => variants,
            other => panic!("not an AWS policy: {other:?}"),
        }
    }

    /// How an AWS policy is attached, as the reader says.
    pub fn attachment(policy: &Embedded) -> crate::syntax::aws::Attachment {
        match &policy.body {
            Body::Aws { attachment, .. } => *attachment,
            other => panic!("not an AWS policy: {other:?}"),
        }
    }

    /// The template text that the first occurrence of `needle` in a policy's JSON maps to.
    pub fn origin<'s>(source: &'s str, policy: &Embedded, needle: &str) -> &'s str {
        let json = &variants(policy)[0];
        let at = json.text.find(needle).unwrap_or_else(|| panic!("{needle} not in {}", json.text));
        &source[json.map.map(at, at + needle.len()).range()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_nest_outermost_first() {
        let mut template = Template::default();
        template.guard(Span::new(10, 20), "not Inner");
        template.guard(Span::new(0, 100), "Outer");
        template.guard(Span::new(0, 100), "Outer");
        assert_eq!(template.conditions(Span::new(12, 14)).as_deref(), Some("Outer and not Inner"));
        assert_eq!(template.conditions(Span::new(30, 31)).as_deref(), Some("Outer"));
        assert_eq!(template.conditions(Span::new(100, 101)), None);
    }

    #[test]
    fn units_list_their_links() {
        assert_eq!(unit_name("p", &[]), "p");
        assert_eq!(unit_name("p", &["on r".into(), "x".into()]), "p (on r; x)");
    }
}

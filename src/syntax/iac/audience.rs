//! Who a template's policies are for, and which of a policy's unknown values change a verdict.
//!
//! A vendor's onboarding template creates the role the vendor assumes, and often more: Lambda
//! execution roles, StackSet roles, service roles for AWS Config or metric streams. A role's trust
//! policy says who can become it; a role only AWS services or the account itself can assume is
//! not the vendor's grant, and its findings say so.

use super::Open;
use super::value::Value;
use crate::source::LineIndex;
use crate::span::Span;
use crate::syntax::aws::{self, PrincipalKind};
use crate::syntax::oci::ast as oci;

/// Who a policy's permissions are for, as far as the template shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Audience {
    /// A role someone outside the account can assume (another account, a deploy-time account
    /// input, a federated identity), a user or group, or something the template does not show:
    /// the vendor's grant, judged by every rule.
    #[default]
    Outside,
    /// Only roles AWS services or this account can assume, described: `role Lambda, which only
    /// lambda.amazonaws.com can assume`.
    Internal(String),
}

impl Audience {
    /// The audience of a policy reaching every role of `roles`: outside when any is (or none is known).
    pub fn of_all<'a>(roles: impl IntoIterator<Item = &'a Audience>) -> Audience {
        let mut described: Vec<&str> = Vec::new();
        for role in roles {
            match role {
                Audience::Outside => return Audience::Outside,
                Audience::Internal(what) => described.push(what),
            }
        }
        if described.is_empty() { Audience::Outside } else { Audience::Internal(described.join("; ")) }
    }
}

/// The audience of role `name` from its trust policy as evaluated (a document, or JSON text):
/// internal when every principal an Allow statement names, in every combination of conditions,
/// is an AWS service or this account (`${AWS::AccountId}`, `aws_caller_identity`).
pub fn of_role(name: &str, trust: &Value) -> Audience {
    let (texts, _) = super::value::json_variants(trust, &LineIndex::new(""), super::MAX_VARIANTS);
    let mut who: Vec<String> = Vec::new();
    let mut same_account = false;
    for json in &texts {
        let document = aws::parse(&json.text, Some(aws::Kind::Trust));
        let Some(policy) = document.policy else { return Audience::Outside };
        for statement in policy.statements.iter().filter(|s| s.allows()) {
            let Some(principal) = statement.principal.as_ref().filter(|p| !p.negated) else { return Audience::Outside };
            for entry in &principal.entries {
                match entry.kind {
                    PrincipalKind::Service if !entry.value.as_str().contains("${") => {
                        if !who.iter().any(|w| w == entry.value.as_str()) {
                            who.push(entry.value.as_str().to_string());
                        }
                    }
                    PrincipalKind::Aws if is_own_account(entry.value.as_str()) => same_account = true,
                    _ => return Audience::Outside,
                }
            }
        }
    }
    if same_account {
        who.push("this account".to_string());
    }
    if who.is_empty() {
        return Audience::Outside;
    }
    Audience::Internal(format!("role {name}, which only {} can assume", join_or(&who)))
}

/// Whether a resource policy's statement only lets the account the template is deployed in use
/// its own IAM policies (`"Principal": {"AWS": "arn:aws:iam::${AWS::AccountId}:root"}`, as in
/// every KMS key's default policy): not a grant to anyone else.
pub fn delegates_to_account(statement: &aws::Statement) -> bool {
    statement.principal.as_ref().is_some_and(|p| {
        !p.negated
            && !p.entries.is_empty()
            && p.entries.iter().all(|e| {
                let value = e.value.as_str();
                e.kind == PrincipalKind::Aws
                    && is_own_account(value)
                    && (value.ends_with(":root") || !value.contains(':'))
            })
    })
}

/// Whether a principal names the account the template is deployed in.
fn is_own_account(principal: &str) -> bool {
    principal.contains("${AWS::AccountId}") || principal.contains("aws_caller_identity")
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The places in a policy document whose value decides a verdict, each with what it decides:
/// the document or a statement as a whole, the principals, the actions, and the conditions
/// (operators and keys). A value grantlint cannot work out is reported only when it stands at one
/// of these places; a resource name or a condition's value it does not know leaves every verdict
/// as it is. The document is read as the AWS reader reads it, so JSON text (a heredoc) counts
/// as much as a document the template builds.
/// Each place comes with the text standing there (empty for a whole document or statement).
pub fn decisive(document: &Value, kind: Option<aws::Kind>) -> Vec<(Span, &'static str, String)> {
    let mut out = Vec::new();
    let (alternatives, _) = document.alternatives(super::MAX_VARIANTS);
    for document in &alternatives {
        let statements: Vec<&Value> = match document {
            Value::Unknown(text) => {
                out.push((text.span(), "what the policy allows: it is not checked", String::new()));
                continue;
            }
            Value::Map(..) => match document.get("Statement") {
                Some(Value::List(items, _)) => items.iter().collect(),
                Some(Value::Unknown(text)) => {
                    out.push((text.span(), "what the policy allows: it is not checked", String::new()));
                    continue;
                }
                _ => continue,
            },
            _ => continue,
        };
        for statement in statements {
            if let Value::Unknown(text) = statement {
                out.push((text.span(), "what this statement allows: it is not checked", String::new()));
            }
        }
    }
    let principal = if kind == Some(aws::Kind::Trust) { "who can assume the role" } else { "whom the policy lets in" };
    let (texts, _) = super::value::json_variants(document, &LineIndex::new(""), super::MAX_VARIANTS);
    for json in &texts {
        let parsed = aws::parse(&json.text, kind);
        let Some(policy) = &parsed.policy else { continue };
        let mut place = |span: Span, verdict: &'static str| {
            let text = json.text.get(span.range()).unwrap_or("").to_string();
            out.push((json.map.map(span.start, span.end), verdict, text))
        };
        for statement in &policy.statements {
            for entry in statement.principal.iter().flat_map(|p| &p.entries) {
                // A principal in this account is not someone else, whatever its number.
                if !is_own_account(entry.value.as_str()) {
                    place(entry.value.span, principal);
                }
            }
            for value in statement.action.iter().flat_map(|a| &a.values) {
                place(value.span, "which actions the statement allows");
            }
            for block in statement.condition.iter().flat_map(|c| &c.blocks) {
                place(block.operator_span, "which conditions the statement sets");
                for entry in &block.entries {
                    place(entry.key.span, "which conditions the statement sets");
                }
            }
        }
    }
    out
}

/// The places in a parsed OCI statement whose value decides a verdict, each with what it decides,
/// the text standing there, and whether only a vendor profile's checks need it: the verb and
/// resource type or permissions (read-only, content reads, known types), a condition's variables
/// (which conditions the statement sets), and with a profile the subject and a tenancy's OCID
/// (whether the grant is the vendor's group or tenancy). A location (compartment, `tenancy`),
/// a condition's value and an alias change no verdict.
pub fn oci_decisive(statement: &oci::Statement) -> Vec<(Span, &'static str, String, Open)> {
    let mut out = Vec::new();
    let kinds = "which resources the statement grants: whether it is read-only, reads contents or names a known type";
    let conditions = "which conditions the statement sets";
    let subject = "whom the statement grants to, and so whether it is the vendor profile's group";
    match &statement.kind {
        oci::StatementKind::Define(define) => {
            let verdict = match define.kind {
                oci::DefineKind::Tenancy => "which tenancy the alias names, and so whether it is the vendor's",
                oci::DefineKind::Group | oci::DefineKind::DynamicGroup => subject,
                // A compartment is a location, like `in compartment id …`.
                oci::DefineKind::Compartment => return out,
            };
            out.push((define.ocid.span, verdict, define.ocid.text.to_string(), Open::Profile));
        }
        _ => {
            let Some(parts) = statement.parts() else { return out };
            match &parts.subject.kind {
                oci::SubjectKind::Group(principals) | oci::SubjectKind::DynamicGroup(principals) => {
                    for principal in principals {
                        let text = match principal {
                            oci::Principal::Name { domain, name } => {
                                format!("{}{}", domain.map_or("", |d| d.text), name.text)
                            }
                            oci::Principal::Id(id) => id.text.to_string(),
                        };
                        out.push((principal.span(), subject, text, Open::Profile));
                    }
                }
                oci::SubjectKind::Service(tokens) | oci::SubjectKind::Resource(tokens) => {
                    out.extend(tokens.iter().map(|t| (t.span, subject, t.text.to_string(), Open::Profile)));
                }
                oci::SubjectKind::AnyUser | oci::SubjectKind::AnyGroup => {}
            }
            match parts.action {
                oci::Action::Verb { resource, .. } => {
                    out.push((resource.span, kinds, resource.text.to_string(), Open::Any))
                }
                oci::Action::Permissions { permissions, .. } => out.extend(
                    permissions
                        .iter()
                        .map(|p| (p.span, "which permissions the statement grants", p.text.to_string(), Open::Any)),
                ),
                oci::Action::Associate { resource, with, .. } => {
                    out.extend([resource, with].map(|t| (t.span, kinds, t.text.to_string(), Open::Any)))
                }
            }
            let mut stack: Vec<&oci::Condition> = parts.condition.into_iter().collect();
            while let Some(condition) = stack.pop() {
                match condition {
                    oci::Condition::Group { items, .. } => stack.extend(items),
                    oci::Condition::Compare { variable, .. } | oci::Condition::Presence { variable, .. } => {
                        out.push((variable.span, conditions, variable.text.to_string(), Open::Any))
                    }
                    oci::Condition::Function { name, args, .. } => {
                        out.push((name.span, conditions, name.text.to_string(), Open::Any));
                        for arg in args {
                            if let oci::Operand::Variable(variable) = arg {
                                out.push((variable.span, conditions, variable.text.to_string(), Open::Any));
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::iac::text::Text;

    fn s(value: &str) -> Value {
        Value::Str(Text::anchored(value, Span::new(0, 1)))
    }

    fn map(entries: Vec<(&str, Value)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (Text::anchored(k, Span::new(0, 1)), v)).collect(), 0)
    }

    fn trust(principal: Value) -> Value {
        map(vec![("Statement", Value::List(vec![map(vec![("Effect", s("Allow")), ("Principal", principal)])], 0))])
    }

    #[test]
    fn roles_are_told_apart_by_their_trust() {
        let lambda = trust(map(vec![("Service", s("lambda.amazonaws.com"))]));
        assert_eq!(
            of_role("Fn", &lambda),
            Audience::Internal("role Fn, which only lambda.amazonaws.com can assume".into())
        );
        let own = trust(map(vec![("AWS", s("arn:aws:iam::${AWS::AccountId}:root"))]));
        assert!(matches!(of_role("Admin", &own), Audience::Internal(_)));
        let vendor = trust(map(vec![("AWS", s("arn:aws:iam::464622532012:root"))]));
        assert_eq!(of_role("Vendor", &vendor), Audience::Outside);
        let input = trust(map(vec![("AWS", Value::Unknown(Text::anchored("${VendorAccount}", Span::new(0, 1))))]));
        assert_eq!(of_role("Vendor", &input), Audience::Outside);
        assert_eq!(of_role("Open", &trust(s("*"))), Audience::Outside);
    }

    #[test]
    fn verdicts_hang_on_principals_actions_and_conditions() {
        let unknown = |at: usize| Value::Unknown(Text::anchored("${X}", Span::new(at, at + 1)));
        let statement = map(vec![
            ("Effect", s("Allow")),
            ("Principal", map(vec![("AWS", unknown(10))])),
            ("Action", unknown(20)),
            ("Resource", unknown(30)),
            ("Condition", map(vec![("StringEquals", map(vec![("sts:ExternalId", unknown(40))]))])),
        ]);
        let document = map(vec![("Version", s("2012-10-17")), ("Statement", Value::List(vec![statement], 0))]);
        let places = decisive(&document, Some(aws::Kind::Trust));
        let at = |offset: usize| places.iter().find(|(span, ..)| span.start == offset).map(|(_, verdict, _)| *verdict);
        assert_eq!(at(10), Some("who can assume the role"));
        assert_eq!(at(20), Some("which actions the statement allows"));
        assert_eq!(at(30), None, "a resource decides no verdict here");
        assert_eq!(at(40), None, "an ExternalId from an input is right");
        let whole = decisive(&unknown(50), None);
        assert_eq!(whole, [(Span::new(50, 51), "what the policy allows: it is not checked", String::new())]);
    }

    #[test]
    fn a_policy_on_any_outside_role_is_outside() {
        let internal = Audience::Internal("role A, which only this account can assume".into());
        assert_eq!(Audience::of_all([&internal, &Audience::Outside]), Audience::Outside);
        assert_eq!(Audience::of_all([&internal]), internal);
        assert_eq!(Audience::of_all([]), Audience::Outside);
    }
}

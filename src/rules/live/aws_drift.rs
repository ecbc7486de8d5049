use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::span::Span;
use crate::syntax::aws::{Kind, Statement, Str};
use crate::syntax::snapshot::Live;
use crate::syntax::snapshot::aws::{Entity, ExpectedDocument, LiveDocument};
use std::collections::BTreeMap;

declare_rule! {
    /// The live policies of the vendor's role or user differ from the expected policy files
    /// (`grantlint audit aws --expect PATH`).
    ///
    /// `--expect` names the policy documents the grant was reviewed as: the vendor's published
    /// template, or your own IaC. Each file stands for the live policy of its name
    /// (`DigiUsherCorePermissions.json` for the inline or managed policy `DigiUsherCorePermissions`),
    /// and a trust policy file for the role's trust policy. Statements are matched by `Sid`, or by
    /// content when they have none. Reported: an action added live or missing live in a matched
    /// statement, a statement whose effect, principal, resources or conditions changed, a statement
    /// or a policy present on one side only. Each finding names both sides: the live policy and the
    /// expected file. Drift means the grant was changed outside the reviewed path — by hand in the
    /// console, or by a stack update nobody reviewed.
    ///
    /// The expected documents are saved in the snapshot (`expected`), so `grantlint check` of a
    /// saved snapshot reports the same drift. Without `--expect` this rule is quiet.
    pub static RULE = { code: "LIVE012", name: "live-aws-drift", severity: Error };
}

pub fn check(live: &Live, cx: &mut Context) {
    let Some(aws) = &live.snapshot.aws else { return };
    let Some(expected) = &aws.expected else { return };
    let kind = |e: &&ExpectedDocument| e.document.policy().map(|p| p.kind);
    let expected_trust = expected.iter().find(|e| kind(e) == Some(Kind::Trust));
    let expected_policies: Vec<&ExpectedDocument> = expected.iter().filter(|e| kind(e) != Some(Kind::Trust)).collect();
    for entity in &aws.entities {
        if let (Some(trust), Some(want)) = (&entity.trust, expected_trust) {
            compare(cx, &format!("the trust policy of {}", entity.describe()), trust, want);
        }
        let live_policies = entity.inline.iter().chain(entity.managed.iter().filter_map(|m| m.document.as_ref()));
        for policy in live_policies {
            let what = format!("policy `{}` of {}", policy.name, entity.describe());
            match expected_policies.iter().find(|e| e.name.value.eq_ignore_ascii_case(&policy.name)) {
                Some(want) => compare(cx, &what, policy, want),
                None => {
                    let start = policy.span(Span::at(0));
                    report(
                        cx,
                        policy,
                        Span::new(start.start, start.start + 1),
                        format!("{what} is live but has no expected file"),
                        "remove it, or add its document to the expected files once reviewed",
                    );
                }
            }
        }
        for want in expected_policies.iter().filter(|e| !has_policy(entity, &e.name.value)) {
            let mut diagnostic = Diagnostic::new(
                &RULE,
                want.name.span,
                format!("expected policy `{}` ({}) is not on {}", want.name.value, file(want), entity.describe()),
            )
            .with_help("apply the expected policies again (e.g. update the vendor's CloudFormation stack)");
            diagnostic.unit = Some(want.document.unit.clone());
            cx.report(diagnostic);
        }
    }
}

fn has_policy(entity: &Entity, name: &str) -> bool {
    entity.inline.iter().any(|p| p.name.eq_ignore_ascii_case(name))
        || entity.managed.iter().any(|m| m.name.value.eq_ignore_ascii_case(name))
}

fn file<'a>(want: &'a ExpectedDocument) -> &'a str {
    want.file.as_ref().map_or(&want.name.value, |f| &f.value)
}

/// One statement, ready to compare: its actions by lower-case name, and the rest in one string.
struct Canonical<'p> {
    statement: &'p Statement<'p>,
    actions: BTreeMap<String, &'p Str<'p>>,
    rest: String,
    /// The elements `rest` is made of, by name, to say which changed.
    elements: [(&'static str, String); 4],
}

impl<'p> Canonical<'p> {
    fn new(statement: &'p Statement<'p>) -> Self {
        let actions =
            statement.action.iter().flat_map(|a| &a.values).map(|v| (v.as_str().to_ascii_lowercase(), v)).collect();
        let sorted = |values: &mut Vec<String>| {
            values.sort();
            values.join(",")
        };
        let negated = |yes: bool| if yes { "not " } else { "" };
        let principal = statement.principal.as_ref().map_or(String::new(), |p| {
            let mut entries: Vec<String> =
                p.entries.iter().map(|e| format!("{}:{}", e.kind.as_str(), e.value.as_str())).collect();
            format!("{}{}", negated(p.negated), sorted(&mut entries))
        });
        let resource = statement.resource.as_ref().map_or(String::new(), |r| {
            let mut values: Vec<String> = r.values.iter().map(|v| v.as_str().to_string()).collect();
            format!("{}{}", negated(r.negated), sorted(&mut values))
        });
        let mut conditions: Vec<String> = statement
            .condition
            .iter()
            .flat_map(|c| &c.blocks)
            .flat_map(|b| {
                b.entries.iter().map(move |e| {
                    let mut values: Vec<String> = e.values.iter().map(|v| v.as_str().to_string()).collect();
                    format!("{}|{}|{}", b.operator.name(), e.key.as_str().to_ascii_lowercase(), sorted(&mut values))
                })
            })
            .collect();
        let effect = format!("{:?}{}", statement.effect, statement.action.as_ref().map_or("", |a| negated(a.negated)));
        let elements = [
            ("effect", effect),
            ("principal", principal),
            ("resources", resource),
            ("conditions", sorted(&mut conditions)),
        ];
        let rest = elements.iter().map(|(_, v)| v.as_str()).collect::<Vec<_>>().join(";");
        Canonical { statement, actions, rest, elements }
    }

    fn sid(&self) -> Option<&str> {
        self.statement.sid.as_ref().map(|s| s.as_str()).filter(|s| !s.is_empty())
    }

    /// Everything, actions included: how statements without a Sid are matched.
    fn full(&self) -> String {
        format!("{};{}", self.rest, self.actions.keys().cloned().collect::<Vec<_>>().join(","))
    }

    fn name(&self, index: usize) -> String {
        self.sid().map_or(format!("#{}", index + 1), |sid| format!("`{sid}`"))
    }
}

fn compare(cx: &mut Context, what: &str, live: &LiveDocument, want: &ExpectedDocument) {
    let (Some(have), Some(expected)) = (live.policy(), want.document.policy()) else { return };
    let file = file(want);
    let have: Vec<Canonical> = have.statements.iter().map(Canonical::new).collect();
    let expected: Vec<Canonical> = expected.statements.iter().map(Canonical::new).collect();
    let counterpart = |statement: &Canonical, others: &[Canonical]| match statement.sid() {
        Some(sid) => others.iter().position(|o| o.sid() == Some(sid)),
        None => others.iter().position(|o| o.sid().is_none() && o.full() == statement.full()),
    };
    for (index, statement) in have.iter().enumerate() {
        let name = statement.name(index);
        let Some(other) = counterpart(statement, &expected).and_then(|i| expected.get(i)) else {
            report(
                cx,
                live,
                live.span(statement.statement.span),
                format!("statement {name} was added live to {what}; {file} does not have it"),
                "remove it live, or add it to the expected file once reviewed",
            );
            continue;
        };
        for value in statement.actions.iter().filter(|(a, _)| !other.actions.contains_key(*a)).map(|(_, v)| v) {
            report(
                cx,
                live,
                live.span(value.span),
                format!("`{}` was added live to statement {name} of {what}; {file} does not have it", value.value),
                "remove it live, or add it to the expected file once reviewed",
            );
        }
        for value in other.actions.iter().filter(|(a, _)| !statement.actions.contains_key(*a)).map(|(_, v)| v) {
            report(
                cx,
                live,
                want.document.span(value.span),
                format!("`{}` of statement {name} in {file} is missing from {what}", value.value),
                "apply the expected policy again (e.g. update the vendor's CloudFormation stack)",
            );
        }
        if statement.rest != other.rest {
            let changed: Vec<&str> =
                statement.elements.iter().zip(&other.elements).filter(|(a, b)| a.1 != b.1).map(|(a, _)| a.0).collect();
            report(
                cx,
                live,
                live.span(statement.statement.span),
                format!("statement {name} of {what} differs from {file} in its {}", changed.join(" and ")),
                "apply the expected policy again, or update the expected file once reviewed",
            );
        }
    }
    for (index, statement) in expected.iter().enumerate() {
        if counterpart(statement, &have).is_none() {
            report(
                cx,
                live,
                want.document.span(statement.statement.span),
                format!("statement {} of {file} is missing from {what}", statement.name(index)),
                "apply the expected policy again (e.g. update the vendor's CloudFormation stack)",
            );
        }
    }
}

fn report(cx: &mut Context, live: &LiveDocument, span: Span, message: String, help: &str) {
    let mut diagnostic = Diagnostic::new(&RULE, span, message).with_help(help);
    diagnostic.unit = Some(live.unit.clone());
    cx.report(diagnostic);
}

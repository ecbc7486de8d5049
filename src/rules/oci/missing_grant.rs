use crate::catalog::oci::OciCatalog;
use crate::diagnostic::Diagnostic;
use crate::profile::{ExpectedStatement, OciProfile};
use crate::rules::declare_rule;
use crate::span::Span;
use crate::syntax::oci::Policy;
use crate::syntax::oci::ast::{Action, Domain, Effect, Location, Scope, Statement, StatementKind, SubjectKind, Token};

declare_rule! {
    /// A statement the vendor profile expects is absent, so the vendor loses a capability.
    ///
    /// The profile lists the statements a vendor's grant consists of, each with the capability it
    /// gives. This rule looks at every OCI policy of one `grantlint check` run (or one audited
    /// tenancy) together, and reports each expected statement that no statement covers. A
    /// statement covers an expected one when it has the same kind and location, grants to the
    /// profile's group (in a tenancy's snapshot, the group of the vendor's identity domain; in
    /// policy files, a group of that name in any domain), and uses the same or a stronger verb on
    /// the same type or a family or `all-resources` that includes it.
    ///
    /// The rule only speaks when the checked policies mention the profile's group at all, and
    /// points at the first statement that does. Check all of a vendor's policy files in one run:
    /// a run over one file of a grant split across several reports the other files' statements
    /// as missing. The pre-commit hook therefore does not pass the staged files: it runs
    /// `grantlint check` over the repository as CI does (the configuration's `include` says where
    /// policies live), so a commit that changes one policy file is judged with all the others.
    ///
    /// Needs a profile; without one this rule is quiet.
    pub static RULE = { code: "OCI009", name: "oci-missing-grant", severity: Warning };
}

/// What one policy contributes to the run-wide check.
#[derive(Clone, Debug, Default)]
pub struct Coverage {
    /// One flag per expected statement of the profile, in profile order.
    pub covered: Vec<bool>,
    /// The first statement naming the profile's group, where findings are anchored.
    pub anchor: Option<Span>,
}

impl Coverage {
    pub fn merge(&mut self, other: &Coverage) {
        if self.covered.len() < other.covered.len() {
            self.covered.resize(other.covered.len(), false);
        }
        for (mine, theirs) in self.covered.iter_mut().zip(&other.covered) {
            *mine |= *theirs;
        }
    }
}

/// Which of the profile's expected statements this policy covers.
pub fn coverage(policy: &Policy, profile: &OciProfile, domain: Domain, catalog: &OciCatalog) -> Coverage {
    let expected = profile.expected_statements();
    let mut result = Coverage { covered: vec![false; expected.len()], anchor: None };
    for parsed in &policy.statements {
        let statement = &parsed.statement;
        if result.anchor.is_none() && names_group(statement, &profile.group, domain) {
            result.anchor = Some(statement.span);
        }
        for (flag, want) in result.covered.iter_mut().zip(expected) {
            *flag |= covers(statement, want, (&profile.group, domain), catalog);
        }
    }
    result
}

/// The findings for the expected statements no policy of the run covers.
pub fn report(coverage: &Coverage, profile: &OciProfile) -> Vec<Diagnostic> {
    let Some(anchor) = coverage.anchor else { return Vec::new() };
    let expected = profile.expected_statements();
    expected
        .iter()
        .zip(coverage.covered.iter().chain(std::iter::repeat(&false)))
        .filter(|(_, covered)| !**covered)
        .map(|(want, _)| {
            Diagnostic::new(
                &RULE,
                anchor,
                format!("missing `{}`: without it the vendor cannot {}", want.text, want.capability),
            )
            .with_help(format!("add it to policy `{}` (`grantlint profile show` prints the full set)", want.policy))
        })
        .collect()
}

fn names_group(statement: &Statement, group: &str, domain: Domain) -> bool {
    let Some(parts) = statement.parts() else { return false };
    let SubjectKind::Group(principals) = &parts.subject.kind else { return false };
    principals.iter().any(|p| p.names_group(group, domain))
}

fn covers(have: &Statement, want: &ExpectedStatement, group: (&str, Domain), catalog: &OciCatalog) -> bool {
    let want = &want.parsed;
    match (&have.kind, &want.kind) {
        (StatementKind::Define(h), StatementKind::Define(w)) => {
            h.kind == w.kind && h.alias.eq_ignore_case(w.alias.text) && h.ocid.text == w.ocid.text
        }
        (StatementKind::Grant { effect: Effect::Allow, grant: h }, StatementKind::Grant { grant: w, .. }) => {
            same_location(&h.location, &w.location)
                && grants_group(have, group)
                && action_covers(&h.action, &w.action, catalog)
        }
        (StatementKind::Endorse { effect: Effect::Allow, grant: h }, StatementKind::Endorse { grant: w, .. })
        | (StatementKind::Admit { effect: Effect::Allow, grant: h }, StatementKind::Admit { grant: w, .. }) => {
            same_scope(&h.scope, &w.scope) && grants_group(have, group) && action_covers(&h.action, &w.action, catalog)
        }
        _ => false,
    }
}

fn grants_group(statement: &Statement, (group, domain): (&str, Domain)) -> bool {
    names_group(statement, group, domain) && statement.parts().is_some_and(|p| p.condition.is_none())
}

fn action_covers(have: &Action, want: &Action, catalog: &OciCatalog) -> bool {
    match (have, want) {
        (Action::Verb { verb: hv, resource: hr, .. }, Action::Verb { verb: wv, resource: wr, .. }) => {
            hv >= wv && catalog.covers(hr.text, wr.text)
        }
        (Action::Permissions { permissions: h, .. }, Action::Permissions { permissions: w, .. }) => {
            w.iter().all(|wp| h.iter().any(|hp| hp.eq_ignore_case(wp.text)))
        }
        _ => false,
    }
}

fn same_path(a: &[Token], b: &[Token]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_case(y.text))
}

fn same_location(a: &Location, b: &Location) -> bool {
    match (a, b) {
        (Location::Tenancy(_), Location::Tenancy(_)) => true,
        (Location::CompartmentId { ocid: x, .. }, Location::CompartmentId { ocid: y, .. }) => x.text == y.text,
        (Location::CompartmentPath { path: x, .. }, Location::CompartmentPath { path: y, .. }) => same_path(x, y),
        _ => false,
    }
}

fn same_scope(a: &Scope, b: &Scope) -> bool {
    match (a, b) {
        (Scope::Location(x), Scope::Location(y)) => same_location(x, y),
        (Scope::AnyTenancy(_), Scope::AnyTenancy(_)) => true,
        (Scope::Tenancy { alias: x, .. }, Scope::Tenancy { alias: y, .. }) => x.eq_ignore_case(y.text),
        (Scope::CompartmentOf { path: xp, alias: x, .. }, Scope::CompartmentOf { path: yp, alias: y, .. }) => {
            x.eq_ignore_case(y.text) && same_path(xp, yp)
        }
        _ => false,
    }
}

use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::oci::Policy;
use crate::syntax::oci::ast::{Location, Principal, Scope, StatementKind, SubjectKind, Token};

declare_rule! {
    /// An OCID is malformed, of the wrong type for where it is used, or a placeholder.
    ///
    /// OCIDs have the form `ocid1.<resource-type>.<realm>.[region][.future-use].<unique-id>`,
    /// lower case, with a realm such as `oc1` and a unique part of dozens of characters. A tenancy
    /// OCID has an empty region (`ocid1.tenancy.oc1..<unique>`). A Define must name an OCID of its
    /// kind (`define group` needs `ocid1.group.…`), `group id` a group, `dynamic-group id` a
    /// dynamic group, and `compartment id` a compartment or the tenancy (the root compartment).
    ///
    /// Oracle's usage-report tenancy OCID cut short (a copy that lost its end) is reported too.
    ///
    /// Placeholders copied from documentation (`<tenancy ocid>`, `${var.tenancy_ocid}`, `...`,
    /// `exampleuniqueID`) and unique parts too short to be real are reported too: OCI rejects
    /// the policy, or worse, a template ships without its value.
    pub static RULE = { code: "OCI006", name: "oci-malformed-ocid", severity: Error };
}

pub fn check(policy: &Policy, cx: &mut Context) {
    for parsed in &policy.statements {
        let statement = &parsed.statement;
        if let StatementKind::Define(define) = &statement.kind {
            verify(&define.ocid, &[define.kind.ocid_type()], cx);
        }
        if let Some(parts) = statement.parts() {
            let (expected, principals): (&[&str], &[Principal]) = match &parts.subject.kind {
                SubjectKind::Group(p) => (&["group"], p),
                SubjectKind::DynamicGroup(p) => (&["dynamicgroup"], p),
                _ => (&[], &[]),
            };
            for principal in principals {
                if let Principal::Id(id) = principal {
                    verify(id, expected, cx);
                }
            }
        }
        for location in locations(&statement.kind) {
            if let Location::CompartmentId { ocid, .. } = location {
                verify(ocid, &["compartment", "tenancy"], cx);
            }
        }
    }
}

fn locations<'s, 'a>(kind: &'s StatementKind<'a>) -> Vec<&'s Location<'a>> {
    let scope_location = |s: &'s Scope<'a>| match s {
        Scope::Location(l) => Some(l),
        _ => None,
    };
    match kind {
        StatementKind::Grant { grant, .. } => vec![&grant.location],
        StatementKind::Endorse { grant, .. } | StatementKind::Admit { grant, .. } => {
            std::iter::once(&grant.scope).chain(grant.with_scope.as_ref()).filter_map(scope_location).collect()
        }
        StatementKind::Define(_) => Vec::new(),
    }
}

fn verify(ocid: &Token, types: &[&str], cx: &mut Context) {
    if let Some(problem) = problem(ocid.text, types) {
        cx.report(
            Diagnostic::new(&RULE, ocid.span, format!("`{}` {problem}", ocid.text))
                .with_help("use the real OCID, as the console or `oci iam … get` shows it"),
        );
    }
}

/// Real unique parts are 60 characters; anything this short was typed by hand.
const MIN_UNIQUE_LEN: usize = 16;

/// Oracle's tenancy that holds every customer's cost and usage reports, the same for all
/// (https://docs.oracle.com/iaas/Content/Billing/Concepts/costusagereportsoverview.htm): the
/// OCID policies copy most often, and cut short when they do.
const USAGE_REPORT_TENANCY: &str = "ocid1.tenancy.oc1..aaaaaaaaned4fkpkisbwjlr56u7cj63lf3wffbilvqknstgtvzub7vhqkggq";

/// What is wrong with an OCID, if anything.
pub fn problem(ocid: &str, types: &[&str]) -> Option<String> {
    let lower = ocid.to_ascii_lowercase();
    if ocid.contains(['<', '>', '$', '{', '}']) || lower.contains("exampleuniqueid") || ocid.contains("...") {
        return Some("is a placeholder, not an OCID".into());
    }
    if ocid != lower {
        return Some("is not an OCID: OCIDs are lower case".into());
    }
    let parts: Vec<&str> = ocid.split('.').collect();
    let ["ocid1", kind, realm, region, .., unique] = parts.as_slice() else {
        return Some("is not an OCID of the form `ocid1.<type>.<realm>.[region].<unique-id>`".into());
    };
    let realm_number = realm.strip_prefix("oc").filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    if realm_number.is_none() {
        return Some(format!("has realm `{realm}`; realms are `oc1`, `oc2`, …"));
    }
    if !unique.chars().all(|c| c.is_ascii_alphanumeric()) || unique.len() < MIN_UNIQUE_LEN {
        return Some(format!("has unique part `{unique}`, too short to be real (placeholder?)"));
    }
    if !types.is_empty() && !types.contains(kind) {
        return Some(format!("is a `{kind}` OCID where a `{}` OCID belongs", types.join("` or `")));
    }
    if ocid != USAGE_REPORT_TENANCY && USAGE_REPORT_TENANCY.starts_with(ocid) {
        let missing = USAGE_REPORT_TENANCY.len() - ocid.len();
        return Some(format!("is Oracle's usage-report tenancy OCID cut short, {missing} characters missing"));
    }
    if *kind == "tenancy" && !region.is_empty() {
        return Some("has a region segment; tenancy OCIDs have none (`ocid1.tenancy.oc1..…`)".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{USAGE_REPORT_TENANCY as USAGE_REPORT, problem};

    #[test]
    fn accepts_real_ocids() {
        assert_eq!(problem(USAGE_REPORT, &["tenancy"]), None);
        let compartment = "ocid1.compartment.oc1..aaaaaaaam3we6vgnherjq5q2idnccdflvjsnog7mlr6rtdb25gilchfeyjxa";
        assert_eq!(problem(compartment, &["compartment", "tenancy"]), None);
    }

    #[test]
    fn rejects_placeholders_types_and_shapes() {
        for (ocid, types, needle) in [
            ("<vendor tenancy ocid>", &["tenancy"][..], "placeholder"),
            ("${var.tenancy_ocid}", &["tenancy"][..], "placeholder"),
            ("ocid1.tenancy.oc1..aaaa1", &["tenancy"][..], "too short"),
            (
                "ocid1.group.oc1..aaaaaaaaned4fkpkisbwjlr56u7cj63lf3wffbilvqknstgtvzub7vhqkggq",
                &["tenancy"][..],
                "`group` OCID",
            ),
            (
                "ocid1.tenancy.xx1..aaaaaaaaned4fkpkisbwjlr56u7cj63lf3wffbilvqknstgtvzub7vhqkggq",
                &["tenancy"][..],
                "realm",
            ),
            (
                "OCID1.TENANCY.OC1..AAAAAAAANED4FKPKISBWJLR56U7CJ63LF3WFFBILVQKNSTGTVZUB7VHQKGGQ",
                &["tenancy"][..],
                "lower case",
            ),
            ("ocid1.tenancy", &["tenancy"][..], "form"),
            // Datadog's OCI Resource Manager stack defines usage-report so.
            (
                "ocid1.tenancy.oc1..aaaaaaaaned4fkpkisbwjlr56u7cj63lf3wffbilvqknstgtvzub",
                &["tenancy"][..],
                "cut short, 8",
            ),
            (
                "ocid1.tenancy.oc1.iad.aaaaaaaaned4fkpkisbwjlr56u7cj63lf3wffbilvqknstgtvzub7vhqkggq",
                &["tenancy"][..],
                "region",
            ),
        ] {
            let found = problem(ocid, types).unwrap_or_default();
            assert!(found.contains(needle), "{ocid}: {found}");
        }
    }
}

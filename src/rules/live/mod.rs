//! Rules for live audits, one file each. They run on a snapshot (see `audit::snapshot`): what a
//! tenancy looked like when it was audited, or when `grantlint check` reads a saved snapshot.
//! Codes LIVE001–LIVE009 are OCI's; an AWS audit's rules start at LIVE010.

pub mod aws_access_key;
pub mod aws_console_password;
pub mod aws_drift;
pub mod aws_external_id_mismatch;
pub mod aws_size_quota;
pub mod aws_unexpected_managed_policy;
pub mod console_password;
pub mod cross_tenancy_child;
pub mod drift;
pub mod extra_api_key;
pub mod group_membership;
pub mod stale_api_key;
pub mod unexpected_policy;
pub mod user_other_groups;

use crate::syntax::oci::ast::{Principal, Statement, StatementKind};

/// Whether a statement grants (or denies) something to the group named `name` in the default
/// identity domain, or to the group with OCID `id`. Admit statements name a foreign group, so
/// they never match.
pub(crate) fn names_group(statement: &Statement, name: &str, id: Option<&str>) -> bool {
    if matches!(statement.kind, StatementKind::Admit { .. }) {
        return false;
    }
    let Some(parts) = statement.parts() else { return false };
    let crate::syntax::oci::ast::SubjectKind::Group(principals) = &parts.subject.kind else { return false };
    principals.iter().any(|principal| match principal {
        Principal::Name { domain, name: group } => {
            group.eq_ignore_case(name) && domain.is_none_or(|d| d.eq_ignore_case("Default"))
        }
        Principal::Id(ocid) => id == Some(ocid.text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::SpanMap;
    use crate::syntax::oci::parser::parse_statement;

    #[test]
    fn group_names_match_in_the_default_domain_only() {
        let map = SpanMap::Offset(0);
        let named = |text: &str| {
            let statement = parse_statement(text, &map).unwrap();
            names_group(&statement, "vendor", Some("ocid1.group.oc1..v"))
        };
        assert!(named("Allow group Vendor to read metrics in tenancy"));
        assert!(named("Allow group 'Default'/'vendor' to read metrics in tenancy"));
        assert!(named("Allow group id ocid1.group.oc1..v to read metrics in tenancy"));
        assert!(named("endorse group vendor to read objects in tenancy usage-report"));
        assert!(!named("Allow group 'Other'/'vendor' to read metrics in tenancy"));
        assert!(!named("Allow group admins to read metrics in tenancy"));
        assert!(!named(
            "define tenancy usage-report as ocid1.tenancy.oc1..aaaaaaaaned4fkpkisbwjlr56u7cj63lf3wffbilvqknstgtvzub7vhqkggq"
        ));
        assert!(!named("admit group vendor of tenancy x to read objects in tenancy"));
    }
}

//! The OCI part of a snapshot (`"cloud": "oci"`): what follows the envelope.
//!
//! | key | meaning |
//! |---|---|
//! | `vendor` | what the audit looked for: `profile` (or null), `group`, `domain` (the group's identity domain; absent for the Default domain), `user` (null when the group's members were taken) |
//! | `policies` | every policy that grants to the vendor: `id`, `name`, `compartment` {`id`, `path` (names below the root)} and `statements` |
//! | `users` | the vendor's users: `id`, `name`, `state`, `capabilities`, `mfa_activated`, `last_successful_login`, `groups` [{`id`, `name`}], `api_keys` [{`fingerprint`, `created`, `state`}] |
//! | `groups` | the vendor's group: `id`, `name`, `members` [{`user_id`, `user_name`}] |
//! | `expected` | optional: the `--expect` policies the audit compared against: `source`, `policies` [{`name`, `file`, `statements`}] |
//!
//! Never key material: API keys appear by fingerprint only. Each policy reads back as an OCI
//! policy source whose unit is its live origin,
//! `live:oci://<tenancy>/<compartment path>/policies/<name>`, so OCI rule findings name the policy
//! they are about; the live rules (`LIVE0xx`) point into the users, groups, keys and policies of
//! the document.

use super::{Flag, Reader, Text, policy_origin};
use crate::span::Span;
use crate::syntax::json::{self, Object, Value};
use crate::syntax::oci::ast::{DEFAULT_DOMAIN, Domain, Principal, Statement, StatementKind, SubjectKind};
use crate::syntax::oci::{self, PolicySource};

/// What an OCI snapshot holds besides the envelope.
#[derive(Debug, Default)]
pub struct OciSnapshot<'t> {
    pub vendor_group: Option<Text<'t>>,
    /// The vendor group's identity domain; `None` for the Default domain.
    pub vendor_domain: Option<Text<'t>>,
    pub vendor_user: Option<Text<'t>>,
    pub policies: Vec<LivePolicy<'t>>,
    pub users: Vec<LiveUser<'t>>,
    pub groups: Vec<LiveGroup<'t>>,
    /// The policies the audit was told to expect (`--expect`), if it was.
    pub expected: Option<Vec<ExpectedPolicy<'t>>>,
}

#[derive(Debug)]
pub struct LivePolicy<'t> {
    pub name: Text<'t>,
    /// Compartment names below the root; empty for the root compartment.
    pub compartment_path: Vec<String>,
    /// The statements, named by the policy's live origin.
    pub source: PolicySource<'t>,
}

#[derive(Debug)]
pub struct LiveUser<'t> {
    pub id: Text<'t>,
    pub name: Text<'t>,
    pub console_password: Option<Flag>,
    pub groups: Vec<Membership<'t>>,
    /// The `"api_keys"` key, where findings about the set of keys point.
    pub api_keys_span: Span,
    pub api_keys: Vec<LiveKey<'t>>,
}

#[derive(Debug)]
pub struct Membership<'t> {
    pub span: Span,
    pub id: Text<'t>,
    pub name: Text<'t>,
}

#[derive(Debug)]
pub struct LiveKey<'t> {
    pub fingerprint: Text<'t>,
    pub created: Option<(jiff::Timestamp, Span)>,
    pub state: Option<Text<'t>>,
}

impl LiveKey<'_> {
    /// Inactive and deleted keys cannot sign; a key without a state is taken as active.
    pub fn is_active(&self) -> bool {
        self.state.as_ref().is_none_or(|s| s.value.eq_ignore_ascii_case("ACTIVE"))
    }
}

#[derive(Debug)]
pub struct LiveGroup<'t> {
    pub id: Text<'t>,
    pub name: Text<'t>,
    /// The `"members"` key.
    pub members_span: Span,
    pub members: Vec<Member<'t>>,
}

#[derive(Debug)]
pub struct Member<'t> {
    pub span: Span,
    pub user_id: Text<'t>,
    pub user_name: Option<Text<'t>>,
}

#[derive(Debug)]
pub struct ExpectedPolicy<'t> {
    pub name: Text<'t>,
    pub file: Option<Text<'t>>,
    pub statements: Vec<Text<'t>>,
}

/// Whether a statement grants (or denies) something to the group named `name` in the identity
/// domain `domain` (`None`: the Default domain), or to the group with OCID `id`. A statement's
/// unqualified group name means the Default domain, as OCI reads it. Admit statements name a
/// foreign group, so they never match. The audit asks it to pick the policies it keeps, the live
/// rules to judge them.
pub fn names_group(statement: &Statement, domain: Option<&str>, name: &str, id: Option<&str>) -> bool {
    if matches!(statement.kind, StatementKind::Admit { .. }) {
        return false;
    }
    let Some(parts) = statement.parts() else { return false };
    let SubjectKind::Group(principals) = &parts.subject.kind else { return false };
    let wanted = Domain::Named(domain.unwrap_or(DEFAULT_DOMAIN));
    principals.iter().any(|principal| match principal {
        Principal::Id(ocid) => id == Some(ocid.text),
        named => named.names_group(name, wanted),
    })
}

impl<'t> Reader<'t> {
    /// Reads what follows the envelope of an OCI snapshot of `tenancy`.
    pub(super) fn oci(&mut self, root: &Object<'t>, tenancy: &str) -> OciSnapshot<'t> {
        let vendor = self.object_field(root, "vendor", "the snapshot");
        let vendor_group = vendor.and_then(|v| self.optional_string(v, "group", "vendor"));
        let vendor_domain = vendor.and_then(|v| self.optional_string(v, "domain", "vendor"));
        let vendor_user = vendor.and_then(|v| self.optional_string(v, "user", "vendor"));
        let policies = self.each(root, "policies", "the snapshot", |r, value, what| r.policy(value, what, tenancy));
        let users = self.each(root, "users", "the snapshot", Self::user);
        let groups = self.each(root, "groups", "the snapshot", Self::group);
        let expected = self.expected(root, Self::expected_policy);
        OciSnapshot { vendor_group, vendor_domain, vendor_user, policies, users, groups, expected }
    }

    fn policy(&mut self, value: &Value<'t>, what: &str, tenancy: &str) -> Option<LivePolicy<'t>> {
        let object = self.object(value, what)?;
        let name = self.string(object, "name", what)?;
        let compartment = self.object_field(object, "compartment", what)?;
        let path = self.each(compartment, "path", &format!("{what}.compartment"), |r, value, what| {
            r.string_value(value, what).map(|t| t.value.into_owned())
        });
        let Some(mut source) = oci::read_json(value, self.text).and_then(|mut p| p.pop()) else {
            self.error(json::span(object.range), format!("{what} has no `statements`"));
            return None;
        };
        source.name = Some(policy_origin(tenancy, &path, &name.value));
        Some(LivePolicy { name, compartment_path: path, source })
    }

    fn user(&mut self, value: &Value<'t>, what: &str) -> Option<LiveUser<'t>> {
        let object = self.object(value, what)?;
        let id = self.string(object, "id", what)?;
        let name = self.string(object, "name", what)?;
        let console_password = match object.get("capabilities").map(|p| &p.value) {
            Some(Value::Object(capabilities)) => self.flag(capabilities, "can_use_console_password", what),
            Some(Value::NullKeyword(_)) | None => None,
            Some(other) => {
                self.error(json::value_span(other), format!("{what}.capabilities must be an object"));
                None
            }
        };
        let groups = self.each(object, "groups", what, |r, value, what| {
            let object = r.object(value, what)?;
            Some(Membership {
                span: json::span(object.range),
                id: r.string(object, "id", what)?,
                name: r.string(object, "name", what)?,
            })
        });
        let api_keys_span = object.get("api_keys").map_or(json::span(object.range), json::name_span);
        let api_keys = self.each(object, "api_keys", what, Self::key);
        Some(LiveUser { id, name, console_password, groups, api_keys_span, api_keys })
    }

    fn key(&mut self, value: &Value<'t>, what: &str) -> Option<LiveKey<'t>> {
        let object = self.object(value, what)?;
        let fingerprint = self.string(object, "fingerprint", what)?;
        let created = self.time(object, "created", what);
        let state = self.optional_string(object, "state", what);
        Some(LiveKey { fingerprint, created, state })
    }

    fn group(&mut self, value: &Value<'t>, what: &str) -> Option<LiveGroup<'t>> {
        let object = self.object(value, what)?;
        let id = self.string(object, "id", what)?;
        let name = self.string(object, "name", what)?;
        let members_span = object.get("members").map_or(json::span(object.range), json::name_span);
        let members = self.each(object, "members", what, |r, value, what| {
            let object = r.object(value, what)?;
            Some(Member {
                span: json::span(object.range),
                user_id: r.string(object, "user_id", what)?,
                user_name: r.optional_string(object, "user_name", what),
            })
        });
        Some(LiveGroup { id, name, members_span, members })
    }

    fn expected_policy(&mut self, value: &Value<'t>, what: &str) -> Option<ExpectedPolicy<'t>> {
        let object = self.object(value, what)?;
        let name = self.string(object, "name", what)?;
        let file = self.optional_string(object, "file", what);
        let statements = self.each(object, "statements", what, |r, value, what| r.string_value(value, what));
        Some(ExpectedPolicy { name, file, statements })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::SpanMap;
    use crate::syntax::oci::parser::parse_statement;

    fn named(text: &str, domain: Option<&str>) -> bool {
        let map = SpanMap::Offset(0);
        let statement = parse_statement(text, &map).unwrap();
        names_group(&statement, domain, "vendor", Some("ocid1.group.oc1..v"))
    }

    #[test]
    fn unqualified_names_mean_the_default_domain() {
        let named = |text: &str| named(text, None);
        assert!(named("Allow group Vendor to read metrics in tenancy"));
        assert!(named("Allow group 'Default'/'vendor' to read metrics in tenancy"));
        assert!(named("Allow group default/vendor to read metrics in tenancy"));
        assert!(named("Allow group id ocid1.group.oc1..v to read metrics in tenancy"));
        assert!(named("endorse group vendor to read objects in tenancy usage-report"));
        assert!(!named("Allow group 'Other'/'vendor' to read metrics in tenancy"));
        assert!(!named("Allow group admins to read metrics in tenancy"));
        assert!(!named(
            "define tenancy usage-report as ocid1.tenancy.oc1..aaaaaaaaned4fkpkisbwjlr56u7cj63lf3wffbilvqknstgtvzub7vhqkggq"
        ));
        assert!(!named("admit group vendor of tenancy x to read objects in tenancy"));
    }

    #[test]
    fn a_domain_group_is_named_only_with_its_domain() {
        let named = |text: &str| named(text, Some("Finance"));
        assert!(named("Allow group 'Finance'/'vendor' to read metrics in tenancy"));
        assert!(named("Allow group 'finance'/'Vendor' to read metrics in tenancy"));
        assert!(named("Allow group admins, Finance/vendor to read metrics in tenancy"));
        assert!(named("Allow group id ocid1.group.oc1..v to read metrics in tenancy"));
        // The Default domain's group of the same name is another group.
        assert!(!named("Allow group vendor to read metrics in tenancy"));
        assert!(!named("Allow group 'Default'/'vendor' to read metrics in tenancy"));
        assert!(!named("Allow group 'Finance'/'admins' to read metrics in tenancy"));
        assert!(!named("Allow group 'Marketing'/'vendor' to read metrics in tenancy"));
    }
}

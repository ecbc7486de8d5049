//! An identity domain's own API: SCIM 2.0 at the domain's URL (`<url>/admin/v1/…`), read with the
//! same signed GETs as the Identity API ([`Client::get`]). Users, groups and API keys of any
//! domain but Default are reachable only here.
//!
//! Paths, query parameters and attribute names are those of Oracle's Identity Domains API (the
//! Python SDK's `oci.identity_domains` `list_groups`, `list_users`, `list_api_keys` and their
//! models): lists page with `startIndex` (1-based) and `count` (at most 1000) and answer
//! `{totalResults, startIndex, itemsPerPage, Resources}`; an attribute marked `returned: request`
//! (a group's `members`, a user's `groups`, its last login) comes back only when `attributes`
//! names it, and naming any attribute limits the answer to those named. A user's API keys are
//! searched with `filter=user.ocid eq "<ocid>"`, as the CIS OCI Foundations Benchmark's audit
//! procedure for "only one active API key per user" (1.17) does in each identity domain.

use super::client::{Capabilities, Client, Error, MAX_PAGES, Result, join, signed_base};
use reqwest::Url;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// The operations, named as errors show them (each ends with [`super::client::DOMAIN_API`]).
const LIST_GROUPS: &str = "ListGroups (identity domain)";
const LIST_USERS: &str = "ListUsers (identity domain)";
const LIST_API_KEYS: &str = "ListApiKeys (identity domain)";

/// The largest page the API serves.
const PAGE_COUNT: &str = "1000";

/// What the audit reads of a group: its name, OCID and members.
const GROUP_ATTRIBUTES: &str = "displayName,ocid,members";

/// What the audit reads of a user: who it is, whether it is active, its groups, what it may sign
/// in with, MFA enrolment and last login — nothing of its profile.
const USER_ATTRIBUTES: &str = concat!(
    "userName,ocid,active,groups,",
    "urn:ietf:params:scim:schemas:oracle:idcs:extension:capabilities:User:canUseConsolePassword,",
    "urn:ietf:params:scim:schemas:oracle:idcs:extension:capabilities:User:canUseApiKeys,",
    "urn:ietf:params:scim:schemas:oracle:idcs:extension:capabilities:User:canUseAuthTokens,",
    "urn:ietf:params:scim:schemas:oracle:idcs:extension:capabilities:User:canUseSmtpCredentials,",
    "urn:ietf:params:scim:schemas:oracle:idcs:extension:capabilities:User:canUseCustomerSecretKeys,",
    "urn:ietf:params:scim:schemas:oracle:idcs:extension:capabilities:User:canUseOAuth2ClientCredentials,",
    "urn:ietf:params:scim:schemas:oracle:idcs:extension:capabilities:User:canUseDbCredentials,",
    "urn:ietf:params:scim:schemas:oracle:idcs:extension:mfa:User:mfaStatus,",
    "urn:ietf:params:scim:schemas:oracle:idcs:extension:userState:User:lastSuccessfulLoginDate"
);

/// What the audit reads of an API key: its fingerprint and when it was added (not the key).
const KEY_ATTRIBUTES: &str = "fingerprint,meta";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListResponse<T> {
    total_results: usize,
    #[serde(rename = "Resources", default = "Vec::new")]
    resources: Vec<T>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub ocid: String,
    pub display_name: String,
    #[serde(default)]
    pub members: Vec<Member>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// The member's SCIM id.
    pub value: String,
    pub ocid: Option<String>,
    /// `User` (groups hold users only, but the type says so).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The user's name (`userName`).
    pub name: Option<String>,
    pub display: Option<String>,
}

impl Member {
    pub fn is_user(&self) -> bool {
        self.kind.as_deref().is_none_or(|k| k.eq_ignore_ascii_case("User"))
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub ocid: String,
    pub user_name: String,
    pub active: Option<bool>,
    #[serde(default)]
    pub groups: Vec<GroupRef>,
    #[serde(rename = "urn:ietf:params:scim:schemas:oracle:idcs:extension:capabilities:User")]
    pub capabilities: Option<Capabilities>,
    #[serde(rename = "urn:ietf:params:scim:schemas:oracle:idcs:extension:mfa:User")]
    pub mfa: Option<Mfa>,
    #[serde(rename = "urn:ietf:params:scim:schemas:oracle:idcs:extension:userState:User")]
    pub state: Option<UserState>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupRef {
    pub value: String,
    pub ocid: Option<String>,
    pub display: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Mfa {
    /// `ENROLLED`, `IGNORED` or `DISABLED`.
    pub mfa_status: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserState {
    pub last_successful_login_date: Option<String>,
}

/// An API key; the public key itself is not kept. The SCIM API lists only keys that can sign.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    pub fingerprint: String,
    pub meta: Option<Meta>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    pub created: Option<String>,
}

/// One identity domain's SCIM API, read through `client`.
pub struct Scim<'c> {
    client: &'c Client,
    base: Url,
}

impl<'c> Scim<'c> {
    /// The SCIM API of the domain whose URL (ListDomains `url`) is `url`; like every endpoint,
    /// https, or http to a loopback address only.
    pub fn new(client: &'c Client, url: &str) -> std::result::Result<Self, String> {
        Ok(Self { client, base: signed_base(url)? })
    }

    /// The group named `name` (OCI compares group names without regard to case, as does the
    /// filter on `displayName`), with its members.
    pub fn group(&self, name: &str) -> Result<Option<Group>> {
        let filter = eq("displayName", name);
        let groups: Vec<Group> = self.list(LIST_GROUPS, "Groups", &filter, GROUP_ATTRIBUTES)?;
        Ok(groups.into_iter().find(|g| g.display_name.eq_ignore_ascii_case(name)))
    }

    /// The user whose OCID is `ocid`.
    pub fn user(&self, ocid: &str) -> Result<Option<User>> {
        let users: Vec<User> = self.list(LIST_USERS, "Users", &eq("ocid", ocid), USER_ATTRIBUTES)?;
        Ok(users.into_iter().find(|u| u.ocid == ocid))
    }

    /// The API keys of the user whose OCID is `ocid`.
    pub fn api_keys(&self, ocid: &str) -> Result<Vec<ApiKey>> {
        self.list(LIST_API_KEYS, "ApiKeys", &eq("user.ocid", ocid), KEY_ATTRIBUTES)
    }

    /// Every page of a search of `resource`, following `startIndex` to `totalResults`.
    fn list<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        resource: &str,
        filter: &str,
        attributes: &str,
    ) -> Result<Vec<T>> {
        let mut items = Vec::new();
        for _ in 0..MAX_PAGES {
            let start = (items.len() + 1).to_string();
            let query =
                [("filter", filter), ("attributes", attributes), ("startIndex", start.as_str()), ("count", PAGE_COUNT)];
            let reply = self.client.get(operation, join(&self.base, &["admin", "v1", resource], &query))?;
            let page: ListResponse<T> = reply.decode(operation)?;
            let empty = page.resources.is_empty();
            items.extend(page.resources);
            if items.len() >= page.total_results {
                return Ok(items);
            }
            if empty {
                return Err(Error::Response {
                    operation,
                    detail: format!("an empty page at item {start} of {}", page.total_results),
                    request_id: reply.request_id,
                });
            }
        }
        Err(Error::Response { operation, detail: format!("more than {MAX_PAGES} pages"), request_id: None })
    }
}

/// A SCIM filter `attribute eq "value"` (RFC 7644 §3.4.2.2), the value a JSON string.
fn eq(attribute: &str, value: &str) -> String {
    format!("{attribute} eq {}", serde_json::Value::String(value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::oci::client::DOMAIN_API;

    #[test]
    fn operations_say_they_are_a_domain_s() {
        for operation in [LIST_GROUPS, LIST_USERS, LIST_API_KEYS] {
            assert!(operation.ends_with(DOMAIN_API), "{operation}");
        }
    }

    #[test]
    fn filter_values_are_json_strings() {
        assert_eq!(eq("displayName", "vendor"), r#"displayName eq "vendor""#);
        assert_eq!(eq("displayName", r#"a"b\c"#), r#"displayName eq "a\"b\\c""#);
    }

    #[test]
    fn users_read_their_extensions() {
        let text = r#"{"ocid": "ocid1.user.oc1..u", "userName": "api", "active": true,
            "groups": [{"value": "g1", "ocid": "ocid1.group.oc1..g", "display": "vendor"}],
            "urn:ietf:params:scim:schemas:oracle:idcs:extension:capabilities:User": {"canUseConsolePassword": true, "canUseApiKeys": true},
            "urn:ietf:params:scim:schemas:oracle:idcs:extension:mfa:User": {"mfaStatus": "ENROLLED"},
            "urn:ietf:params:scim:schemas:oracle:idcs:extension:userState:User": {"lastSuccessfulLoginDate": "2026-05-01T00:00:00Z"}}"#;
        let user: User = serde_json::from_str(text).unwrap();
        assert_eq!(user.capabilities.unwrap().can_use_console_password, Some(true));
        assert_eq!(user.mfa.unwrap().mfa_status.as_deref(), Some("ENROLLED"));
        assert_eq!(user.state.unwrap().last_successful_login_date.as_deref(), Some("2026-05-01T00:00:00Z"));
        assert_eq!(user.groups[0].display.as_deref(), Some("vendor"));
    }
}

//! The vendor's group, its members and the vendor's users, read from the identity domain the
//! group lives in: the Default domain through the Identity API ([`classic`]), any other through
//! the domain's SCIM API ([`domain`]).
//!
//! The Identity API serves the Default domain whether or not a tenancy has identity domains, with
//! the permissions an audit already needs, so the Default domain keeps using it; the SCIM API is
//! the only way to the users and groups of other domains.

use super::Target;
use super::client::{self, Client, Domain, Members};
use super::scim::{self, Scim};
use crate::audit::snapshot::{KeyEntry, MemberEntry, NamedRef, UserEntry};
use std::collections::HashMap;

/// The group every user of an identity domain belongs to: the domain adds each user and nobody
/// can take one out, so the Console does not list it among a user's groups, nor does the audit.
const ALL_DOMAIN_USERS: &str = "All-Domain-Users";

/// What the audit reads of the vendor's identity domain.
pub(super) struct Directory {
    pub group: NamedRef,
    pub members: Vec<MemberEntry>,
    pub users: Vec<UserEntry>,
}

/// The vendor group of the Default domain, through the Identity API; `tenancy` names the tenancy
/// in errors.
pub(super) fn classic(client: &Client, tenancy_id: &str, tenancy: &str, target: &Target) -> Result<Directory, String> {
    let fail = |e: client::Error| e.to_string();
    let groups = client.list_groups(tenancy_id).map_err(fail)?;
    let Some(group) = groups.iter().find(|g| g.name.eq_ignore_ascii_case(&target.group)) else {
        return Err(format!(
            "tenancy {tenancy} ({tenancy_id}) has no group named `{}` in its Default identity domain; name the vendor's group with --group (DOMAIN/GROUP for a group of another identity domain)",
            target.group
        ));
    };
    let active = |state: &Option<String>| state.as_deref().is_none_or(|s| s.eq_ignore_ascii_case("ACTIVE"));
    let members: Vec<String> = client
        .list_memberships(tenancy_id, Members::OfGroup(&group.id))
        .map_err(fail)?
        .into_iter()
        .filter(|m| active(&m.lifecycle_state))
        .map(|m| m.user_id)
        .collect();
    let group_names: HashMap<&str, &str> = groups.iter().map(|g| (g.id.as_str(), g.name.as_str())).collect();
    let mut users = Vec::new();
    for id in vendor_users(target, &members) {
        let user = client.get_user(&id).map_err(fail)?;
        let keys = client.list_api_keys(&id).map_err(fail)?;
        let groups: Vec<NamedRef> = client
            .list_memberships(tenancy_id, Members::OfUser(&id))
            .map_err(fail)?
            .into_iter()
            .filter(|m| active(&m.lifecycle_state))
            .map(|m| NamedRef {
                name: group_names.get(m.group_id.as_str()).unwrap_or(&"?").to_string(),
                id: m.group_id,
            })
            .collect();
        users.push(UserEntry {
            id: user.id,
            name: user.name,
            state: user.lifecycle_state,
            capabilities: user.capabilities.unwrap_or_default(),
            mfa_activated: user.is_mfa_activated,
            last_successful_login: user.last_successful_login_time,
            groups,
            api_keys: keys
                .into_iter()
                .map(|k| KeyEntry { fingerprint: k.fingerprint, created: k.time_created, state: k.lifecycle_state })
                .collect(),
        });
    }
    let mut entries = Vec::new();
    for id in members {
        let name = match users.iter().find(|u| u.id == id) {
            Some(user) => user.name.clone(),
            None => client.get_user(&id).map_err(fail)?.name,
        };
        entries.push(MemberEntry { user_id: id, user_name: Some(name) });
    }
    Ok(finish(NamedRef { id: group.id.clone(), name: group.name.clone() }, entries, users))
}

/// The vendor group of identity domain `domain`, through its SCIM API. Users and groups are
/// identified by their OCIDs, as policies and `--user` name them.
pub(super) fn domain(client: &Client, domain: &Domain, target: &Target) -> Result<Directory, String> {
    let fail = |e: client::Error| e.to_string();
    let scim = Scim::new(client, &domain.url).map_err(|e| format!("identity domain `{}`: {e}", domain.display_name))?;
    let Some(group) = scim.group(&target.group).map_err(fail)? else {
        return Err(format!(
            "identity domain `{}` has no group named `{}`; name the vendor's group with --group DOMAIN/GROUP",
            domain.display_name, target.group
        ));
    };
    let members: Vec<&scim::Member> = group.members.iter().filter(|m| m.is_user()).collect();
    let member_ids: Vec<String> = members.iter().map(|m| member_id(m).to_string()).collect();
    let mut users = Vec::new();
    for id in vendor_users(target, &member_ids) {
        let Some(user) = scim.user(&id).map_err(fail)? else {
            return Err(format!("identity domain `{}` has no user with OCID {id}", domain.display_name));
        };
        let keys = scim.api_keys(&id).map_err(fail)?;
        users.push(user_entry(user, keys));
    }
    let entries = members
        .iter()
        .map(|member| {
            let id = member_id(member);
            let name = match users.iter().find(|u| u.id == id) {
                Some(user) => Some(user.name.clone()),
                None => member.name.clone().or_else(|| member.display.clone()),
            };
            MemberEntry { user_id: id.to_string(), user_name: name }
        })
        .collect();
    Ok(finish(NamedRef { id: group.ocid, name: group.display_name }, entries, users))
}

/// A member by OCID; by SCIM id only if the domain gave no OCID.
fn member_id(member: &scim::Member) -> &str {
    member.ocid.as_deref().unwrap_or(&member.value)
}

fn user_entry(user: scim::User, keys: Vec<scim::ApiKey>) -> UserEntry {
    let groups = user
        .groups
        .into_iter()
        .filter(|g| g.display.as_deref().is_none_or(|name| !name.eq_ignore_ascii_case(ALL_DOMAIN_USERS)))
        .map(|g| NamedRef { name: g.display.unwrap_or_else(|| "?".into()), id: g.ocid.unwrap_or(g.value) })
        .collect();
    UserEntry {
        id: user.ocid,
        name: user.user_name,
        // The Identity API's lifecycle states for what SCIM says as `active`.
        state: user.active.map(|active| if active { "ACTIVE" } else { "INACTIVE" }.to_string()),
        capabilities: user.capabilities.unwrap_or_default(),
        mfa_activated: user.mfa.and_then(|m| m.mfa_status).map(|s| s.eq_ignore_ascii_case("ENROLLED")),
        last_successful_login: user.state.and_then(|s| s.last_successful_login_date),
        groups,
        api_keys: keys
            .into_iter()
            .map(|k| KeyEntry { fingerprint: k.fingerprint, created: k.meta.and_then(|m| m.created), state: None })
            .collect(),
    }
}

/// The users audited as the vendor's: the one named, else every member of the group.
fn vendor_users(target: &Target, members: &[String]) -> Vec<String> {
    match &target.user {
        Some(user) => vec![user.clone()],
        None => members.to_vec(),
    }
}

/// The directory in a stable order: users and members by name, each user's groups by name.
fn finish(group: NamedRef, mut members: Vec<MemberEntry>, mut users: Vec<UserEntry>) -> Directory {
    for user in &mut users {
        user.groups.sort_by(|a, b| a.name.cmp(&b.name));
    }
    users.sort_by(|a, b| a.name.cmp(&b.name));
    members.sort_by(|a, b| a.user_name.cmp(&b.user_name));
    Directory { group, members, users }
}

//! Reading the vendor's roles and users out of an account into a snapshot document.

use super::client::{self, Iam, Principal};
use super::snapshot::{
    AccessKeyEntry, AwsBody, AwsVendor, Console, ExpectedEntry, ExternalIdDigest, Grants, InlinePolicy, ManagedPolicy,
    PolicyText, RoleEntry, RoleLastUsed, Tag, UserEntry,
};
use crate::audit::snapshot::{Account, Document, Expected};
use crate::syntax::{aws, json};
use aws_sdk_iam::primitives::{DateTime, DateTimeFormat};
use aws_sdk_iam::types::{AttachedPolicy, RoleDetail};
use futures_util::future::try_join;
use futures_util::{StreamExt, TryFutureExt, TryStreamExt, stream};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Requests in flight at once: enough to read a few hundred policies in seconds, few enough that
/// IAM's per-account rate limit is not the one reading them.
const CONCURRENCY: usize = 8;

/// What the audit looks for in the account.
#[derive(Clone, Debug, Default)]
pub struct Target {
    /// Roles by name or ARN (`--role`).
    pub roles: Vec<String>,
    /// Every role whose trust policy names this account (`--all-roles-trusting`).
    pub trusting: Option<String>,
    /// Legacy users by name (`--user`).
    pub users: Vec<String>,
    pub profile: Option<String>,
    /// The vendor's account, for the snapshot: `trusting`, else the profile's.
    pub vendor_account: Option<String>,
    /// `--external-id`; only its digest reaches the snapshot.
    pub external_id: Option<String>,
    pub expected: Option<Expected<ExpectedEntry>>,
}

impl Target {
    /// The vendor as the snapshot names it.
    pub fn vendor(&self) -> AwsVendor {
        AwsVendor {
            profile: self.profile.clone(),
            account: self.trusting.clone().or_else(|| self.vendor_account.clone()),
            external_id: self.external_id.as_deref().map(ExternalIdDigest::of),
        }
    }
}

/// A role or user read, before its managed policies' documents are.
struct Read<E> {
    entry: E,
    attached: Vec<AttachedPolicy>,
}

/// Reads the target's roles and users, read-only, into a snapshot document.
pub async fn fetch(iam: &Iam, target: Target) -> Result<Document<AwsBody>, String> {
    let fail = |e: client::Error| e.to_string();
    let caller = iam.get_caller_identity().await.map_err(fail)?;
    let account = caller.account;
    // Checked before anything else is read: a role ARN of another account is a usage error.
    let names: Vec<String> = target.roles.iter().map(|r| role_name(r, &account)).collect::<Result<_, _>>()?;
    let (aliases, summary) = try_join(iam.list_account_aliases(), iam.get_account_summary()).await.map_err(fail)?;
    let quotas = summary.into_iter().filter(|(name, _)| name.ends_with("Quota")).collect();

    let mut known_documents = BTreeMap::new();
    let mut roles = match &target.trusting {
        Some(vendor) => {
            let details = iam.get_account_authorization_details().await.map_err(fail)?;
            for policy in &details.policies {
                let default = policy.policy_version_list().iter().find(|v| v.is_default_version());
                if let (Some(arn), Some(version), Some(document)) =
                    (policy.arn(), default.and_then(|v| v.version_id()), default.and_then(|v| v.document()))
                {
                    let document = decode_document(document).map_err(|e| format!("policy {arn}: {e}"))?;
                    known_documents.insert(arn.to_string(), (version.to_string(), document));
                }
            }
            let mut roles = Vec::new();
            for detail in details.roles {
                if let Some(read) = role_from_details(detail, vendor)? {
                    roles.push(read);
                }
            }
            roles
        }
        None => stream::iter(names.iter().map(|name| read_role(iam, name))).buffered(CONCURRENCY).try_collect().await?,
    };
    let mut users: Vec<Read<UserEntry>> =
        stream::iter(target.users.iter().map(|name| read_user(iam, name))).buffered(CONCURRENCY).try_collect().await?;

    // Each managed policy once, however many of the vendor's roles carry it.
    let arns: BTreeSet<String> = roles
        .iter()
        .flat_map(|r| &r.attached)
        .chain(users.iter().flat_map(|u| &u.attached))
        .filter_map(|p| p.policy_arn().map(str::to_string))
        .filter(|arn| !known_documents.contains_key(arn))
        .collect();
    let fetched: Vec<(String, (String, String))> = stream::iter(arns.into_iter().map(|arn| async move {
        let version = iam.get_policy_default_version(&arn).await.map_err(fail)?;
        let document = iam.get_policy_version(&arn, &version).await.map_err(fail)?;
        let document = decode_document(&document).map_err(|e| format!("policy {arn}: {e}"))?;
        Ok::<_, String>((arn, (version, document)))
    }))
    .buffered(CONCURRENCY)
    .try_collect()
    .await?;
    known_documents.extend(fetched);
    for role in &mut roles {
        role.entry.grants.managed_policies = managed(&role.attached, &known_documents);
    }
    for user in &mut users {
        user.entry.grants.managed_policies = managed(&user.attached, &known_documents);
    }

    let mut roles: Vec<RoleEntry> = roles.into_iter().map(|r| r.entry).collect();
    roles.sort_by(|a, b| a.name.cmp(&b.name));
    let body = AwsBody {
        vendor: target.vendor(),
        quotas,
        roles,
        users: users.into_iter().map(|u| u.entry).collect(),
        expected: target.expected,
        error: None,
    };
    let account = Account { id: account, name: aliases.into_iter().next(), home_region: None };
    Ok(Document::new("aws", account, body))
}

/// The role's name from `--role NAME|ARN`; an ARN must be in the audited account.
pub fn role_name(role: &str, account: &str) -> Result<String, String> {
    if !role.starts_with("arn:") {
        return Ok(role.to_string());
    }
    let fields: Vec<&str> = role.splitn(6, ':').collect();
    let ["arn", _, "iam", "", arn_account, resource] = fields.as_slice() else {
        return Err(format!("--role {role}: not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)"));
    };
    let Some(path) = resource.strip_prefix("role/") else {
        return Err(format!("--role {role}: not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)"));
    };
    if arn_account != &account {
        return Err(format!(
            "--role {role} is in account {arn_account}, but the credentials are for account {account}"
        ));
    }
    Ok(path.rsplit('/').next().unwrap_or(path).to_string())
}

async fn read_role(iam: &Iam, name: &str) -> Result<Read<RoleEntry>, String> {
    let fail = |e: client::Error| e.to_string();
    let role = iam.get_role(name).await.map_err(fail)?;
    let trust = role.assume_role_policy_document().unwrap_or_default();
    let trust = decode_document(trust).map_err(|e| format!("role {name}: trust policy: {e}"))?;
    let who = Principal::Role(name);
    let (inline, attached) = try_join(read_inline(iam, who), iam.list_attached_policies(who).map_err(fail)).await?;
    let last_used = role.role_last_used().filter(|u| u.last_used_date().is_some() || u.region().is_some());
    let entry = RoleEntry {
        name: role.role_name().to_string(),
        arn: role.arn().to_string(),
        path: role.path().to_string(),
        created: time(Some(role.create_date())),
        max_session_duration: role.max_session_duration(),
        last_used: last_used
            .map(|u| RoleLastUsed { date: time(u.last_used_date()), region: u.region().map(str::to_string) }),
        trust_policy: PolicyText(trust),
        grants: Grants {
            permissions_boundary: role
                .permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn())
                .map(Into::into),
            tags: tags(role.tags()),
            inline_policies: inline,
            managed_policies: Vec::new(),
        },
    };
    Ok(Read { entry, attached })
}

async fn read_user(iam: &Iam, name: &str) -> Result<Read<UserEntry>, String> {
    let fail = |e: client::Error| e.to_string();
    let user = iam.get_user(name).await.map_err(fail)?;
    let who = Principal::User(name);
    let (inline, attached) = try_join(read_inline(iam, who), iam.list_attached_policies(who).map_err(fail)).await?;
    let (keys, console) = try_join(iam.list_access_keys(name), iam.get_login_profile(name)).await.map_err(fail)?;
    let access_keys = stream::iter(keys.iter().map(|key| async move {
        let id = key.access_key_id().unwrap_or_default();
        let last_used = iam.get_access_key_last_used(id).await.map_err(fail)?;
        // IAM answers `N/A` for a key never used.
        let service = last_used.as_ref().map(|u| u.service_name()).filter(|s| !s.is_empty() && *s != "N/A");
        Ok::<_, String>(AccessKeyEntry {
            id: id.to_string(),
            status: key.status().map_or("Active", |s| s.as_str()).to_string(),
            created: time(key.create_date()),
            last_used: time(last_used.as_ref().and_then(|u| u.last_used_date())),
            last_used_service: service.map(str::to_string),
        })
    }))
    .buffered(CONCURRENCY)
    .try_collect()
    .await?;
    let entry = UserEntry {
        name: user.user_name().to_string(),
        arn: user.arn().to_string(),
        path: user.path().to_string(),
        created: time(Some(user.create_date())),
        password_last_used: time(user.password_last_used()),
        console: console.map(|c| Console {
            created: time(Some(c.create_date())),
            password_reset_required: c.password_reset_required(),
        }),
        access_keys,
        grants: Grants {
            permissions_boundary: user
                .permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn())
                .map(Into::into),
            tags: tags(user.tags()),
            inline_policies: inline,
            managed_policies: Vec::new(),
        },
    };
    Ok(Read { entry, attached })
}

/// A role's or user's inline policies, each decoded, by name.
async fn read_inline(iam: &Iam, who: Principal<'_>) -> Result<Vec<InlinePolicy>, String> {
    let fail = |e: client::Error| e.to_string();
    let mut names = iam.list_inline_policies(who).await.map_err(fail)?;
    names.sort();
    stream::iter(names.into_iter().map(|name| async move {
        let document = iam.get_inline_policy(who, &name).await.map_err(fail)?;
        let document = decode_document(&document).map_err(|e| format!("inline policy {name}: {e}"))?;
        Ok(InlinePolicy { name, document: PolicyText(document) })
    }))
    .buffered(CONCURRENCY)
    .try_collect()
    .await
}

/// A role from GetAccountAuthorizationDetails, if its trust policy lets `vendor` assume it.
fn role_from_details(detail: RoleDetail, vendor: &str) -> Result<Option<Read<RoleEntry>>, String> {
    let name = detail.role_name().unwrap_or_default().to_string();
    let trust = decode_document(detail.assume_role_policy_document().unwrap_or_default())
        .map_err(|e| format!("role {name}: trust policy: {e}"))?;
    if !trusts(&trust, vendor) {
        return Ok(None);
    }
    let mut inline = Vec::new();
    for policy in detail.role_policy_list() {
        let policy_name = policy.policy_name().unwrap_or_default().to_string();
        let document = decode_document(policy.policy_document().unwrap_or_default())
            .map_err(|e| format!("role {name}: inline policy {policy_name}: {e}"))?;
        inline.push(InlinePolicy { name: policy_name, document: PolicyText(document) });
    }
    inline.sort_by(|a, b| a.name.cmp(&b.name));
    let last_used = detail.role_last_used().filter(|u| u.last_used_date().is_some() || u.region().is_some());
    let entry = RoleEntry {
        arn: detail.arn().unwrap_or_default().to_string(),
        path: detail.path().unwrap_or("/").to_string(),
        created: time(detail.create_date()),
        // GetAccountAuthorizationDetails does not report it.
        max_session_duration: None,
        last_used: last_used
            .map(|u| RoleLastUsed { date: time(u.last_used_date()), region: u.region().map(str::to_string) }),
        trust_policy: PolicyText(trust),
        grants: Grants {
            permissions_boundary: detail
                .permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn())
                .map(Into::into),
            tags: tags(detail.tags()),
            inline_policies: inline,
            managed_policies: Vec::new(),
        },
        name,
    };
    Ok(Some(Read { attached: detail.attached_managed_policies().to_vec(), entry }))
}

/// Whether a trust policy names `vendor`'s account in an Allow statement. A trust policy that
/// does not parse is kept when its text names the account, so that the audit reports it.
fn trusts(trust: &str, vendor: &str) -> bool {
    let document = aws::parse(trust, Some(aws::Kind::Trust));
    match &document.policy {
        Some(policy) => policy.statements.iter().filter(|s| s.allows()).any(|s| {
            s.principal.as_ref().is_some_and(|p| !p.negated && p.entries.iter().any(|e| e.account() == Some(vendor)))
        }),
        None => trust.contains(vendor),
    }
}

fn managed(attached: &[AttachedPolicy], documents: &BTreeMap<String, (String, String)>) -> Vec<ManagedPolicy> {
    let mut policies: Vec<ManagedPolicy> = attached
        .iter()
        .map(|policy| {
            let arn = policy.policy_arn().unwrap_or_default().to_string();
            let known = documents.get(&arn);
            ManagedPolicy {
                name: policy.policy_name().unwrap_or_default().to_string(),
                aws_managed: arn.split(':').nth(4) == Some("aws"),
                version: known.map(|(version, _)| version.clone()),
                document: known.map(|(_, document)| PolicyText(document.clone())),
                arn,
            }
        })
        .collect();
    policies.sort_by(|a, b| a.name.cmp(&b.name));
    policies
}

fn tags(tags: &[aws_sdk_iam::types::Tag]) -> Vec<Tag> {
    let mut tags: Vec<Tag> =
        tags.iter().map(|t| Tag { key: t.key().to_string(), value: t.value().to_string() }).collect();
    tags.sort_by(|a, b| a.key.cmp(&b.key));
    tags
}

fn time(time: Option<&DateTime>) -> Option<String> {
    time.and_then(|t| t.fmt(DateTimeFormat::DateTime).ok())
}

/// A policy document as IAM returns it — percent-encoded (RFC 3986) — decoded strictly: every
/// `%` must start an escape of two hex digits, `+` stays `+`, and the bytes must be UTF-8. Text
/// that already starts with `{` is taken as decoded (moto returns GetAccountAuthorizationDetails'
/// trust policies that way; an encoded document starts with `%7B`).
pub fn decode_document(encoded: &str) -> Result<String, String> {
    if encoded.trim_start().starts_with('{') {
        return Ok(encoded.to_string());
    }
    let bytes = encoded.as_bytes();
    for (i, _) in encoded.match_indices('%') {
        let escape = bytes.get(i + 1..i + 3);
        if !escape.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
            return Err(format!("the document is not percent-encoded: a `%` at byte {i} starts no escape"));
        }
    }
    percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .map(|text| text.into_owned())
        .map_err(|e| format!("the decoded document is not UTF-8 ({e})"))
}

/// Reads `--expect PATH`: AWS policy documents (a file or a directory of them), each named by its
/// file's stem, the name of the live policy it stands for; a trust policy matches the role's.
pub fn read_expected(path: &str) -> Result<Expected<ExpectedEntry>, String> {
    Expected::read(path, |source| {
        let file = source.path.clone();
        let value = json::parse(&source.text).map_err(|e| format!("--expect: {file}: invalid JSON: {}", e.message))?;
        if !aws::sniff(&value) {
            return Err(format!("--expect: {file} is not an AWS policy document"));
        }
        let name = Path::new(&file).file_stem().map_or(file.clone(), |s| s.to_string_lossy().into_owned());
        Ok(vec![ExpectedEntry { name, file, document: PolicyText(source.text) }])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_decode_strictly() {
        let encoded = "%7B%22Version%22%3A%20%222012-10-17%22%2C%0A%20%22Sid%22%3A%20%22a%2Bb%25c%20%C3%A9%22%7D";
        assert_eq!(decode_document(encoded).unwrap(), "{\"Version\": \"2012-10-17\",\n \"Sid\": \"a+b%c é\"}");
        // `+` is a plus, not a space: RFC 3986, not form encoding.
        assert_eq!(decode_document("%7B%22a+b%22%7D").unwrap(), "{\"a+b\"}");
        assert!(decode_document("%7B%ZZ%7D").unwrap_err().contains("byte 3"));
        assert!(decode_document("%7B%2").unwrap_err().contains("starts no escape"));
        assert!(decode_document("%7B%FF%7D").unwrap_err().contains("not UTF-8"));
        // moto's GetAccountAuthorizationDetails trust policies come decoded.
        assert_eq!(decode_document(" {\"a\": \"100%\"}").unwrap(), " {\"a\": \"100%\"}");
    }

    #[test]
    fn role_arns_name_the_role() {
        assert_eq!(role_name("DigiUsher-ReadAccess", "123456789012").unwrap(), "DigiUsher-ReadAccess");
        assert_eq!(role_name("arn:aws:iam::123456789012:role/vendors/DigiUsher", "123456789012").unwrap(), "DigiUsher");
        assert!(
            role_name("arn:aws:iam::999988887777:role/DigiUsher", "123456789012").unwrap_err().contains("999988887777")
        );
        assert!(
            role_name("arn:aws:iam::123456789012:user/x", "123456789012").unwrap_err().contains("not an IAM role ARN")
        );
    }

    #[test]
    fn vendor_trust_is_recognised() {
        let trust = |principal: &str| {
            format!(r#"{{"Statement": [{{"Effect": "Allow", "Principal": {principal}, "Action": "sts:AssumeRole"}}]}}"#)
        };
        assert!(trusts(&trust(r#"{"AWS": "arn:aws:iam::058264546051:root"}"#), "058264546051"));
        assert!(trusts(&trust(r#"{"AWS": ["111122223333", "058264546051"]}"#), "058264546051"));
        assert!(!trusts(&trust(r#"{"Service": "ec2.amazonaws.com"}"#), "058264546051"));
        assert!(!trusts(&trust(r#"{"AWS": "arn:aws:iam::123456789012:root"}"#), "058264546051"));
    }
}

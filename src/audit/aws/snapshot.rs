//! What `grantlint audit aws` writes after the shared envelope (`"cloud": "aws"`). The format,
//! and how it reads back, is described in `syntax::snapshot::aws`.

use crate::audit::snapshot::Expected;
use crate::syntax::snapshot::aws::sha256_hex;
pub use crate::syntax::snapshot::aws::{EntityKind, entity_origin};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// What an AWS snapshot holds besides the envelope.
#[derive(Debug, Serialize)]
pub struct AwsBody {
    pub vendor: AwsVendor,
    pub quotas: BTreeMap<String, i64>,
    pub roles: Vec<RoleEntry>,
    pub users: Vec<UserEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<Expected<ExpectedEntry>>,
    /// Why an organisation's audit could not read the account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What most accounts of an organisation hold (`"organization"`, added once every account is
/// read).
#[derive(Clone, Debug, Serialize)]
pub struct Majority {
    pub accounts: usize,
    pub roles: Vec<MajorityRole>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MajorityRole {
    pub name: String,
    pub fingerprint: String,
    pub accounts: usize,
    pub holding: usize,
}

#[derive(Debug, Serialize)]
pub struct AwsVendor {
    pub profile: Option<String>,
    pub account: Option<String>,
    pub external_id: Option<ExternalIdDigest>,
}

/// An ExternalId as the snapshot keeps it: enough to recognise and compare, not to reuse.
#[derive(Debug, Serialize)]
pub struct ExternalIdDigest {
    pub prefix: String,
    pub length: usize,
    pub sha256: String,
}

impl ExternalIdDigest {
    pub fn of(value: &str) -> Self {
        let length = value.chars().count();
        // Half of a short value at most, so that a prefix never is the whole value.
        let prefix = value.chars().take((length / 2).min(4)).collect();
        Self { prefix, length, sha256: sha256_hex(value) }
    }
}

#[derive(Debug, Serialize)]
pub struct RoleEntry {
    pub name: String,
    pub arn: String,
    pub path: String,
    pub created: Option<String>,
    pub max_session_duration: Option<i32>,
    pub last_used: Option<RoleLastUsed>,
    pub trust_policy: PolicyText,
    #[serde(flatten)]
    pub grants: Grants,
}

#[derive(Debug, Serialize)]
pub struct RoleLastUsed {
    pub date: Option<String>,
    pub region: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct UserEntry {
    pub name: String,
    pub arn: String,
    pub path: String,
    pub created: Option<String>,
    pub password_last_used: Option<String>,
    pub console: Option<Console>,
    pub access_keys: Vec<AccessKeyEntry>,
    #[serde(flatten)]
    pub grants: Grants,
}

#[derive(Debug, Serialize)]
pub struct Console {
    pub created: Option<String>,
    pub password_reset_required: bool,
}

#[derive(Debug, Serialize)]
pub struct AccessKeyEntry {
    pub id: String,
    pub status: String,
    pub created: Option<String>,
    pub last_used: Option<String>,
    pub last_used_service: Option<String>,
}

/// What a role or user is granted, and how it is tagged.
#[derive(Debug, Serialize)]
pub struct Grants {
    pub permissions_boundary: Option<String>,
    pub tags: Vec<Tag>,
    pub inline_policies: Vec<InlinePolicy>,
    pub managed_policies: Vec<ManagedPolicy>,
}

#[derive(Debug, Serialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Serialize)]
pub struct InlinePolicy {
    pub name: String,
    pub document: PolicyText,
}

#[derive(Debug, Serialize)]
pub struct ManagedPolicy {
    pub name: String,
    pub arn: String,
    pub aws_managed: bool,
    /// The default version, whose document this is.
    pub version: Option<String>,
    pub document: Option<PolicyText>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ExpectedEntry {
    /// The file's stem: the policy name it stands for.
    pub name: String,
    pub file: String,
    pub document: PolicyText,
}

/// A policy document's text, written into the snapshot verbatim when it is JSON (so its lines
/// are IAM's), else as a JSON string.
#[derive(Clone, Debug)]
pub struct PolicyText(pub String);

impl Serialize for PolicyText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match serde_json::value::RawValue::from_string(self.0.trim().to_string()) {
            Ok(raw) => raw.serialize(serializer),
            Err(_) => serializer.serialize_str(&self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_keep_no_more_than_half() {
        let digest = ExternalIdDigest::of("11111111-2222-4333-8444-555555555555");
        assert_eq!((digest.prefix.as_str(), digest.length), ("1111", 36));
        assert_eq!(digest.sha256.len(), 64);
        assert_eq!(ExternalIdDigest::of("abc").prefix, "a");
    }

    #[test]
    fn policy_text_is_embedded_verbatim_when_json() {
        let doc = PolicyText("{\"Version\": \"2012-10-17\",\n  \"Statement\": []}\n".into());
        assert_eq!(serde_json::to_string(&doc).unwrap(), "{\"Version\": \"2012-10-17\",\n  \"Statement\": []}");
        let broken = PolicyText("{\"Version\": ".into());
        assert_eq!(serde_json::to_string(&broken).unwrap(), "\"{\\\"Version\\\": \"");
    }
}

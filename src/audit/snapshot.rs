//! Writing a snapshot: a live audit written down as one JSON document, the envelope every cloud
//! shares with the cloud's entries after it. The format, and how it reads back, is described in
//! `syntax::snapshot`; `grantlint check` (and the audit itself) lint the written text like any
//! other source.

use crate::config::Config;
use crate::input::{self, Loaded};
use crate::source::SourceFile;
pub use crate::syntax::snapshot::{MARKER, VERSION, policy_origin};
use serde::{Deserialize, Serialize};

/// A snapshot as an audit writes it: the envelope every cloud shares, and the cloud's entries.
#[derive(Debug, Serialize)]
pub struct Document<B> {
    pub grantlint_snapshot: u32,
    pub cloud: &'static str,
    pub tool: String,
    pub fetched_at: String,
    pub account: Account,
    #[serde(flatten)]
    pub body: B,
}

/// What an OCI snapshot holds besides the envelope.
#[derive(Debug, Serialize)]
pub struct OciBody {
    pub vendor: Vendor,
    pub policies: Vec<PolicyEntry>,
    pub users: Vec<UserEntry>,
    pub groups: Vec<GroupEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<Expected<ExpectedEntry>>,
}

#[derive(Debug, Serialize)]
pub struct Account {
    pub id: String,
    /// The tenancy's name; the AWS account's alias, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub home_region: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Vendor {
    pub profile: Option<String>,
    pub group: String,
    /// The group's identity domain, when it is not the Default domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    pub user: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct PolicyEntry {
    pub id: String,
    pub name: String,
    pub compartment: CompartmentRef,
    pub description: Option<String>,
    pub statements: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct CompartmentRef {
    pub id: String,
    /// Compartment names from below the root down to this one; empty for the root.
    pub path: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct UserEntry {
    pub id: String,
    pub name: String,
    pub state: Option<String>,
    pub capabilities: Capabilities,
    pub mfa_activated: Option<bool>,
    pub last_successful_login: Option<String>,
    pub groups: Vec<NamedRef>,
    pub api_keys: Vec<KeyEntry>,
}

#[derive(Debug, Serialize)]
pub struct NamedRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct KeyEntry {
    pub fingerprint: String,
    pub created: Option<String>,
    pub state: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct GroupEntry {
    pub id: String,
    pub name: String,
    pub members: Vec<MemberEntry>,
}

#[derive(Debug, Serialize)]
pub struct MemberEntry {
    pub user_id: String,
    pub user_name: Option<String>,
}

/// The `--expect` files an audit compared against, each as `P`: what the rules read back as the
/// expected policies.
#[derive(Clone, Debug, Serialize)]
pub struct Expected<P> {
    /// The `--expect` path as given.
    pub source: String,
    pub policies: Vec<P>,
}

impl<P> Expected<P> {
    /// Reads `--expect PATH`, a file or a directory of them, each file's entries by `read`.
    pub fn read(path: &str, mut read: impl FnMut(SourceFile) -> Result<Vec<P>, String>) -> Result<Self, String> {
        let inputs = input::collect(&[path.to_string()], &Config::default(), false)?;
        let mut policies = Vec::new();
        for input in &inputs {
            let Loaded::Text(source) = input::load(input)? else {
                return Err(format!("--expect: {} is not UTF-8 text", input.path.display()));
            };
            policies.extend(read(source)?);
        }
        if policies.is_empty() {
            return Err(format!("--expect: no policy files in {path}"));
        }
        Ok(Expected { source: path.to_string(), policies })
    }
}

#[derive(Debug, Serialize)]
pub struct ExpectedEntry {
    pub name: String,
    pub file: String,
    pub statements: Vec<String>,
}

impl<B: Serialize> Document<B> {
    /// A snapshot of `account` taken now (the audit's clock, whole seconds).
    pub fn new(cloud: &'static str, account: Account, body: B) -> Self {
        let now = super::audit_time();
        // Whole seconds of a valid time are valid; keep the exact time if that ever changes.
        let fetched_at = jiff::Timestamp::from_second(now.as_second()).unwrap_or(now);
        Document {
            grantlint_snapshot: VERSION,
            cloud,
            tool: concat!("grantlint ", env!("CARGO_PKG_VERSION")).to_string(),
            fetched_at: fetched_at.to_string(),
            account,
            body,
        }
    }

    /// The document as saved: pretty JSON with a final newline.
    pub fn to_text(&self) -> String {
        #[allow(clippy::expect_used, reason = "plain data with string keys: serde_json cannot fail on it")]
        let mut text = serde_json::to_string_pretty(self).expect("a snapshot always serializes");
        text.push('\n');
        text
    }
}

/// What a user may authenticate with. Read in OCI's camelCase, written to snapshots in snake_case.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all(deserialize = "camelCase", serialize = "snake_case"))]
pub struct Capabilities {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_use_console_password: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_use_api_keys: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_use_auth_tokens: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_use_smtp_credentials: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_use_customer_secret_keys: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_use_o_auth2_client_credentials: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_use_db_credentials: Option<bool>,
}

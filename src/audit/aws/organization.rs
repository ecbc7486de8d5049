//! An organisation's audit: which accounts (`--organization`, `--accounts`, `--shard`), and each
//! account's snapshot, read through the member role assumed there.
//!
//! Each account is audited on its own: one that cannot be (AssumeRole refused, a read denied) gets
//! a snapshot holding only the reason (`error`, reported as LIVE016), and the others go on.

use super::client::{Iam, OrgAccount};
use super::fetch::{Target, fetch};
use super::snapshot::{AwsBody, Majority, MajorityRole};
use crate::audit::snapshot::{Account, Document};
use crate::syntax::aws::is_account_id;
use crate::syntax::{json, snapshot};
use std::collections::BTreeMap;

/// The session name every AssumeRole uses, so the member accounts' CloudTrail shows the audit.
pub const SESSION_NAME: &str = "grantlint-audit";
/// At most this many accounts at once (`--jobs`): each has up to 8 requests in flight.
pub const MAX_JOBS: usize = 16;

/// Which accounts to audit.
#[derive(Clone, Debug)]
pub enum Accounts {
    /// The organisation's ACTIVE accounts (organizations:ListAccounts).
    Organization,
    /// `--accounts`: a given list, without Organizations.
    Listed(Vec<String>),
}

/// How each member account is entered.
#[derive(Clone, Debug)]
pub struct MemberRole {
    /// `--member-role NAME` (a path may precede the name: `audit/ReadOnly`).
    pub name: String,
    /// `--member-external-id`, when the member role's trust policy asks for one.
    pub external_id: Option<String>,
}

/// `--shard K/N`: the K-th of N stable parts of the accounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: u64,
    pub count: u64,
}

impl Shard {
    pub fn parse(text: &str) -> Result<Shard, String> {
        let parsed = text.split_once('/').and_then(|(k, n)| Some((k.trim().parse().ok()?, n.trim().parse().ok()?)));
        match parsed {
            Some((index, count)) if count >= 1 && (1..=count).contains(&index) => Ok(Shard { index, count }),
            _ => Err(format!("--shard {text}: expected K/N with 1 ≤ K ≤ N, like 2/8")),
        }
    }

    /// Whether `account` falls in this shard: FNV-1a (64 bits) of the account ID modulo N, so an
    /// account stays in its shard whatever the other accounts are, on every machine and release.
    pub fn contains(&self, account: &str) -> bool {
        let hash =
            account.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        hash % self.count == self.index - 1
    }
}

/// Reads `--accounts FILE|ID,…`: an existing file holds account IDs one a line (blank lines and
/// `#` comments skipped), else the value is a comma-separated list. Sorted, each once.
pub fn read_accounts(value: &str) -> Result<Vec<String>, String> {
    let path = std::path::Path::new(value);
    let (text, origin) = if path.is_file() {
        let text = std::fs::read_to_string(path).map_err(|e| format!("--accounts {value}: {e}"))?;
        (text, format!("{value}: "))
    } else {
        (value.replace(',', "\n"), String::new())
    };
    let mut accounts = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let id = line.split('#').next().unwrap_or_default().trim();
        if id.is_empty() {
            continue;
        }
        if !is_account_id(id) {
            let place = if origin.is_empty() { String::new() } else { format!("{origin}line {}: ", number + 1) };
            return Err(format!("--accounts: {place}`{id}` is not a 12-digit AWS account ID"));
        }
        accounts.push(id.to_string());
    }
    if accounts.is_empty() {
        return Err(format!("--accounts {value}: no account IDs"));
    }
    accounts.sort();
    accounts.dedup();
    Ok(accounts)
}

/// The accounts to audit, sorted by ID, in `shard` when given.
pub async fn accounts(iam: &Iam, which: &Accounts, shard: Option<Shard>) -> Result<Vec<OrgAccount>, String> {
    let mut accounts: Vec<OrgAccount> = match which {
        Accounts::Organization => {
            let listed = iam.list_accounts().await.map_err(|e| e.to_string())?;
            // Suspended and closing accounts cannot be entered; ListAccounts keeps them 90 days.
            listed.into_iter().filter(|a| a.status == "ACTIVE").collect()
        }
        Accounts::Listed(ids) => {
            ids.iter().map(|id| OrgAccount { id: id.clone(), name: None, status: "ACTIVE".into() }).collect()
        }
    };
    let unique: BTreeMap<String, OrgAccount> = accounts.drain(..).map(|a| (a.id.clone(), a)).collect();
    Ok(unique.into_values().filter(|a| shard.is_none_or(|s| s.contains(&a.id))).collect())
}

/// One account's snapshot: read through the member role (the caller's own account with the
/// caller's credentials, since no member role is needed there), or the reason it could not be.
pub async fn audit_account(
    base: &Iam,
    caller: &super::client::Caller,
    account: &OrgAccount,
    role: &MemberRole,
    target: Target,
) -> Document<AwsBody> {
    let vendor = target.vendor();
    let read = async {
        if account.id == caller.account {
            return fetch(base, target).await;
        }
        let partition = caller.arn.split(':').nth(1).filter(|p| !p.is_empty()).unwrap_or("aws");
        let arn = format!("arn:{partition}:iam::{}:role/{}", account.id, role.name);
        let credentials =
            base.assume_role(&arn, SESSION_NAME, role.external_id.as_deref()).await.map_err(|e| e.to_string())?;
        let document = fetch(&base.with_credentials(credentials), target).await?;
        if document.account.id != account.id {
            return Err(format!("the credentials of {arn} are for account {}", document.account.id));
        }
        Ok(document)
    };
    let document = read.await;
    base.progress().account_done(&account.id);
    document.unwrap_or_else(|error| {
        let body = AwsBody {
            vendor,
            quotas: BTreeMap::new(),
            roles: Vec::new(),
            users: Vec::new(),
            expected: None,
            error: Some(error),
        };
        Document::new("aws", Account { id: account.id.clone(), name: account.name.clone(), home_region: None }, body)
    })
}

/// Each vendor role's versions across the accounts: per role name, how many accounts hold each
/// fingerprint.
#[derive(Debug, Default)]
pub struct Versions {
    accounts: usize,
    roles: BTreeMap<String, BTreeMap<String, usize>>,
}

impl Versions {
    /// Counts one account's snapshot `text`: each of its roles' fingerprints (none for an account
    /// that could not be audited, which is not counted).
    pub fn count(&mut self, text: &str) {
        let Ok(value) = json::parse(text) else { return };
        let read = snapshot::read(&value, text);
        let Some(aws) = read.snapshot.as_ref().and_then(|s| s.aws.as_ref()) else { return };
        if aws.error.is_some() {
            return;
        }
        self.accounts += 1;
        for role in aws.entities.iter().filter(|e| e.kind == snapshot::EntityKind::Role) {
            *self.roles.entry(role.name.value.to_string()).or_default().entry(role.fingerprint()).or_default() += 1;
        }
    }

    /// Each role's version held by more than half of the accounts holding the role; none when
    /// fewer than three accounts were audited (two that differ have no majority).
    pub fn majority(&self) -> Option<Majority> {
        if self.accounts < 3 {
            return None;
        }
        let roles = self
            .roles
            .iter()
            .filter_map(|(name, versions)| {
                let holding: usize = versions.values().sum();
                let (fingerprint, accounts) = versions.iter().max_by_key(|(_, n)| **n)?;
                (accounts * 2 > holding).then(|| MajorityRole {
                    name: name.clone(),
                    fingerprint: fingerprint.clone(),
                    accounts: *accounts,
                    holding,
                })
            })
            .collect();
        Some(Majority { accounts: self.accounts, roles })
    }
}

/// A snapshot's text with `"organization"` added as its last entry.
pub fn with_majority(text: &str, majority: &Majority) -> String {
    #[allow(clippy::expect_used, reason = "plain data with string keys: serde_json cannot fail on it")]
    let entry = serde_json::to_string_pretty(majority).expect("plain data serializes").replace('\n', "\n  ");
    let body = text.trim_end().strip_suffix('}').unwrap_or(text).trim_end();
    format!("{body},\n  \"organization\": {entry}\n}}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_accounts_stably_and_completely() {
        let ids: Vec<String> = (0..1000u64).map(|i| format!("{:012}", 100_000_000_000 + i * 7919)).collect();
        let shards: Vec<Shard> = (1..=4).map(|k| Shard::parse(&format!("{k}/4")).unwrap()).collect();
        for id in &ids {
            assert_eq!(shards.iter().filter(|s| s.contains(id)).count(), 1, "{id} in exactly one shard");
        }
        for shard in &shards {
            let size = ids.iter().filter(|id| shard.contains(id)).count();
            assert!((200..=300).contains(&size), "{shard:?}: {size} of 1000");
        }
        // Fixed by the hash, not by the run: these must never move.
        assert!(Shard::parse("1/1").unwrap().contains("123456789012"));
        let shard_of = |id: &str, n: u64| (1..=n).find(|k| Shard { index: *k, count: n }.contains(id)).unwrap();
        assert_eq!([shard_of("111111111111", 4), shard_of("222222222222", 4), shard_of("123456789012", 4)], [2, 2, 4]);
        assert_eq!([shard_of("111111111111", 3), shard_of("123456789012", 3)], [1, 3]);
        for bad in ["0/4", "5/4", "1/0", "x/2", "3"] {
            assert!(Shard::parse(bad).unwrap_err().contains("K/N"), "{bad}");
        }
    }

    #[test]
    fn account_lists_from_a_value_or_a_file() {
        assert_eq!(read_accounts("222222222222,111111111111, 111111111111").unwrap(), ["111111111111", "222222222222"]);
        assert!(read_accounts("12345").unwrap_err().contains("`12345` is not a 12-digit"));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("accounts.txt");
        std::fs::write(&file, "# production\n333333333333\n\n444444444444  # sandbox\nabc\n").unwrap();
        let error = read_accounts(file.to_str().unwrap()).unwrap_err();
        assert!(error.contains("line 5: `abc`"), "{error}");
        std::fs::write(&file, "# production\n333333333333\n\n444444444444  # sandbox\n").unwrap();
        assert_eq!(read_accounts(file.to_str().unwrap()).unwrap(), ["333333333333", "444444444444"]);
    }

    /// A snapshot of one role whose inline policy is `core`, verbatim.
    fn snapshot(account: &str, core: &str) -> String {
        format!(
            r#"{{"grantlint_snapshot": 1, "cloud": "aws", "tool": "grantlint", "fetched_at": "2026-06-01T00:00:00Z",
  "account": {{"id": "{account}"}}, "vendor": {{"profile": null, "account": null, "external_id": null}},
  "quotas": {{}}, "users": [],
  "roles": [{{"name": "DigiUsher", "arn": "arn:aws:iam::{account}:role/DigiUsher", "path": "/",
    "trust_policy": {{"Version": "2012-10-17", "Statement": []}},
    "inline_policies": [{{"name": "core", "document": {core}}}]}}]
}}
"#
        )
    }

    #[test]
    fn the_majority_is_more_than_half_of_the_accounts_holding_a_role() {
        let same = r#"{"Statement": [{"Effect": "Allow", "Action": ["ec2:Describe*"], "Resource": "*"}]}"#;
        let reindented =
            "{\n  \"Statement\": [ {\"Effect\":\"Allow\", \"Action\": [\"ec2:Describe*\"],\n \"Resource\": \"*\"}]}";
        let edited = r#"{"Statement": [{"Effect": "Allow", "Action": ["ec2:Describe*", "ec2:StopInstances"], "Resource": "*"}]}"#;
        let mut versions = Versions::default();
        versions.count(&snapshot("111111111111", same));
        versions.count(&snapshot("222222222222", edited));
        assert!(versions.majority().is_none(), "two accounts have no majority");
        versions.count(&snapshot("333333333333", reindented));
        let majority = versions.majority().unwrap();
        assert_eq!((majority.accounts, majority.roles.len()), (3, 1));
        let role = &majority.roles[0];
        assert_eq!((role.name.as_str(), role.accounts, role.holding), ("DigiUsher", 2, 3), "whitespace is no change");
        // Written into a snapshot, it reads back and LIVE017's comparison sees the edit.
        let text = with_majority(&snapshot("222222222222", edited), &majority);
        let value = json::parse(&text).unwrap();
        let read = snapshot::read(&value, &text);
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        let aws = read.snapshot.as_ref().unwrap().aws.as_ref().unwrap();
        let recorded = &aws.organization.as_ref().unwrap().roles[0];
        assert_eq!(recorded.fingerprint.value, role.fingerprint);
        assert_ne!(aws.entities[0].fingerprint(), role.fingerprint);
    }
}

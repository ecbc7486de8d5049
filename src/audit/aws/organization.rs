//! An organisation's audit: which accounts (`--organization`, `--accounts`, `--shard`), and each
//! account's snapshot, read through the member role assumed there.
//!
//! Each account is audited on its own: one that cannot be (AssumeRole refused, a read denied) gets
//! a snapshot holding only the reason (`error`, reported as LIVE016), and the others go on.

use super::client::{Iam, OrgAccount};
use super::fetch::{Target, fetch};
use super::snapshot::AwsBody;
use crate::audit::snapshot::{Account, Document};
use crate::syntax::aws::is_account_id;
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
}

//! The OCI audit: credentials ([`config`], [`keys`]), request signing ([`signer`]), the
//! read-only Identity client ([`client`]) and identity domain client ([`scim`]), and [`fetch`],
//! which turns a tenancy into a snapshot.

pub mod client;
pub mod config;
mod directory;
pub mod keys;
pub mod region;
pub mod scim;
pub mod signer;

use super::Secret;
use super::snapshot::{
    Account, CompartmentRef, Document, Expected, ExpectedEntry, GroupEntry, OciBody, PolicyEntry, Vendor,
};
use crate::span::SpanMap;
use crate::syntax::json;
use crate::syntax::oci::ast::DEFAULT_DOMAIN;
use crate::syntax::oci::parser::parse_statement;
use crate::syntax::oci::{read_json, read_text};
use crate::syntax::snapshot::oci::names_group;
use client::{Client, Compartment, Domain};
use config::{Config, KeySource};
use signer::Signer;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use zeroize::Zeroizing;

/// What the audit looks for in the tenancy.
#[derive(Debug)]
pub struct Target {
    /// The vendor's group, by name.
    pub group: String,
    /// The group's identity domain, by name; `None` for the Default domain.
    pub domain: Option<String>,
    /// The vendor's user; when absent, every member of the group is audited as one.
    pub user: Option<String>,
    pub profile: Option<String>,
    pub expected: Option<Expected<ExpectedEntry>>,
}

/// Loads the configured key and makes the request signer. `prompt` asks for a passphrase when the
/// key is encrypted and none is configured; `warn` receives problems worth telling but not fatal.
pub fn signer(
    config: &Config,
    prompt: &dyn Fn() -> Option<Secret>,
    warn: &mut dyn FnMut(String),
) -> Result<Signer, String> {
    let (text, place) = match &config.key {
        KeySource::File(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("cannot read key_file {}: {e}", path.display()))?;
            if let Some(mode) = keys::loose_permissions(path) {
                warn(format!(
                    "key_file {} is accessible to other users (mode {mode:o}); run `chmod 600 {}`",
                    path.display(),
                    path.display()
                ));
            }
            (Zeroizing::new(text), format!("key_file {}", path.display()))
        }
        KeySource::Content(content) => {
            (Zeroizing::new(content.expose().to_string()), "OCI_CLI_KEY_CONTENT".to_string())
        }
    };
    let key = match keys::parse(&text, config.pass_phrase.as_ref()) {
        Err(keys::KeyError::NeedsPassphrase) => match prompt() {
            Some(passphrase) => keys::parse(&text, Some(&passphrase)),
            None => Err(keys::KeyError::NeedsPassphrase),
        },
        other => other,
    }
    .map_err(|e| format!("{place}: {e}"))?;
    let actual = keys::fingerprint(&key);
    if actual != config.fingerprint {
        warn(format!(
            "the configured fingerprint {} is not the key's ({actual}); OCI will reject the requests as NotAuthenticated",
            config.fingerprint
        ));
    }
    Ok(Signer::new(&config.tenancy, &config.user, &config.fingerprint, key))
}

/// Reads the tenancy's grants to the vendor, read-only, into a snapshot document. With
/// `follow_home_region`, requests after the first two go to the tenancy's home region, where IAM
/// is authoritative.
pub fn fetch(
    client: &mut Client,
    tenancy_id: &str,
    target: Target,
    follow_home_region: bool,
) -> Result<Document<OciBody>, String> {
    let fail = |e: client::Error| e.to_string();
    let tenancy = client.get_tenancy(tenancy_id).map_err(fail)?;
    let regions = client.list_region_subscriptions(tenancy_id).map_err(fail)?;
    let home = regions
        .iter()
        .find(|r| r.is_home_region)
        .or_else(|| regions.iter().find(|r| Some(&r.region_key) == tenancy.home_region_key.as_ref()))
        .map(|r| r.region_name.clone());
    if let (true, Some(home)) = (follow_home_region, &home) {
        client.set_endpoint(&region::identity_endpoint(home, tenancy_id)?)?;
    }
    let compartments = client.list_compartments(tenancy_id).map_err(fail)?;
    // The domain as the tenancy spells it, which the snapshot records.
    let (directory, domain) = match &target.domain {
        None => (directory::classic(client, tenancy_id, &tenancy.name, &target)?, None),
        Some(name) => {
            let domain = find_domain(client, tenancy_id, &tenancy.name, &compartments, name)?;
            (directory::domain(client, &domain, &target)?, Some(domain.display_name))
        }
    };
    let group = &directory.group;
    let paths = compartment_paths(tenancy_id, &compartments);
    let mut policies = Vec::new();
    let compartments: Vec<&String> = paths.keys().collect();
    let listed = list_policies(client, &compartments).map_err(fail)?;
    for ((_, path), listed) in paths.iter().zip(listed) {
        for policy in listed {
            if policy.statements.iter().any(|s| mentions(s, domain.as_deref(), &group.name, &group.id)) {
                policies.push(PolicyEntry {
                    id: policy.id,
                    name: policy.name,
                    compartment: CompartmentRef { id: policy.compartment_id, path: path.clone() },
                    description: policy.description,
                    statements: policy.statements,
                });
            }
        }
    }
    policies.sort_by(|a, b| (&a.compartment.path, &a.name).cmp(&(&b.compartment.path, &b.name)));

    let account = Account { id: tenancy.id, name: Some(tenancy.name), home_region: home };
    let vendor = Vendor { profile: target.profile, group: group.name.clone(), domain, user: target.user };
    let body = OciBody {
        vendor,
        policies,
        users: directory.users,
        groups: vec![GroupEntry { id: group.id.clone(), name: group.name.clone(), members: directory.members }],
        expected: target.expected,
    };
    Ok(Document::new("oci", account, body))
}

/// The active identity domain named `name` (as policies name it: its display name, without regard
/// to case). Domains live in the root compartment unless created elsewhere, so the root's are
/// listed first and the other compartments' only when the root has no such domain.
fn find_domain(
    client: &Client,
    tenancy_id: &str,
    tenancy: &str,
    compartments: &[Compartment],
    name: &str,
) -> Result<Domain, String> {
    let fail = |e: client::Error| e.to_string();
    let Some(mut domains) = client.list_domains(tenancy_id).map_err(fail)? else {
        return Err(format!(
            "tenancy {tenancy} ({tenancy_id}) has no identity domains (ListDomains answered 404), so it has no domain `{name}`; \
             an auditing user who may not `inspect domains` gets the same answer"
        ));
    };
    let named = |domains: &[Domain]| domains.iter().find(|d| d.display_name.eq_ignore_ascii_case(name)).cloned();
    if let Some(domain) = named(&domains) {
        return Ok(domain);
    }
    for compartment in compartments {
        let found = client.list_domains(&compartment.id).map_err(fail)?.unwrap_or_default();
        if let Some(domain) = named(&found) {
            return Ok(domain);
        }
        domains.extend(found);
    }
    let mut names: Vec<&str> = domains.iter().map(|d| d.display_name.as_str()).collect();
    names.sort_unstable();
    Err(format!(
        "tenancy {tenancy} ({tenancy_id}) has no active identity domain named `{name}`; its domains: {}",
        names.join(", ")
    ))
}

/// Splits `--group`'s `DOMAIN/GROUP` (or `'DOMAIN'/'GROUP'`, as policies write it) into the
/// domain, if one is named, and the group.
pub fn parse_group(text: &str) -> Result<(Option<String>, String), String> {
    let unquote = |part: &str| -> Result<String, String> {
        let part = part.trim();
        let inner = match part.strip_prefix('\'') {
            Some(rest) => rest.strip_suffix('\'').ok_or_else(|| format!("--group `{text}`: a quote is not closed"))?,
            None => part,
        };
        if inner.is_empty() || inner.contains('\'') {
            return Err(format!("--group `{text}`: expected GROUP, DOMAIN/GROUP or 'DOMAIN'/'GROUP'"));
        }
        Ok(inner.to_string())
    };
    match text.split_once('/') {
        None => Ok((None, unquote(text)?)),
        Some((domain, group)) => Ok((Some(unquote(domain)?), unquote(group)?)),
    }
}

/// Whether `domain` names the Default domain.
pub fn is_default(domain: &str) -> bool {
    domain.eq_ignore_ascii_case(DEFAULT_DOMAIN)
}

/// Compartments whose policies are listed at once: a tenancy has hundreds of compartments, and
/// one request at a time would take minutes; a few at a time stay well under OCI's rate limits.
const POLICY_LISTS: usize = 8;

/// The policies of each compartment (same order), listed [`POLICY_LISTS`] compartments at a time;
/// the first compartment's error, if any fails.
fn list_policies(client: &Client, compartments: &[&String]) -> client::Result<Vec<Vec<client::Policy>>> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut listed: Vec<(usize, client::Result<Vec<client::Policy>>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..POLICY_LISTS.min(compartments.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(compartment) = compartments.get(i) else { return done };
                        done.push((i, client.list_policies(compartment)));
                    }
                })
            })
            .collect();
        // A worker only panics if listing does; pass the panic on rather than lose compartments.
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    listed.sort_by_key(|(i, _)| *i);
    listed.into_iter().map(|(_, policies)| policies).collect()
}

/// The root and every compartment, each with its path of names below the root, root first.
fn compartment_paths(tenancy: &str, compartments: &[Compartment]) -> BTreeMap<String, Vec<String>> {
    let by_id: HashMap<&str, &Compartment> = compartments.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut paths = BTreeMap::new();
    paths.insert(tenancy.to_string(), Vec::new());
    for compartment in compartments {
        let mut path = vec![compartment.name.clone()];
        let mut parent = compartment.compartment_id.as_str();
        // OCI nests compartments at most six deep; the bound also stops a cycle in bad data.
        for _ in 0..compartments.len() {
            if parent == tenancy {
                break;
            }
            match by_id.get(parent) {
                Some(up) => {
                    path.push(up.name.clone());
                    parent = &up.compartment_id;
                }
                None => {
                    path.push(parent.to_string());
                    break;
                }
            }
        }
        path.reverse();
        paths.insert(compartment.id.clone(), path);
    }
    paths
}

/// Whether a statement grants to the vendor group of identity domain `domain` (`None`: Default).
/// A statement that does not parse is kept when its text names the group, so that the audit
/// reports it rather than hiding it.
fn mentions(statement: &str, domain: Option<&str>, group: &str, group_id: &str) -> bool {
    let map = SpanMap::Offset(0);
    match parse_statement(statement, &map) {
        Ok(parsed) => names_group(&parsed, domain, group, Some(group_id)),
        Err(_) => statement.to_ascii_lowercase().contains(&group.to_ascii_lowercase()) || statement.contains(group_id),
    }
}

/// Reads `--expect PATH`: policy files (OCI text, one policy per file, named by the file's stem;
/// or OCI JSON), or a directory of them.
pub fn read_expected(path: &str) -> Result<Expected<ExpectedEntry>, String> {
    Expected::read(path, |source| {
        let file = source.path.clone();
        let stem = Path::new(&file).file_stem().map(|s| s.to_string_lossy().into_owned());
        let text = source.text.as_str();
        let read = if text.trim_start().starts_with(['{', '[']) {
            let value = json::parse(text).map_err(|e| format!("--expect: {file}: invalid JSON: {}", e.message))?;
            read_json(&value, text).map(|found| {
                found
                    .into_iter()
                    .map(|p| (p.name.or(stem.clone()), p.statements.into_iter().map(|s| s.text.into_owned()).collect()))
                    .collect::<Vec<_>>()
            })
        } else {
            let policy = read_text(text, stem.clone());
            Some(vec![(policy.name, policy.statements.into_iter().map(|s| s.text.into_owned()).collect())])
        };
        let Some(read) = read else {
            return Err(format!("--expect: {file} holds no OCI policy"));
        };
        read.into_iter()
            .map(|(name, statements)| {
                let name = name.ok_or_else(|| format!("--expect: {file}: a policy without a name"))?;
                Ok(ExpectedEntry { name, file: file.clone(), statements })
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compartment(id: &str, parent: &str, name: &str) -> Compartment {
        Compartment { id: id.into(), compartment_id: parent.into(), name: name.into() }
    }

    #[test]
    fn paths_walk_up_to_the_root() {
        let list = [
            compartment("c2", "c1", "prod"),
            compartment("c1", "root", "finance"),
            compartment("c3", "gone", "orphan"),
        ];
        let paths = compartment_paths("root", &list);
        assert_eq!(paths["root"], Vec::<String>::new());
        assert_eq!(paths["c2"], ["finance", "prod"]);
        assert_eq!(paths["c3"], ["gone", "orphan"]);
    }

    #[test]
    fn unparsable_statements_mentioning_the_group_are_kept() {
        let mentions = |statement| mentions(statement, None, "vendor", "ocid1.group.oc1..v");
        assert!(mentions("Allow group Vendor to read metrics in tenancy"));
        assert!(mentions("Allow group vendor to frobnicate"));
        assert!(!mentions("Allow group other to read metrics in tenancy"));
    }

    #[test]
    fn a_domain_group_is_mentioned_with_its_domain() {
        let mentions = |statement| mentions(statement, Some("Finance"), "vendor", "ocid1.group.oc1..v");
        assert!(mentions("Allow group 'Finance'/'vendor' to read metrics in tenancy"));
        assert!(!mentions("Allow group vendor to read metrics in tenancy"));
        assert!(!mentions("Allow group 'Default'/'vendor' to read metrics in tenancy"));
    }

    #[test]
    fn groups_may_name_their_domain() {
        let parse = |text| parse_group(text).unwrap();
        assert_eq!(parse("vendor"), (None, "vendor".to_string()));
        assert_eq!(parse("Finance/vendor"), (Some("Finance".to_string()), "vendor".to_string()));
        assert_eq!(parse("'Finance Team'/'vendor'"), (Some("Finance Team".to_string()), "vendor".to_string()));
        assert_eq!(parse("'Default'/'vendor'"), (Some("Default".to_string()), "vendor".to_string()));
        assert!(parse_group("'Finance/vendor").unwrap_err().contains("quote is not closed"));
        assert!(parse_group("Finance/").is_err());
        assert!(parse_group("/vendor").is_err());
    }
}

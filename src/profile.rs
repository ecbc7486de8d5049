//! Vendor profiles: what a vendor's grant must look like (`rules/profiles/*.toml`, or a user's file).

mod aws;

pub use aws::{Acceptance, AwsProfile, Exception, ExternalIdSpec, Pack, PackSpec, PolicySpec as AwsPolicySpec};

use crate::rules;
use crate::span::SpanMap;
use crate::syntax::oci::ast::Statement;
use crate::syntax::oci::normalize;
use crate::syntax::oci::parser::parse_statement;
use serde::Deserialize;
use std::path::Path;

/// Profiles compiled into grantlint, by name.
pub const BUILTIN: &[(&str, &str)] = &[("digiusher", include_str!("../rules/profiles/digiusher.toml"))];

#[derive(Debug)]
pub struct Profile {
    pub name: String,
    pub vendor: String,
    pub description: String,
    pub source: Option<String>,
    pub oci: Option<OciProfile>,
    pub aws: Option<AwsProfile>,
}

#[derive(Debug)]
pub struct OciProfile {
    pub group: String,
    pub defines: Vec<DefineSpec>,
    pub policies: Vec<PolicySpec>,
    expected: Vec<ExpectedStatement>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefineSpec {
    pub kind: String,
    pub alias: String,
    pub ocid: String,
    pub about: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySpec {
    pub name: String,
    pub compartment: String,
    pub statements: Vec<StatementSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementSpec {
    pub text: String,
    pub capability: String,
    #[serde(default)]
    pub accept: Vec<String>,
    pub reason: Option<String>,
}

/// An expected statement, parsed once when the profile loads.
#[derive(Debug)]
pub struct ExpectedStatement {
    pub policy: &'static str,
    pub text: &'static str,
    pub capability: &'static str,
    pub accept: Vec<String>,
    pub parsed: Statement<'static>,
    normalized: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    name: String,
    vendor: String,
    description: String,
    source: Option<String>,
    oci: Option<OciProfileFile>,
    aws: Option<aws::AwsProfileFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OciProfileFile {
    group: String,
    #[serde(default, rename = "define")]
    defines: Vec<DefineSpec>,
    #[serde(default, rename = "policy")]
    policies: Vec<PolicySpec>,
}

static PROFILE_SPAN_MAP: SpanMap = SpanMap::Offset(0);

impl Profile {
    /// A built-in profile by name, or a profile file by path.
    pub fn load(name_or_path: &str) -> Result<Profile, String> {
        if let Some((name, text)) = BUILTIN.iter().find(|(n, _)| n.eq_ignore_ascii_case(name_or_path)) {
            return Profile::parse(text, &format!("built-in profile `{name}`"));
        }
        let path = Path::new(name_or_path);
        if !path.exists() {
            let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "no profile `{name_or_path}`: not a built-in profile ({}) and no such file",
                names.join(", ")
            ));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read profile {name_or_path}: {}", crate::text::io_error(&e)))?;
        Profile::parse(&text, name_or_path)
    }

    pub fn parse(text: &str, origin: &str) -> Result<Profile, String> {
        let file: ProfileFile = toml::from_str(text).map_err(|e| format!("{origin}: {e}"))?;
        let oci = file.oci.map(|oci| OciProfile::new(oci, origin)).transpose()?;
        let aws = file.aws.map(|aws| AwsProfile::new(aws, origin)).transpose()?;
        Ok(Profile {
            name: file.name,
            vendor: file.vendor,
            description: file.description,
            source: file.source,
            oci,
            aws,
        })
    }

    /// Turns on optional permission packs (`--enable-pack`, the configuration's `packs`).
    pub fn enable_packs(&mut self, names: &[String]) -> Result<(), String> {
        match &mut self.aws {
            Some(aws) => aws.enable_packs(names),
            None => Err(format!("profile `{}` has no AWS permission packs", self.name)),
        }
    }

    /// Whether an expected statement with this text is accepted for finding `code`.
    pub fn oci_accepts(&self, statement_text: &str, code: &str) -> bool {
        let Some(oci) = &self.oci else { return false };
        // Rules ask for every statement they flag, and few expected statements accept anything:
        // look for one accepting `code` before paying for normalising the text.
        let mut accepting =
            oci.expected.iter().filter(|e| e.accept.iter().any(|c| c.eq_ignore_ascii_case(code))).peekable();
        if accepting.peek().is_none() {
            return false;
        }
        let normalized = normalize(statement_text);
        let unqualified = without_group_domains(&normalized);
        accepting.any(|e| e.normalized == normalized || e.normalized == unqualified)
    }
}

/// A normalised statement with the identity domain taken off the groups of its subject
/// (`'finance'/'vendor'` → `vendor`): a profile names the vendor's group unqualified, and the same
/// grant to a vendor group of another identity domain is written `'Domain'/'group'`.
fn without_group_domains(normalized: &str) -> String {
    let mut in_subject = false;
    let words: Vec<&str> = normalized
        .split(' ')
        .map(|word| {
            match word {
                "group" => in_subject = true,
                "to" | "of" => in_subject = false,
                _ => {}
            }
            match word.rsplit_once('/') {
                Some((_, group)) if in_subject => group.trim_matches('\''),
                _ => word,
            }
        })
        .collect();
    words.join(" ")
}

impl OciProfile {
    fn new(file: OciProfileFile, origin: &str) -> Result<Self, String> {
        let mut expected = Vec::new();
        for policy in &file.policies {
            for spec in &policy.statements {
                // Profiles live for the whole run; leaking their few strings gives the parsed
                // statements the 'static lifetime the rules compare against.
                let text: &'static str = Box::leak(spec.text.clone().into_boxed_str());
                let parsed = parse_statement(text, &PROFILE_SPAN_MAP).map_err(|e| {
                    format!("{origin}: policy `{}`: statement `{text}` does not parse: {}", policy.name, e.message)
                })?;
                for code in &spec.accept {
                    if rules::find(code).is_none() {
                        return Err(format!("{origin}: statement `{text}` accepts unknown rule `{code}`"));
                    }
                }
                if !spec.accept.is_empty() && spec.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                    return Err(format!("{origin}: statement `{text}` accepts {:?} without a `reason`", spec.accept));
                }
                expected.push(ExpectedStatement {
                    policy: Box::leak(policy.name.clone().into_boxed_str()),
                    text,
                    capability: Box::leak(spec.capability.clone().into_boxed_str()),
                    accept: spec.accept.clone(),
                    parsed,
                    normalized: normalize(text),
                });
            }
        }
        Ok(OciProfile { group: file.group, defines: file.defines, policies: file.policies, expected })
    }

    pub fn expected_statements(&self) -> &[ExpectedStatement] {
        &self.expected
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profiles_load() {
        for (name, _) in BUILTIN {
            let profile = Profile::load(name).unwrap();
            assert_eq!(&profile.name, name);
        }
        let digiusher = Profile::load("DigiUsher").unwrap();
        let oci = digiusher.oci.as_ref().unwrap();
        assert_eq!(oci.group, "digiusher-finops-group");
        assert_eq!(oci.expected_statements().len(), 6);
        assert!(
            digiusher
                .oci_accepts("ENDORSE group digiusher-finops-group to read objects  in tenancy usage-report", "OCI008")
        );
        assert!(
            !digiusher.oci_accepts("Allow group digiusher-finops-group to read all-resources in tenancy", "OCI008")
        );
        assert!(digiusher.oci_accepts(
            "endorse group 'Finance'/'digiusher-finops-group' to read objects in tenancy usage-report",
            "OCI008"
        ));
        assert!(!digiusher.oci_accepts(
            "endorse group 'Finance'/'digiusher-finops-group' to manage objects in tenancy usage-report",
            "OCI008"
        ));
    }

    #[test]
    fn bad_profiles_are_rejected() {
        let base = "name='x'\nvendor='x'\ndescription='x'\n[oci]\ngroup='g'\n";
        let unknown_key = format!("{base}colour = 'red'\n");
        assert!(Profile::parse(&unknown_key, "t").unwrap_err().contains("colour"));
        let bad_statement = format!(
            "{base}[[oci.policy]]\nname='p'\ncompartment='root'\nstatements=[{{text='Allow group g to view x in tenancy', capability='c'}}]\n"
        );
        assert!(Profile::parse(&bad_statement, "t").unwrap_err().contains("does not parse"));
        let no_reason = format!(
            "{base}[[oci.policy]]\nname='p'\ncompartment='root'\nstatements=[{{text='Allow group g to read objects in tenancy', capability='c', accept=['OCI008']}}]\n"
        );
        assert!(Profile::parse(&no_reason, "t").unwrap_err().contains("reason"));
        assert!(Profile::load("no-such-profile").unwrap_err().contains("digiusher"));
    }
}

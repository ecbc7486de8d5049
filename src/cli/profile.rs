//! `grantlint profile show NAME`: a vendor profile's expected grant, ready to paste, to pipe into
//! `grantlint check -`, or written one policy per file (`--out DIR`).

use super::{exit, usage_error};
use crate::catalog::managed::ManagedPolicies;
use crate::profile::{BUILTIN, PolicySpec, Profile};
use crate::rules::Context;
use crate::rules::aws::exposure::Exposure;
use clap::{Subcommand, ValueEnum};
use serde_json::{Value, json};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

#[derive(Subcommand, Debug)]
pub enum ProfileCommand {
    /// Print the policies a profile expects
    Show {
        /// A built-in profile name or a profile file
        name: String,

        /// Only this cloud's policies, as one document `grantlint check -` reads: OCI as the JSON
        /// `oci iam policy list` prints, AWS as a CloudFormation template of the vendor's role
        #[arg(long, value_enum)]
        cloud: Option<Cloud>,

        /// Write each expected policy to its own file under DIR (`oci/NAME.policy`,
        /// `aws/NAME.json`) instead of printing
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// List the built-in profiles
    List,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Cloud {
    Oci,
    Aws,
}

pub fn run(command: ProfileCommand) -> io::Result<u8> {
    let mut out = io::stdout().lock();
    match command {
        ProfileCommand::List => {
            for (name, _) in BUILTIN {
                let profile = Profile::load(name).map_err(usage_error)?;
                writeln!(out, "{name:<12} {}", profile.description)?;
            }
        }
        ProfileCommand::Show { name, cloud, out: dir } => {
            let profile = Profile::load(&name).map_err(usage_error)?;
            let wanted = |c: Cloud| cloud.is_none_or(|only| only == c);
            if cloud.is_some_and(|c| !has_cloud(&profile, c)) {
                return Err(usage_error(format!("profile `{name}` expects nothing on {}", cloud_name(cloud))));
            }
            match (dir, cloud) {
                (Some(dir), _) => {
                    for (path, text) in files(&profile, wanted)? {
                        let path = dir.join(path);
                        write_file(&path, &text)?;
                        writeln!(out, "wrote {}", path.display())?;
                    }
                }
                (None, Some(Cloud::Oci)) => writeln!(out, "{}", pretty(&oci_listing(&profile))?)?,
                (None, Some(Cloud::Aws)) => writeln!(out, "{}", pretty(&aws_template(&profile)?)?)?,
                (None, None) => show(&profile, &mut out)?,
            }
        }
    }
    Ok(exit::CLEAN)
}

fn has_cloud(profile: &Profile, cloud: Cloud) -> bool {
    match cloud {
        Cloud::Oci => profile.oci.is_some(),
        Cloud::Aws => profile.aws.is_some(),
    }
}

fn cloud_name(cloud: Option<Cloud>) -> &'static str {
    match cloud {
        Some(Cloud::Oci) => "OCI",
        Some(Cloud::Aws) => "AWS",
        None => "any cloud",
    }
}

fn show(profile: &Profile, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# {} — {}", profile.vendor, profile.description)?;
    if let Some(source) = &profile.source {
        writeln!(out, "# source: {source}")?;
    }
    if let Some(oci) = &profile.oci {
        writeln!(out, "\n# ---- OCI: group {} ----", oci.group)?;
        for policy in &oci.policies {
            writeln!(out)?;
            write!(out, "{}", oci_policy_text(policy))?;
        }
    }
    if let Some(aws) = &profile.aws {
        writeln!(out, "\n# ---- AWS: a role trusted by account {} ----", aws.vendor_account)?;
        writeln!(out, "\n# trust policy (the role's AssumeRolePolicyDocument)")?;
        writeln!(out, "{}", aws.trust_policy(&profile.vendor))?;
        for policy in &aws.policies {
            writeln!(out, "\n# policy {} ({})", policy.name, policy.attach)?;
            writeln!(out, "{}", policy.document.trim_end())?;
        }
        for line in managed_lines(profile) {
            writeln!(out, "{line}")?;
        }
        for pack in &aws.packs {
            let spec = &pack.spec;
            writeln!(out, "\n# optional pack {}: {} (policy {})", spec.name, spec.capability, spec.policy)?;
            writeln!(out, "# accepted by `grantlint check --enable-pack {}`", spec.name)?;
            writeln!(out, "{}", spec.document.trim_end())?;
        }
    }
    Ok(())
}

/// The AWS-managed policies the profile expects, each with what it allows beyond metadata reads
/// that the profile's exceptions do not accept, as `#` comments (the same judgement as IAC003).
fn managed_lines(profile: &Profile) -> Vec<String> {
    let Some(aws) = &profile.aws else { return Vec::new() };
    let cx = Context::new(Some(profile), &[]);
    let table = ManagedPolicies::get();
    let mut lines = Vec::new();
    for policy in &aws.managed {
        lines.push(format!("\n# managed policy {} ({}, {})", policy.arn(), policy.version, table.label()));
        let exposure = Exposure::of(&policy.allowed(cx.aws()), &cx);
        lines.push(match exposure.describe() {
            Some(what) => format!("# it allows {what}"),
            None => "# it allows only metadata reads".to_string(),
        });
    }
    lines
}

/// One OCI policy in grantlint's text format: a header, then each statement after the capability
/// it gives, as `#` comments the format allows.
fn oci_policy_text(policy: &PolicySpec) -> String {
    let mut text = format!("# policy {} (compartment: {})\n", policy.name, policy.compartment);
    for statement in &policy.statements {
        text.push_str(&format!("# gives: {}\n{}\n", statement.capability, statement.text));
    }
    text
}

/// The OCI policies as `oci iam policy list` prints them (`{"data": [policy, …]}`), so that one
/// document holds each policy separately.
fn oci_listing(profile: &Profile) -> Value {
    let policies = profile.oci.iter().flat_map(|oci| &oci.policies).map(|policy| {
        json!({
            "name": policy.name,
            "description": format!("{} (compartment: {})", profile.vendor, policy.compartment),
            "statements": policy.statements.iter().map(|s| s.text.as_str()).collect::<Vec<_>>(),
        })
    });
    json!({ "data": policies.collect::<Vec<_>>() })
}

/// The AWS side as a CloudFormation template: the vendor's role with its trust policy and inline
/// policies. The optional packs are left out; `profile show` without `--cloud` prints them.
fn aws_template(profile: &Profile) -> io::Result<Value> {
    let Some(aws) = &profile.aws else { return Ok(json!({})) };
    let document = |text: &str, what: &str| -> io::Result<Value> {
        serde_json::from_str(text).map_err(|e| usage_error(format!("the profile's {what} is not JSON: {e}")))
    };
    let mut policies = Vec::new();
    for policy in &aws.policies {
        policies
            .push(json!({ "PolicyName": policy.name, "PolicyDocument": document(&policy.document, &policy.name)? }));
    }
    let role = format!("{}Role", profile.vendor.replace(|c: char| !c.is_ascii_alphanumeric(), ""));
    let mut properties = serde_json::Map::new();
    properties.insert("AssumeRolePolicyDocument".into(), document(&aws.trust_policy(&profile.vendor), "trust policy")?);
    properties.insert("Policies".into(), policies.into());
    if !aws.managed.is_empty() {
        properties.insert("ManagedPolicyArns".into(), aws.managed.iter().map(|p| p.arn()).collect());
    }
    Ok(json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": format!("The role {} assumes: {}", profile.vendor, profile.description),
        "Resources": {
            role: {
                "Type": "AWS::IAM::Role",
                "Properties": properties,
            }
        }
    }))
}

/// Each expected policy as (relative path, text).
fn files(profile: &Profile, wanted: impl Fn(Cloud) -> bool) -> io::Result<Vec<(PathBuf, String)>> {
    let mut out = Vec::new();
    if let Some(oci) = profile.oci.as_ref().filter(|_| wanted(Cloud::Oci)) {
        for policy in &oci.policies {
            out.push((Path::new("oci").join(format!("{}.policy", file_name(&policy.name))), oci_policy_text(policy)));
        }
    }
    if let Some(aws) = profile.aws.as_ref().filter(|_| wanted(Cloud::Aws)) {
        out.push((PathBuf::from("aws/trust-policy.json"), aws.trust_policy(&profile.vendor) + "\n"));
        for policy in &aws.policies {
            let text = policy.document.trim_end().to_string() + "\n";
            out.push((Path::new("aws").join(format!("{}.json", file_name(&policy.name))), text));
        }
    }
    Ok(out)
}

/// A policy name as a file name: anything but letters, digits, `-`, `_` and `.` becomes `_`.
fn file_name(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect()
}

fn write_file(path: &Path, text: &str) -> io::Result<()> {
    let fail = |e: io::Error| usage_error(format!("{}: {}", path.display(), crate::text::io_error(&e)));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    std::fs::write(path, text).map_err(fail)
}

fn pretty(value: &Value) -> io::Result<String> {
    serde_json::to_string_pretty(value).map_err(io::Error::other)
}

//! `grantlint profile show NAME`: a vendor profile's expected grant, ready to paste.

use super::{exit, usage_error};
use crate::profile::{BUILTIN, Profile};
use clap::Subcommand;
use std::io::{self, Write};

#[derive(Subcommand, Debug)]
pub enum ProfileCommand {
    /// Print the policies a profile expects
    Show {
        /// A built-in profile name or a profile file
        name: String,
    },
    /// List the built-in profiles
    List,
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
        ProfileCommand::Show { name } => {
            let profile = Profile::load(&name).map_err(usage_error)?;
            show(&profile, &mut out)?;
        }
    }
    Ok(exit::CLEAN)
}

fn show(profile: &Profile, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# {} — {}", profile.vendor, profile.description)?;
    if let Some(source) = &profile.source {
        writeln!(out, "# source: {source}")?;
    }
    if let Some(oci) = &profile.oci {
        writeln!(out, "\n# ---- OCI: group {} ----", oci.group)?;
        for policy in &oci.policies {
            writeln!(out, "\n# policy {} (compartment: {})", policy.name, policy.compartment)?;
            for statement in &policy.statements {
                writeln!(out, "# gives: {}", statement.capability)?;
                writeln!(out, "{}", statement.text)?;
            }
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
        for pack in &aws.packs {
            let spec = &pack.spec;
            writeln!(out, "\n# optional pack {}: {} (policy {})", spec.name, spec.capability, spec.policy)?;
            writeln!(out, "# accepted by `grantlint check --enable-pack {}`", spec.name)?;
            writeln!(out, "{}", spec.document.trim_end())?;
        }
    }
    Ok(())
}

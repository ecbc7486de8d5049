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
    Ok(())
}

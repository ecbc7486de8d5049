//! `grantlint audit oci|aws`: what a live tenancy or account grants a vendor, read over the API,
//! written as a snapshot and linted. Each cloud's command is a cargo feature (`audit-oci`,
//! `audit-aws`, both on by default); compiled out, its command stays, to say so.

#[cfg(feature = "audit-aws")]
mod aws;
#[cfg(feature = "audit-oci")]
mod oci;

#[cfg(any(feature = "audit-aws", feature = "audit-oci"))]
mod lint;

use super::output::OutputArgs;
use clap::{Args, Subcommand};
use std::io;
use std::path::PathBuf;

#[cfg(feature = "audit-aws")]
use aws::AwsArgs;
#[cfg(not(feature = "audit-aws"))]
type AwsArgs = CompiledOut;
#[cfg(feature = "audit-oci")]
use oci::OciArgs;
#[cfg(not(feature = "audit-oci"))]
type OciArgs = CompiledOut;

/// Each audit's arguments are boxed: they are many, and a build without the other audit would
/// leave the variants' sizes far apart.
#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Audit an OCI tenancy's grants to a vendor over the Identity and identity domain APIs (read-only)
    Oci(Box<OciArgs>),
    /// Audit the role (or legacy user) an AWS account grants a vendor, over IAM (read-only)
    Aws(Box<AwsArgs>),
}

/// The arguments of an audit compiled out of this build: taken whatever they are, so the
/// command can say why it cannot run.
#[derive(Args, Debug)]
pub struct CompiledOut {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    _args: Vec<String>,
}

#[cfg_attr(
    not(any(feature = "audit-aws", feature = "audit-oci")),
    allow(unused_variables, reason = "no audit to pass it to")
)]
pub fn run(command: AuditCommand, color: bool) -> io::Result<u8> {
    match command {
        #[cfg(feature = "audit-oci")]
        AuditCommand::Oci(args) => oci::audit(*args, color),
        #[cfg(not(feature = "audit-oci"))]
        AuditCommand::Oci(_) => compiled_out("oci"),
        #[cfg(feature = "audit-aws")]
        AuditCommand::Aws(args) => aws::audit(*args, color),
        #[cfg(not(feature = "audit-aws"))]
        AuditCommand::Aws(_) => compiled_out("aws"),
    }
}

#[cfg(not(all(feature = "audit-aws", feature = "audit-oci")))]
fn compiled_out(cloud: &str) -> io::Result<u8> {
    Err(super::usage_error(format!(
        "`audit {cloud}` is not in this build: grantlint was compiled without the cargo feature `audit-{cloud}` \
         (on by default); rebuild with it, or run the audit elsewhere with --save and `grantlint check` the snapshot"
    )))
}

/// The vendor profile, which every audit takes.
#[derive(Args, Debug)]
pub struct VendorArgs {
    /// Vendor profile: a built-in name (digiusher) or a profile file
    #[arg(long)]
    profile: Option<String>,
}

/// What every audit does with its snapshot: save it, and lint it.
#[derive(Args, Debug)]
pub struct SnapshotArgs {
    /// Write the snapshot to FILE; `grantlint check FILE` lints it again, offline. Auditing many
    /// AWS accounts, a directory: one ACCOUNT.json each, and `grantlint check DIR`
    #[arg(long, value_name = "FILE|DIR")]
    save: Option<PathBuf>,

    #[command(flatten)]
    output: OutputArgs,
}

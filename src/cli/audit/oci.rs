//! `grantlint audit oci`: the vendor's group, users and policies in one tenancy.

use super::{SnapshotArgs, VendorArgs};
use crate::audit::Secret;
use crate::audit::oci::client::{Client, RetryPolicy};
use crate::audit::oci::config::{self, Flags};
use crate::audit::oci::{self, Target, region};
use crate::cli::usage_error;
use clap::Args;
use std::io::{self, IsTerminal};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct OciArgs {
    /// OCI config file [default: $OCI_CLI_CONFIG_FILE, $OCI_CONFIG_FILE, ~/.oci/config]
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Profile of the OCI config file [default: $OCI_CLI_PROFILE, else DEFAULT]
    #[arg(long, value_name = "NAME")]
    oci_profile: Option<String>,

    /// The vendor's user [default: every member of the vendor group]
    #[arg(long, value_name = "OCID")]
    user: Option<String>,

    /// The vendor's group [default: the profile's]; DOMAIN/GROUP (or 'DOMAIN'/'GROUP', as
    /// policies write it) for a group of an identity domain other than Default
    #[arg(long, value_name = "[DOMAIN/]NAME")]
    group: Option<String>,

    /// The identity domain of the vendor's group, read through the domain's own API
    /// [default: Default, read through the Identity API]
    #[arg(long, value_name = "NAME")]
    domain: Option<String>,

    #[command(flatten)]
    vendor: VendorArgs,

    /// Identity endpoint [default: $OCI_CLI_ENDPOINT, else the configured region's]
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,

    /// Policy files (a file or a directory) the live policies must match
    #[arg(long, value_name = "PATH")]
    expect: Option<String>,

    #[command(flatten)]
    snapshot: SnapshotArgs,
}

pub fn audit(args: OciArgs, color: bool) -> io::Result<u8> {
    let (config, profile) = args.vendor.setup()?;
    let group = args
        .group
        .clone()
        .or_else(|| profile.as_ref().and_then(|p| p.oci.as_ref()).map(|oci| oci.group.clone()))
        .ok_or_else(|| usage_error("name the vendor's group with --group, or pass a --profile that names one"))?;
    let (named_domain, group) = oci::parse_group(&group).map_err(usage_error)?;
    let domain = match (named_domain, args.domain.clone()) {
        (Some(named), Some(flag)) if !named.eq_ignore_ascii_case(&flag) => {
            return Err(usage_error(format!("--group names identity domain `{named}`, --domain `{flag}`; give one")));
        }
        (named, flag) => named.or(flag).filter(|d| !oci::is_default(d)),
    };
    let expected = args.expect.as_deref().map(oci::read_expected).transpose().map_err(usage_error)?;
    let flags =
        Flags { config_file: args.config.clone(), profile: args.oci_profile.clone(), endpoint: args.endpoint.clone() };
    let oci_config = config::load(&flags, &|name| std::env::var(name).ok()).map_err(usage_error)?;
    let signer =
        oci::signer(&oci_config, &prompt_passphrase, &mut |warning| eprintln!("grantlint: warning: {warning}"))
            .map_err(usage_error)?;
    let endpoint = match (&oci_config.endpoint, &oci_config.region) {
        (Some(endpoint), _) => endpoint.clone(),
        (None, Some(region)) => region::identity_endpoint(region, &oci_config.tenancy).map_err(usage_error)?,
        (None, None) => return Err(usage_error("the OCI config gives neither a region nor an endpoint")),
    };
    if args.snapshot.output.verbose {
        let file = oci_config
            .file
            .as_ref()
            .map_or("no config file".into(), |f| format!("{} [{}]", f.display(), oci_config.profile));
        eprintln!(
            "grantlint: auditing tenancy {} as {} (fingerprint {}; {file}) at {endpoint}",
            oci_config.tenancy, oci_config.user, oci_config.fingerprint
        );
    }
    let mut client =
        Client::new(&endpoint, signer, RetryPolicy::default(), args.snapshot.output.verbose).map_err(usage_error)?;
    let profile_name = profile.as_ref().map(|p| p.name.clone());
    let target = Target { group, domain, user: args.user.clone(), profile: profile_name, expected };
    let document =
        oci::fetch(&mut client, &oci_config.tenancy, target, oci_config.endpoint.is_none()).map_err(usage_error)?;
    args.snapshot.lint_snapshot(&document, profile.as_ref(), &config, color)
}

/// Asks for the key's passphrase on the terminal, without echo; never when input is not a terminal.
fn prompt_passphrase() -> Option<Secret> {
    if !io::stdin().is_terminal() {
        return None;
    }
    rpassword::prompt_password("Passphrase for the OCI API key: ").ok().map(Secret::new)
}

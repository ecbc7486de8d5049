//! `grantlint audit oci|aws`: what a live tenancy or account grants a vendor, read over the API,
//! written as a snapshot and linted.

use super::output::OutputArgs;
use super::usage_error;
use crate::audit::Secret;
use crate::audit::oci::client::{Client, RetryPolicy};
use crate::audit::oci::config::{self, Flags};
use crate::audit::oci::{self, Target, region};
use crate::audit::snapshot::Document;
use crate::config::Config;
use crate::lint::{self, Options};
use crate::profile::Profile;
use crate::source::SourceFile;
use clap::{Args, Subcommand};
use serde::Serialize;
use std::io::{self, IsTerminal};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Audit an OCI tenancy's grants to a vendor over the Identity API (read-only)
    Oci(OciArgs),
    /// Audit the role (or legacy user) an AWS account grants a vendor, over IAM (read-only)
    Aws(AwsArgs),
}

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

    /// The vendor's group [default: the profile's]
    #[arg(long, value_name = "NAME")]
    group: Option<String>,

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
    /// Write the snapshot to FILE; `grantlint check FILE` lints it again, offline
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,

    #[command(flatten)]
    output: OutputArgs,
}

#[cfg(feature = "audit-aws")]
#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("target").required(true).multiple(true).args(["role", "all_roles_trusting", "user"])))]
pub struct AwsArgs {
    /// The vendor's role, by name or ARN (repeatable)
    #[arg(long, value_name = "NAME|ARN", conflicts_with = "all_roles_trusting")]
    role: Vec<String>,

    /// Every role whose trust policy names ACCOUNT, read in one pass [default: the profile's vendor account]
    #[arg(long, value_name = "ACCOUNT", num_args = 0..=1, default_missing_value = "")]
    all_roles_trusting: Option<String>,

    /// A vendor's IAM user with access keys, from a legacy onboarding (repeatable)
    #[arg(long, value_name = "NAME")]
    user: Vec<String>,

    /// The ExternalId the vendor issued you, to compare with the role's trust policy
    #[arg(long, value_name = "ID")]
    external_id: Option<String>,

    #[command(flatten)]
    vendor: VendorArgs,

    /// Accept the actions of the profile's optional permission pack NAME (repeatable)
    #[arg(long = "enable-pack", value_name = "NAME")]
    enable_pack: Vec<String>,

    /// Profile of the AWS config and credentials files [default: $AWS_PROFILE, else default]
    #[arg(long, value_name = "NAME")]
    aws_profile: Option<String>,

    /// IAM endpoint [default: $AWS_ENDPOINT_URL_IAM, $AWS_ENDPOINT_URL, else IAM's]
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,

    /// Policy files (a file or a directory of AWS policy JSON) the live policies must match
    #[arg(long, value_name = "PATH")]
    expect: Option<String>,

    #[command(flatten)]
    snapshot: SnapshotArgs,
}

/// Without the `audit-aws` feature the command stays, to say so.
#[cfg(not(feature = "audit-aws"))]
#[derive(Args, Debug)]
pub struct AwsArgs {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    _args: Vec<String>,
}

pub fn run(command: AuditCommand, color: bool) -> io::Result<u8> {
    match command {
        AuditCommand::Oci(args) => audit_oci(args, color),
        AuditCommand::Aws(args) => audit_aws(args, color),
    }
}

#[cfg(not(feature = "audit-aws"))]
fn audit_aws(_: AwsArgs, _: bool) -> io::Result<u8> {
    Err(usage_error(
        "`audit aws` is not in this build: grantlint was compiled without the cargo feature `audit-aws` \
         (on by default); rebuild with it, or run the audit elsewhere with --save and `grantlint check` the snapshot",
    ))
}

#[cfg(feature = "audit-aws")]
fn audit_aws(args: AwsArgs, color: bool) -> io::Result<u8> {
    use crate::audit::aws::{self, Target, client};
    use crate::audit::progress::Progress;
    use crate::audit::retry::RetryPolicy;
    use crate::render::Format;

    let (config, mut profile) = args.vendor.setup()?;
    let packs: Vec<String> = args.enable_pack.iter().chain(&config.packs).cloned().collect();
    if !packs.is_empty() {
        let profile =
            profile.as_mut().ok_or_else(|| usage_error("packs belong to a vendor profile: pass --profile"))?;
        profile.enable_packs(&packs).map_err(usage_error)?;
    }
    let vendor_account = profile.as_ref().and_then(|p| p.aws.as_ref()).map(|aws| aws.vendor_account.clone());
    let trusting = match args.all_roles_trusting.as_deref() {
        None => None,
        Some("") => Some(vendor_account.clone().ok_or_else(|| {
            usage_error("name the vendor's account: --all-roles-trusting ACCOUNT, or pass a --profile that names one")
        })?),
        Some(account) if crate::syntax::aws::is_account_id(account) => Some(account.to_string()),
        Some(account) => {
            return Err(usage_error(format!("--all-roles-trusting {account}: not a 12-digit AWS account ID")));
        }
    };
    if let Some(endpoint) = &args.endpoint {
        let url = reqwest::Url::parse(endpoint).map_err(|e| usage_error(format!("--endpoint {endpoint}: {e}")))?;
        match url.scheme() {
            "https" => {}
            "http" if crate::audit::is_loopback(&url) => {}
            _ => {
                return Err(usage_error(format!(
                    "--endpoint {endpoint}: use https (plain http only to this machine, for tests and local proxies)"
                )));
            }
        }
    }
    let expected = args.expect.as_deref().map(aws::read_expected).transpose().map_err(usage_error)?;
    let target = Target {
        roles: args.role.clone(),
        trusting,
        users: args.user.clone(),
        profile: profile.as_ref().map(|p| p.name.clone()),
        vendor_account,
        external_id: args.external_id.clone(),
        expected,
    };
    let settings = client::Settings { profile: args.aws_profile.clone(), endpoint: args.endpoint.clone() };
    let verbose = args.snapshot.output.verbose;
    if verbose {
        let endpoint = args.endpoint.as_deref().unwrap_or("the configured IAM endpoint");
        let profile = args.aws_profile.as_deref().map_or(String::new(), |p| format!(" (profile {p})"));
        eprintln!("grantlint: auditing with the AWS SDK's credentials{profile} at {endpoint}");
    }
    let machine_readable = matches!(args.snapshot.output.format, Some(Format::Json | Format::Sarif | Format::Github));
    let progress = Progress::new(Progress::wanted(io::stderr().is_terminal(), verbose, machine_readable));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let document = runtime
        .block_on(async {
            let iam = client::Iam::connect(&settings, RetryPolicy::default(), verbose, progress).await;
            let document = aws::fetch(&iam, target).await;
            iam.finish();
            document
        })
        .map_err(usage_error)?;
    args.snapshot.lint_snapshot(&document, profile.as_ref(), &config, color)
}

impl VendorArgs {
    /// The configuration in force and the vendor profile (`--profile`, else the configuration's).
    fn setup(&self) -> io::Result<(Config, Option<Profile>)> {
        let config = Config::discover(None, &std::env::current_dir()?).map_err(usage_error)?;
        let profile = self
            .profile
            .as_deref()
            .or(config.profile.as_deref())
            .map(Profile::load)
            .transpose()
            .map_err(usage_error)?;
        Ok((config, profile))
    }
}

impl SnapshotArgs {
    /// Saves the snapshot's text when asked, lints exactly that text (so `grantlint check` of the
    /// saved file gives the same findings) and renders the report.
    fn lint_snapshot<B: Serialize>(
        &self,
        document: &Document<B>,
        profile: Option<&Profile>,
        config: &Config,
        color: bool,
    ) -> io::Result<u8> {
        let text = document.to_text();
        let path = match &self.save {
            Some(path) => {
                std::fs::write(path, &text).map_err(|e| usage_error(format!("cannot save {}: {e}", path.display())))?;
                path.to_string_lossy().into_owned()
            }
            None => format!("live:{}://{}", document.cloud, document.account.id),
        };
        let options = Options { profile, kind: None, config: Some(config) };
        let report = lint::lint_source(SourceFile::new(path, text), &options);
        self.output.emit(&report, config.fail_on, color)
    }
}

fn audit_oci(args: OciArgs, color: bool) -> io::Result<u8> {
    let (config, profile) = args.vendor.setup()?;
    let group = args
        .group
        .clone()
        .or_else(|| profile.as_ref().and_then(|p| p.oci.as_ref()).map(|oci| oci.group.clone()))
        .ok_or_else(|| usage_error("name the vendor's group with --group, or pass a --profile that names one"))?;
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
    let target = Target { group, user: args.user.clone(), profile: profile.as_ref().map(|p| p.name.clone()), expected };
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

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
    /// Audit an OCI tenancy's grants to a vendor over the Identity and identity domain APIs (read-only)
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

    /// Many accounts (boxed: the flags are many, and rarely given)
    #[command(flatten)]
    members: Box<MemberArgs>,

    #[command(flatten)]
    snapshot: SnapshotArgs,
}

/// An organisation's audit: which accounts, and how each is entered.
#[cfg(feature = "audit-aws")]
#[derive(Args, Debug)]
pub struct MemberArgs {
    /// Audit every ACTIVE account of the organisation (from its management or a delegated-admin
    /// account), each through --member-role
    #[arg(long, requires = "member_role", conflicts_with = "accounts")]
    organization: bool,

    /// Audit these accounts, each through --member-role: a file of account IDs (one a line) or
    /// ID,ID,…
    #[arg(long, value_name = "FILE|ID,…", requires = "member_role")]
    accounts: Option<String>,

    /// The role assumed in each member account (session `grantlint-audit`), like
    /// OrganizationAccountAccessRole or a read-only audit role
    #[arg(long, value_name = "NAME")]
    member_role: Option<String>,

    /// The ExternalId the member role's trust policy asks for
    #[arg(long, value_name = "ID", requires = "member_role")]
    member_external_id: Option<String>,

    /// Your MFA device: one code (--mfa-code, else asked on the terminal) opens a session
    /// (sts:GetSessionToken) from which every member role is assumed
    #[arg(long, value_name = "ARN", requires = "member_role")]
    mfa_serial: Option<String>,

    /// The MFA device's current code [default: asked on the terminal]
    #[arg(long, value_name = "CODE", requires = "mfa_serial")]
    mfa_code: Option<String>,

    /// Accounts audited at once (1-16)
    #[arg(long, value_name = "N", default_value_t = 8, requires = "member_role",
          value_parser = clap::value_parser!(u16).range(1..=16))]
    jobs: u16,

    /// Audit only the K-th of N stable parts of the accounts (by a hash of the account ID), for a
    /// CI matrix of N jobs
    #[arg(long, value_name = "K/N", requires = "member_role")]
    shard: Option<String>,
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
    use crate::audit::aws::{self, Target, client, organization};
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
    let org = &args.members;
    if let Some(role) = &org.member_role {
        let which = match &org.accounts {
            Some(list) => organization::Accounts::Listed(organization::read_accounts(list).map_err(usage_error)?),
            None if org.organization => organization::Accounts::Organization,
            None => return Err(usage_error("--member-role audits many accounts: add --organization or --accounts")),
        };
        let members = Members {
            which,
            role: organization::MemberRole { name: role.clone(), external_id: org.member_external_id.clone() },
            shard: org.shard.as_deref().map(organization::Shard::parse).transpose().map_err(usage_error)?,
            jobs: usize::from(org.jobs),
            mfa: match &org.mfa_serial {
                Some(serial) => Some((serial.clone(), mfa_code(org.mfa_code.clone())?)),
                None => None,
            },
        };
        let iam = runtime.block_on(client::Iam::connect(&settings, RetryPolicy::default(), verbose, progress));
        return audit_members(&runtime, &iam, members, target, &args.snapshot, profile.as_ref(), &config, color);
    }
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

/// An organisation's audit, as the command line asks for it.
#[cfg(feature = "audit-aws")]
struct Members {
    which: crate::audit::aws::organization::Accounts,
    role: crate::audit::aws::organization::MemberRole,
    shard: Option<crate::audit::aws::organization::Shard>,
    jobs: usize,
    /// The MFA device and its code.
    mfa: Option<(String, Secret)>,
}

/// Audits every account of `members`, `jobs` at a time, and renders one report whose files are
/// the accounts' snapshots in account order (saved as DIR/ACCOUNT.json with --save DIR).
#[cfg(feature = "audit-aws")]
#[allow(clippy::too_many_arguments, reason = "the command's parts, each used once")]
fn audit_members(
    runtime: &tokio::runtime::Runtime,
    iam: &crate::audit::aws::client::Iam,
    members: Members,
    target: crate::audit::aws::Target,
    common: &SnapshotArgs,
    profile: Option<&Profile>,
    config: &Config,
    color: bool,
) -> io::Result<u8> {
    use crate::audit::aws::organization;
    use futures_util::StreamExt;

    let setup = runtime.block_on(async {
        let fail = |e: crate::audit::aws::client::Error| e.to_string();
        // With MFA, one session opened with the code, and every member role assumed from it.
        let session = match &members.mfa {
            Some((serial, code)) => {
                Some(iam.with_credentials(iam.get_session_token(serial, code.expose()).await.map_err(fail)?))
            }
            None => None,
        };
        let base = session.as_ref().unwrap_or(iam);
        let caller = base.get_caller_identity().await.map_err(fail)?;
        let accounts = organization::accounts(base, &members.which, members.shard).await?;
        Ok::<_, String>((session, caller, accounts))
    });
    let (session, caller, accounts) = setup.map_err(usage_error)?;
    let base = session.as_ref().unwrap_or(iam);
    // Pass 1: every account read and its snapshot written (to DIR, else a private scratch
    // directory), keeping only each vendor role's fingerprint, so memory does not grow with the
    // accounts.
    let scratch;
    let dir = match &common.save {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| usage_error(format!("cannot save to {}: {e}", dir.display())))?;
            dir.as_path()
        }
        None => {
            scratch = Scratch::new()?;
            scratch.0.as_path()
        }
    };
    let file = |id: &str| dir.join(format!("{id}.json"));
    iam.progress().accounts(accounts.len());
    let mut versions = organization::Versions::default();
    let read = runtime.block_on(async {
        let mut documents = futures_util::stream::iter(&accounts)
            .map(|account| organization::audit_account(base, &caller, account, &members.role, target.clone()))
            .buffered(members.jobs);
        while let Some(document) = documents.next().await {
            let text = document.to_text();
            versions.count(&text);
            let path = file(&document.account.id);
            std::fs::write(&path, &text).map_err(|e| usage_error(format!("cannot save {}: {e}", path.display())))?;
        }
        Ok::<_, io::Error>(())
    });
    iam.finish();
    read?;
    // Pass 2: each snapshot completed with what most accounts hold (LIVE017 compares), linted
    // and rendered in account order.
    let majority = versions.majority();
    let options = Options { profile, kind: None, config: Some(config) };
    common.output.emit_with(config.fail_on, color, |renderer| {
        for account in &accounts {
            let path = file(&account.id);
            let mut text = std::fs::read_to_string(&path)?;
            if let Some(majority) = &majority {
                text = organization::with_majority(&text, majority);
                std::fs::write(&path, &text)?;
            }
            let name = match common.save {
                Some(_) => path.to_string_lossy().into_owned(),
                None => format!("live:aws://{}", account.id),
            };
            let report = lint::lint_source(SourceFile::new(name, text), &options);
            renderer.files(&report.files.iter().collect::<Vec<_>>())?;
        }
        Ok(Vec::new())
    })
}

/// A directory of this process's own under the system's temporary directory (mode 700: the
/// snapshots hold the roles' trust policies), removed when dropped.
#[cfg(feature = "audit-aws")]
struct Scratch(PathBuf);

#[cfg(feature = "audit-aws")]
impl Scratch {
    fn new() -> io::Result<Scratch> {
        let name = format!("grantlint-audit-{}-{:016x}", std::process::id(), crate::audit::retry::random_u64());
        let path = std::env::temp_dir().join(name);
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&path)?;
        Ok(Scratch(path))
    }
}

#[cfg(feature = "audit-aws")]
impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `--mfa-code`, else asked on the terminal.
#[cfg(feature = "audit-aws")]
fn mfa_code(given: Option<String>) -> io::Result<Secret> {
    if let Some(code) = given {
        return Ok(Secret::new(code));
    }
    if !io::stdin().is_terminal() {
        return Err(usage_error("--mfa-serial needs the device's code: pass --mfa-code, or run on a terminal"));
    }
    let code = rpassword::prompt_password("MFA code: ").map_err(|e| usage_error(format!("MFA code: {e}")))?;
    Ok(Secret::new(code.trim().to_string()))
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

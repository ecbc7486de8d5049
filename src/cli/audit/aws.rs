//! `grantlint audit aws`: the vendor's role (or legacy user) in one account, or in every account
//! of an organisation.

use super::{SnapshotArgs, VendorArgs};
use crate::audit::Secret;
use crate::audit::aws::{self, Target, client, organization};
use crate::audit::progress::Progress;
use crate::audit::retry::RetryPolicy;
use crate::cli::usage_error;
use crate::config::Config;
use crate::lint::{self, Options};
use crate::profile::Profile;
use crate::render::Format;
use crate::source::SourceFile;
use clap::Args;
use futures_util::StreamExt;
use std::io::{self, IsTerminal};
use std::path::PathBuf;

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

pub fn audit(args: AwsArgs, color: bool) -> io::Result<u8> {
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
        let url = url::Url::parse(endpoint).map_err(|e| usage_error(format!("--endpoint {endpoint}: {e}")))?;
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
struct Members {
    which: aws::organization::Accounts,
    role: aws::organization::MemberRole,
    shard: Option<aws::organization::Shard>,
    jobs: usize,
    /// The MFA device and its code.
    mfa: Option<(String, Secret)>,
}

/// Audits every account of `members`, `jobs` at a time, and renders one report whose files are
/// the accounts' snapshots in account order (saved as DIR/ACCOUNT.json with --save DIR).
#[allow(clippy::too_many_arguments, reason = "the command's parts, each used once")]
fn audit_members(
    runtime: &tokio::runtime::Runtime,
    iam: &aws::client::Iam,
    members: Members,
    target: aws::Target,
    common: &SnapshotArgs,
    profile: Option<&Profile>,
    config: &Config,
    color: bool,
) -> io::Result<u8> {
    let setup = runtime.block_on(async {
        let fail = |e: aws::client::Error| e.to_string();
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
struct Scratch(PathBuf);

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

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `--mfa-code`, else asked on the terminal.
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

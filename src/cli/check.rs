//! `grantlint check`: lint files and directories.

use super::output::OutputArgs;
use super::usage_error;
use crate::config::{Config, Selection};
use crate::lint::{self, Kind, Options};
use crate::profile::Profile;
use crate::syntax::aws;
use clap::{Args, ValueEnum};
use std::io;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or directories (walked recursively); `-` reads standard input [default: `.`, or `-`
    /// with --stdin-filename]
    paths: Vec<String>,

    /// Vendor profile: a built-in name (digiusher) or a profile file
    #[arg(long)]
    profile: Option<String>,

    /// Read files as this kind of policy when detection is not enough
    #[arg(long, value_enum)]
    kind: Option<KindArg>,

    /// Accept the actions of the profile's optional permission pack NAME (repeatable)
    #[arg(long = "enable-pack", value_name = "NAME")]
    enable_pack: Vec<String>,

    /// Configuration file [default: .grantlint.toml or grantlint.toml, searched upward]
    #[arg(long, env = "GRANTLINT_CONFIG", conflicts_with = "isolated")]
    config: Option<PathBuf>,

    /// Ignore every configuration file
    #[arg(long)]
    isolated: bool,

    /// Apply the configuration's `exclude` to files named on the command line too (for pre-commit)
    #[arg(long)]
    force_exclude: bool,

    /// The name standard input is known by: its format is detected from it, findings carry it,
    /// and the configuration's per-file settings match it
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,

    #[command(flatten)]
    selection: SelectionArgs,

    #[command(flatten)]
    output: OutputArgs,
}

/// Rule selection, as in ruff: each takes codes (`OCI002`), code prefixes (`OCI`, `AWS00`), rule
/// names (`oci-data-read`) or `ALL`, comma-separated or repeated.
#[derive(Args, Debug)]
struct SelectionArgs {
    /// Check only these rules [default: from the config, else ALL]
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Option<Vec<String>>,

    /// Check these rules too, on top of the selection
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    extend_select: Vec<String>,

    /// Do not check these rules
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Vec<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum KindArg {
    /// OCI policy statements
    Oci,
    /// An AWS identity policy (attached to a user, group or role)
    Identity,
    /// An AWS role trust (assume-role) policy
    Trust,
    /// An AWS resource policy, such as an S3 bucket policy
    Resource,
}

pub fn run(args: CheckArgs, color: bool) -> io::Result<u8> {
    let cwd = std::env::current_dir()?;
    let mut config = if args.isolated {
        Config { root: cwd, ..Config::default() }
    } else {
        Config::discover(args.config.as_deref(), &cwd).map_err(usage_error)?
    };
    for warning in &config.warnings {
        eprintln!("grantlint: warning: {warning}");
    }
    let selection = Selection {
        select: args.selection.select.clone(),
        extend_select: args.selection.extend_select.clone(),
        ignore: args.selection.ignore.clone(),
    };
    config.select_rules(&selection, "the command line").map_err(usage_error)?;
    let profile_name = args.profile.as_deref().or(config.profile.as_deref());
    let mut profile = profile_name.map(Profile::load).transpose().map_err(usage_error)?;
    let packs: Vec<String> = args.enable_pack.iter().chain(&config.packs).cloned().collect();
    if !packs.is_empty() {
        let profile =
            profile.as_mut().ok_or_else(|| usage_error("packs belong to a vendor profile: pass --profile"))?;
        profile.enable_packs(&packs).map_err(usage_error)?;
    }
    let paths = match (args.paths.is_empty(), &args.stdin_filename) {
        (false, _) => args.paths.clone(),
        (true, Some(_)) => vec!["-".to_string()],
        (true, None) => vec![".".to_string()],
    };
    if args.stdin_filename.is_some() && !paths.iter().any(|p| p == "-") {
        return Err(usage_error("--stdin-filename names standard input, but no `-` is among the paths"));
    }
    let inputs = crate::input::gather(&paths, &config, args.force_exclude, args.stdin_filename.as_deref());
    let options = Options {
        config: Some(&config),
        profile: profile.as_ref(),
        kind: args.kind.map(|k| match k {
            KindArg::Oci => Kind::Oci,
            KindArg::Identity => Kind::Aws(aws::Kind::Identity),
            KindArg::Trust => Kind::Aws(aws::Kind::Trust),
            KindArg::Resource => Kind::Aws(aws::Kind::Resource),
        }),
    };
    args.output.emit_with(config.fail_on, color, |renderer| {
        lint::stream(&inputs, &options, &mut |files| renderer.files(&files.iter().collect::<Vec<_>>()))
    })
}

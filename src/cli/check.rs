//! `grantlint check`: lint files and directories.

use super::{exit, usage_error};
use crate::diagnostic::Severity;
use crate::lint::{self, Kind, Options};
use crate::profile::Profile;
use crate::render::{self, Format};
use clap::{Args, ValueEnum};
use std::io::{self, IsTerminal, Write};

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or directories (walked recursively); `-` reads standard input
    #[arg(default_value = ".")]
    paths: Vec<String>,

    /// Vendor profile: a built-in name (digiusher) or a profile file
    #[arg(long)]
    profile: Option<String>,

    /// Output format [default: human on a terminal, concise otherwise]
    #[arg(long, value_enum)]
    format: Option<Format>,

    /// Read files as this kind of policy when detection is not enough
    #[arg(long, value_enum)]
    kind: Option<KindArg>,

    /// The least severity that makes the exit code 1
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,

    /// Exit 0 even when there are findings
    #[arg(long)]
    exit_zero: bool,

    /// Print only the findings, no summary
    #[arg(long, short)]
    quiet: bool,

    /// Also list the files that were skipped, and why
    #[arg(long, short)]
    verbose: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum KindArg {
    /// OCI policy statements
    Oci,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FailOn {
    Error,
    Warning,
}

pub fn run(args: CheckArgs, color: bool) -> io::Result<u8> {
    let profile = args.profile.as_deref().map(Profile::load).transpose().map_err(usage_error)?;
    let inputs = crate::input::collect(&args.paths).map_err(usage_error)?;
    let options = Options {
        profile: profile.as_ref(),
        kind: args.kind.map(|k| match k {
            KindArg::Oci => Kind::Oci,
        }),
    };
    let report = lint::run(&inputs, &options);
    let format = args.format.unwrap_or(if io::stdout().is_terminal() { Format::Human } else { Format::Concise });
    let render_options =
        render::Options { color: color && format == Format::Human, verbose: args.verbose, quiet: args.quiet };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    render::render(&report, format, &render_options, &mut out)?;
    out.flush()?;
    if !report.errors.is_empty() {
        for error in &report.errors {
            eprintln!("grantlint: {error}");
        }
        return Ok(exit::ERROR);
    }
    let failing = match args.fail_on {
        FailOn::Error => report.count(Severity::Error),
        FailOn::Warning => report.count(Severity::Error) + report.count(Severity::Warning),
    };
    Ok(if failing > 0 && !args.exit_zero { exit::FINDINGS } else { exit::CLEAN })
}

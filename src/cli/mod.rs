//! The command line: argument parsing and the commands. `main` only maps the result to an exit code.

mod audit;
mod check;
mod generate;
mod output;
mod profile;
mod rules;

use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::process::ExitCode;

/// Lint and audit the permissions granted to a cloud vendor.
#[derive(Parser, Debug)]
#[command(name = "grantlint", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,

    /// When to use colour
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Lint policy files (OCI statements, AWS IAM policies, Terraform, CloudFormation, audit snapshots) and directories of them
    Check(check::CheckArgs),
    /// Audit what a live cloud account grants a vendor (read-only), and lint it
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Print one rule's documentation
    Rule {
        /// A rule code (OCI002) or name (oci-grant-not-read-only)
        code: String,
    },
    /// List every rule
    Rules,
    /// Vendor profiles
    #[command(subcommand)]
    Profile(profile::ProfileCommand),
    /// Shell completions and the man page, for packagers
    #[command(subcommand, hide = true)]
    Generate(generate::GenerateCommand),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Exit codes: 0 clean, 1 findings at or above the failing severity, 2 usage, I/O or config error.
pub mod exit {
    pub const CLEAN: u8 = 0;
    pub const FINDINGS: u8 = 1;
    pub const ERROR: u8 = 2;
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { exit::ERROR } else { exit::CLEAN };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let color = use_color(cli.color);
    let result = match cli.command {
        Command::Check(args) => check::run(args, color),
        Command::Audit(command) => audit::run(command, color),
        Command::Rule { code } => rules::rule(&code),
        Command::Rules => rules::list(),
        Command::Profile(command) => profile::run(command),
        Command::Generate(command) => generate::run(command),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(exit::CLEAN),
        Err(e) => {
            // Our own messages are `Other`; a system error reads as a sentence, not "(os error 2)".
            let message = if e.kind() == std::io::ErrorKind::Other { e.to_string() } else { crate::text::io_error(&e) };
            eprintln!("grantlint: {message}");
            ExitCode::from(exit::ERROR)
        }
    }
}

/// Resolves colour once: the flag, then NO_COLOR, CLICOLOR_FORCE/FORCE_COLOR, CLICOLOR, TERM, a TTY.
fn use_color(choice: ColorChoice) -> bool {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if env("NO_COLOR").is_some() {
                false
            } else if env("CLICOLOR_FORCE").is_some_and(|v| v != "0") || env("FORCE_COLOR").is_some_and(|v| v != "0") {
                true
            } else if env("CLICOLOR").as_deref() == Some("0") || env("TERM").as_deref() == Some("dumb") {
                false
            } else {
                std::io::stdout().is_terminal()
            }
        }
    }
}

/// A user-facing error: printed as `grantlint: …`, exit code 2.
pub fn usage_error(message: impl Into<String>) -> std::io::Error {
    std::io::Error::other(message.into())
}

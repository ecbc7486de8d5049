//! `grantlint generate completions SHELL` and `grantlint generate man`: files for packagers,
//! generated from the same clap definition the binary parses with, so they never drift from it.

use super::{Cli, exit};
use clap::{CommandFactory, Subcommand};
use clap_complete::Shell;
use std::io::{self, Write};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum GenerateCommand {
    /// Print a shell completion script
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page (roff)
    Man {
        /// Write grantlint.1 and a page per subcommand (grantlint-check.1, …) into this directory
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

pub fn run(command: GenerateCommand) -> io::Result<u8> {
    let mut cli = Cli::command();
    let mut out = io::stdout().lock();
    match command {
        GenerateCommand::Completions { shell } => clap_complete::generate(shell, &mut cli, "grantlint", &mut out),
        // The main page lists `grantlint-help(1)` unless the help subcommand is off, and no such
        // page exists: `--help` covers it.
        GenerateCommand::Man { dir: None } => {
            clap_mangen::Man::new(cli.disable_help_subcommand(true)).render(&mut out)?
        }
        GenerateCommand::Man { dir: Some(dir) } => clap_mangen::generate_to(cli, &dir)
            .map_err(|e| super::usage_error(format!("cannot write man pages to {}: {e}", dir.display())))?,
    }
    out.flush()?;
    Ok(exit::CLEAN)
}

//! The output flags every linting command shares, and what they do with a finished report.

use super::exit;
use crate::diagnostic::Severity;
use crate::render::{self, Format, Renderer};
use clap::{Args, ValueEnum};
use std::io::{self, IsTerminal, Write};

#[derive(Args, Debug)]
pub struct OutputArgs {
    /// Output format [default: human on a terminal, concise otherwise]
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// The least severity that makes the exit code 1 [default: from the config, else error]
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Exit 0 even when there are findings
    #[arg(long)]
    pub exit_zero: bool,

    /// Print only the findings, no summary
    #[arg(long, short)]
    pub quiet: bool,

    /// Say more: list skipped files; in an audit, also log every API request to standard error
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
}

impl OutputArgs {
    /// Renders `report` to standard output and returns the exit code (see [`Self::emit_with`]).
    #[cfg(any(feature = "audit-aws", feature = "audit-oci"))]
    pub fn emit(&self, report: &crate::lint::Report, config_fail_on: Option<Severity>, color: bool) -> io::Result<u8> {
        self.emit_with(config_fail_on, color, |renderer| {
            renderer.report(report)?;
            Ok(report.errors.clone())
        })
    }

    /// Runs `lint`, which feeds its files to the renderer as they are done and returns the inputs
    /// it could not read, then returns the exit code: 2 when a file could not be read, 1 when a
    /// finding reaches the failing severity, else 0.
    pub fn emit_with(
        &self,
        config_fail_on: Option<Severity>,
        color: bool,
        lint: impl FnOnce(&mut Renderer) -> io::Result<Vec<String>>,
    ) -> io::Result<u8> {
        let format = self.format.unwrap_or(if io::stdout().is_terminal() { Format::Human } else { Format::Concise });
        let options =
            render::Options { color: color && format == Format::Human, verbose: self.verbose, quiet: self.quiet };
        let mut out = io::BufWriter::new(io::stdout().lock());
        let mut renderer = Renderer::new(format, options, &mut out);
        let errors = lint(&mut renderer)?;
        let tally = renderer.finish(&errors)?;
        out.flush()?;
        if !errors.is_empty() {
            for error in &errors {
                eprintln!("grantlint: {error}");
            }
            return Ok(exit::ERROR);
        }
        let fail_on = match self.fail_on {
            Some(FailOn::Error) => Severity::Error,
            Some(FailOn::Warning) => Severity::Warning,
            None => config_fail_on.unwrap_or(Severity::Error),
        };
        let failing = match fail_on {
            Severity::Error => tally.count(Severity::Error),
            Severity::Warning => tally.count(Severity::Error) + tally.count(Severity::Warning),
        };
        Ok(if failing > 0 && !self.exit_zero { exit::FINDINGS } else { exit::CLEAN })
    }
}

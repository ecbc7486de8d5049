//! `grantlint rule CODE` and `grantlint rules`: the rules' own documentation.

use super::{exit, usage_error};
use crate::rules::{RULES, find};
use std::io::{self, Write};

pub fn rule(code: &str) -> io::Result<u8> {
    let rule = find(code).ok_or_else(|| usage_error(format!("no rule `{code}`; `grantlint rules` lists them")))?;
    let meta = rule.meta;
    let mut out = io::stdout().lock();
    writeln!(out, "# {} ({})\n", meta.name, meta.code)?;
    writeln!(out, "Default severity: {}\n", meta.severity.as_str())?;
    out.write_all(meta.documentation().as_bytes())?;
    Ok(exit::CLEAN)
}

pub fn list() -> io::Result<u8> {
    let mut out = io::stdout().lock();
    let code_width = RULES.iter().map(|r| r.meta.code.len()).max().unwrap_or(0);
    let name_width = RULES.iter().map(|r| r.meta.name.len()).max().unwrap_or(0);
    for rule in RULES {
        let meta = rule.meta;
        let (code, severity, name) = (meta.code, meta.severity.as_str(), meta.name);
        writeln!(out, "{code:<code_width$} {severity:<7} {name:<name_width$} {}", meta.summary())?;
    }
    Ok(exit::CLEAN)
}

//! `.grantlint.toml`: found upward from the working directory (or named with `--config`).
//!
//! ```toml
//! [lint]
//! profile = "digiusher"
//! include = ["policies/**"]          # files a directory walk considers (default: by extension)
//! exclude = ["policies/legacy/**"]
//! fail-on = "warning"
//! packs = ["ec2-start-stop"]          # optional permission packs of the profile to accept
//! internal-roles = "error"            # template roles only services or the account assume (default: warning)
//!
//! select = ["OCI", "AWS"]             # rule selection as in ruff: codes, prefixes, names, ALL
//! extend-select = ["GL"]
//! ignore = ["OCI010"]
//!
//! [lint.rules]                         # per-rule severity, or "off"
//! OCI008 = "error"
//!
//! [lint.per-file-ignores]
//! "legacy/*.json" = ["AWS012"]
//!
//! [[lint.per-statement-ignores]]       # one statement, for JSON which has no comments
//! path = "iam/break-glass.json"
//! sid = "BreakGlass"                   # or: action = "iam:PassRole"
//! rules = ["AWS002"]
//! reason = "approved in SEC-123"
//!
//! [[lint.accept]]                      # an accepted exception, wherever it appears
//! rule = "OCI008"
//! statement = "Allow group auditors to read objects in compartment Reports"   # or: action = "…"
//! reason = "the auditors read the exported reports"
//! ```

use crate::diagnostic::Severity;
use crate::rules;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The file names searched for, closest directory first.
pub const FILE_NAMES: &[&str] = &[".grantlint.toml", "grantlint.toml"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    lint: LintSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct LintSection {
    profile: Option<String>,
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    fail_on: Option<Severity>,
    #[serde(default)]
    packs: Vec<String>,
    internal_roles: Option<Severity>,
    #[serde(default)]
    rules: BTreeMap<String, RuleSetting>,
    #[serde(default)]
    per_file_ignores: BTreeMap<String, Vec<String>>,
    select: Option<Vec<String>>,
    #[serde(default)]
    extend_select: Vec<String>,
    /// Rules turned off, as in ruff; before 0.2 this key held what `per-statement-ignores` holds,
    /// which is still read, with a warning.
    ignore: Option<toml::Value>,
    #[serde(default)]
    per_statement_ignores: Vec<IgnoreEntry>,
    #[serde(default)]
    accept: Vec<AcceptEntry>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RuleSetting {
    Off,
    Warning,
    Error,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoreEntry {
    path: String,
    sid: Option<String>,
    action: Option<String>,
    rules: Vec<String>,
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AcceptEntry {
    rule: String,
    statement: Option<String>,
    action: Option<String>,
    reason: String,
}

/// The configuration in force, with globs compiled and rule names resolved to codes.
#[derive(Debug, Default)]
pub struct Config {
    /// The file it came from, as messages show it (relative to the working directory);
    /// `None` when there is none.
    pub path: Option<PathBuf>,
    /// The directory globs are relative to.
    pub root: PathBuf,
    pub profile: Option<String>,
    pub include: Option<GlobSet>,
    pub exclude: Option<GlobSet>,
    pub fail_on: Option<Severity>,
    pub packs: Vec<String>,
    /// The highest severity of findings on a template's roles that only AWS services or the
    /// account itself can assume (`None`: warning).
    pub internal_roles: Option<Severity>,
    pub rules: BTreeMap<&'static str, RuleSetting>,
    pub per_file_ignores: Vec<(GlobSet, String, Vec<&'static str>)>,
    pub ignores: Vec<Ignore>,
    pub accepted: Vec<Accepted>,
    /// Rules the selection (`select`, `extend-select`, `ignore`) leaves out.
    pub deselected: BTreeSet<&'static str>,
    /// What the user should change in the file, though it still works (deprecated keys).
    pub warnings: Vec<String>,
}

/// One layer of rule selection, as in ruff: `select` replaces the rules checked so far,
/// `extend-select` adds to them, `ignore` takes away. Each entry is a code, a code prefix, a rule
/// name or `ALL`; within a layer the more specific entry wins (`select = ["OCI"]`,
/// `ignore = ["OCI010"]` checks every OCI rule but OCI010, and so does the reverse order).
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
}

/// A statement-scoped suppression from the configuration.
#[derive(Debug)]
pub struct Ignore {
    pub path: GlobSet,
    pub path_text: String,
    pub target: Target,
    pub rules: Vec<&'static str>,
    pub reason: String,
}

/// What an ignore or an acceptance names inside a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Sid(String),
    Action(String),
    Statement(String),
}

/// An accepted exception: a rule's finding on one statement or action is expected, for a reason.
#[derive(Debug)]
pub struct Accepted {
    pub rule: &'static str,
    pub target: Target,
    pub reason: String,
}

impl Config {
    /// The configuration for a run: `explicit` if given, else the closest file upward from `cwd`.
    pub fn discover(explicit: Option<&Path>, cwd: &Path) -> Result<Config, String> {
        // (where the file is, how messages name it)
        let found = match explicit {
            Some(path) => Some((cwd.join(path), path.to_path_buf())),
            None => cwd.ancestors().enumerate().find_map(|(ups, dir)| {
                FILE_NAMES.iter().map(|name| dir.join(name)).find(|p| p.is_file()).map(|path| {
                    let mut shown: PathBuf = std::iter::repeat_n("..", ups).collect();
                    shown.push(path.file_name().unwrap_or_default());
                    (path, shown)
                })
            }),
        };
        match found {
            None => Ok(Config { root: cwd.to_path_buf(), ..Config::default() }),
            Some((path, shown)) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {}", shown.display(), crate::text::io_error(&e)))?;
                let root = path.parent().map_or_else(|| cwd.to_path_buf(), Path::to_path_buf);
                Config::parse(&text, &shown, root)
            }
        }
    }

    pub fn parse(text: &str, path: &Path, root: PathBuf) -> Result<Config, String> {
        let shown = path.display();
        let file: ConfigFile = toml::from_str(text).map_err(|e| format!("{shown}: {}", e.to_string().trim_end()))?;
        let lint = file.lint;
        let code = |name: &str| -> Result<&'static str, String> {
            rules::find(name).map(|r| r.meta.code).ok_or_else(|| format!("{shown}: unknown rule `{name}`"))
        };
        let codes = |names: &[String]| names.iter().map(|n| code(n)).collect::<Result<Vec<_>, _>>();
        let reason = |reason: &str, what: &str| -> Result<String, String> {
            if reason.trim().is_empty() {
                Err(format!("{shown}: {what} needs a non-empty `reason`"))
            } else {
                Ok(reason.to_string())
            }
        };
        let mut config = Config {
            path: Some(path.to_path_buf()),
            root,
            profile: lint.profile,
            include: globs(&lint.include, &shown.to_string())?,
            exclude: globs(&lint.exclude, &shown.to_string())?,
            fail_on: lint.fail_on,
            packs: lint.packs,
            internal_roles: lint.internal_roles,
            ..Config::default()
        };
        for (name, setting) in &lint.rules {
            config.rules.insert(code(name)?, *setting);
        }
        for (pattern, names) in &lint.per_file_ignores {
            let set = globs(std::slice::from_ref(pattern), &shown.to_string())?.unwrap_or_else(GlobSet::empty);
            config.per_file_ignores.push((set, pattern.clone(), codes(names)?));
        }
        let mut statement_ignores = lint.per_statement_ignores;
        let mut ignore_rules = Vec::new();
        match lint.ignore {
            None => {}
            Some(toml::Value::Array(items)) if items.iter().all(toml::Value::is_str) => {
                ignore_rules = items.into_iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
            }
            Some(value @ toml::Value::Array(_)) => {
                let legacy: Vec<IgnoreEntry> = value
                    .try_into()
                    .map_err(|e: toml::de::Error| format!("{shown}: [[lint.ignore]]: {}", e.to_string().trim_end()))?;
                config.warnings.push(format!(
                    "{shown}: `[[lint.ignore]]` is now `[[lint.per-statement-ignores]]`; rename it \
                     (`ignore = [\"CODE\", …]` turns rules off, as in ruff)"
                ));
                statement_ignores.extend(legacy);
            }
            Some(_) => {
                return Err(format!("{shown}: `ignore` is a list of rule codes, prefixes or names"));
            }
        }
        let selection = Selection { select: lint.select, extend_select: lint.extend_select, ignore: ignore_rules };
        config.select_rules(&selection, &shown.to_string())?;
        for entry in statement_ignores {
            let target = match (entry.sid, entry.action) {
                (Some(sid), None) => Target::Sid(sid),
                (None, Some(action)) => Target::Action(action),
                _ => {
                    return Err(format!(
                        "{shown}: [[lint.per-statement-ignores]] for `{}` needs exactly one of `sid` or `action`",
                        entry.path
                    ));
                }
            };
            let path = globs(std::slice::from_ref(&entry.path), &shown.to_string())?.unwrap_or_else(GlobSet::empty);
            config.ignores.push(Ignore {
                path,
                path_text: entry.path.clone(),
                target,
                rules: codes(&entry.rules)?,
                reason: reason(&entry.reason, "[[lint.per-statement-ignores]]")?,
            });
        }
        for entry in lint.accept {
            let target = match (entry.statement, entry.action) {
                (Some(statement), None) => Target::Statement(statement),
                (None, Some(action)) => Target::Action(action),
                _ => {
                    return Err(format!(
                        "{shown}: [[lint.accept]] for `{}` needs exactly one of `statement` or `action`",
                        entry.rule
                    ));
                }
            };
            config.accepted.push(Accepted {
                rule: code(&entry.rule)?,
                target,
                reason: reason(&entry.reason, "[[lint.accept]]")?,
            });
        }
        Ok(config)
    }

    /// `path` relative to the configuration's directory, with forward slashes, for glob matching.
    pub fn relative(&self, path: &Path) -> String {
        let absolute = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf())
        };
        let relative = absolute.strip_prefix(&self.root).unwrap_or(path);
        let mut out = String::new();
        for part in relative.components() {
            match part {
                std::path::Component::CurDir => continue,
                other => {
                    if !out.is_empty() {
                        out.push('/');
                    }
                    out.push_str(&other.as_os_str().to_string_lossy());
                }
            }
        }
        out
    }

    /// Whether a configured exclusion covers `path`.
    pub fn excluded(&self, path: &Path) -> bool {
        self.exclude.as_ref().is_some_and(|set| set.is_match(self.relative(path)))
    }

    /// Whether a directory walk should consider `path`: the include globs when given, else
    /// `default`, the decision by extension.
    pub fn considered(&self, path: &Path, default: bool) -> bool {
        let included = self.include.as_ref().map_or(default, |set| set.is_match(self.relative(path)));
        included && !self.excluded(path)
    }

    /// Applies one layer of rule selection on top of what is selected so far; `origin` names
    /// where it comes from, for errors.
    pub fn select_rules(&mut self, selection: &Selection, origin: &str) -> Result<(), String> {
        let all: Vec<&'static str> = rules::RULES.iter().map(|r| r.meta.code).collect();
        let resolve = |entry: &String| {
            resolve_selector(entry).ok_or_else(|| format!("{origin}: `{entry}` is not a rule code, prefix or name"))
        };
        // (rules an entry covers, whether it turns them on), broadest first; on a tie, `ignore` wins.
        let mut steps = Vec::new();
        for entry in selection.select.iter().flatten().chain(&selection.extend_select) {
            steps.push((resolve(entry)?, true));
        }
        for entry in &selection.ignore {
            steps.push((resolve(entry)?, false));
        }
        steps.sort_by_key(|(codes, on)| (std::cmp::Reverse(codes.len()), *on));
        let mut enabled: BTreeSet<&'static str> = match &selection.select {
            Some(_) => BTreeSet::new(),
            None => all.iter().copied().filter(|c| !self.deselected.contains(c)).collect(),
        };
        for (codes, on) in steps {
            for code in codes {
                if on {
                    enabled.insert(code);
                } else {
                    enabled.remove(code);
                }
            }
        }
        self.deselected = all.into_iter().filter(|c| !enabled.contains(c)).collect();
        Ok(())
    }

    /// The severity a rule's findings get, or `None` when the rule is off.
    pub fn severity(&self, code: &str, default: Severity) -> Option<Severity> {
        if self.deselected.contains(code) {
            return None;
        }
        match self.rules.get(code) {
            None => Some(default),
            Some(RuleSetting::Off) => None,
            Some(RuleSetting::Warning) => Some(Severity::Warning),
            Some(RuleSetting::Error) => Some(Severity::Error),
        }
    }
}

/// The rules a selection entry covers: `ALL`, a code or name, or a code prefix (`OCI`, `AWS00`).
fn resolve_selector(entry: &str) -> Option<Vec<&'static str>> {
    let entry = entry.trim();
    if entry.eq_ignore_ascii_case("ALL") {
        return Some(rules::RULES.iter().map(|r| r.meta.code).collect());
    }
    if let Some(rule) = rules::find(entry) {
        return Some(vec![rule.meta.code]);
    }
    let prefix = entry.to_ascii_uppercase();
    let codes: Vec<&'static str> =
        rules::RULES.iter().map(|r| r.meta.code).filter(|c| !prefix.is_empty() && c.starts_with(&prefix)).collect();
    (!codes.is_empty()).then_some(codes)
}

fn globs(patterns: &[String], origin: &str) -> Result<Option<GlobSet>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern).map_err(|e| format!("{origin}: glob `{pattern}`: {e}"))?;
        builder.add(glob);
    }
    builder.build().map(Some).map_err(|e| format!("{origin}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(text, Path::new("/repo/.grantlint.toml"), PathBuf::from("/repo"))
    }

    #[test]
    fn full_configuration() {
        let config = parse(
            r#"
            [lint]
            profile = "digiusher"
            include = ["policies/**"]
            exclude = ["policies/legacy/**"]
            fail-on = "warning"
            packs = ["ec2-start-stop"]
            [lint.rules]
            oci-unknown-resource-type = "off"
            OCI008 = "error"
            [lint.per-file-ignores]
            "legacy/*.json" = ["OCI001"]
            [[lint.per-statement-ignores]]
            path = "iam/break-glass.json"
            sid = "BreakGlass"
            rules = ["OCI002"]
            reason = "approved in SEC-123"
            [[lint.accept]]
            rule = "OCI008"
            statement = "Allow group a to read objects in tenancy"
            reason = "reads exported reports"
            "#,
        )
        .unwrap();
        assert_eq!(config.profile.as_deref(), Some("digiusher"));
        assert_eq!(config.fail_on, Some(Severity::Warning));
        assert_eq!(config.severity("OCI010", Severity::Warning), None);
        assert_eq!(config.severity("OCI008", Severity::Warning), Some(Severity::Error));
        assert_eq!(config.severity("OCI002", Severity::Error), Some(Severity::Error));
        assert!(config.considered(Path::new("/repo/policies/a.policy"), false));
        assert!(!config.considered(Path::new("/repo/policies/legacy/a.policy"), true));
        assert!(!config.considered(Path::new("/repo/other/a.policy"), true));
        assert_eq!(config.ignores[0].target, Target::Sid("BreakGlass".into()));
        assert_eq!(config.accepted[0].rule, "OCI008");
    }

    #[test]
    fn rule_selection_as_in_ruff() {
        let config = parse("[lint]\nselect = ['OCI']\nignore = ['oci-unknown-resource-type']\n").unwrap();
        assert_eq!(config.severity("OCI002", Severity::Error), Some(Severity::Error));
        assert_eq!(config.severity("OCI010", Severity::Warning), None, "ignored by name");
        assert_eq!(config.severity("AWS002", Severity::Error), None, "not selected");
        // The more specific entry wins, whichever list it is in.
        let config = parse("[lint]\nselect = ['OCI010']\nignore = ['OCI']\n").unwrap();
        assert_eq!(config.severity("OCI010", Severity::Warning), Some(Severity::Warning));
        assert_eq!(config.severity("OCI002", Severity::Error), None);
        // A later layer (the command line) builds on the file's.
        let mut config = parse("[lint]\nignore = ['AWS00']\n").unwrap();
        assert_eq!(config.severity("AWS002", Severity::Error), None);
        assert_eq!(config.severity("AWS010", Severity::Error), Some(Severity::Error));
        let cli = Selection { select: None, extend_select: vec!["AWS002".into()], ignore: vec!["GL".into()] };
        config.select_rules(&cli, "the command line").unwrap();
        assert_eq!(config.severity("AWS002", Severity::Error), Some(Severity::Error));
        assert_eq!(config.severity("AWS003", Severity::Error), None);
        assert_eq!(config.severity("GL001", Severity::Warning), None);
        let select_all = Selection { select: Some(vec!["ALL".into()]), ..Selection::default() };
        config.select_rules(&select_all, "the command line").unwrap();
        assert!(config.deselected.is_empty());
        let unknown = parse("[lint]\nselect = ['OCX']\n").unwrap_err();
        assert!(unknown.contains("`OCX` is not a rule code, prefix or name"), "{unknown}");
    }

    #[test]
    fn the_old_statement_ignores_still_work_with_a_warning() {
        let config = parse("[[lint.ignore]]\npath = 'a.json'\nsid = 'A'\nrules = ['AWS002']\nreason = 'r'\n").unwrap();
        assert_eq!(config.ignores.len(), 1);
        assert!(config.warnings[0].contains("[[lint.per-statement-ignores]]"), "{:?}", config.warnings);
        assert!(config.deselected.is_empty(), "no rule is turned off by the old form");
    }

    #[test]
    fn mistakes_are_named() {
        let unknown_key = parse("[lint]\nprofle = 'x'\n").unwrap_err();
        assert!(unknown_key.contains("profle") && unknown_key.contains(".grantlint.toml"), "{unknown_key}");
        let unknown_rule = parse("[lint.rules]\nOCI999 = 'off'\n").unwrap_err();
        assert!(unknown_rule.contains("OCI999"), "{unknown_rule}");
        let no_reason = parse("[[lint.accept]]\nrule = 'OCI008'\naction = 'x'\nreason = ' '\n").unwrap_err();
        assert!(no_reason.contains("reason"), "{no_reason}");
        let both =
            parse("[[lint.per-statement-ignores]]\npath = 'a'\nsid = 'A'\naction = 'x'\nrules = []\nreason = 'r'\n")
                .unwrap_err();
        assert!(both.contains("exactly one"), "{both}");
        let bad_setting = parse("[lint.rules]\nOCI008 = 'loud'\n").unwrap_err();
        assert!(bad_setting.contains("loud") || bad_setting.contains("variant"), "{bad_setting}");
    }
}

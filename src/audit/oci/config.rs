//! Credentials the way the OCI CLI finds them: `~/.oci/config` profiles, `OCI_CLI_*` overrides.
//!
//! Precedence, highest first: command-line flags, `OCI_CLI_*` environment variables, the profile,
//! the file's `[DEFAULT]` section. The file is read as Python's `configparser` reads it (no
//! interpolation): `key = value` or `key: value`, `#`/`;` comment lines, indented continuation
//! lines, case-insensitive option names, case-sensitive section names.

use super::keys;
use crate::audit::Secret;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What the command line says about configuration.
#[derive(Debug, Default)]
pub struct Flags {
    pub config_file: Option<PathBuf>,
    pub profile: Option<String>,
    pub endpoint: Option<String>,
}

/// One resolved profile: enough to sign requests to one tenancy.
#[derive(Debug)]
pub struct Config {
    /// The config file read, if one was.
    pub file: Option<PathBuf>,
    pub profile: String,
    pub tenancy: String,
    pub user: String,
    pub fingerprint: String,
    pub key: KeySource,
    pub pass_phrase: Option<Secret>,
    /// A region name or short key; absent only when an endpoint is given.
    pub region: Option<String>,
    /// The Identity endpoint, without the API version (`https://identity.us-ashburn-1.oci.oraclecloud.com`).
    pub endpoint: Option<String>,
}

#[derive(Debug)]
pub enum KeySource {
    File(PathBuf),
    /// PEM text from `OCI_CLI_KEY_CONTENT`.
    Content(Secret),
}

/// The environment, injected so tests need not change the process's.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Resolves the configuration from flags, the environment and the config file.
pub fn load(flags: &Flags, env: Env) -> Result<Config, String> {
    let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    if let Some(auth) = var("OCI_CLI_AUTH").filter(|a| a != "api_key") {
        return Err(format!(
            "OCI_CLI_AUTH={auth}: grantlint audits with API-key authentication only (OCI_CLI_AUTH=api_key)"
        ));
    }
    let profile = flags.profile.clone().or_else(|| var("OCI_CLI_PROFILE")).unwrap_or_else(|| "DEFAULT".into());
    let file = match find_file(flags, env) {
        Found::Named(path) => Some(path),
        // No file at all is fine when the environment supplies every value.
        Found::Default(path) => path.exists().then_some(path),
    };
    let values = match &file {
        Some(path) => read_profile(path, &profile)?,
        None => BTreeMap::new(),
    };
    let place = match &file {
        Some(path) => format!("{} [{profile}]", path.display()),
        None => "the environment (no config file found; looked for ~/.oci/config)".to_string(),
    };
    if values.contains_key("security_token_file") && var("OCI_CLI_KEY_FILE").is_none() {
        return Err(format!(
            "{place} uses session-token authentication (security_token_file); grantlint audits with an API key: use a profile with user, fingerprint and key_file"
        ));
    }
    if values.contains_key("key_content") {
        return Err(format!(
            "{place}: key_content is not accepted in a config file (as in the OCI SDKs); use key_file, or OCI_CLI_KEY_CONTENT"
        ));
    }
    let setting = |key: &str, env_name: &str| var(env_name).or_else(|| values.get(key).cloned());
    let mut missing = Vec::new();
    let mut required = |key: &str, env_name: &str| {
        setting(key, env_name).unwrap_or_else(|| {
            missing.push(format!("{key} (or {env_name})"));
            String::new()
        })
    };
    let tenancy = required("tenancy", "OCI_CLI_TENANCY");
    let user = required("user", "OCI_CLI_USER");
    let fingerprint = required("fingerprint", "OCI_CLI_FINGERPRINT");
    let key = match (var("OCI_CLI_KEY_CONTENT"), setting("key_file", "OCI_CLI_KEY_FILE")) {
        (Some(content), _) => KeySource::Content(Secret::new(content)),
        (None, Some(path)) => KeySource::File(expand_home(&path, env)),
        (None, None) => {
            missing.push("key_file (or OCI_CLI_KEY_FILE)".into());
            KeySource::File(PathBuf::new())
        }
    };
    let endpoint = flags.endpoint.clone().or_else(|| var("OCI_CLI_ENDPOINT"));
    let region = setting("region", "OCI_CLI_REGION").or_else(|| var("OCI_REGION"));
    if region.is_none() && endpoint.is_none() {
        missing.push("region (or OCI_CLI_REGION, or --endpoint)".into());
    }
    if !missing.is_empty() {
        return Err(format!("{place} does not set {}", missing.join(", ")));
    }
    check_ocid(&tenancy, "tenancy", &place)?;
    check_ocid(&user, "user", &place)?;
    if !keys::is_fingerprint(&fingerprint) {
        return Err(format!(
            "{place}: fingerprint `{fingerprint}` is not a key fingerprint (16 lowercase hex pairs joined by `:`)"
        ));
    }
    let pass_phrase = var("OCI_CLI_PASSPHRASE").or_else(|| values.get("pass_phrase").cloned()).map(Secret::new);
    Ok(Config { file, profile, tenancy, user, fingerprint, key, pass_phrase, region, endpoint })
}

enum Found {
    /// Named by a flag or an environment variable: it must exist.
    Named(PathBuf),
    Default(PathBuf),
}

/// `--config`, then `OCI_CLI_CONFIG_FILE`, then `OCI_CONFIG_FILE`, then `~/.oci/config` (or the
/// legacy `~/.oraclebmc/config` when only that exists).
fn find_file(flags: &Flags, env: Env) -> Found {
    if let Some(path) = &flags.config_file {
        return Found::Named(expand_home(&path.to_string_lossy(), env));
    }
    for name in ["OCI_CLI_CONFIG_FILE", "OCI_CONFIG_FILE"] {
        if let Some(path) = env(name).filter(|p| !p.is_empty()) {
            return Found::Named(expand_home(&path, env));
        }
    }
    let default = expand_home("~/.oci/config", env);
    let legacy = expand_home("~/.oraclebmc/config", env);
    Found::Default(if !default.exists() && legacy.exists() { legacy } else { default })
}

fn read_profile(path: &Path, profile: &str) -> Result<BTreeMap<String, String>, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read OCI config file {}: {e}", path.display()))?;
    parse_ini(&text).and_then(|ini| profile_values(&ini, profile)).map_err(|e| format!("{}: {e}", path.display()))
}

fn expand_home(path: &str, env: Env) -> PathBuf {
    match (path.strip_prefix("~"), env("HOME")) {
        (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => PathBuf::from(format!("{home}{rest}")),
        _ => PathBuf::from(path),
    }
}

fn check_ocid(value: &str, kind: &str, place: &str) -> Result<(), String> {
    let prefix = format!("ocid1.{kind}.");
    if value.starts_with(&prefix) && value.split('.').count() >= 5 {
        Ok(())
    } else {
        Err(format!("{place}: {kind} `{value}` is not a {kind} OCID ({prefix}…)"))
    }
}

/// Sections in file order, each with its options (names lowercased) in a map.
type Ini = Vec<(String, BTreeMap<String, String>)>;

/// Parses INI text the way Python's `configparser` (strict, no interpolation) does.
fn parse_ini(text: &str) -> Result<Ini, String> {
    let mut sections: Ini = Vec::new();
    // The option a continuation line extends, and the indentation of its line.
    let mut last: Option<(String, usize)> = None;
    for (number, line) in text.lines().enumerate() {
        let number = number + 1;
        let trimmed = line.trim();
        let indent = line.len() - line.trim_start().len();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let (Some((key, option_indent)), Some((_, options))) = (&last, sections.last_mut())
            && indent > *option_indent
            && let Some(value) = options.get_mut(key)
        {
            value.push('\n');
            value.push_str(trimmed);
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')) {
            if sections.iter().any(|(existing, _)| existing == name) {
                return Err(format!("line {number}: section [{name}] appears twice"));
            }
            sections.push((name.to_string(), BTreeMap::new()));
            last = None;
            continue;
        }
        let Some((_, options)) = sections.last_mut() else {
            return Err(format!("line {number}: an option before any [section] header"));
        };
        let Some(split) = trimmed.find(['=', ':']) else {
            return Err(format!("line {number}: expected `key = value`"));
        };
        let key = trimmed[..split].trim().to_ascii_lowercase();
        let value = trimmed[split + 1..].trim().to_string();
        if options.insert(key.clone(), value).is_some() {
            return Err(format!("line {number}: option `{key}` appears twice in its section"));
        }
        last = Some((key, indent));
    }
    Ok(sections)
}

/// One profile's options over the `[DEFAULT]` section's.
fn profile_values(ini: &Ini, profile: &str) -> Result<BTreeMap<String, String>, String> {
    let section = |name: &str| ini.iter().find(|(n, _)| n == name).map(|(_, options)| options);
    let mut values = section("DEFAULT").cloned().unwrap_or_default();
    match section(profile) {
        Some(options) => values.extend(options.iter().map(|(k, v)| (k.clone(), v.clone()))),
        None if profile == "DEFAULT" => {}
        None => {
            let names: Vec<&str> = ini.iter().map(|(n, _)| n.as_str()).collect();
            return Err(format!("no profile [{profile}] (profiles: {})", names.join(", ")));
        }
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TENANCY: &str = "ocid1.tenancy.oc1..aaaaaaaaba3pv6wkcr4jqae5f15p2b2m2yt2j6rx32uzr4h25vqstifsfdsq";
    const FP: &str = "73:61:a2:21:67:e0:df:be:7e:4b:93:1e:15:98:a5:b7";

    fn config_file(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
    }

    fn sample() -> String {
        format!(
            "# comment\n[DEFAULT]\nuser=ocid1.user.oc1..default\nfingerprint={FP}\nkey_file=~/.oci/key.pem\ntenancy={TENANCY}\nregion=us-ashburn-1\npass_phrase=from-default\n\n[AUDIT]\nUSER : ocid1.user.oc1..audit\nregion = fra\n; other comment\n"
        )
    }

    #[test]
    fn profiles_inherit_default_and_env_overrides() {
        let (_dir, path) = config_file(&sample());
        let flags = Flags { config_file: Some(path.clone()), profile: Some("AUDIT".into()), endpoint: None };
        let config = load(&flags, &env_of(&[("HOME", "/home/me")])).unwrap();
        assert_eq!(config.user, "ocid1.user.oc1..audit");
        assert_eq!(config.region.as_deref(), Some("fra"));
        assert_eq!(config.tenancy, TENANCY);
        assert!(matches!(&config.key, KeySource::File(p) if p == Path::new("/home/me/.oci/key.pem")));
        assert_eq!(config.pass_phrase.as_ref().map(Secret::expose), Some("from-default"));
        assert!(!format!("{config:?}").contains("from-default"), "Debug must redact the passphrase");

        let env =
            env_of(&[("OCI_CLI_USER", "ocid1.user.oc1..env"), ("OCI_CLI_PROFILE", "AUDIT"), ("OCI_CLI_REGION", "phx")]);
        let config = load(&Flags { config_file: Some(path), ..Flags::default() }, &env).unwrap();
        assert_eq!((config.user.as_str(), config.region.as_deref()), ("ocid1.user.oc1..env", Some("phx")));
        assert_eq!(config.profile, "AUDIT");
    }

    #[test]
    fn config_file_from_the_environment() {
        let (_dir, path) = config_file(&sample());
        let path_text: &'static str = Box::leak(path.to_string_lossy().into_owned().into_boxed_str());
        for var in ["OCI_CLI_CONFIG_FILE", "OCI_CONFIG_FILE"] {
            let pairs: &'static [(&str, &str)] = Box::leak(vec![(var, path_text)].into_boxed_slice());
            let config = load(&Flags::default(), &env_of(pairs)).unwrap();
            assert_eq!(config.file.as_deref(), Some(path.as_path()), "{var}");
            assert_eq!(config.profile, "DEFAULT");
        }
    }

    #[test]
    fn clear_errors() {
        let (_dir, path) = config_file(&sample());
        let flags =
            |profile: &str| Flags { config_file: Some(path.clone()), profile: Some(profile.into()), endpoint: None };
        let none = env_of(&[]);
        assert!(load(&flags("NOPE"), &none).unwrap_err().contains("no profile [NOPE] (profiles: DEFAULT, AUDIT)"));
        let missing = Flags { config_file: Some("/no/such/config".into()), ..Flags::default() };
        assert!(load(&missing, &none).unwrap_err().contains("cannot read OCI config file /no/such/config"));
        assert!(
            load(&flags("DEFAULT"), &env_of(&[("OCI_CLI_AUTH", "instance_principal")]))
                .unwrap_err()
                .contains("API-key")
        );
        let (_d2, token) = config_file("[DEFAULT]\nsecurity_token_file=/x\n");
        let err = load(&Flags { config_file: Some(token), ..Flags::default() }, &none).unwrap_err();
        assert!(err.contains("session-token"), "{err}");
        let (_d3, sparse) = config_file(&format!("[DEFAULT]\ntenancy={TENANCY}\n"));
        let err = load(&Flags { config_file: Some(sparse), ..Flags::default() }, &none).unwrap_err();
        assert!(err.ends_with("does not set user (or OCI_CLI_USER), fingerprint (or OCI_CLI_FINGERPRINT), key_file (or OCI_CLI_KEY_FILE), region (or OCI_CLI_REGION, or --endpoint)"), "{err}");
        let (_d4, bad_fp) = config_file(&sample().replace(FP, "73:61:A2"));
        let err = load(&Flags { config_file: Some(bad_fp), ..Flags::default() }, &none).unwrap_err();
        assert!(err.contains("is not a key fingerprint"), "{err}");
    }

    #[test]
    fn environment_alone_suffices() {
        let env = env_of(&[
            ("HOME", "/nonexistent-home"),
            ("OCI_CLI_TENANCY", TENANCY),
            ("OCI_CLI_USER", "ocid1.user.oc1..env"),
            ("OCI_CLI_FINGERPRINT", FP),
            ("OCI_CLI_KEY_CONTENT", "-----BEGIN PRIVATE KEY-----"),
        ]);
        let flags = Flags { endpoint: Some("http://127.0.0.1:1".into()), ..Flags::default() };
        let config = load(&flags, &env).unwrap();
        assert!(config.file.is_none());
        assert!(matches!(config.key, KeySource::Content(_)));
    }

    #[test]
    fn ini_follows_configparser() {
        let ini = parse_ini("[A]\nkey = one\n  two\nother: x = y\n[B]\n").unwrap();
        assert_eq!(ini[0].1["key"], "one\ntwo");
        assert_eq!(ini[0].1["other"], "x = y");
        assert!(ini[1].1.is_empty());
        assert!(parse_ini("key=1\n").unwrap_err().contains("before any [section]"));
        assert!(parse_ini("[A]\n[A]\n").unwrap_err().contains("twice"));
        assert!(parse_ini("[A]\nk=1\nK=2\n").unwrap_err().contains("`k` appears twice"));
        assert!(parse_ini("[A]\njust words\n").unwrap_err().contains("line 2"));
    }
}

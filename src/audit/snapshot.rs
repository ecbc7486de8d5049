//! The snapshot: a live audit written down as one JSON document, and read back as a source file.
//!
//! A snapshot is recognised by its `grantlint_snapshot` key (the format version, 1). The envelope
//! is the same for every cloud; what the entries hold depends on `cloud`:
//!
//! | key | meaning |
//! |---|---|
//! | `grantlint_snapshot` | format version: `1` |
//! | `cloud` | `"oci"` or `"aws"` |
//! | `tool` | the grantlint that wrote it (`"grantlint 0.1.0"`) |
//! | `fetched_at` | RFC 3339 time of the audit; age rules measure from it, so re-linting later gives the same verdict |
//! | `account` | the audited account: `id`, `name` (an AWS account's alias, if it has one), and for OCI `home_region` |
//! | `vendor` | what the audit looked for: `profile` (or null), `group`, `user` (null when the group's members were taken) |
//! | `policies` | every policy that grants to the vendor: `id`, `name`, OCI `compartment` {`id`, `path` (names below the root)} and `statements` |
//! | `users` | the vendor's users: `id`, `name`, `state`, `capabilities`, `mfa_activated`, `last_successful_login`, `groups` [{`id`, `name`}], `api_keys` [{`fingerprint`, `created`, `state`}] |
//! | `groups` | the vendor's group: `id`, `name`, `members` [{`user_id`, `user_name`}] |
//! | `expected` | optional: the `--expect` policies the audit compared against: `source`, `policies` [{`name`, `file`, `statements`}] |
//!
//! Never key material: API keys appear by fingerprint only. What an AWS snapshot holds after
//! the envelope is described in `audit::aws::snapshot`.
//!
//! Each policy reads back as an OCI policy source whose unit is its live origin,
//! `live:oci://<tenancy>/<compartment path>/policies/<name>`, so OCI rule findings name the policy
//! they are about; the live rules (`LIVE0xx`) point into the users, groups, keys and policies of
//! the document. `grantlint audit oci` lints the text it is about to save through this same path,
//! so its findings and those of `grantlint check snapshot.json` are the same.

use super::aws::snapshot::{self as aws_snapshot, AwsSnapshot};
use super::oci::client::Capabilities;
use crate::lint::{self, FileResult, Options};
use crate::rules::aws::syntax_error as aws_syntax_error;
use crate::rules::oci::syntax_error;
use crate::rules::{Check, Context, RULES};
use crate::span::Span;
use crate::syntax::json;
use crate::syntax::oci::parser::SyntaxError;
use crate::syntax::oci::{self, Policy, PolicySource};
use jsonc_parser::ast::{Object, Value};
use serde::Serialize;
use std::borrow::Cow;

/// The key that marks a snapshot, holding its format version.
pub const MARKER: &str = "grantlint_snapshot";
pub const VERSION: u32 = 1;

// ---- Writing ----

/// A snapshot as an audit writes it: the envelope every cloud shares, and the cloud's entries.
#[derive(Debug, Serialize)]
pub struct Document<B> {
    pub grantlint_snapshot: u32,
    pub cloud: &'static str,
    pub tool: String,
    pub fetched_at: String,
    pub account: Account,
    #[serde(flatten)]
    pub body: B,
}

/// What an OCI snapshot holds besides the envelope.
#[derive(Debug, Serialize)]
pub struct OciBody {
    pub vendor: Vendor,
    pub policies: Vec<PolicyEntry>,
    pub users: Vec<UserEntry>,
    pub groups: Vec<GroupEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<Expected>,
}

#[derive(Debug, Serialize)]
pub struct Account {
    pub id: String,
    /// The tenancy's name; the AWS account's alias, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub home_region: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Vendor {
    pub profile: Option<String>,
    pub group: String,
    pub user: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct PolicyEntry {
    pub id: String,
    pub name: String,
    pub compartment: CompartmentRef,
    pub description: Option<String>,
    pub statements: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct CompartmentRef {
    pub id: String,
    /// Compartment names from below the root down to this one; empty for the root.
    pub path: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct UserEntry {
    pub id: String,
    pub name: String,
    pub state: Option<String>,
    pub capabilities: Capabilities,
    pub mfa_activated: Option<bool>,
    pub last_successful_login: Option<String>,
    pub groups: Vec<NamedRef>,
    pub api_keys: Vec<KeyEntry>,
}

#[derive(Debug, Serialize)]
pub struct NamedRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct KeyEntry {
    pub fingerprint: String,
    pub created: Option<String>,
    pub state: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct GroupEntry {
    pub id: String,
    pub name: String,
    pub members: Vec<MemberEntry>,
}

#[derive(Debug, Serialize)]
pub struct MemberEntry {
    pub user_id: String,
    pub user_name: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Expected {
    /// The `--expect` path as given.
    pub source: String,
    pub policies: Vec<ExpectedEntry>,
}

#[derive(Debug, Serialize)]
pub struct ExpectedEntry {
    pub name: String,
    pub file: String,
    pub statements: Vec<String>,
}

impl<B: Serialize> Document<B> {
    /// A snapshot of `account` taken now (the audit's clock, whole seconds).
    pub fn new(cloud: &'static str, account: Account, body: B) -> Self {
        let now = super::audit_time();
        // Whole seconds of a valid time are valid; keep the exact time if that ever changes.
        let fetched_at = jiff::Timestamp::from_second(now.as_second()).unwrap_or(now);
        Document {
            grantlint_snapshot: VERSION,
            cloud,
            tool: concat!("grantlint ", env!("CARGO_PKG_VERSION")).to_string(),
            fetched_at: fetched_at.to_string(),
            account,
            body,
        }
    }

    /// The document as saved: pretty JSON with a final newline.
    pub fn to_text(&self) -> String {
        #[allow(clippy::expect_used, reason = "plain data with string keys: serde_json cannot fail on it")]
        let mut text = serde_json::to_string_pretty(self).expect("a snapshot always serializes");
        text.push('\n');
        text
    }
}

/// Where a policy lives, as a URI: `live:oci://<tenancy>/<compartment>/…/policies/<name>`.
pub fn policy_origin(tenancy: &str, path: &[impl AsRef<str>], name: &str) -> String {
    let mut origin = format!("live:oci://{tenancy}/");
    for compartment in path {
        origin.push_str(compartment.as_ref());
        origin.push('/');
    }
    origin.push_str("policies/");
    origin.push_str(name);
    origin
}

// ---- Reading ----

/// A string of the document with its span.
#[derive(Clone, Debug)]
pub struct Text<'t> {
    pub value: Cow<'t, str>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug)]
pub struct Flag {
    pub value: bool,
    pub span: Span,
}

/// A snapshot read back, every part a rule can point at with its span.
#[derive(Debug)]
pub struct Snapshot<'t> {
    pub account_id: String,
    pub fetched_at: Option<jiff::Timestamp>,
    pub vendor_group: Option<Text<'t>>,
    pub vendor_user: Option<Text<'t>>,
    pub policies: Vec<LivePolicy<'t>>,
    pub users: Vec<LiveUser<'t>>,
    pub groups: Vec<LiveGroup<'t>>,
    /// The policies the audit was told to expect (`--expect`), if it was.
    pub expected: Option<Vec<ExpectedPolicy<'t>>>,
    /// What an AWS snapshot holds; the OCI entries above are empty then.
    pub aws: Option<AwsSnapshot<'t>>,
}

#[derive(Debug)]
pub struct LivePolicy<'t> {
    pub name: Text<'t>,
    /// Compartment names below the root; empty for the root compartment.
    pub compartment_path: Vec<String>,
    /// The statements, named by the policy's live origin.
    pub source: PolicySource<'t>,
}

#[derive(Debug)]
pub struct LiveUser<'t> {
    pub id: Text<'t>,
    pub name: Text<'t>,
    pub console_password: Option<Flag>,
    pub groups: Vec<Membership<'t>>,
    /// The `"api_keys"` key, where findings about the set of keys point.
    pub api_keys_span: Span,
    pub api_keys: Vec<LiveKey<'t>>,
}

#[derive(Debug)]
pub struct Membership<'t> {
    pub span: Span,
    pub id: Text<'t>,
    pub name: Text<'t>,
}

#[derive(Debug)]
pub struct LiveKey<'t> {
    pub fingerprint: Text<'t>,
    pub created: Option<(jiff::Timestamp, Span)>,
    pub state: Option<Text<'t>>,
}

impl LiveKey<'_> {
    /// Inactive and deleted keys cannot sign; a key without a state is taken as active.
    pub fn is_active(&self) -> bool {
        self.state.as_ref().is_none_or(|s| s.value.eq_ignore_ascii_case("ACTIVE"))
    }
}

#[derive(Debug)]
pub struct LiveGroup<'t> {
    pub id: Text<'t>,
    pub name: Text<'t>,
    /// The `"members"` key.
    pub members_span: Span,
    pub members: Vec<Member<'t>>,
}

#[derive(Debug)]
pub struct Member<'t> {
    pub span: Span,
    pub user_id: Text<'t>,
    pub user_name: Option<Text<'t>>,
}

#[derive(Debug)]
pub struct ExpectedPolicy<'t> {
    pub name: Text<'t>,
    pub file: Option<Text<'t>>,
    pub statements: Vec<Text<'t>>,
}

/// What the live rules see: the snapshot, and each of its policies parsed (same order).
pub struct Live<'s> {
    pub snapshot: &'s Snapshot<'s>,
    pub policies: &'s [Policy<'s>],
}

impl Live<'_> {
    /// The snapshot's entry for the vendor group, if it has one.
    pub fn vendor_group(&self) -> Option<&LiveGroup<'_>> {
        let name = self.snapshot.vendor_group.as_ref()?;
        self.snapshot.groups.iter().find(|g| g.name.value.eq_ignore_ascii_case(&name.value))
    }
}

/// Whether a parsed JSON document is a grantlint snapshot.
pub fn is_snapshot(value: &Value) -> bool {
    value.as_object().is_some_and(|object| object.get(MARKER).is_some())
}

/// Lints a snapshot file: its policies with the OCI or AWS rules, the whole with the live rules.
pub fn lint(value: &Value, text: &str, options: &Options, file: &mut FileResult) {
    let mut reader = Reader { text, errors: Vec::new() };
    let snapshot = reader.snapshot(value);
    let aws = snapshot.as_ref().is_some_and(|s| s.aws.is_some());
    if let Some(snapshot) = &snapshot {
        let cloud = if aws { "aws" } else { "oci" };
        file.source.origin = Some(format!("live:{cloud}://{}", snapshot.account_id));
        let sources: Vec<PolicySource> = snapshot.policies.iter().map(|p| p.source.clone()).collect();
        match &snapshot.aws {
            Some(aws) => aws_snapshot::lint_documents(aws, options, file),
            None => lint::lint_oci(&sources, options, file),
        }
        let policies: Vec<Policy> = snapshot.policies.iter().map(|p| Policy::parse(&p.source)).collect();
        let live = Live { snapshot, policies: &policies };
        let mut cx = Context::new(options.profile, options.accepted());
        for rule in RULES {
            if let Check::Live(check) = rule.check {
                check(&live, &mut cx);
            }
        }
        file.diagnostics.extend(cx.into_diagnostics());
        if let Some(aws) = &snapshot.aws {
            aws_snapshot::mask_external_ids(aws, &mut file.source.text);
        }
    }
    let report = if aws { aws_syntax_error::diagnostic } else { syntax_error::diagnostic };
    file.diagnostics.extend(reader.errors.into_iter().map(report));
}

/// Reads the document, collecting what is wrong with it as syntax errors.
pub(crate) struct Reader<'t> {
    pub(crate) text: &'t str,
    errors: Vec<SyntaxError>,
}

impl<'t> Reader<'t> {
    pub(crate) fn error(&mut self, span: Span, message: String) {
        self.errors.push(SyntaxError { span, message, help: None });
    }

    fn snapshot(&mut self, value: &Value<'t>) -> Option<Snapshot<'t>> {
        let root = self.object(value, "the snapshot")?;
        let marker = root.get(MARKER)?;
        match &marker.value {
            Value::NumberLit(n) if n.value == VERSION.to_string() => {}
            other => {
                self.error(
                    json::value_span(other),
                    format!(
                        "snapshot format {} is not one this grantlint reads (it reads {VERSION})",
                        json_text(self.text, other)
                    ),
                );
                return None;
            }
        }
        let cloud = self.string(root, "cloud", "the snapshot")?;
        if cloud.value != "oci" && cloud.value != "aws" {
            self.error(
                cloud.span,
                format!("snapshots of cloud `{}` are not supported yet (only `oci` and `aws`)", cloud.value),
            );
            return None;
        }
        let account = self.object_field(root, "account", "the snapshot")?;
        let account_id = self.string(account, "id", "account")?.value.into_owned();
        let fetched_at = self.string(root, "fetched_at", "the snapshot").and_then(|at| match at.value.parse() {
            Ok(time) => Some(time),
            Err(e) => {
                self.error(at.span, format!("`fetched_at` is not an RFC 3339 time: {e}"));
                None
            }
        });
        if cloud.value == "aws" {
            let aws = self.aws(root, &account_id);
            return Some(Snapshot {
                account_id,
                fetched_at,
                vendor_group: None,
                vendor_user: None,
                policies: Vec::new(),
                users: Vec::new(),
                groups: Vec::new(),
                expected: None,
                aws: Some(aws),
            });
        }
        let vendor = self.object_field(root, "vendor", "the snapshot");
        let vendor_group = vendor.and_then(|v| self.optional_string(v, "group", "vendor"));
        let vendor_user = vendor.and_then(|v| self.optional_string(v, "user", "vendor"));
        let policies = self.each(root, "policies", "the snapshot", |r, value, what| r.policy(value, what, &account_id));
        let users = self.each(root, "users", "the snapshot", Self::user);
        let groups = self.each(root, "groups", "the snapshot", Self::group);
        let expected = match root.get("expected").map(|p| &p.value) {
            None | Some(Value::NullKeyword(_)) => None,
            Some(value) => self
                .object(value, "expected")
                .map(|object| self.each(object, "policies", "expected", Self::expected_policy)),
        };
        Some(Snapshot {
            account_id,
            fetched_at,
            vendor_group,
            vendor_user,
            policies,
            users,
            groups,
            expected,
            aws: None,
        })
    }

    fn policy(&mut self, value: &Value<'t>, what: &str, tenancy: &str) -> Option<LivePolicy<'t>> {
        let object = self.object(value, what)?;
        let name = self.string(object, "name", what)?;
        let compartment = self.object_field(object, "compartment", what)?;
        let path = self.each(compartment, "path", &format!("{what}.compartment"), |r, value, what| {
            r.string_value(value, what).map(|t| t.value.into_owned())
        });
        let Some(mut source) = oci::read_json(value, self.text).and_then(|mut p| p.pop()) else {
            self.error(json::span(object.range), format!("{what} has no `statements`"));
            return None;
        };
        source.name = Some(policy_origin(tenancy, &path, &name.value));
        Some(LivePolicy { name, compartment_path: path, source })
    }

    fn user(&mut self, value: &Value<'t>, what: &str) -> Option<LiveUser<'t>> {
        let object = self.object(value, what)?;
        let id = self.string(object, "id", what)?;
        let name = self.string(object, "name", what)?;
        let console_password = match object.get("capabilities").map(|p| &p.value) {
            Some(Value::Object(capabilities)) => self.flag(capabilities, "can_use_console_password", what),
            Some(Value::NullKeyword(_)) | None => None,
            Some(other) => {
                self.error(json::value_span(other), format!("{what}.capabilities must be an object"));
                None
            }
        };
        let groups = self.each(object, "groups", what, |r, value, what| {
            let object = r.object(value, what)?;
            Some(Membership {
                span: json::span(object.range),
                id: r.string(object, "id", what)?,
                name: r.string(object, "name", what)?,
            })
        });
        let api_keys_span = object.get("api_keys").map_or(json::span(object.range), json::name_span);
        let api_keys = self.each(object, "api_keys", what, Self::key);
        Some(LiveUser { id, name, console_password, groups, api_keys_span, api_keys })
    }

    fn key(&mut self, value: &Value<'t>, what: &str) -> Option<LiveKey<'t>> {
        let object = self.object(value, what)?;
        let fingerprint = self.string(object, "fingerprint", what)?;
        let created = self.optional_string(object, "created", what).and_then(|at| match at.value.parse() {
            Ok(time) => Some((time, at.span)),
            Err(e) => {
                self.error(at.span, format!("{what}.created is not an RFC 3339 time: {e}"));
                None
            }
        });
        let state = self.optional_string(object, "state", what);
        Some(LiveKey { fingerprint, created, state })
    }

    fn group(&mut self, value: &Value<'t>, what: &str) -> Option<LiveGroup<'t>> {
        let object = self.object(value, what)?;
        let id = self.string(object, "id", what)?;
        let name = self.string(object, "name", what)?;
        let members_span = object.get("members").map_or(json::span(object.range), json::name_span);
        let members = self.each(object, "members", what, |r, value, what| {
            let object = r.object(value, what)?;
            Some(Member {
                span: json::span(object.range),
                user_id: r.string(object, "user_id", what)?,
                user_name: r.optional_string(object, "user_name", what),
            })
        });
        Some(LiveGroup { id, name, members_span, members })
    }

    fn expected_policy(&mut self, value: &Value<'t>, what: &str) -> Option<ExpectedPolicy<'t>> {
        let object = self.object(value, what)?;
        let name = self.string(object, "name", what)?;
        let file = self.optional_string(object, "file", what);
        let statements = self.each(object, "statements", what, |r, value, what| r.string_value(value, what));
        Some(ExpectedPolicy { name, file, statements })
    }

    /// Reads every element of the array under `key` (absent means empty) with `read`, which gets
    /// the element and its path for messages (`users[2]`).
    pub(crate) fn each<T>(
        &mut self,
        object: &Object<'t>,
        key: &str,
        what: &str,
        mut read: impl FnMut(&mut Self, &Value<'t>, &str) -> Option<T>,
    ) -> Vec<T> {
        let elements = match object.get(key).map(|p| &p.value) {
            None | Some(Value::NullKeyword(_)) => return Vec::new(),
            Some(Value::Array(array)) => &array.elements,
            Some(other) => {
                self.error(json::value_span(other), format!("{what}: `{key}` must be an array"));
                return Vec::new();
            }
        };
        elements.iter().enumerate().filter_map(|(i, element)| read(self, element, &format!("{key}[{i}]"))).collect()
    }

    pub(crate) fn object<'v>(&mut self, value: &'v Value<'t>, what: &str) -> Option<&'v Object<'t>> {
        match value {
            Value::Object(object) => Some(object),
            other => {
                self.error(json::value_span(other), format!("{what} must be an object"));
                None
            }
        }
    }

    pub(crate) fn object_field<'v>(&mut self, object: &'v Object<'t>, key: &str, what: &str) -> Option<&'v Object<'t>> {
        match object.get(key) {
            Some(prop) => self.object(&prop.value, &format!("{what}: `{key}`")),
            None => {
                self.error(json::span(object.range), format!("{what} has no `{key}`"));
                None
            }
        }
    }

    /// A required string property.
    pub(crate) fn string(&mut self, object: &Object<'t>, key: &str, what: &str) -> Option<Text<'t>> {
        match object.get(key) {
            Some(prop) => self.string_value(&prop.value, &format!("{what}.{key}")),
            None => {
                self.error(json::span(object.range), format!("{what} has no `{key}`"));
                None
            }
        }
    }

    /// A string property that may be absent or null.
    pub(crate) fn optional_string(&mut self, object: &Object<'t>, key: &str, what: &str) -> Option<Text<'t>> {
        match object.get(key).map(|p| &p.value) {
            None | Some(Value::NullKeyword(_)) => None,
            Some(value) => self.string_value(value, &format!("{what}.{key}")),
        }
    }

    pub(crate) fn string_value(&mut self, value: &Value<'t>, what: &str) -> Option<Text<'t>> {
        match value {
            Value::StringLit(lit) => Some(Text { value: lit.value.clone(), span: json::span(lit.range) }),
            other => {
                self.error(json::value_span(other), format!("{what} must be a string"));
                None
            }
        }
    }

    pub(crate) fn flag(&mut self, object: &Object<'t>, key: &str, what: &str) -> Option<Flag> {
        match object.get(key).map(|p| &p.value) {
            None | Some(Value::NullKeyword(_)) => None,
            Some(Value::BooleanLit(b)) => Some(Flag { value: b.value, span: json::span(b.range) }),
            Some(other) => {
                self.error(json::value_span(other), format!("{what}.{key} must be true or false"));
                None
            }
        }
    }
}

fn json_text<'t>(text: &'t str, value: &Value) -> &'t str {
    text.get(json::value_span(value).range()).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn lint_text(text: &str) -> Vec<String> {
        let report = lint::lint_source(SourceFile::new("s.json", text), &Options::default());
        report.diagnostics().map(|(_, d)| format!("{} {}", d.rule.code, d.message)).collect()
    }

    #[test]
    fn broken_snapshots_are_syntax_findings() {
        assert_eq!(
            lint_text(r#"{"grantlint_snapshot": 2}"#),
            ["OCI001 snapshot format 2 is not one this grantlint reads (it reads 1)"]
        );
        assert_eq!(
            lint_text(r#"{"grantlint_snapshot": 1, "cloud": "gcp"}"#),
            ["OCI001 snapshots of cloud `gcp` are not supported yet (only `oci` and `aws`)"]
        );
        let text = r#"{"grantlint_snapshot": 1, "cloud": "oci", "fetched_at": "yesterday", "account": {"id": "t"},
            "policies": [{"name": "p", "compartment": {"path": []}}, 7], "users": [{"id": "u"}], "groups": {}}"#;
        let findings = lint_text(text);
        assert!(findings.iter().any(|f| f.contains("`fetched_at` is not an RFC 3339 time")), "{findings:?}");
        assert!(findings.contains(&"OCI001 policies[0] has no `statements`".to_string()), "{findings:?}");
        assert!(findings.contains(&"OCI001 policies[1] must be an object".to_string()), "{findings:?}");
        assert!(findings.contains(&"OCI001 users[0] has no `name`".to_string()), "{findings:?}");
        assert!(findings.contains(&"OCI001 the snapshot: `groups` must be an array".to_string()), "{findings:?}");
    }

    #[test]
    fn origins_name_compartment_paths() {
        assert_eq!(
            policy_origin("ocid1.tenancy.oc1..t", &[] as &[&str], "p"),
            "live:oci://ocid1.tenancy.oc1..t/policies/p"
        );
        assert_eq!(policy_origin("T", &["finance", "prod"], "p"), "live:oci://T/finance/prod/policies/p");
    }
}

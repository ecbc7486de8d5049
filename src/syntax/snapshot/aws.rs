//! The AWS part of a snapshot (`"cloud": "aws"`): what follows the envelope.
//!
//! | key | meaning |
//! |---|---|
//! | `vendor` | `profile` (or null), `account` (the vendor's AWS account the audit looked for, or null), `external_id` (what `--external-id` gave: `prefix`, `length`, `sha256` — never the value) |
//! | `quotas` | the account's IAM quotas, GetAccountSummary's `…Quota` entries (`RolePolicySizeQuota`, …) |
//! | `roles` | each audited role: `name`, `arn`, `path`, `created`, `max_session_duration`, `last_used` {`date`, `region`}, `trust_policy`, and the grants below |
//! | `users` | each audited user: `name`, `arn`, `path`, `created`, `password_last_used`, `console` {`created`, `password_reset_required`} (GetLoginProfile; null without a password), `access_keys` [{`id`, `status`, `created`, `last_used`, `last_used_service`}], and the grants below |
//! | grants | `permissions_boundary` (ARN or null), `tags` [{`key`, `value`}], `inline_policies` [{`name`, `document`}], `managed_policies` [{`name`, `arn`, `aws_managed`, `version`, `document`}] |
//! | `expected` | optional: the `--expect` files: `source`, `policies` [{`name`, `file`, `document`}] |
//! | `error` | optional: why an organisation's audit could not read this account (AssumeRole refused, …); then `roles` and `users` are empty |
//! | `organization` | optional, from an organisation's audit: `accounts` (how many were audited) and `roles` [{`name`, `fingerprint`, `accounts`}]: each vendor role's most common version across the accounts, when more than half of the accounts holding the role have it ([`Entity::fingerprint`]) |
//!
//! Every `document` (and `trust_policy`) is the policy's text as IAM returned it, percent-decoded
//! and embedded verbatim, so the AWS rules lint exactly what IAM stores and their findings point
//! into it. A document that is not JSON is kept as a string and reported. Access keys appear by
//! ID only: IAM never returns a secret key to a List call, and the audit asks for none. The trust
//! policy holds the role's ExternalId as IAM stores it (anyone who may read the role sees it);
//! output never shows it in full: findings' source excerpts mask it after its first characters.
//!
//! Each document is a unit named by its live origin, `live:aws://<account>/role/<name>/trust`,
//! `…/inline/<policy>`, `…/managed/<policy>` (`…/user/<name>/…` for users). The AWS rules judge
//! the trust policy, the inline policies and the customer-managed policies; AWS-managed policies
//! are AWS's text, the same in every account, so the rules judge only whether one belongs on the
//! vendor's role (LIVE011).

use super::{Reader, Text};
use crate::span::Span;
use crate::syntax::aws::{self, Kind};
use crate::syntax::json::{self, Object, Value};
use crate::syntax::oci::parser::SyntaxError;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// `live:aws://<account>/<role|user>/<name>`, the origin of an entity's documents.
pub fn entity_origin(account: &str, kind: EntityKind, name: &str) -> String {
    format!("live:aws://{account}/{}/{name}", kind.as_str())
}

/// How the snapshot writes a digest (`vendor.external_id.sha256`): SHA-256, lower-case hex.
pub fn sha256_hex(value: &str) -> String {
    Sha256::digest(value.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// An AWS snapshot read back; each document parsed, its spans relative to its own text.
#[derive(Debug)]
pub struct AwsSnapshot<'t> {
    pub vendor_account: Option<Text<'t>>,
    pub external_id: Option<GivenExternalId<'t>>,
    pub quotas: BTreeMap<String, u64>,
    /// The roles, then the users.
    pub entities: Vec<Entity<'t>>,
    pub expected: Option<Vec<ExpectedDocument<'t>>>,
    /// Why the account could not be audited, when it could not.
    pub error: Option<Text<'t>>,
    pub organization: Option<Majority<'t>>,
}

/// What most accounts of the organisation hold, as the audit of them all saw it.
#[derive(Debug)]
pub struct Majority<'t> {
    /// The accounts audited.
    pub accounts: u64,
    pub roles: Vec<MajorityRole<'t>>,
}

/// A role's most common version across the accounts.
#[derive(Debug)]
pub struct MajorityRole<'t> {
    pub name: Text<'t>,
    pub fingerprint: Text<'t>,
    /// The accounts whose role has this fingerprint.
    pub accounts: u64,
    /// The accounts holding a role of this name.
    pub holding: u64,
}

/// `--external-id`, as the snapshot keeps it.
#[derive(Debug)]
pub struct GivenExternalId<'t> {
    pub prefix: Text<'t>,
    pub length: usize,
    pub sha256: Text<'t>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntityKind {
    Role,
    User,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Role => "role",
            EntityKind::User => "user",
        }
    }
}

/// An audited role or user.
#[derive(Debug)]
pub struct Entity<'t> {
    pub kind: EntityKind,
    pub name: Text<'t>,
    pub trust: Option<LiveDocument<'t>>,
    pub inline: Vec<LiveDocument<'t>>,
    /// The `"inline_policies"` key, where findings about the inline policies together point.
    pub inline_span: Span,
    pub managed: Vec<LiveManaged<'t>>,
    /// The `"managed_policies"` key.
    pub managed_span: Span,
    /// The user's `"console"` entry, when it has a console password.
    pub console: Option<Span>,
    pub access_keys: Vec<LiveAccessKey<'t>>,
}

impl Entity<'_> {
    /// `role `NAME`` or `user `NAME``, for messages.
    pub fn describe(&self) -> String {
        format!("{} `{}`", self.kind.as_str(), self.name.value)
    }

    /// What the entity is granted, as one SHA-256 digest (hex): its trust policy, its inline
    /// policies by name and its managed policies' ARNs, each document without the whitespace
    /// between JSON tokens, so two accounts' copies of one role compare equal however IAM
    /// indented them, and any change to a statement, action, condition or attachment differs.
    pub fn fingerprint(&self) -> String {
        let mut text = String::new();
        let mut inline: Vec<&LiveDocument<'_>> = self.inline.iter().collect();
        inline.sort_by(|a, b| a.name.cmp(&b.name));
        for document in self.trust.iter().chain(inline) {
            text.push_str(&document.name);
            text.push('\0');
            compact_json(document.text, &mut text);
            text.push('\0');
        }
        let mut managed: Vec<&str> = self.managed.iter().map(|m| m.arn.value.as_ref()).collect();
        managed.sort_unstable();
        for arn in managed {
            text.push_str("managed\0");
            text.push_str(arn);
            text.push('\0');
        }
        sha256_hex(&text)
    }

    /// The documents the AWS rules judge: the trust policy, the inline policies and the
    /// customer-managed policies.
    pub fn linted_documents(&self) -> impl Iterator<Item = &LiveDocument<'_>> {
        let managed = self.managed.iter().filter(|m| !m.aws_managed).filter_map(|m| m.document.as_ref());
        self.trust.iter().chain(&self.inline).chain(managed)
    }
}

#[derive(Debug)]
pub struct LiveManaged<'t> {
    pub name: Text<'t>,
    pub arn: Text<'t>,
    pub aws_managed: bool,
    pub document: Option<LiveDocument<'t>>,
}

#[derive(Debug)]
pub struct LiveAccessKey<'t> {
    pub id: Text<'t>,
    pub active: bool,
    pub created: Option<jiff::Timestamp>,
    pub last_used: Option<jiff::Timestamp>,
    pub last_used_service: Option<Text<'t>>,
    pub span: Span,
}

/// One policy document of the snapshot, parsed on its own.
#[derive(Debug)]
pub struct LiveDocument<'t> {
    /// The policy's name (`trust` for a trust policy).
    pub name: String,
    /// Its live origin, `live:aws://…/inline/NAME`.
    pub unit: String,
    /// Where the document's text starts in the snapshot.
    pub offset: usize,
    pub text: &'t str,
    pub parsed: aws::Document<'t>,
}

impl LiveDocument<'_> {
    /// A span of the document as a span of the snapshot.
    pub fn span(&self, span: Span) -> Span {
        Span::new(span.start + self.offset, span.end + self.offset)
    }

    pub fn policy(&self) -> Option<&aws::Policy<'_>> {
        self.parsed.policy.as_ref()
    }
}

#[derive(Debug)]
pub struct ExpectedDocument<'t> {
    pub name: Text<'t>,
    pub file: Option<Text<'t>>,
    pub document: LiveDocument<'t>,
}

impl<'t> Reader<'t> {
    /// Reads what follows the envelope of an AWS snapshot of `account`.
    pub(super) fn aws(&mut self, root: &Object<'t>, account: &str) -> AwsSnapshot<'t> {
        let vendor = self.object_field(root, "vendor", "the snapshot");
        let vendor_account = vendor.and_then(|v| self.optional_string(v, "account", "vendor"));
        let external_id = vendor.and_then(|v| match v.get("external_id").map(|p| &p.value) {
            None | Some(Value::NullKeyword(_)) => None,
            Some(value) => {
                let object = self.object(value, "vendor.external_id")?;
                let prefix = self.string(object, "prefix", "vendor.external_id")?;
                let length = self.number(object, "length", "vendor.external_id")?;
                let sha256 = self.string(object, "sha256", "vendor.external_id")?;
                Some(GivenExternalId { prefix, length: length as usize, sha256 })
            }
        });
        let quotas = match root.get("quotas").map(|p| &p.value) {
            None | Some(Value::NullKeyword(_)) => BTreeMap::new(),
            Some(value) => match self.object(value, "quotas") {
                Some(object) => object
                    .properties
                    .iter()
                    .filter_map(|p| {
                        let name = p.name.as_str().to_string();
                        self.number(object, &name, "quotas").map(|n| (name, n))
                    })
                    .collect(),
                None => BTreeMap::new(),
            },
        };
        let mut entities =
            self.each(root, "roles", "the snapshot", |r, v, what| r.entity(v, what, EntityKind::Role, account));
        entities.extend(
            self.each(root, "users", "the snapshot", |r, v, what| r.entity(v, what, EntityKind::User, account)),
        );
        let expected = self.expected(root, |r, value, what| {
            let object = r.object(value, what)?;
            let name = r.string(object, "name", what)?;
            let file = r.optional_string(object, "file", what);
            let unit = format!("expected:{}", file.as_ref().map_or(&name.value, |f| &f.value));
            let document = r.document(object, "document", what, None, unit, name.value.to_string())?;
            Some(ExpectedDocument { name, file, document })
        });
        let error = self.optional_string(root, "error", "the snapshot");
        let organization = match root.get("organization").map(|p| &p.value) {
            None | Some(Value::NullKeyword(_)) => None,
            Some(value) => self.object(value, "organization").and_then(|object| {
                let accounts = self.number(object, "accounts", "organization")?;
                let roles = self.each(object, "roles", "organization", |r, value, what| {
                    let object = r.object(value, what)?;
                    Some(MajorityRole {
                        name: r.string(object, "name", what)?,
                        fingerprint: r.string(object, "fingerprint", what)?,
                        accounts: r.number(object, "accounts", what)?,
                        holding: r.number(object, "holding", what)?,
                    })
                });
                Some(Majority { accounts, roles })
            }),
        };
        AwsSnapshot { vendor_account, external_id, quotas, entities, expected, error, organization }
    }

    fn entity(&mut self, value: &Value<'t>, what: &str, kind: EntityKind, account: &str) -> Option<Entity<'t>> {
        let object = self.object(value, what)?;
        let name = self.string(object, "name", what)?;
        let origin = entity_origin(account, kind, &name.value);
        let trust = match kind {
            EntityKind::Role => self.document(
                object,
                "trust_policy",
                what,
                Some(Kind::Trust),
                format!("{origin}/trust"),
                "trust".into(),
            ),
            EntityKind::User => None,
        };
        let inline = self.each(object, "inline_policies", what, |r, value, what| {
            let object = r.object(value, what)?;
            let policy = r.string(object, "name", what)?;
            let unit = format!("{origin}/inline/{}", policy.value);
            let mut document =
                r.document(object, "document", what, Some(Kind::Identity), unit, policy.value.into_owned())?;
            // An inline policy counts against the entity's inline quota, not the managed one.
            let holder = match kind {
                EntityKind::Role => aws::Holder::Role,
                EntityKind::User => aws::Holder::User,
            };
            if let Some(parsed) = &mut document.parsed.policy {
                parsed.attachment = aws::Attachment::Inline(holder);
            }
            Some(document)
        });
        let managed = self.each(object, "managed_policies", what, |r, value, what| {
            let object = r.object(value, what)?;
            let name = r.string(object, "name", what)?;
            let arn = r.string(object, "arn", what)?;
            let aws_managed = r.flag(object, "aws_managed", what).is_some_and(|f| f.value);
            let document = match object.get("document").map(|p| &p.value) {
                None | Some(Value::NullKeyword(_)) => None,
                Some(_) => {
                    let unit = format!("{origin}/managed/{}", name.value);
                    r.document(object, "document", what, Some(Kind::Identity), unit, name.value.to_string())
                }
            };
            Some(LiveManaged { name, arn, aws_managed, document })
        });
        let console = match object.get("console").map(|p| &p.value) {
            None | Some(Value::NullKeyword(_)) => None,
            Some(value) => self.object(value, &format!("{what}.console")).map(|o| json::span(o.range)),
        };
        let access_keys = self.each(object, "access_keys", what, |r, value, what| {
            let object = r.object(value, what)?;
            let id = r.string(object, "id", what)?;
            let active =
                r.optional_string(object, "status", what).is_none_or(|s| s.value.eq_ignore_ascii_case("Active"));
            Some(LiveAccessKey {
                id,
                active,
                created: r.time(object, "created", what).map(|(time, _)| time),
                last_used: r.time(object, "last_used", what).map(|(time, _)| time),
                last_used_service: r.optional_string(object, "last_used_service", what),
                span: json::span(object.range),
            })
        });
        let key_span = |key: &str| object.get(key).map_or(json::span(object.range), json::name_span);
        Some(Entity {
            kind,
            inline_span: key_span("inline_policies"),
            managed_span: key_span("managed_policies"),
            name,
            trust,
            inline,
            managed,
            console,
            access_keys,
        })
    }

    /// A policy document under `key`: parsed from its own text, as `kind` (or as its content
    /// says, for expected files).
    fn document(
        &mut self,
        object: &Object<'t>,
        key: &str,
        what: &str,
        kind: Option<Kind>,
        unit: String,
        name: String,
    ) -> Option<LiveDocument<'t>> {
        let Some(prop) = object.get(key) else {
            self.error(json::span(object.range), format!("{what} has no `{key}`"));
            return None;
        };
        let span = json::value_span(&prop.value);
        let text = &self.text[span.range()];
        let parsed = match &prop.value {
            Value::Object(_) => match json::parse(text) {
                Ok(value) => aws::read(&value, text, kind),
                Err(e) => not_json(e.span, e.message),
            },
            // The audit keeps a document that is not JSON as a string, to report it here.
            Value::StringLit(lit) => {
                let message = match json::parse(&lit.value) {
                    Ok(_) => "is not a JSON object".to_string(),
                    Err(e) => e.message,
                };
                not_json(Span::new(0, text.len()), message)
            }
            other => {
                self.error(json::value_span(other), format!("{what}.{key} must be a policy document"));
                return None;
            }
        };
        Some(LiveDocument { name, unit, offset: span.start, text, parsed })
    }

    fn number(&mut self, object: &Object<'t>, key: &str, what: &str) -> Option<u64> {
        match object.get(key).map(|p| &p.value) {
            Some(Value::NumberLit(n)) if n.value.parse::<u64>().is_ok() => n.value.parse().ok(),
            Some(other) => {
                self.error(json::value_span(other), format!("{what}.{key} must be a whole number"));
                None
            }
            None => {
                self.error(json::span(object.range), format!("{what} has no `{key}`"));
                None
            }
        }
    }
}

/// `json` without the whitespace outside its strings.
fn compact_json(json: &str, out: &mut String) {
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if c.is_whitespace() {
            continue;
        }
        out.push(c);
    }
}

fn not_json(span: Span, message: String) -> aws::Document<'static> {
    aws::Document {
        policy: None,
        errors: vec![SyntaxError { span, message: format!("the policy document is not JSON: {message}"), help: None }],
    }
}

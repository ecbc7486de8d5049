//! Reading a snapshot: the JSON document a live audit writes (`audit::snapshot`), parsed into the
//! spanned live model the live rules see.
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
//!
//! What follows the envelope is described in [`oci`] and [`aws`]. Like every reader under
//! `syntax`, this one judges nothing: what is wrong with the document comes back as syntax errors.

pub mod aws;
pub mod oci;

pub use aws::{AwsSnapshot, EntityKind, LiveDocument};
pub use oci::{LiveGroup, LivePolicy, OciSnapshot};

use crate::span::Span;
use crate::syntax::json::{self, Object, Value};
use crate::syntax::oci::Policy;
use crate::syntax::oci::parser::SyntaxError;
use std::borrow::Cow;

/// The key that marks a snapshot, holding its format version.
pub const MARKER: &str = "grantlint_snapshot";
pub const VERSION: u32 = 1;

/// The clouds a snapshot can be of, as its `cloud` key names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cloud {
    Oci,
    Aws,
}

impl Cloud {
    pub fn as_str(self) -> &'static str {
        match self {
            Cloud::Oci => "oci",
            Cloud::Aws => "aws",
        }
    }
}

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
    /// What an OCI snapshot holds; empty for an AWS one.
    pub oci: OciSnapshot<'t>,
    /// What an AWS snapshot holds.
    pub aws: Option<AwsSnapshot<'t>>,
}

impl Snapshot<'_> {
    pub fn cloud(&self) -> Cloud {
        if self.aws.is_some() { Cloud::Aws } else { Cloud::Oci }
    }

    /// The live origin of the audited account, `live:<cloud>://<account>`.
    pub fn origin(&self) -> String {
        format!("live:{}://{}", self.cloud().as_str(), self.account_id)
    }
}

/// What the live rules see: the snapshot, and each of its OCI policies parsed (same order).
pub struct Live<'s> {
    pub snapshot: &'s Snapshot<'s>,
    pub policies: &'s [Policy<'s>],
}

impl Live<'_> {
    /// The snapshot's entry for the vendor group, if it has one.
    pub fn vendor_group(&self) -> Option<&LiveGroup<'_>> {
        let oci = &self.snapshot.oci;
        let name = oci.vendor_group.as_ref()?;
        oci.groups.iter().find(|g| g.name.value.eq_ignore_ascii_case(&name.value))
    }
}

/// Whether a parsed JSON document is a grantlint snapshot.
pub fn is_snapshot(value: &Value) -> bool {
    value.as_object().is_some_and(|object| object.get(MARKER).is_some())
}

/// A snapshot document read: the model, if the envelope could be read, and what is wrong with it.
pub struct Read<'t> {
    pub snapshot: Option<Snapshot<'t>>,
    /// The cloud the document says it is of (OCI when it does not say), for reporting the errors.
    pub cloud: Cloud,
    pub errors: Vec<SyntaxError>,
}

/// Reads a snapshot document, `value` being `text` parsed.
pub fn read<'t>(value: &Value<'t>, text: &'t str) -> Read<'t> {
    let mut reader = Reader { text, errors: Vec::new() };
    let snapshot = reader.snapshot(value);
    let cloud = snapshot.as_ref().map_or(Cloud::Oci, Snapshot::cloud);
    Read { snapshot, cloud, errors: reader.errors }
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

/// Reads the document, collecting what is wrong with it as syntax errors.
struct Reader<'t> {
    text: &'t str,
    errors: Vec<SyntaxError>,
}

impl<'t> Reader<'t> {
    fn error(&mut self, span: Span, message: String) {
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
        let cloud = match cloud.value.as_ref() {
            "oci" => Cloud::Oci,
            "aws" => Cloud::Aws,
            other => {
                self.error(
                    cloud.span,
                    format!("snapshots of cloud `{other}` are not supported yet (only `oci` and `aws`)"),
                );
                return None;
            }
        };
        let account = self.object_field(root, "account", "the snapshot")?;
        let account_id = self.string(account, "id", "account")?.value.into_owned();
        let fetched_at = self.string(root, "fetched_at", "the snapshot").and_then(|at| match at.value.parse() {
            Ok(time) => Some(time),
            Err(e) => {
                self.error(at.span, format!("`fetched_at` is not an RFC 3339 time: {e}"));
                None
            }
        });
        let (oci, aws) = match cloud {
            Cloud::Aws => (OciSnapshot::default(), Some(self.aws(root, &account_id))),
            Cloud::Oci => (self.oci(root, &account_id), None),
        };
        Some(Snapshot { account_id, fetched_at, oci, aws })
    }

    /// The `expected` object's `policies`, each read with `read`; `None` when there is none.
    fn expected<T>(
        &mut self,
        root: &Object<'t>,
        read: impl FnMut(&mut Self, &Value<'t>, &str) -> Option<T>,
    ) -> Option<Vec<T>> {
        match root.get("expected").map(|p| &p.value) {
            None | Some(Value::NullKeyword(_)) => None,
            Some(value) => self.object(value, "expected").map(|object| self.each(object, "policies", "expected", read)),
        }
    }

    /// Reads every element of the array under `key` (absent means empty) with `read`, which gets
    /// the element and its path for messages (`users[2]`).
    fn each<T>(
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

    fn object<'v>(&mut self, value: &'v Value<'t>, what: &str) -> Option<&'v Object<'t>> {
        match value {
            Value::Object(object) => Some(object),
            other => {
                self.error(json::value_span(other), format!("{what} must be an object"));
                None
            }
        }
    }

    fn object_field<'v>(&mut self, object: &'v Object<'t>, key: &str, what: &str) -> Option<&'v Object<'t>> {
        match object.get(key) {
            Some(prop) => self.object(&prop.value, &format!("{what}: `{key}`")),
            None => {
                self.error(json::span(object.range), format!("{what} has no `{key}`"));
                None
            }
        }
    }

    /// A required string property.
    fn string(&mut self, object: &Object<'t>, key: &str, what: &str) -> Option<Text<'t>> {
        match object.get(key) {
            Some(prop) => self.string_value(&prop.value, &format!("{what}.{key}")),
            None => {
                self.error(json::span(object.range), format!("{what} has no `{key}`"));
                None
            }
        }
    }

    /// A string property that may be absent or null.
    fn optional_string(&mut self, object: &Object<'t>, key: &str, what: &str) -> Option<Text<'t>> {
        match object.get(key).map(|p| &p.value) {
            None | Some(Value::NullKeyword(_)) => None,
            Some(value) => self.string_value(value, &format!("{what}.{key}")),
        }
    }

    fn string_value(&mut self, value: &Value<'t>, what: &str) -> Option<Text<'t>> {
        match value {
            Value::StringLit(lit) => Some(Text { value: lit.value.clone(), span: json::span(lit.range) }),
            other => {
                self.error(json::value_span(other), format!("{what} must be a string"));
                None
            }
        }
    }

    /// An optional RFC 3339 time, with its span.
    fn time(&mut self, object: &Object<'t>, key: &str, what: &str) -> Option<(jiff::Timestamp, Span)> {
        let at = self.optional_string(object, key, what)?;
        match at.value.parse() {
            Ok(time) => Some((time, at.span)),
            Err(e) => {
                self.error(at.span, format!("{what}.{key} is not an RFC 3339 time: {e}"));
                None
            }
        }
    }

    fn flag(&mut self, object: &Object<'t>, key: &str, what: &str) -> Option<Flag> {
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

    #[test]
    fn origins_name_compartment_paths() {
        assert_eq!(
            policy_origin("ocid1.tenancy.oc1..t", &[] as &[&str], "p"),
            "live:oci://ocid1.tenancy.oc1..t/policies/p"
        );
        assert_eq!(policy_origin("T", &["finance", "prod"], "p"), "live:oci://T/finance/prod/policies/p");
    }
}

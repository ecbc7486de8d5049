//! AWS IAM policy documents: identity, trust (assume-role) and resource policies.
//!
//! The JSON is parsed by [`crate::syntax::json`]; [`reader`] lowers it to the typed [`model`],
//! reporting what IAM would reject (unknown elements, wrong types, duplicate keys, characters
//! IAM does not allow) with spans.

pub mod model;
mod reader;

pub use model::*;
pub use reader::{Document, read};

use crate::syntax::json::{self, Value};
use crate::syntax::oci::parser::SyntaxError;

/// Whether parsed JSON is shaped like an AWS policy: an object with a `Statement`.
pub fn sniff(value: &Value) -> bool {
    matches!(value, Value::Object(object) if object.get("Statement").is_some())
}

/// Parses `text` and reads it as a policy; invalid JSON is one error.
pub fn parse(text: &str, kind: Option<Kind>) -> Document<'_> {
    match json::parse(text) {
        Ok(value) => read(&value, text, kind),
        Err(e) => Document {
            policy: None,
            errors: vec![SyntaxError { span: e.span, message: format!("invalid JSON: {}", e.message), help: None }],
        },
    }
}

/// What a policy is attached to, judged from its content: no principal anywhere makes an
/// identity policy; principals without resources, granting STS actions, a trust policy; any
/// other policy with a principal is a resource policy.
pub fn detect_kind(policy: &Policy) -> Kind {
    let statements = &policy.statements;
    if statements.iter().all(|s| s.principal.is_none()) {
        return Kind::Identity;
    }
    let no_resources = statements.iter().all(|s| s.resource.is_none());
    let sts = statements.iter().flat_map(|s| s.action.iter().flat_map(|a| &a.values)).any(|action| {
        let action = action.as_str();
        action == "*" || action.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("sts:"))
    });
    if no_resources && sts { Kind::Trust } else { Kind::Resource }
}

#[cfg(test)]
mod tests;

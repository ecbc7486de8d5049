//! The typed model of an AWS policy document. Every node a rule points at carries its span.

use crate::span::Span;
use std::borrow::Cow;

/// What a policy is attached to, which decides its elements, its size quota and the rules that
/// judge it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Attached to a user, group or role: what the identity may do.
    Identity,
    /// A role's assume-role policy: who may become the role.
    Trust,
    /// Attached to a resource (an S3 bucket policy, a KMS key policy): who may use it.
    Resource,
}

/// How an identity policy is attached, which decides the size quota IAM holds it to. Only a
/// template says; a policy file or a document grantlint cannot place is [`Attachment::Managed`],
/// whose quota fits every way of attaching it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Attachment {
    /// A managed policy, or not known.
    #[default]
    Managed,
    /// Inline in a role, user or group, whose inline policies share one quota.
    Inline(Holder),
}

/// What holds an inline policy. Ordered from the tightest quota to the loosest, so the least
/// of several holders is the quota a policy on all of them must meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Holder {
    User,
    Group,
    Role,
}

/// A JSON string (or, for condition values, a number or boolean as written) and its span: the
/// text inside the quotes when it has no escapes, otherwise the whole token.
#[derive(Clone, Debug)]
pub struct Str<'t> {
    pub value: Cow<'t, str>,
    pub span: Span,
}

impl Str<'_> {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

#[derive(Debug)]
pub struct Policy<'t> {
    pub kind: Kind,
    /// The top-level object.
    pub span: Span,
    pub version: Option<Str<'t>>,
    pub id: Option<Str<'t>>,
    pub statements: Vec<Statement<'t>>,
    /// Characters in the document without whitespace outside strings: what IAM's size quotas count.
    pub minified_len: usize,
    /// How it is attached, where the template says (the reader leaves it managed).
    pub attachment: Attachment,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Debug)]
pub struct Statement<'t> {
    pub span: Span,
    pub sid: Option<Str<'t>>,
    /// `None` when the statement has no valid `Effect` (the reader reported it).
    pub effect: Option<Effect>,
    pub principal: Option<Principal<'t>>,
    /// `Action` or `NotAction`.
    pub action: Option<Element<'t>>,
    /// `Resource` or `NotResource`.
    pub resource: Option<Element<'t>>,
    pub condition: Option<Condition<'t>>,
}

impl Statement<'_> {
    pub fn allows(&self) -> bool {
        self.effect == Some(Effect::Allow)
    }

    /// The action patterns an Allow statement grants directly (`Action`, not `NotAction`).
    pub fn allowed_actions(&self) -> &[Str<'_>] {
        match &self.action {
            Some(action) if self.allows() && !action.negated => &action.values,
            _ => &[],
        }
    }
}

/// `Action`/`NotAction` or `Resource`/`NotResource`: one string or a list of them.
#[derive(Debug)]
pub struct Element<'t> {
    /// `NotAction` / `NotResource`.
    pub negated: bool,
    /// The key, inside its quotes.
    pub key: Span,
    pub values: Vec<Str<'t>>,
}

#[derive(Debug)]
pub struct Principal<'t> {
    /// `NotPrincipal`.
    pub negated: bool,
    pub key: Span,
    /// `"*"` is read as `{"AWS": "*"}`, which IAM treats the same.
    pub entries: Vec<PrincipalEntry<'t>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalKind {
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

impl PrincipalKind {
    pub const ALL: [(&'static str, PrincipalKind); 4] = [
        ("AWS", PrincipalKind::Aws),
        ("Service", PrincipalKind::Service),
        ("Federated", PrincipalKind::Federated),
        ("CanonicalUser", PrincipalKind::CanonicalUser),
    ];

    pub fn as_str(self) -> &'static str {
        Self::ALL.iter().find(|(_, k)| *k == self).map_or("", |(name, _)| name)
    }
}

#[derive(Debug)]
pub struct PrincipalEntry<'t> {
    pub kind: PrincipalKind,
    pub value: Str<'t>,
}

impl PrincipalEntry<'_> {
    /// The AWS account an `AWS` principal belongs to: `123456789012`, or the account field of
    /// an `arn:<partition>:iam::…` or `arn:<partition>:sts::…` ARN. IAM stores the bare form as
    /// the account's root ARN, and both mean the whole account.
    pub fn account(&self) -> Option<&str> {
        if self.kind != PrincipalKind::Aws {
            return None;
        }
        let value = self.value.as_str();
        if is_account_id(value) {
            return Some(value);
        }
        let mut fields = value.splitn(6, ':');
        let (Some("arn"), Some(_partition), Some("iam" | "sts"), Some(""), Some(account), Some(_)) =
            (fields.next(), fields.next(), fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return None;
        };
        is_account_id(account).then_some(account)
    }
}

pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

#[derive(Debug)]
pub struct Condition<'t> {
    pub key: Span,
    pub blocks: Vec<ConditionBlock<'t>>,
}

/// One operator and the keys it tests: `"StringEquals": {"sts:ExternalId": "…"}`.
#[derive(Debug)]
pub struct ConditionBlock<'t> {
    pub operator: Operator,
    /// The operator as written, inside its quotes.
    pub operator_span: Span,
    pub entries: Vec<ConditionEntry<'t>>,
}

#[derive(Debug)]
pub struct ConditionEntry<'t> {
    pub key: Str<'t>,
    /// One value, or the values of a list (any of which may match).
    pub values: Vec<Str<'t>>,
}

/// `[ForAllValues:|ForAnyValue:] BaseOperator [IfExists]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operator {
    pub set: Option<SetQualifier>,
    pub base: BaseOperator,
    pub if_exists: bool,
}

impl Operator {
    /// Parses an operator name. IAM documents them in one casing; grantlint accepts any.
    pub fn parse(name: &str) -> Result<Operator, &'static str> {
        let (set, rest) = strip_prefix_ignore_case(name, "ForAllValues:")
            .map(|rest| (Some(SetQualifier::ForAllValues), rest))
            .or_else(|| {
                strip_prefix_ignore_case(name, "ForAnyValue:").map(|rest| (Some(SetQualifier::ForAnyValue), rest))
            })
            .unwrap_or((None, name));
        let (base_name, if_exists) = match rest.len().checked_sub("IfExists".len()) {
            Some(cut) if rest.is_char_boundary(cut) && rest[cut..].eq_ignore_ascii_case("IfExists") => {
                (&rest[..cut], true)
            }
            _ => (rest, false),
        };
        let base = BaseOperator::ALL
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(base_name))
            .map(|(_, op)| *op)
            .ok_or("unknown condition operator")?;
        if if_exists && base == BaseOperator::Null {
            return Err("`IfExists` cannot be added to `Null`");
        }
        Ok(Operator { set, base, if_exists })
    }

    /// The canonical spelling, e.g. `ForAnyValue:StringLikeIfExists`.
    pub fn name(&self) -> String {
        let set = match self.set {
            Some(SetQualifier::ForAllValues) => "ForAllValues:",
            Some(SetQualifier::ForAnyValue) => "ForAnyValue:",
            None => "",
        };
        format!("{set}{}{}", self.base.as_str(), if self.if_exists { "IfExists" } else { "" })
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

macro_rules! base_operators {
    ($($name:ident),* $(,)?) => {
        /// IAM's condition operators, without set qualifier or `IfExists`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum BaseOperator { $($name),* }

        impl BaseOperator {
            pub const ALL: &[(&str, BaseOperator)] = &[$((stringify!($name), BaseOperator::$name)),*];

            pub fn as_str(self) -> &'static str {
                match self { $(BaseOperator::$name => stringify!($name)),* }
            }
        }
    };
}

base_operators![
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: PrincipalKind, value: &str) -> PrincipalEntry<'_> {
        PrincipalEntry { kind, value: Str { value: Cow::Borrowed(value), span: Span::default() } }
    }

    #[test]
    fn accounts_normalise() {
        let aws = |v| entry(PrincipalKind::Aws, v);
        assert_eq!(aws("123456789012").account(), Some("123456789012"));
        assert_eq!(aws("arn:aws:iam::123456789012:root").account(), Some("123456789012"));
        assert_eq!(aws("arn:aws-cn:iam::123456789012:role/x").account(), Some("123456789012"));
        assert_eq!(aws("arn:aws:sts::123456789012:assumed-role/r/s").account(), Some("123456789012"));
        assert_eq!(aws("arn:aws:iam::*:root").account(), None);
        assert_eq!(aws("AROAEXAMPLEID").account(), None);
        assert_eq!(aws("*").account(), None);
        assert_eq!(entry(PrincipalKind::Service, "123456789012").account(), None);
    }

    #[test]
    fn operators_parse() {
        let op = Operator::parse("ForAnyValue:StringLikeIfExists").unwrap();
        assert_eq!(op.set, Some(SetQualifier::ForAnyValue));
        assert_eq!(op.base, BaseOperator::StringLike);
        assert!(op.if_exists);
        assert_eq!(op.name(), "ForAnyValue:StringLikeIfExists");
        assert_eq!(Operator::parse("stringequals").unwrap().base, BaseOperator::StringEquals);
        assert_eq!(Operator::parse("BoolIfExists").unwrap().base, BaseOperator::Bool);
        assert!(Operator::parse("NullIfExists").unwrap_err().contains("Null"));
        assert!(Operator::parse("StringEqualz").is_err());
        assert!(Operator::parse("IfExists").is_err());
        assert!(Operator::parse("€IfExists").is_err());
    }
}

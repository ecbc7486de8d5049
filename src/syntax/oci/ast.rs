//! The OCI policy statement model. Every node a rule can point at carries its file span.

use crate::span::Span;

/// A piece of statement text with its span (keywords, names, resource types, permissions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    pub text: &'a str,
    pub span: Span,
}

impl Token<'_> {
    pub fn eq_ignore_case(&self, other: &str) -> bool {
        self.text.eq_ignore_ascii_case(other)
    }
}

#[derive(Clone, Debug)]
pub struct Statement<'a> {
    pub span: Span,
    /// The first word (`Allow`, `deny`, …), where OCI003 and OCI002 point.
    pub keyword: Token<'a>,
    pub kind: StatementKind<'a>,
}

#[derive(Clone, Debug)]
pub enum StatementKind<'a> {
    /// `allow …` or `deny …` on resources in this tenancy.
    Grant {
        effect: Effect,
        grant: Grant<'a>,
    },
    Define(Define<'a>),
    /// `endorse …` or `deny endorse …`.
    Endorse {
        effect: Effect,
        grant: CrossGrant<'a>,
    },
    /// `admit …` or `deny admit …`.
    Admit {
        effect: Effect,
        grant: CrossGrant<'a>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

impl<'a> Statement<'a> {
    pub fn effect(&self) -> Option<Effect> {
        match &self.kind {
            StatementKind::Grant { effect, .. }
            | StatementKind::Endorse { effect, .. }
            | StatementKind::Admit { effect, .. } => Some(*effect),
            StatementKind::Define(_) => None,
        }
    }

    /// Define, Endorse and Admit, in either effect.
    pub fn is_cross_tenancy(&self) -> bool {
        !matches!(self.kind, StatementKind::Grant { .. })
    }

    /// The subject, action and condition of anything that grants or denies.
    pub fn parts(&self) -> Option<GrantParts<'_, 'a>> {
        match &self.kind {
            StatementKind::Grant { effect, grant } => Some(GrantParts {
                effect: *effect,
                subject: &grant.subject,
                action: &grant.action,
                condition: grant.condition.as_ref(),
            }),
            StatementKind::Endorse { effect, grant } | StatementKind::Admit { effect, grant } => Some(GrantParts {
                effect: *effect,
                subject: &grant.subject,
                action: &grant.action,
                condition: grant.condition.as_ref(),
            }),
            StatementKind::Define(_) => None,
        }
    }
}

/// The parts every granting statement shares, so a rule need not match on statement kinds.
#[derive(Clone, Copy, Debug)]
pub struct GrantParts<'s, 'a> {
    pub effect: Effect,
    pub subject: &'s Subject<'a>,
    pub action: &'s Action<'a>,
    pub condition: Option<&'s Condition<'a>>,
}

#[derive(Clone, Debug)]
pub struct Grant<'a> {
    pub subject: Subject<'a>,
    pub action: Action<'a>,
    pub location: Location<'a>,
    pub condition: Option<Condition<'a>>,
}

#[derive(Clone, Debug)]
pub struct Subject<'a> {
    pub span: Span,
    pub kind: SubjectKind<'a>,
}

#[derive(Clone, Debug)]
pub enum SubjectKind<'a> {
    Group(Vec<Principal<'a>>),
    DynamicGroup(Vec<Principal<'a>>),
    Service(Vec<Token<'a>>),
    AnyUser,
    AnyGroup,
    /// `resource <kind> [<name>]`, an internal principal seen in real tenancies.
    Resource(Vec<Token<'a>>),
}

#[derive(Clone, Debug)]
pub enum Principal<'a> {
    Name { domain: Option<Token<'a>>, name: Token<'a> },
    Id(Token<'a>),
}

impl<'a> Principal<'a> {
    pub fn span(&self) -> Span {
        match self {
            Principal::Name { domain: Some(d), name } => d.span.cover(name.span),
            Principal::Name { domain: None, name } => name.span,
            Principal::Id(id) => id.span,
        }
    }

    /// Whether this names the group `name` of `domain`.
    pub fn names_group(&self, name: &str, domain: Domain) -> bool {
        let Principal::Name { domain: written, name: group } = self else { return false };
        group.eq_ignore_case(name)
            && match domain {
                Domain::Any => true,
                Domain::Named(wanted) => {
                    written.as_ref().map_or(DEFAULT_DOMAIN, |d| d.text).eq_ignore_ascii_case(wanted)
                }
            }
    }
}

/// The identity domain every tenancy has, which an unqualified group name means.
pub const DEFAULT_DOMAIN: &str = "Default";

/// The identity domain a group is looked for in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Domain<'a> {
    /// Unknown, as in policy files, which do not say which domains the tenancy has: a group
    /// of the name in any domain is taken for it.
    #[default]
    Any,
    /// This domain, as a tenancy's snapshot records it (`Default` is what an unqualified name
    /// means).
    Named(&'a str),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verb {
    Inspect,
    Read,
    Use,
    Manage,
}

impl Verb {
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Inspect => "inspect",
            Verb::Read => "read",
            Verb::Use => "use",
            Verb::Manage => "manage",
        }
    }
}

#[derive(Clone, Debug)]
pub enum Action<'a> {
    /// `to <verb> <resource-type>`
    Verb { verb: Verb, verb_span: Span, resource: Token<'a> },
    /// `to {PERM, …}` (or `{…}` without `to`)
    Permissions { list_span: Span, permissions: Vec<Token<'a>> },
    /// `to associate <type> in <scope> with <type> in <scope>` (cross-tenancy only)
    Associate { verb_span: Span, resource: Token<'a>, with: Token<'a> },
}

impl Action<'_> {
    pub fn span(&self) -> Span {
        match self {
            Action::Verb { verb_span, resource, .. } => verb_span.cover(resource.span),
            Action::Permissions { list_span, .. } => *list_span,
            Action::Associate { verb_span, with, .. } => verb_span.cover(with.span),
        }
    }
}

#[derive(Clone, Debug)]
pub enum Location<'a> {
    Tenancy(Span),
    CompartmentId { span: Span, ocid: Token<'a> },
    CompartmentPath { span: Span, path: Vec<Token<'a>> },
}

impl Location<'_> {
    pub fn span(&self) -> Span {
        match self {
            Location::Tenancy(span) => *span,
            Location::CompartmentId { span, .. } | Location::CompartmentPath { span, .. } => *span,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Define<'a> {
    pub kind: DefineKind,
    pub alias: Token<'a>,
    /// An OCID, or a placeholder such as `<vendor tenancy ocid>` for OCI006 to report.
    pub ocid: Token<'a>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DefineKind {
    Tenancy,
    Group,
    DynamicGroup,
    Compartment,
}

impl DefineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DefineKind::Tenancy => "tenancy",
            DefineKind::Group => "group",
            DefineKind::DynamicGroup => "dynamic-group",
            DefineKind::Compartment => "compartment",
        }
    }

    /// The resource-type segment an OCID for this alias must have.
    pub fn ocid_type(self) -> &'static str {
        match self {
            DefineKind::Tenancy => "tenancy",
            DefineKind::Group => "group",
            DefineKind::DynamicGroup => "dynamicgroup",
            DefineKind::Compartment => "compartment",
        }
    }
}

/// The body of an Endorse or Admit statement.
#[derive(Clone, Debug)]
pub struct CrossGrant<'a> {
    pub subject: Subject<'a>,
    /// Admit's `of tenancy <alias>` (or `of any-tenancy`, as `None` alias with the span).
    pub of: Option<TenancyRef<'a>>,
    pub action: Action<'a>,
    pub scope: Scope<'a>,
    /// The second scope of an `associate … with … in <scope>` statement.
    pub with_scope: Option<Scope<'a>>,
    pub condition: Option<Condition<'a>>,
}

#[derive(Clone, Debug)]
pub struct TenancyRef<'a> {
    pub span: Span,
    /// `None` for `any-tenancy`.
    pub alias: Option<Token<'a>>,
}

#[derive(Clone, Debug)]
pub enum Scope<'a> {
    Location(Location<'a>),
    AnyTenancy(Span),
    Tenancy { span: Span, alias: Token<'a> },
    CompartmentOf { span: Span, path: Vec<Token<'a>>, alias: Token<'a> },
}

impl<'a> Scope<'a> {
    /// The tenancy alias this scope names, if any.
    pub fn alias(&self) -> Option<&Token<'a>> {
        match self {
            Scope::Tenancy { alias, .. } | Scope::CompartmentOf { alias, .. } => Some(alias),
            Scope::Location(_) | Scope::AnyTenancy(_) => None,
        }
    }
}

#[derive(Clone, Debug)]
pub enum Condition<'a> {
    /// `all {…}` or `any {…}`
    Group {
        all: bool,
        span: Span,
        items: Vec<Condition<'a>>,
    },
    Compare {
        span: Span,
        variable: Token<'a>,
        op: Operator,
        values: Vec<Value<'a>>,
    },
    /// A bare variable, optionally negated: a presence test.
    Presence {
        span: Span,
        negated: bool,
        variable: Token<'a>,
    },
    /// `sets-intersect(a, b)`: true when the two sets share a member (tag-based access control).
    Function {
        span: Span,
        name: Token<'a>,
        args: [Operand<'a>; 2],
    },
}

/// An argument of a condition function: a (possibly multi-valued) variable or a list of values.
#[derive(Clone, Debug)]
pub enum Operand<'a> {
    Variable(Token<'a>),
    /// `('a', 'b')`
    Set(Vec<Value<'a>>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    Eq,
    NotEq,
    In,
    NotIn,
    Before,
    After,
    Between,
}

#[derive(Clone, Copy, Debug)]
pub enum Value<'a> {
    /// `'text'`; the token's text is without the quotes.
    String(Token<'a>),
    /// `/pattern/`; the token's text is without the slashes.
    Pattern(Token<'a>),
    Variable(Token<'a>),
}

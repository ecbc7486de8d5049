//! Lowering parsed JSON to the policy model, reporting what IAM would reject with a span.

use super::model::*;
use crate::source::LineIndex;
use crate::span::Span;
use crate::syntax::json::{self, Object, ObjectProp, ObjectPropName, StringLit, Value};
use crate::syntax::oci::parser::SyntaxError;
use std::borrow::Cow;
use std::collections::HashMap;

/// A policy and the problems found reading it. The model holds whatever could be read, so rules
/// still judge the statements that are well-formed.
#[derive(Debug)]
pub struct Document<'t> {
    /// `None` when the text is not a policy object at all.
    pub policy: Option<Policy<'t>>,
    pub errors: Vec<SyntaxError>,
}

/// Reads a parsed JSON value as a policy. `kind` overrides detection from the content.
pub fn read<'t>(value: &Value<'t>, text: &'t str, kind: Option<Kind>) -> Document<'t> {
    let mut reader = Reader { text, errors: Vec::new(), suppressed: 0, lines: None };
    let minified_len = reader.scan_characters();
    let mut policy = reader.policy(value, minified_len);
    if let Some(policy) = &mut policy {
        policy.kind = kind.unwrap_or_else(|| super::detect_kind(policy));
        reader.check_kind(policy);
    }
    let mut errors = reader.errors;
    if reader.suppressed > 0 {
        let span = errors.last().map_or(Span::at(0), |e| e.span);
        let message = format!("{} more problems like these are not shown", reader.suppressed);
        errors.push(SyntaxError { span, message, help: Some("fix the ones shown and check again") });
    }
    Document { policy, errors }
}

/// A file's problems beyond this many are counted, not listed: a broken generated file
/// should not flood the output.
const MAX_ERRORS: usize = 100;

const POLICY_KEYS: [&str; 3] = ["Version", "Id", "Statement"];
const VERSIONS: [&str; 2] = ["2012-10-17", "2008-10-17"];
const STATEMENT_KEYS: [&str; 9] =
    ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];
const PRINCIPAL_KEYS: [&str; 4] = ["AWS", "Service", "Federated", "CanonicalUser"];

struct Reader<'t> {
    text: &'t str,
    errors: Vec<SyntaxError>,
    suppressed: usize,
    /// Built on the first duplicate key, whose message names the line of the first occurrence.
    lines: Option<LineIndex>,
}

/// Whether IAM allows `c` in policy text: tab, line feed, carriage return and U+0020–U+00FF.
fn allowed_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{ff}')
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::StringLit(_) => "a string",
        Value::NumberLit(_) => "a number",
        Value::BooleanLit(_) => "a boolean",
        Value::Object(_) => "an object",
        Value::Array(_) => "a list",
        Value::NullKeyword(_) => "null",
    }
}

/// The opening character of a value, where findings about something it lacks point.
fn opening(value: &Value) -> Span {
    let span = json::value_span(value);
    Span::new(span.start, (span.start + 1).min(span.end))
}

impl<'t> Reader<'t> {
    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.error_with_help(span, message, None);
    }

    fn error_with_help(&mut self, span: Span, message: impl Into<String>, help: Option<&'static str>) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(SyntaxError { span, message: message.into(), help });
        } else {
            self.suppressed += 1;
        }
    }

    fn line(&mut self, offset: usize) -> usize {
        self.lines.get_or_insert_with(|| LineIndex::new(self.text)).line(offset)
    }

    /// One pass over the raw text: reports characters IAM does not allow (a run of them as one
    /// finding) and returns the length IAM's quotas count, without whitespace outside strings.
    fn scan_characters(&mut self) -> usize {
        let (mut length, mut in_string, mut escaped) = (0, false, false);
        let mut bad_run: Option<(usize, usize, char)> = None;
        let text = self.text;
        let mut i = 0;
        while let Some(&byte) = text.as_bytes().get(i) {
            // Policies are nearly all ASCII: a character is decoded only where a byte is not.
            let c = if byte.is_ascii() {
                char::from(byte)
            } else {
                text.get(i..).and_then(|rest| rest.chars().next()).unwrap_or(char::REPLACEMENT_CHARACTER)
            };
            if !allowed_char(c) {
                bad_run = match bad_run {
                    Some((start, count, first)) => Some((start, count + 1, first)),
                    None => Some((i, 1, c)),
                };
            } else if let Some(run) = bad_run.take() {
                self.bad_characters(run, i);
            }
            let counted = if in_string {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => in_string = false,
                    _ => {}
                }
                true
            } else {
                in_string = c == '"';
                !matches!(c, ' ' | '\t' | '\n' | '\r')
            };
            length += usize::from(counted);
            i += c.len_utf8();
        }
        if let Some(run) = bad_run {
            self.bad_characters(run, self.text.len());
        }
        length
    }

    fn bad_characters(&mut self, (start, count, first): (usize, usize, char), end: usize) {
        let what = if count == 1 {
            format!("`{first}` (U+{:04X}) is", u32::from(first))
        } else {
            format!("{count} characters starting with `{first}` (U+{:04X}) are", u32::from(first))
        };
        self.error_with_help(
            Span::new(start, end),
            format!("{what} outside what IAM allows in a policy: tab, line breaks and U+0020–U+00FF"),
            Some("replace it with plain text; IAM rejects the whole policy"),
        );
    }

    /// A string and its span. A string written with escapes is also checked for characters
    /// IAM does not allow that the escapes produce (`\u20ac`); raw ones were reported by the scan.
    fn str(&mut self, lit: &StringLit<'t>) -> Str<'t> {
        let token = json::span(lit.range);
        let escaped = matches!(lit.value, Cow::Owned(_));
        if escaped
            && let Some(bad) = lit.value.chars().find(|&c| !allowed_char(c))
            && self.text.get(token.range()).is_some_and(|raw| raw.chars().all(allowed_char))
        {
            self.error_with_help(
                token,
                format!("this string's escapes produce U+{:04X}, outside what IAM allows in a policy", u32::from(bad)),
                Some("IAM allows tab, line breaks and U+0020–U+00FF"),
            );
        }
        // Inside the quotes when the text is as written; an escaped or empty string is shown whole.
        let span = if escaped || lit.value.is_empty() { token } else { Span::new(token.start + 1, token.end - 1) };
        Str { value: lit.value.clone(), span }
    }

    /// Any value's text as written in the file.
    fn as_written(&self, value: &Value<'t>) -> Str<'t> {
        let span = json::value_span(value);
        Str { value: Cow::Borrowed(self.text.get(span.range()).unwrap_or("")), span }
    }

    fn key(&mut self, prop: &ObjectProp<'t>) -> Str<'t> {
        match &prop.name {
            ObjectPropName::String(lit) => self.str(lit),
            // Strict parsing rejects bare names; this keeps the reader total regardless.
            ObjectPropName::Word(word) => Str { value: Cow::Borrowed(word.value), span: json::name_span(prop) },
        }
    }

    /// The properties of `object` that are among `known`, by position, each at most once.
    /// Unknown and repeated keys are reported.
    fn fields<'a, const N: usize>(
        &mut self,
        object: &'a Object<'t>,
        known: [&'static str; N],
        what: &str,
    ) -> [Option<&'a ObjectProp<'t>>; N] {
        let mut found: [Option<&'a ObjectProp<'t>>; N] = [None; N];
        for prop in &object.properties {
            let name = self.key(prop);
            match known.iter().position(|k| *k == name.as_str()) {
                Some(i) => match found.get_mut(i) {
                    Some(Some(first)) => self.duplicate(&name, json::name_span(first)),
                    Some(slot) => *slot = Some(prop),
                    None => {}
                },
                None => {
                    let message = match known.iter().find(|k| k.eq_ignore_ascii_case(&name.value)) {
                        Some(k) => {
                            format!("`{}` is not {what} element; element names are case-sensitive: `{k}`", name.value)
                        }
                        None => {
                            format!("`{}` is not {what} element (expected one of {})", name.value, known.join(", "))
                        }
                    };
                    self.error(name.span, message);
                }
            }
        }
        found
    }

    fn duplicate(&mut self, name: &Str<'t>, first: Span) {
        let line = self.line(first.start);
        self.error_with_help(
            name.span,
            format!("`{}` appears twice in this object (first on line {line})", name.value),
            Some("JSON parsers disagree on which one wins; keep one"),
        );
    }

    /// The properties of an open map (condition keys, operators), each name once; `ignore_case`
    /// treats names differing only in case as the same, as IAM does for condition keys.
    fn unique<'a>(&mut self, object: &'a Object<'t>, ignore_case: bool) -> Vec<(Str<'t>, &'a ObjectProp<'t>)> {
        let mut seen: HashMap<Cow<'t, str>, Span> = HashMap::with_capacity(object.properties.len());
        let mut out = Vec::with_capacity(object.properties.len());
        for prop in &object.properties {
            let name = self.key(prop);
            let folded = if ignore_case { Cow::Owned(name.value.to_ascii_lowercase()) } else { name.value.clone() };
            match seen.get(&folded) {
                Some(&first) => self.duplicate(&name, first),
                None => {
                    seen.insert(folded, name.span);
                    out.push((name, prop));
                }
            }
        }
        out
    }

    fn string(&mut self, prop: &ObjectProp<'t>, name: &str) -> Option<Str<'t>> {
        match &prop.value {
            Value::StringLit(lit) => Some(self.str(lit)),
            other => {
                self.error(json::value_span(other), format!("`{name}` must be a string, not {}", type_name(other)));
                None
            }
        }
    }

    /// A string or a non-empty list of strings.
    fn strings(&mut self, prop: &ObjectProp<'t>, name: &str) -> Vec<Str<'t>> {
        match &prop.value {
            Value::StringLit(lit) => vec![self.str(lit)],
            Value::Array(array) if array.elements.is_empty() => {
                self.error(
                    json::value_span(&prop.value),
                    format!("`{name}` is an empty list; IAM requires at least one"),
                );
                Vec::new()
            }
            Value::Array(array) => array
                .elements
                .iter()
                .filter_map(|element| match element {
                    Value::StringLit(lit) => Some(self.str(lit)),
                    other => {
                        let message = format!("`{name}` must list strings; this is {}", type_name(other));
                        self.error(json::value_span(other), message);
                        None
                    }
                })
                .collect(),
            other => {
                let message = format!("`{name}` must be a string or a list of strings, not {}", type_name(other));
                self.error(json::value_span(other), message);
                Vec::new()
            }
        }
    }

    fn policy(&mut self, value: &Value<'t>, minified_len: usize) -> Option<Policy<'t>> {
        let Value::Object(object) = value else {
            self.error(
                opening(value),
                format!("an AWS policy is a JSON object with `Version` and `Statement`, not {}", type_name(value)),
            );
            return None;
        };
        let [version, id, statement] = self.fields(object, POLICY_KEYS, "a policy");
        let version = version.map(|prop| match self.string(prop, "Version") {
            Some(v) => {
                if !VERSIONS.contains(&v.as_str()) {
                    self.error_with_help(
                        v.span,
                        format!("`{}` is not a policy language version", v.value),
                        Some("IAM knows two versions: 2012-10-17 (current) and 2008-10-17"),
                    );
                }
                v
            }
            // Kept as written (and reported), so that a mistyped Version does not also read as missing.
            None => self.as_written(&prop.value),
        });
        let id = id.and_then(|prop| self.string(prop, "Id"));
        let statements = match statement.map(|prop| &prop.value) {
            None => {
                self.error(opening(value), "the policy has no `Statement`");
                Vec::new()
            }
            Some(single @ Value::Object(_)) => self.statement(single).into_iter().collect(),
            Some(list @ Value::Array(array)) => {
                if array.elements.is_empty() {
                    self.error_with_help(
                        json::value_span(list),
                        "`Statement` is an empty list: the policy grants nothing",
                        Some("add a statement, or delete the policy"),
                    );
                }
                array.elements.iter().filter_map(|s| self.statement(s)).collect()
            }
            Some(other) => {
                let message = format!("`Statement` must be an object or a list of objects, not {}", type_name(other));
                self.error(json::value_span(other), message);
                Vec::new()
            }
        };
        let span = json::value_span(value);
        Some(Policy {
            kind: Kind::Identity,
            span,
            version,
            id,
            statements,
            minified_len,
            attachment: Attachment::Managed,
        })
    }

    fn statement(&mut self, value: &Value<'t>) -> Option<Statement<'t>> {
        let Value::Object(object) = value else {
            self.error(json::value_span(value), format!("a statement must be an object, not {}", type_name(value)));
            return None;
        };
        let [sid, effect, principal, not_principal, action, not_action, resource, not_resource, condition] =
            self.fields(object, STATEMENT_KEYS, "a statement");
        let sid = sid.and_then(|prop| self.string(prop, "Sid"));
        let effect = match effect {
            Some(prop) => self.effect(prop),
            None => {
                self.error(opening(value), "the statement has no `Effect`");
                None
            }
        };
        let principal = self
            .either(principal, not_principal, "Principal")
            .and_then(|(prop, negated)| self.principal(prop, negated));
        let action = match self.either(action, not_action, "Action") {
            Some((prop, negated)) => Some(self.actions(prop, negated)),
            None => {
                self.error(opening(value), "the statement has no `Action` or `NotAction`");
                None
            }
        };
        let resource =
            self.either(resource, not_resource, "Resource").map(|(prop, negated)| self.resources(prop, negated));
        let condition = condition.and_then(|prop| self.condition(prop));
        Some(Statement { span: json::value_span(value), sid, effect, principal, action, resource, condition })
    }

    /// One of `Name` / `NotName`; both together are reported and the first is kept.
    fn either<'a>(
        &mut self,
        plain: Option<&'a ObjectProp<'t>>,
        negated: Option<&'a ObjectProp<'t>>,
        name: &str,
    ) -> Option<(&'a ObjectProp<'t>, bool)> {
        match (plain, negated) {
            (Some(plain), Some(negated)) => {
                let (first, second) =
                    if plain.range.start < negated.range.start { (plain, negated) } else { (negated, plain) };
                let second_name = self.key(second);
                self.error(second_name.span, format!("a statement has `{name}` or `Not{name}`, not both"));
                Some((first, std::ptr::eq(first, negated)))
            }
            (Some(plain), None) => Some((plain, false)),
            (None, Some(negated)) => Some((negated, true)),
            (None, None) => None,
        }
    }

    fn effect(&mut self, prop: &ObjectProp<'t>) -> Option<Effect> {
        let text = self.string(prop, "Effect")?;
        match text.as_str() {
            "Allow" => Some(Effect::Allow),
            "Deny" => Some(Effect::Deny),
            other => {
                let message = match ["Allow", "Deny"].iter().find(|e| e.eq_ignore_ascii_case(other)) {
                    Some(e) => format!("`Effect` is case-sensitive: write `{e}`"),
                    None => format!("`Effect` must be `Allow` or `Deny`, not `{other}`"),
                };
                self.error(text.span, message);
                None
            }
        }
    }

    fn actions(&mut self, prop: &ObjectProp<'t>, negated: bool) -> Element<'t> {
        let name = if negated { "NotAction" } else { "Action" };
        let values = self.strings(prop, name);
        for action in &values {
            if action.as_str() == "*" {
                continue;
            }
            match action.as_str().split_once(':') {
                None => self.error_with_help(
                    action.span,
                    format!("`{}` has no service prefix", action.value),
                    Some("write actions as `service:Action`, e.g. `s3:GetObject`, or `*` for all"),
                ),
                Some((prefix, rest)) => {
                    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                        self.error_with_help(
                            action.span,
                            format!("`{prefix}` is not a service prefix: prefixes hold only letters, digits and `-`"),
                            Some("wildcards are allowed in the action name, not in the prefix"),
                        );
                    } else if rest.is_empty() {
                        self.error(action.span, format!("`{}` names no action after the colon", action.value));
                    }
                }
            }
        }
        Element { negated, key: self.key(prop).span, values }
    }

    fn resources(&mut self, prop: &ObjectProp<'t>, negated: bool) -> Element<'t> {
        let name = if negated { "NotResource" } else { "Resource" };
        let values = self.strings(prop, name);
        for resource in &values {
            let text = resource.as_str();
            if text == "*" {
                continue;
            }
            let fields: Vec<&str> = text.splitn(6, ':').collect();
            // A trailing wildcard may stand for the remaining fields: IAM accepts `arn:aws:waf:*`.
            let complete = fields.len() == 6 || (fields.len() >= 3 && text.ends_with('*'));
            if !complete || fields.first() != Some(&"arn") {
                self.error_with_help(
                    resource.span,
                    format!("`{text}` is not an ARN"),
                    Some("a resource is `*` or `arn:partition:service:region:account:resource`"),
                );
            } else if let Some(service) = fields.get(2).filter(|s| s.bytes().any(|b| b.is_ascii_uppercase())) {
                self.error(
                    resource.span,
                    format!("the service in an ARN is lower-case: `{}`", service.to_ascii_lowercase()),
                );
            }
        }
        Element { negated, key: self.key(prop).span, values }
    }

    fn principal(&mut self, prop: &ObjectProp<'t>, negated: bool) -> Option<Principal<'t>> {
        let name = if negated { "NotPrincipal" } else { "Principal" };
        let key = self.key(prop).span;
        let entries = match &prop.value {
            Value::StringLit(lit) => {
                let value = self.str(lit);
                if value.as_str() != "*" {
                    self.error_with_help(
                        value.span,
                        format!("`{name}` is `\"*\"` or an object such as {{\"AWS\": \"…\"}}, not a bare string"),
                        Some("write {\"AWS\": \"arn:aws:iam::123456789012:root\"}"),
                    );
                    return None;
                }
                vec![PrincipalEntry { kind: PrincipalKind::Aws, value }]
            }
            Value::Object(object) => {
                if object.properties.is_empty() {
                    self.error(json::value_span(&prop.value), format!("`{name}` names no principal"));
                }
                let fields = self.fields(object, PRINCIPAL_KEYS, "a principal");
                let mut entries = Vec::new();
                for ((_, kind), field) in PrincipalKind::ALL.iter().zip(fields) {
                    let Some(field) = field else { continue };
                    let what = format!("{name}.{}", kind.as_str());
                    entries.extend(
                        self.strings(field, &what).into_iter().map(|value| PrincipalEntry { kind: *kind, value }),
                    );
                }
                entries
            }
            other => {
                let message = format!("`{name}` must be `\"*\"` or an object, not {}", type_name(other));
                self.error(json::value_span(other), message);
                return None;
            }
        };
        Some(Principal { negated, key, entries })
    }

    fn condition(&mut self, prop: &ObjectProp<'t>) -> Option<Condition<'t>> {
        let key = self.key(prop).span;
        let Value::Object(object) = &prop.value else {
            let message = format!("`Condition` must be an object of operators, not {}", type_name(&prop.value));
            self.error(json::value_span(&prop.value), message);
            return None;
        };
        let mut blocks = Vec::new();
        for (name, operator_prop) in self.unique(object, false) {
            let operator = match Operator::parse(name.as_str()) {
                Ok(operator) => operator,
                Err(why) => {
                    self.error_with_help(
                        name.span,
                        format!("`{}`: {why}", name.value),
                        Some("operators are e.g. StringEquals, StringLike, ArnLike, Bool, with optional ForAnyValue:/ForAllValues: and IfExists"),
                    );
                    continue;
                }
            };
            let Value::Object(keys) = &operator_prop.value else {
                let found = type_name(&operator_prop.value);
                let message = format!("`{}` must map condition keys to values, not be {found}", name.value);
                self.error(json::value_span(&operator_prop.value), message);
                continue;
            };
            let mut entries = Vec::new();
            for (key, entry) in self.unique(keys, true) {
                let values = self.condition_values(&entry.value, &key);
                entries.push(ConditionEntry { key, values });
            }
            blocks.push(ConditionBlock { operator, operator_span: name.span, entries });
        }
        Some(Condition { key, blocks })
    }

    /// A condition value: a string, number or boolean, or a list of them.
    fn condition_values(&mut self, value: &Value<'t>, key: &Str<'t>) -> Vec<Str<'t>> {
        let scalar = |reader: &mut Self, value: &Value<'t>| -> Option<Str<'t>> {
            match value {
                Value::StringLit(lit) => Some(reader.str(lit)),
                Value::NumberLit(n) => Some(Str { value: Cow::Borrowed(n.value), span: json::value_span(value) }),
                Value::BooleanLit(b) => {
                    let text = if b.value { "true" } else { "false" };
                    Some(Str { value: Cow::Borrowed(text), span: json::value_span(value) })
                }
                other => {
                    let message = format!(
                        "the value of `{}` must be a string, number or boolean (or a list of them), not {}",
                        key.value,
                        type_name(other)
                    );
                    reader.error(json::value_span(other), message);
                    None
                }
            }
        };
        match value {
            Value::Array(array) => array.elements.iter().filter_map(|v| scalar(self, v)).collect(),
            other => scalar(self, other).into_iter().collect(),
        }
    }

    /// The elements each kind of policy requires or forbids (the grammar's table by policy type).
    fn check_kind(&mut self, policy: &Policy<'t>) {
        for statement in &policy.statements {
            let at = Span::new(statement.span.start, statement.span.start + 1);
            match policy.kind {
                Kind::Identity => {
                    if let Some(principal) = &statement.principal {
                        self.error_with_help(
                            principal.key,
                            "an identity policy cannot name a principal: it applies to whoever it is attached to",
                            Some("remove it, or check the file with --kind trust or --kind resource"),
                        );
                    }
                    if statement.resource.is_none() {
                        self.error(
                            at,
                            "the statement has no `Resource` or `NotResource`, which identity policies need",
                        );
                    }
                }
                Kind::Trust => {
                    if let Some(resource) = &statement.resource {
                        self.error(resource.key, "a trust policy has no `Resource`: the resource is the role itself");
                    }
                    if statement.principal.is_none() {
                        self.error(at, "the statement has no `Principal`, which trust policies need");
                    }
                }
                Kind::Resource => {
                    if statement.principal.is_none() {
                        self.error(at, "the statement has no `Principal`, which resource policies need");
                    }
                    if statement.resource.is_none() {
                        self.error(at, "the statement has no `Resource` or `NotResource`");
                    }
                }
            }
        }
    }
}

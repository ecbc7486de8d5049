//! CloudFormation templates, YAML or JSON: the policies of `AWS::IAM::Role` (trust policy, inline
//! `Policies`, `ManagedPolicyArns`), `AWS::IAM::User` and `Group` (`Policies`),
//! `AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy` and `AWS::S3::BucketPolicy`.
//!
//! Intrinsic functions are evaluated in both spellings (`!Sub` and `Fn::Sub`): `Ref` to a
//! parameter takes its `Default`, to a bucket or role its name when the template sets it;
//! `AWS::Partition` is `aws` (the rules judge every partition alike); other pseudo parameters and
//! resource attributes stay placeholders, as values only a deployment knows. `Fn::If` is linted
//! both ways, and findings inside a branch name its condition, as do findings in a resource with
//! a `Condition`.

use super::text::Text;
use super::value::{self, Choice, Value};
use super::yaml::{self, Node, NodeKind};
use super::{Audience, Template, audience, unit_name};
use crate::source::LineIndex;
use crate::span::Span;
use crate::syntax::aws::{Attachment, Holder, Kind};
use std::collections::HashMap;

/// Values nested deeper than this (intrinsics in intrinsics, or lists and maps) are not
/// evaluated: policies need a fraction of it, and it bounds the recursion.
const MAX_EVAL_DEPTH: usize = 32;

/// Whether `text` may be a CloudFormation template: it names the format version, or has
/// `Resources` and an `AWS::` type. [`read`] decides.
pub fn sniff(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion") || (text.contains("Resources") && text.contains("AWS::"))
}

/// Reads a template. `None` when the text parses but is not a template (no `Resources`
/// mapping); a text that does not parse is a template with an error.
pub fn read(text: &str) -> Option<Template> {
    read_given(text, &HashMap::new())
}

/// Reads a template deployed with `given` parameter values (a Terraform stack's `parameters`):
/// a known value replaces the parameter's `Default`; an unknown one is a deploy-time input.
pub(super) fn read_given(text: &str, given: &HashMap<String, Value>) -> Option<Template> {
    let root = match yaml::parse(text) {
        Ok(root) => root,
        Err(e) => {
            return Some(Template { errors: vec![e], ..Template::default() });
        }
    };
    let resources = root.get("Resources")?;
    if !matches!(resources.kind, NodeKind::Map(_)) {
        let mut template = Template::default();
        template.error(resources.span, "`Resources` must be a mapping of logical IDs to resources");
        return Some(template);
    }
    let mut reader = Reader {
        parameters: root.get("Parameters"),
        mappings: root.get("Mappings"),
        resources,
        lines: LineIndex::new(text),
        template: Template::default(),
        unit: String::new(),
        roles: HashMap::new(),
        given,
    };
    reader.roles = reader.role_audiences();
    let attached = reader.managed_policy_links();
    for (id, resource) in resources.entries() {
        if let Some(id) = id.str() {
            reader.resource(id, resource, &attached);
        }
    }
    Some(reader.template)
}

/// Whether a template holds no policy whatever its values grantlint does not know (spelled
/// `${…}`, as Terraform's are): it parses, and each resource has a literal type that carries none.
/// A stack whose template has such a value is not read; this says when that leaves nothing out.
pub(super) fn holds_no_policy(text: &str) -> bool {
    const IAM: &[&str] = &[
        "AWS::IAM::Role",
        "AWS::IAM::User",
        "AWS::IAM::Group",
        "AWS::IAM::Policy",
        "AWS::IAM::ManagedPolicy",
        "AWS::IAM::RolePolicy",
        "AWS::IAM::UserPolicy",
        "AWS::IAM::GroupPolicy",
    ];
    let Ok(root) = yaml::parse(text) else { return false };
    let Some(NodeKind::Map(resources)) = root.get("Resources").map(|r| &r.kind) else { return false };
    resources.iter().all(|(_, resource)| {
        resource.get("Type").and_then(Node::str).is_some_and(|kind| {
            !kind.contains("${") && !IAM.contains(&kind) && !RESOURCE_POLICIES.iter().any(|(t, ..)| *t == kind)
        })
    })
}

/// Resource policies: the resource type, its document property, the property naming what it is
/// on, and what that is called.
const RESOURCE_POLICIES: &[(&str, &str, &str, &str)] = &[
    ("AWS::S3::BucketPolicy", "PolicyDocument", "Bucket", "bucket"),
    ("AWS::SNS::TopicPolicy", "PolicyDocument", "Topics", "topic"),
    ("AWS::SQS::QueuePolicy", "PolicyDocument", "Queues", "queue"),
    ("AWS::KMS::Key", "KeyPolicy", "", "key"),
];

/// What a document is to IAM, how it is attached (its size quota), and who it is for.
type Placement = (Kind, Attachment, Audience);

struct Reader<'n> {
    parameters: Option<&'n Node>,
    mappings: Option<&'n Node>,
    resources: &'n Node,
    lines: LineIndex,
    template: Template,
    /// The policy being read, for the findings about its values.
    unit: String,
    /// Who can assume each role of the template, by logical ID.
    roles: HashMap<String, Audience>,
    /// Parameter values the stack is deployed with.
    given: &'n HashMap<String, Value>,
}

/// The intrinsic function a node calls, by its long name (`Fn::Sub`, `Ref`), and its argument.
fn intrinsic(node: &Node) -> Option<(String, &Node)> {
    if let Some(tag) = &node.tag {
        let name = if tag == "Ref" || tag == "Condition" { tag.clone() } else { format!("Fn::{tag}") };
        return Some((name, node));
    }
    match node.entries() {
        [(key, value)] => {
            let name = key.str()?;
            (name == "Ref" || name.starts_with("Fn::")).then(|| (name.to_string(), value))
        }
        _ => None,
    }
}

/// Where a mapping's first key is, for findings about what the mapping lacks.
fn first_key(node: &Node) -> Span {
    node.entries().first().map_or(node.span, |(key, _)| key.span)
}

/// A sequence's items; anything else is one item.
fn items(node: &Node) -> &[Node] {
    match &node.kind {
        NodeKind::Seq(items) => items,
        _ => std::slice::from_ref(node),
    }
}

/// A plain scalar as CloudFormation converts it to JSON: JSON's literals stay literals.
fn plain(text: &Text) -> Value {
    let value = text.as_str();
    if value.is_empty() || value == "~" || value == "null" {
        return Value::Literal(Text::anchored("null", text.span()));
    }
    let number = value.strip_prefix('-').unwrap_or(value);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (mantissa, exponent) = match number.find(['e', 'E']) {
        Some(i) => (&number[..i], Some(number[i + 1..].trim_start_matches(['+', '-']))),
        None => (number, None),
    };
    let (int, fraction) = match mantissa.split_once('.') {
        Some((int, fraction)) => (int, Some(fraction)),
        None => (mantissa, None),
    };
    let is_number = digits(int)
        && (int == "0" || !int.starts_with('0'))
        && fraction.is_none_or(digits)
        && exponent.is_none_or(digits);
    if is_number || value == "true" || value == "false" {
        Value::Literal(text.clone())
    } else {
        Value::Str(text.clone())
    }
}

impl<'n> Reader<'n> {
    /// For each customer-managed policy, the roles, users and groups that attach it through
    /// their `ManagedPolicyArns` (`!Ref ThePolicy`).
    fn managed_policy_links(&self) -> HashMap<String, Vec<String>> {
        let mut links: HashMap<String, Vec<String>> = HashMap::new();
        for (id, resource) in self.resources.entries() {
            let arns = resource.get("Properties").and_then(|p| p.get("ManagedPolicyArns"));
            let Some(owner) = id.str() else { continue };
            for arn in arns.map(items).unwrap_or_default() {
                if let Some((name, target)) = intrinsic(arn)
                    && name == "Ref"
                    && let Some(policy) = target.str()
                {
                    links.entry(policy.to_string()).or_default().push(owner.to_string());
                }
            }
        }
        links
    }

    /// Who can assume each role, from its trust policy.
    fn role_audiences(&mut self) -> HashMap<String, Audience> {
        let mut roles = HashMap::new();
        for (id, resource) in self.resources.entries() {
            let Some(id) = id.str() else { continue };
            if resource.get("Type").and_then(Node::str) != Some("AWS::IAM::Role") {
                continue;
            }
            let trust = resource.get("Properties").and_then(|p| p.get("AssumeRolePolicyDocument"));
            let audience = match trust {
                Some(trust) => {
                    let value = self.eval(trust, 0);
                    audience::of_role(id, &value)
                }
                None => Audience::Outside,
            };
            roles.insert(id.to_string(), audience);
        }
        // Evaluated again where each trust policy is read; what was met here is reported there.
        self.template.pending.clear();
        roles
    }

    /// The audience of a policy on `links` (logical IDs or names): outside unless every one is
    /// a role of this template that only services or this account can assume.
    fn audience(&self, links: &[String]) -> Audience {
        let outside = Audience::Outside;
        Audience::of_all(links.iter().map(|link| self.roles.get(link).unwrap_or(&outside)))
    }

    fn resource(&mut self, id: &str, resource: &'n Node, attached: &HashMap<String, Vec<String>>) {
        let Some(kind) = resource.get("Type").and_then(Node::str) else { return };
        let Some(properties) = resource.get("Properties") else { return };
        if let Some(condition) = resource.get("Condition").and_then(Node::str) {
            self.template.guard(resource.span, condition);
        }
        match kind {
            "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => {
                let audience = self.audience(&[id.to_string()]);
                if let Some(trust) = properties.get("AssumeRolePolicyDocument") {
                    let unit = format!("{id}.AssumeRolePolicyDocument");
                    self.document(unit, (Kind::Trust, Attachment::Managed, audience.clone()), trust);
                }
                let holder = match kind {
                    "AWS::IAM::Role" => Holder::Role,
                    "AWS::IAM::User" => Holder::User,
                    _ => Holder::Group,
                };
                if let Some(policies) = properties.get("Policies") {
                    for (index, policy) in self.branches(policies).into_iter().enumerate() {
                        self.inline_policy((id, holder), index, policy, &audience);
                    }
                }
                if let Some(arns) = properties.get("ManagedPolicyArns") {
                    self.managed_arns(id, arns);
                }
            }
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                let lists = [("Roles", Holder::Role), ("Users", Holder::User), ("Groups", Holder::Group)];
                let mut links = Vec::new();
                let mut holders = Vec::new();
                for (key, holder) in lists {
                    let names = properties.get(key).map(|list| self.names(list)).unwrap_or_default();
                    holders.extend((!names.is_empty()).then_some(holder));
                    links.extend(names);
                }
                // `AWS::IAM::Policy` is an inline policy of each identity it lists: the tightest
                // of their quotas holds.
                let attachment = match holders.into_iter().min() {
                    Some(holder) if kind == "AWS::IAM::Policy" => Attachment::Inline(holder),
                    _ => Attachment::Managed,
                };
                links.extend(attached.get(id).into_iter().flatten().cloned());
                let mut seen = std::collections::HashSet::new();
                links.retain(|link| seen.insert(link.clone()));
                let audience = self.audience(&links);
                let notes: Vec<String> =
                    if links.is_empty() { Vec::new() } else { vec![format!("attached to {}", links.join(", "))] };
                let unit = unit_name(id, &notes);
                self.policy_document(unit, (Kind::Identity, attachment, audience), properties, "PolicyDocument");
            }
            "AWS::IAM::RolePolicy" | "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy" => {
                let (key, holder) = match kind {
                    "AWS::IAM::RolePolicy" => ("RoleName", Holder::Role),
                    "AWS::IAM::UserPolicy" => ("UserName", Holder::User),
                    _ => ("GroupName", Holder::Group),
                };
                let links = properties.get(key).map(|n| self.names(n)).unwrap_or_default();
                let audience = if key == "RoleName" { self.audience(&links) } else { Audience::Outside };
                let notes: Vec<String> = links.iter().map(|l| format!("on {l}")).collect();
                let placement = (Kind::Identity, Attachment::Inline(holder), audience);
                self.policy_document(unit_name(id, &notes), placement, properties, "PolicyDocument");
            }
            _ => {
                let Some((document, target, what)) = RESOURCE_POLICIES
                    .iter()
                    .find_map(|(t, d, target, what)| (*t == kind).then_some((*d, *target, *what)))
                else {
                    return;
                };
                // A key without `KeyPolicy` gets the default policy, which trusts the account.
                if kind == "AWS::KMS::Key" && properties.get(document).is_none() {
                    return;
                }
                let notes: Vec<String> = properties
                    .get(target)
                    .map(|b| self.names(b))
                    .unwrap_or_default()
                    .into_iter()
                    .map(|b| format!("{what} {b}"))
                    .collect();
                let placement = (Kind::Resource, Attachment::Managed, Audience::Outside);
                self.policy_document(unit_name(id, &notes), placement, properties, document);
            }
        }
    }

    /// The policy document `key` of a policy resource's properties.
    fn policy_document(&mut self, unit: String, kind: Placement, properties: &'n Node, key: &str) {
        match properties.get(key) {
            Some(document) => self.document(unit, kind, document),
            None => self.template.error(first_key(properties), format!("{unit} has no `{key}`")),
        }
    }

    /// One item of `Policies`: `{PolicyName, PolicyDocument}`.
    fn inline_policy(&mut self, (id, holder): (&str, Holder), index: usize, policy: &'n Node, audience: &Audience) {
        if let Some((name, args)) = intrinsic(policy) {
            let message = match name.as_str() {
                "Fn::Transform" => {
                    let macro_name = items(args).first().and_then(|a| a.get("Name")).and_then(Node::str).unwrap_or("?");
                    format!(
                        "this policy is made by the macro `{macro_name}` (`Fn::Transform`) when the stack is deployed, so it is not checked"
                    )
                }
                other => {
                    format!("this policy is made by `{other}`, which grantlint does not evaluate, so it is not checked")
                }
            };
            self.template.unresolved(policy.span, message, &format!("{id}.Policies[{index}]"));
            return;
        }
        if !matches!(policy.kind, NodeKind::Map(_)) {
            let message = format!("{id}.Policies[{index}] must be a mapping with `PolicyName` and `PolicyDocument`");
            self.template.error(policy.span, message);
            return;
        }
        self.unit = format!("{id}.Policies[{index}]");
        let name = match policy.get("PolicyName") {
            Some(name) => self.eval(name, 0).text().map_or_else(|| index.to_string(), |t| t.as_str().to_string()),
            None => index.to_string(),
        };
        let unit = format!("{id}.Policies[{name}]");
        match policy.get("PolicyDocument") {
            Some(document) => {
                self.document(unit, (Kind::Identity, Attachment::Inline(holder), audience.clone()), document);
            }
            None => self.template.error(first_key(policy), format!("{unit} has no `PolicyDocument`")),
        }
    }

    /// A policy document: evaluated, then handed out with every combination of its conditions.
    fn document(&mut self, unit: String, (kind, attachment, audience): Placement, node: &'n Node) {
        self.unit = unit.clone();
        let value = self.eval(node, 0);
        self.template.aws_policy(unit, node.span, (Some(kind), attachment, audience), &value, &self.lines);
    }

    /// `ManagedPolicyArns`: each ARN that is not a policy of this template, for IAC003.
    fn managed_arns(&mut self, id: &str, arns: &'n Node) {
        let unit = format!("{id}.ManagedPolicyArns");
        self.unit = unit.clone();
        for arn in self.branches(arns) {
            let is_local = matches!(intrinsic(arn), Some((name, target)) if name == "Ref"
                && target.str().is_some_and(|t| self.resource_type(t) == Some("AWS::IAM::ManagedPolicy")));
            if is_local {
                continue;
            }
            if let Some(text) = self.eval(arn, 0).text() {
                let managed = super::ManagedPolicy {
                    arn: text.as_str().to_string(),
                    span: arn.span,
                    unit: unit.clone(),
                    audience: self.audience(&[id.to_string()]),
                };
                self.template.managed.push(managed);
            }
        }
        // Which policy is attached is the verdict an unknown ARN leaves open.
        self.template.settle(None, &unit);
    }

    /// The items of a list property, with `Fn::If` items expanded into both branches (each
    /// guarded by its condition) and `AWS::NoValue` left out.
    fn branches(&mut self, list: &'n Node) -> Vec<&'n Node> {
        let mut out = Vec::new();
        let mut pending: Vec<&'n Node> = items(list).iter().rev().collect();
        if intrinsic(list).is_some() {
            pending = vec![list];
        }
        while let Some(node) = pending.pop() {
            match intrinsic(node) {
                Some((name, args)) if name == "Fn::If" => {
                    if let [condition, then, otherwise] = items(args) {
                        let condition = condition.str().unwrap_or("?");
                        self.template.guard(then.span, condition);
                        self.template.guard(otherwise.span, format!("not {condition}"));
                        for branch in [otherwise, then] {
                            match &branch.kind {
                                NodeKind::Seq(inner) if intrinsic(branch).is_none() => {
                                    pending.extend(inner.iter().rev())
                                }
                                _ => pending.push(branch),
                            }
                        }
                    } else {
                        self.template.error(node.span, "`Fn::If` takes [condition, value if true, value if false]");
                    }
                }
                Some((name, target)) if name == "Ref" && target.str() == Some("AWS::NoValue") => {}
                _ => out.push(node),
            }
        }
        out
    }

    /// The resources a list names: logical IDs for `!Ref`, otherwise the evaluated names.
    fn names(&mut self, list: &'n Node) -> Vec<String> {
        let mut out = Vec::new();
        for item in self.branches(list) {
            match intrinsic(item) {
                Some((name, target))
                    if name == "Ref" && target.str().is_some_and(|t| self.resource_type(t).is_some()) =>
                {
                    out.extend(target.str().map(str::to_string));
                }
                _ => out.extend(self.eval(item, 0).text().map(|t| t.as_str().to_string())),
            }
        }
        out
    }

    fn resource_type(&self, id: &str) -> Option<&'n str> {
        self.resources.get(id)?.get("Type")?.str()
    }

    /// A placeholder for a value grantlint cannot work out, reported (with `why`, or as a value
    /// only the deployment knows) if a verdict depends on it.
    fn unknown(&mut self, spelling: String, span: Span, why: Option<String>) -> Value {
        let message = why.unwrap_or_else(|| format!("`{spelling}` is known only when the stack is deployed"));
        self.template.defer(span, &spelling, message, &self.unit);
        self.template.placeholder(spelling, span)
    }

    fn eval(&mut self, node: &'n Node, depth: usize) -> Value {
        if depth > MAX_EVAL_DEPTH {
            let why = format!("values nested deeper than {MAX_EVAL_DEPTH} levels are not evaluated");
            return self.unknown("${…}".into(), node.span, Some(why));
        }
        if let Some((name, args)) = intrinsic(node) {
            return self.function(&name, args, node.span, depth + 1);
        }
        match &node.kind {
            NodeKind::Scalar { text, plain: true } => plain(text),
            NodeKind::Scalar { text, plain: false } => Value::Str(text.clone()),
            NodeKind::Seq(items) => {
                Value::List(items.iter().map(|item| self.eval(item, depth + 1)).collect(), node.span.start)
            }
            NodeKind::Map(entries) => {
                let mut out: Vec<(Text, Value)> = Vec::with_capacity(entries.len());
                let mut merged: Vec<&'n Node> = Vec::new();
                for (key, value) in entries {
                    match key.scalar() {
                        // YAML merge keys: the merged mapping's entries, unless set here.
                        Some(k) if k.as_str() == "<<" && key.tag.is_none() => merged.extend(items(value)),
                        Some(k) => out.push((k.clone(), self.eval(value, depth + 1))),
                        None => self.template.error(key.span, "a mapping key must be a string"),
                    }
                }
                for (key, value) in merged.iter().flat_map(|m| m.entries()) {
                    if let Some(k) = key.scalar().filter(|k| !out.iter().any(|(o, _)| o.as_str() == k.as_str())) {
                        out.push((k.clone(), self.eval(value, depth + 1)));
                    }
                }
                Value::Map(out, node.span.start)
            }
        }
    }

    fn function(&mut self, name: &str, args: &'n Node, span: Span, depth: usize) -> Value {
        let list = items(args);
        match name {
            "Ref" => match args.str() {
                Some(target) => self.reference(target, span, depth),
                None => self.malformed(name, span, "a logical ID or parameter name"),
            },
            "Fn::Sub" => match (&args.kind, list) {
                (NodeKind::Scalar { text, .. }, _) => self.sub(text, None, depth),
                (NodeKind::Seq(_), [template, vars]) => match template.scalar() {
                    Some(text) => self.sub(text, Some(vars), depth),
                    None => self.malformed(name, span, "a string, or [string, {variables}]"),
                },
                _ => self.malformed(name, span, "a string, or [string, {variables}]"),
            },
            "Fn::GetAtt" => {
                let parts: Option<(String, String)> = match (&args.kind, list) {
                    (NodeKind::Scalar { text, .. }, _) => {
                        text.as_str().split_once('.').map(|(r, a)| (r.to_string(), a.to_string()))
                    }
                    (_, [resource, attribute]) => {
                        resource.str().zip(attribute.str()).map(|(r, a)| (r.into(), a.into()))
                    }
                    _ => None,
                };
                match parts {
                    Some((resource, attribute)) => self.attribute(&resource, &attribute, span, depth),
                    None => self.malformed(name, span, "Resource.Attribute, or [Resource, Attribute]"),
                }
            }
            "Fn::Join" => match list {
                [delimiter, values] if matches!(args.kind, NodeKind::Seq(_)) => {
                    let delimiter = self.eval(delimiter, depth);
                    let values = self.eval(values, depth);
                    match (delimiter.text(), &values) {
                        (Some(d), Value::List(parts, _)) => self.join(d.clone(), parts, span),
                        _ => self.malformed(name, span, "[delimiter, [values]]"),
                    }
                }
                _ => self.malformed(name, span, "[delimiter, [values]]"),
            },
            "Fn::If" => match list {
                [condition, then, otherwise] if matches!(args.kind, NodeKind::Seq(_)) => {
                    let condition = condition.str().unwrap_or("?").to_string();
                    self.template.guard(then.span, condition.clone());
                    self.template.guard(otherwise.span, format!("not {condition}"));
                    let then = self.eval(then, depth);
                    let otherwise = self.eval(otherwise, depth);
                    Value::If(Box::new(Choice { then, otherwise }))
                }
                _ => self.malformed(name, span, "[condition, value if true, value if false]"),
            },
            "Fn::FindInMap" => match list {
                [map, first, second] if matches!(args.kind, NodeKind::Seq(_)) => {
                    let keys = [map, first, second].map(|k| self.eval(k, depth));
                    let found = match keys.each_ref().map(|k| match k {
                        Value::Str(t) | Value::Literal(t) => Some(t.as_str()),
                        _ => None,
                    }) {
                        [Some(m), Some(a), Some(b)] => self.mappings.and_then(|ms| ms.get(m)?.get(a)?.get(b)),
                        _ => None,
                    };
                    match found {
                        Some(node) => {
                            let mut value = self.eval(node, depth);
                            value.anchor(span);
                            value
                        }
                        None => {
                            let why = "the `Fn::FindInMap` keys do not name an entry of `Mappings`".to_string();
                            self.unknown("${Fn::FindInMap}".into(), span, Some(why))
                        }
                    }
                }
                _ => self.malformed(name, span, "[map, top-level key, second-level key]"),
            },
            "Fn::Select" => match list {
                [index, values] if matches!(args.kind, NodeKind::Seq(_)) => {
                    let index = self.eval(index, depth);
                    let values = self.eval(values, depth);
                    let at = index.text().and_then(|t| t.as_str().parse::<usize>().ok());
                    match (at, values) {
                        (Some(i), Value::List(mut items, _)) if i < items.len() => items.swap_remove(i),
                        _ => {
                            let why = "`Fn::Select` does not pick a known item".to_string();
                            self.unknown("${Fn::Select}".into(), span, Some(why))
                        }
                    }
                }
                _ => self.malformed(name, span, "[index, [values]]"),
            },
            "Fn::Split" => match list {
                [delimiter, source] if matches!(args.kind, NodeKind::Seq(_)) => {
                    let delimiter = self.eval(delimiter, depth);
                    match (delimiter.text(), self.eval(source, depth)) {
                        (Some(d), Value::Str(text)) if !d.is_empty() => {
                            let pieces = split(&text, d.as_str());
                            Value::List(pieces.into_iter().map(Value::Str).collect(), span.start)
                        }
                        _ => self.unknown(
                            "${Fn::Split}".into(),
                            span,
                            Some("`Fn::Split` of a value grantlint does not know".into()),
                        ),
                    }
                }
                _ => self.malformed(name, span, "[delimiter, string]"),
            },
            "Fn::Transform" => {
                let macro_name = list.first().and_then(|a| a.get("Name")).and_then(Node::str).unwrap_or("?");
                let why =
                    format!("the macro `{macro_name}` (`Fn::Transform`) makes this value when the stack is deployed");
                self.unknown("${Fn::Transform}".into(), span, Some(why))
            }
            "Fn::ImportValue" => self.unknown(
                "${Fn::ImportValue}".into(),
                span,
                Some("`Fn::ImportValue` reads another stack's export, which grantlint cannot see".into()),
            ),
            other => self.unknown(
                format!("${{{other}}}"),
                span,
                Some(format!("grantlint does not evaluate `{other}`, so its value is not checked")),
            ),
        }
    }

    fn malformed(&mut self, name: &str, span: Span, expected: &str) -> Value {
        self.template.error(span, format!("`{name}` takes {expected}"));
        self.template.placeholder(format!("${{{name}}}"), span)
    }

    /// `Ref`: a parameter's default, a pseudo parameter, or a resource's name when the template
    /// sets it.
    fn reference(&mut self, target: &str, span: Span, depth: usize) -> Value {
        match target {
            "AWS::NoValue" => return Value::Absent,
            "AWS::Partition" => return Value::Str(Text::anchored("aws", span)),
            "AWS::URLSuffix" => return Value::Str(Text::anchored("amazonaws.com", span)),
            _ if target.starts_with("AWS::") => return self.unknown(format!("${{{target}}}"), span, None),
            _ => {}
        }
        let given = self.given.get(target);
        if let Some(value) = given.filter(|v| !matches!(v, Value::Unknown(_))) {
            let mut value = value.clone();
            value.anchor(span);
            return value;
        }
        if let Some(parameter) = self.parameters.and_then(|p| p.get(target)) {
            // A value given but not known overrides the default all the same.
            let Some(default) = parameter.get("Default").filter(|_| given.is_none()) else {
                let mut text_of =
                    |key: &str| Some(self.eval(parameter.get(key)?, depth + 1).text()?.as_str().to_string());
                let stated = text_of("MinLength").and_then(|m| m.parse().ok());
                // `*` and `+` say which characters, not how many: a pattern states a length
                // only when it asks for more than one character.
                let pattern = text_of("AllowedPattern").and_then(|p| super::pattern::min_length(&p)).filter(|&n| n > 1);
                let min_length = stated.max(pattern);
                self.template.inputs.push(super::Input { span, name: target.to_string(), min_length });
                let why = match given.and_then(Value::text) {
                    Some(value) => {
                        format!("parameter `{target}` is given `{}`, known only when Terraform runs", value.as_str())
                    }
                    None => {
                        format!("parameter `{target}` has no Default: its value is given when the stack is deployed")
                    }
                };
                return self.unknown(format!("${{{target}}}"), span, Some(why));
            };
            let mut value = self.eval(default, depth + 1);
            let is_list = parameter.get("Type").and_then(Node::str).is_some_and(|t| t.contains("List"));
            if let (true, Value::Str(text)) = (is_list, &value) {
                value = Value::List(split(text, ",").into_iter().map(Value::Str).collect(), span.start);
            }
            value.anchor(span);
            return value;
        }
        let Some(resource) = self.resources.get(target) else {
            let why = format!("`{target}` is not a parameter, resource or pseudo parameter of this template");
            return self.unknown(format!("${{{target}}}"), span, Some(why));
        };
        let name_property = match resource.get("Type").and_then(Node::str) {
            Some("AWS::S3::Bucket") => "BucketName",
            Some("AWS::IAM::Role") => "RoleName",
            _ => "",
        };
        match resource.get("Properties").and_then(|p| p.get(name_property)) {
            Some(name) => {
                let mut value = self.eval(name, depth + 1);
                value.anchor(span);
                value
            }
            None => self.unknown(format!("${{{target}}}"), span, None),
        }
    }

    /// `Fn::GetAtt`: a bucket's ARN when its name is known; otherwise a placeholder.
    fn attribute(&mut self, resource: &str, attribute: &str, span: Span, depth: usize) -> Value {
        let spelling = format!("${{{resource}.{attribute}}}");
        match self.resource_type(resource) {
            None => {
                let why = format!("`{resource}` is not a resource of this template");
                self.unknown(spelling, span, Some(why))
            }
            Some("AWS::S3::Bucket") if attribute == "Arn" => match self.reference(resource, span, depth) {
                Value::Str(name) => Value::Str(Text::anchored(format!("arn:aws:s3:::{}", name.as_str()), span)),
                _ => self.unknown(spelling, span, None),
            },
            // A role of this template is in this account, whatever its name.
            Some("AWS::IAM::Role") if attribute == "Arn" => {
                self.unknown(format!("arn:aws:iam::${{AWS::AccountId}}:role/${{{resource}}}"), span, None)
            }
            Some(_) => self.unknown(spelling, span, None),
        }
    }

    /// `Fn::Sub`: `${Name}` from the variables, a parameter, a pseudo parameter or a resource;
    /// `${Resource.Attribute}` as `Fn::GetAtt`; `${!Literal}` as written.
    fn sub(&mut self, template: &Text, vars: Option<&'n Node>, depth: usize) -> Value {
        let source = template.as_str();
        let mut parts: Vec<Value> = Vec::new();
        let mut pos = 0;
        while let Some(found) = source.get(pos..).and_then(|rest| rest.find("${")) {
            let open = pos + found;
            let Some(close) = source.get(open + 2..).and_then(|rest| rest.find('}')).map(|i| open + 2 + i) else {
                break;
            };
            parts.push(Value::Str(template.slice(pos..open)));
            let name = source.get(open + 2..close).unwrap_or("").trim();
            let at = template.source_span(open..close + 1);
            if name.starts_with('!') {
                parts.push(Value::Str(template.slice(open..open + 2)));
                parts.push(Value::Str(template.slice(open + 3..close + 1)));
            } else {
                let value = match vars.and_then(|v| v.get(name)) {
                    Some(var) => self.eval(var, depth),
                    None => match name.split_once('.') {
                        Some((resource, attribute)) => self.attribute(resource, attribute, at, depth),
                        None => self.reference(name, at, depth),
                    },
                };
                match value {
                    Value::Str(_) | Value::Unknown(_) | Value::Literal(_) | Value::If(_) => parts.push(value),
                    _ => {
                        let why = format!("`${{{name}}}` is not a string here");
                        parts.push(self.unknown(format!("${{{name}}}"), at, Some(why)));
                    }
                }
            }
            pos = close + 1;
        }
        parts.push(Value::Str(template.slice(pos..source.len())));
        if let Some(value) = value::concat(&parts) {
            return value;
        }
        // Too many conditions to write out: each becomes a placeholder.
        for part in &mut parts {
            if let Value::If(_) = part {
                let span = part.text_span().unwrap_or(template.span());
                let why = "one of more conditions inside a string than grantlint writes out".to_string();
                *part = self.unknown("${Fn::If}".into(), span, Some(why));
            }
        }
        value::concat(&parts).unwrap_or_else(|| self.unknown("${Fn::Sub}".into(), template.span(), None))
    }

    /// `Fn::Join` of evaluated parts; a part that is not a string is a placeholder.
    fn join(&mut self, delimiter: Text, parts: &[Value], span: Span) -> Value {
        let mut out = Text::default();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                out.push(&delimiter);
            }
            match part {
                Value::Str(text) | Value::Unknown(text) | Value::Literal(text) => out.push(text),
                Value::Absent => {}
                _ => {
                    let why = "a part of `Fn::Join` that is not a string is not evaluated".to_string();
                    if let Some(placeholder) = self.unknown("${Fn::Join}".into(), span, Some(why)).text() {
                        out.push(placeholder);
                    }
                }
            }
        }
        Value::Str(out)
    }
}

/// The pieces of `text` between occurrences of `delimiter`, each keeping its positions.
fn split(text: &Text, delimiter: &str) -> Vec<Text> {
    let mut pieces = Vec::new();
    let mut pos = 0;
    let value = text.as_str();
    while let Some(found) = value.get(pos..).and_then(|rest| rest.find(delimiter)) {
        pieces.push(text.slice(pos..pos + found));
        pos += found + delimiter.len();
    }
    pieces.push(text.slice(pos..value.len()));
    pieces
}

#[cfg(test)]
mod tests;

//! Terraform: the policies of `oci_identity_policy`, `aws_iam_role` (`assume_role_policy`,
//! `inline_policy` blocks, `managed_policy_arns`), `aws_iam_role_policy` (and the user and group
//! forms), `aws_iam_policy`, `aws_s3_bucket_policy` and `data "aws_iam_policy_document"`, with
//! `aws_iam_*_policy_attachment` linking policies to the roles that carry them. The CloudFormation
//! template of `aws_cloudformation_stack` and `aws_cloudformation_stack_set` is read by
//! [`stack`].
//!
//! A module is a directory: the other `.tf` files beside the one read give it variables, locals,
//! policy documents and attachments, but only the policies written in the file read are linted
//! there, so each finding is reported once, in the file that holds the text. A policy document
//! data source is linted where it is written, once for each policy that uses it (named by that
//! use, with the kind the use gives it: trust for `assume_role_policy`).

mod eval;
mod stack;

use super::text::{Escapes, Text};
use super::value::Value;
use super::{Audience, Body, Embedded, ManagedPolicy, Template, audience, unit_name};
use crate::source::LineIndex;
use crate::span::Span;
use crate::syntax::aws::{Attachment, Holder, Kind};
use crate::syntax::oci::parser::SyntaxError;
use crate::syntax::oci::{PolicySource, StatementText};
use eval::{At, Eval, Spelling};
use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{Attribute, Block, Body as HclBody};
use std::borrow::Cow;
use std::collections::HashMap;

/// The resources whose attribute is a policy document, the kind it is, and the attribute naming
/// what the policy is on.
const POLICY_ATTRIBUTES: &[(&str, &str, Kind, Option<&str>)] = &[
    ("aws_iam_role", "assume_role_policy", Kind::Trust, None),
    ("aws_iam_role_policy", "policy", Kind::Identity, Some("role")),
    ("aws_iam_user_policy", "policy", Kind::Identity, Some("user")),
    ("aws_iam_group_policy", "policy", Kind::Identity, Some("group")),
    ("aws_iam_policy", "policy", Kind::Identity, None),
    ("aws_s3_bucket_policy", "policy", Kind::Resource, Some("bucket")),
    ("aws_sns_topic_policy", "policy", Kind::Resource, Some("arn")),
    ("aws_sns_topic", "policy", Kind::Resource, None),
    ("aws_sqs_queue_policy", "policy", Kind::Resource, Some("queue_url")),
    ("aws_sqs_queue", "policy", Kind::Resource, None),
    ("aws_kms_key", "policy", Kind::Resource, None),
];

/// How the policy of a resource in [`POLICY_ATTRIBUTES`] is attached: the `aws_iam_*_policy`
/// resources are inline policies of one role, user or group; any other is managed, or not an
/// identity policy.
fn attachment(kind: &str) -> Attachment {
    match kind {
        "aws_iam_role_policy" => Attachment::Inline(Holder::Role),
        "aws_iam_user_policy" => Attachment::Inline(Holder::User),
        "aws_iam_group_policy" => Attachment::Inline(Holder::Group),
        _ => Attachment::Managed,
    }
}

/// Resources that attach a managed policy: the attribute naming the policy, and those naming
/// what it is attached to.
const ATTACHMENTS: &[(&str, &[&str])] = &[
    ("aws_iam_role_policy_attachment", &["role"]),
    ("aws_iam_user_policy_attachment", &["user"]),
    ("aws_iam_group_policy_attachment", &["group"]),
    ("aws_iam_policy_attachment", &["roles", "users", "groups"]),
];

/// The definitions of one module: every `.tf` file of a directory, the file read first.
pub(super) struct Module<'b> {
    pub texts: Vec<&'b str>,
    /// The files' names, where the caller gives them, for findings placed at a reference to text
    /// in another file.
    pub names: Vec<&'b str>,
    /// Reads a file relative to the module's directory (`templatefile`), if it can.
    pub load: &'b dyn Fn(&str) -> Option<String>,
    pub variables: HashMap<&'b str, (usize, &'b Block)>,
    pub locals: HashMap<&'b str, (usize, &'b Attribute)>,
    resources: HashMap<(&'b str, &'b str), (usize, &'b Block)>,
    documents: HashMap<&'b str, (usize, &'b Block)>,
    /// `data "aws_iam_policy"` blocks: a managed policy looked up by its ARN or name.
    policies: HashMap<&'b str, (usize, &'b Block)>,
}

impl<'b> Module<'b> {
    fn new(
        texts: Vec<&'b str>,
        names: Vec<&'b str>,
        bodies: &'b [(usize, HclBody)],
        load: &'b dyn Fn(&str) -> Option<String>,
    ) -> Self {
        let mut module = Module {
            texts,
            names,
            load,
            variables: HashMap::new(),
            locals: HashMap::new(),
            resources: HashMap::new(),
            documents: HashMap::new(),
            policies: HashMap::new(),
        };
        for (file, body) in bodies {
            for block in body.blocks() {
                let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
                match (block.ident.value().as_str(), labels.as_slice()) {
                    ("variable", [name]) => {
                        module.variables.entry(name).or_insert((*file, block));
                    }
                    ("locals", []) => {
                        for attribute in block.body.attributes() {
                            module.locals.entry(attribute.key.value().as_str()).or_insert((*file, attribute));
                        }
                    }
                    ("resource", [kind, name]) => {
                        module.resources.entry((kind, name)).or_insert((*file, block));
                    }
                    ("data", ["aws_iam_policy_document", name]) => {
                        module.documents.entry(name).or_insert((*file, block));
                    }
                    ("data", ["aws_iam_policy", name]) => {
                        module.policies.entry(name).or_insert((*file, block));
                    }
                    _ => {}
                }
            }
        }
        module
    }

    pub fn resource(&self, kind: &str, name: &str) -> Option<(usize, &'b Block)> {
        self.resources.get(&(kind, name)).copied()
    }

    /// The `data "aws_iam_policy"` block named `name`.
    pub fn policy_lookup(&self, name: &str) -> Option<(usize, &'b Block)> {
        self.policies.get(name).copied()
    }

    /// Resources of the module in source order: file, then position.
    fn resources_in_order(&self) -> Vec<(&'b str, &'b str, usize, &'b Block)> {
        let mut all: Vec<_> = self.resources.iter().map(|((k, n), (f, b))| (*k, *n, *f, *b)).collect();
        all.sort_by_key(|(_, _, file, block)| (*file, block.span().map_or(0, |r| r.start)));
        all
    }
}

/// What a document is to IAM (when known), how it is attached (its size quota), and who it is for.
type Placement = (Option<Kind>, Attachment, Audience);

/// Where a policy document is used: an attribute that holds one.
struct Site<'b> {
    file: usize,
    /// The attribute's address, and what links it to the rest of the module.
    address: String,
    notes: Vec<String>,
    kind: Kind,
    attachment: Attachment,
    expr: &'b Expression,
    /// Who its permissions are for.
    audience: Audience,
    /// A variable that is not its default wherever the policy exists.
    changed: Option<&'b str>,
}

impl Site<'_> {
    fn unit(&self, source: Option<&str>) -> String {
        let mut notes = self.notes.clone();
        notes.extend(source.map(str::to_string));
        unit_name(self.address.clone(), &notes)
    }
}

/// Reads `text`, a Terraform file, with the texts of the other `.tf` files of its module; `load`
/// reads the files `templatefile(…)` names, relative to the module.
pub fn read(text: &str, siblings: &[&str], load: &dyn Fn(&str) -> Option<String>) -> Template {
    let unnamed: Vec<(&str, &str)> = siblings.iter().map(|text| ("", *text)).collect();
    read_module(text, &unnamed, load)
}

/// [`read`], with each sibling's file name beside its text.
pub fn read_module(text: &str, siblings: &[(&str, &str)], load: &dyn Fn(&str) -> Option<String>) -> Template {
    let body = match hcl_edit::parser::parse_body(text) {
        Ok(body) => body,
        Err(e) => {
            let at = e.location().offset().min(text.len());
            let error =
                SyntaxError { span: Span::new(at, at), message: format!("invalid HCL: {}", e.message()), help: None };
            return Template { errors: vec![error], ..Template::default() };
        }
    };
    // Siblings that do not parse are left out: their own check reports them.
    let mut bodies = vec![(0, body)];
    bodies.extend(
        siblings.iter().enumerate().filter_map(|(i, (_, t))| hcl_edit::parser::parse_body(t).ok().map(|b| (i + 1, b))),
    );
    let texts: Vec<&str> = std::iter::once(text).chain(siblings.iter().map(|(_, t)| *t)).collect();
    let names: Vec<&str> = std::iter::once("").chain(siblings.iter().map(|(n, _)| *n)).collect();
    let module = Module::new(texts, names, &bodies, load);
    let mut template = Template::default();
    let lines = LineIndex::new(text);
    let mut reader =
        Reader { module: &module, template: &mut template, lines: &lines, roles: HashMap::new(), unused: Vec::new() };
    reader.read();
    template
}

struct Reader<'r, 'b> {
    module: &'r Module<'b>,
    template: &'r mut Template,
    lines: &'r LineIndex,
    /// Who can assume each `aws_iam_role` of the module, by address (`aws_iam_role.NAME`).
    roles: HashMap<String, Audience>,
    /// Policy documents used only by resources that do not exist with the defaults.
    unused: Vec<&'b str>,
}

impl<'b> Reader<'_, 'b> {
    fn eval(&mut self) -> Eval<'_, 'b> {
        Eval::new(self.module, self.template)
    }

    fn read(&mut self) {
        self.roles = self.role_audiences();
        let attached = self.attachments();
        let sites = self.sites(&attached);
        for (kind, name, file, block) in self.module.resources_in_order() {
            if file != 0 {
                continue;
            }
            if let Some(count) = block.body.get_attribute("count")
                && let Expression::Conditional(c) = &count.value
                && let Some(span) = block.span()
            {
                // The resource exists in the branch whose count is not 0.
                let condition = self.eval().source(c.cond_expr.span(), 0);
                let mut eval = self.eval();
                eval.quiet = true;
                let zero = matches!(eval.value(&c.true_expr, At::HERE), Value::Literal(n) if n.as_str() == "0");
                let condition = if zero { format!("not {condition}") } else { condition };
                self.template.guard(Span::new(span.start, span.end), condition);
            }
            if kind == "oci_identity_policy" {
                self.oci_policy(name, block);
            }
            if stack::STACKS.contains(&kind) && self.existence(block, 0).is_some() {
                self.stack(kind, name, block);
            }
        }
        for site in sites.iter().filter(|s| s.file == 0) {
            self.site(site);
        }
        let mut documents: Vec<(&str, &Block)> =
            self.module.documents.iter().filter(|(_, (file, _))| *file == 0).map(|(n, (_, b))| (*n, *b)).collect();
        documents.sort_by_key(|(_, block)| block.span().map_or(0, |r| r.start));
        for (name, block) in documents {
            let uses: Vec<&Site> = sites.iter().filter(|s| document_name(s.expr) == Some(name)).collect();
            let address = format!("data.aws_iam_policy_document.{name}");
            let Some(changed) = self.existence(block, 0) else { continue };
            if uses.is_empty() && self.unused.contains(&name) {
                continue;
            }
            if uses.is_empty() {
                self.document(address.clone(), (None, Attachment::Managed, Audience::Outside), block, changed);
            }
            for site in uses {
                let changed = site.changed.or(changed);
                let placement = (Some(site.kind), site.attachment, site.audience.clone());
                self.document(site.unit(Some(&address)), placement, block, changed);
            }
        }
    }

    /// Who can assume each role of the module, from its trust policy (evaluated quietly: it is
    /// reported where it is read).
    fn role_audiences(&mut self) -> HashMap<String, Audience> {
        let mut roles = HashMap::new();
        for (kind, name, file, block) in self.module.resources_in_order() {
            if kind != "aws_iam_role" {
                continue;
            }
            let Some(trust) = block.body.get_attribute("assume_role_policy") else { continue };
            let module = self.module;
            let mut eval = self.eval();
            eval.quiet = true;
            let value = match document_name(&trust.value).and_then(|d| module.documents.get(d)) {
                Some(&(_, document)) => policy_document(&mut eval, document),
                None => eval.value(&trust.value, At { file, anchor: Some(Span::default()) }),
            };
            roles.insert(format!("aws_iam_role.{name}"), audience::of_role(name, &value));
        }
        roles
    }

    /// The audience of a policy on `links` (resource addresses or names).
    fn audience(&self, links: &[String]) -> Audience {
        let outside = Audience::Outside;
        Audience::of_all(links.iter().map(|link| self.roles.get(link).unwrap_or(&outside)))
    }

    /// What each policy and managed ARN is attached to, across the module; the managed ARNs
    /// attached in this file are recorded for IAC003.
    fn attachments(&mut self) -> HashMap<String, Vec<String>> {
        let mut attached: HashMap<String, Vec<String>> = HashMap::new();
        for (kind, name, file, block) in self.module.resources_in_order() {
            let (policies, targets, unit): (Vec<&Expression>, Vec<String>, String) = if kind == "aws_iam_role" {
                let arns = block.body.get_attribute("managed_policy_arns").map(|a| &a.value);
                let items = match arns {
                    Some(Expression::Array(items)) => items.iter().collect(),
                    Some(other) => vec![other],
                    None => continue,
                };
                (items, vec![format!("aws_iam_role.{name}")], format!("aws_iam_role.{name}.managed_policy_arns"))
            } else if let Some((_, keys)) = ATTACHMENTS.iter().find(|(k, _)| *k == kind) {
                let Some(arn) = block.body.get_attribute("policy_arn") else { continue };
                let targets: Vec<String> = keys
                    .iter()
                    .filter_map(|key| Some((*key, block.body.get_attribute(key)?)))
                    .flat_map(|(key, a)| match &a.value {
                        Expression::Array(items) => items.iter().map(|item| (key, item)).collect(),
                        other => vec![(key, other)],
                    })
                    .map(|(key, expr)| self.link(key, expr, file))
                    .collect();
                let unit = unit_name(format!("{kind}.{name}"), &[format!("on {}", targets.join(", "))]);
                (vec![&arn.value], targets, unit)
            } else {
                continue;
            };
            if self.existence(block, file).is_none() {
                continue;
            }
            for policy in policies {
                // `one(aws_iam_policy.p[*].arn)`: the policy of a resource with a count.
                let policy = match policy {
                    Expression::FuncCall(call) if call.name.name.value().as_str() == "one" && call.args.len() == 1 => {
                        call.args.iter().next().unwrap_or(policy)
                    }
                    other => other,
                };
                match resource_address(policy) {
                    Some(("aws_iam_policy", policy_name)) => {
                        attached.entry(policy_name.to_string()).or_default().extend(targets.iter().cloned());
                    }
                    _ if file == 0 => {
                        let deferred = self.template.pending.len();
                        let mut eval = self.eval();
                        eval.unit = unit.clone();
                        if let Some(arn) = eval.value(policy, At::HERE).text() {
                            // `arn:${data.aws_partition.current.partition}:iam::aws:policy/X`
                            // names its policy: the partition leaves no verdict open.
                            if names_aws_managed(arn.as_str()) {
                                self.template.pending.truncate(deferred);
                            }
                            let span = policy.span().map_or(Span::default(), |r| Span::new(r.start, r.end));
                            let audience = self.audience(&targets);
                            let managed =
                                ManagedPolicy { arn: arn.as_str().to_string(), span, unit: unit.clone(), audience };
                            self.template.managed.push(managed);
                        }
                    }
                    _ => {}
                }
            }
        }
        // Which policy is attached is the verdict an unknown ARN leaves open.
        self.template.settle(None, "");
        attached
    }

    /// Every attribute of the module that holds an AWS policy document.
    fn sites(&mut self, attached: &HashMap<String, Vec<String>>) -> Vec<Site<'b>> {
        let mut sites = Vec::new();
        for (kind, name, file, block) in self.module.resources_in_order() {
            let Some(changed) = self.existence(block, file) else {
                let attributes = block.body.attributes().map(|a| &a.value);
                self.unused.extend(attributes.filter_map(document_name));
                continue;
            };
            if kind == "aws_iam_role" {
                let audience = self.audience(&[format!("aws_iam_role.{name}")]);
                for inline in block.body.get_blocks("inline_policy") {
                    let Some(policy) = inline.body.get_attribute("policy") else { continue };
                    let label = match inline.body.get_attribute("name") {
                        Some(n) => self.name(&n.value, file),
                        None => "?".into(),
                    };
                    let address = format!("aws_iam_role.{name}.inline_policy[{label}]");
                    let expr = &policy.value;
                    let audience = audience.clone();
                    sites.push(Site {
                        file,
                        address,
                        notes: Vec::new(),
                        kind: Kind::Identity,
                        attachment: Attachment::Inline(Holder::Role),
                        expr,
                        audience,
                        changed,
                    });
                }
            }
            for (_, attribute, policy_kind, link) in POLICY_ATTRIBUTES.iter().filter(|(k, ..)| *k == kind) {
                let Some(policy) = block.body.get_attribute(attribute) else { continue };
                let address = format!("{kind}.{name}");
                let mut notes = Vec::new();
                let mut links = Vec::new();
                if let Some((key, target)) = link.and_then(|key| Some((key, block.body.get_attribute(key)?))) {
                    let linked = self.link(key, &target.value, file);
                    notes.push(format!("on {linked}"));
                    links.push(linked);
                }
                if let Some(targets) = attached.get(name).filter(|_| kind == "aws_iam_policy") {
                    notes.push(format!("attached to {}", targets.join(", ")));
                    links.extend(targets.iter().cloned());
                }
                let audience = match (kind, *attribute) {
                    ("aws_iam_role", _) => self.audience(&[format!("aws_iam_role.{name}")]),
                    ("aws_iam_role_policy" | "aws_iam_policy", _) => self.audience(&links),
                    _ => Audience::Outside,
                };
                // A role's trust policy is named by its attribute: the role has other policies.
                let address =
                    if *attribute == "assume_role_policy" { format!("{address}.{attribute}") } else { address };
                let attachment = attachment(kind);
                let expr = &policy.value;
                sites.push(Site { file, address, notes, kind: *policy_kind, attachment, expr, audience, changed });
            }
        }
        sites
    }

    /// Whether a resource exists: `None` when its `count` is 0; `Some(Some(x))` when it exists
    /// only if variable `x` is not its default (`count = var.x == null ? 0 : 1` with `x`
    /// defaulting to null), so it is linted with `x` as a value given when Terraform runs, never
    /// with the default that would remove it; `Some(None)` otherwise. A count grantlint cannot
    /// decide counts as existing.
    fn existence(&mut self, block: &'b Block, file: usize) -> Option<Option<&'b str>> {
        let Some(count) = block.body.get_attribute("count") else { return Some(None) };
        let mut eval = self.eval();
        eval.quiet = true;
        let at = At { file, anchor: Some(Span::default()) };
        let none = |value: Value| matches!(value, Value::Literal(n) if n.as_str() == "0");
        match &count.value {
            Expression::Conditional(c) => match eval.default_test(&c.cond_expr) {
                Some((var, holds)) => {
                    let (taken, other) =
                        if holds { (&c.true_expr, &c.false_expr) } else { (&c.false_expr, &c.true_expr) };
                    match (none(eval.value(taken, at)), none(eval.value(other, at))) {
                        (true, true) => None,
                        (true, false) => Some(Some(var)),
                        _ => Some(None),
                    }
                }
                None => Some(None),
            },
            other => (!none(eval.value(other, at))).then_some(None),
        }
    }

    /// What an attribute such as `role = aws_iam_role.x.name` links to: the resource's address,
    /// or the name as written.
    fn link(&mut self, key: &str, expr: &'b Expression, file: usize) -> String {
        match resource_address(expr) {
            Some((kind, name)) => format!("{kind}.{name}"),
            None => format!("{} {}", key.trim_end_matches('s'), self.name(expr, file)),
        }
    }

    /// A name as evaluated, for a unit; nothing is reported.
    fn name(&mut self, expr: &'b Expression, file: usize) -> String {
        let mut eval = self.eval();
        eval.quiet = true;
        let at = At { file, anchor: Some(Span::default()) };
        match eval.value(expr, at).text() {
            Some(text) => text.as_str().to_string(),
            None => eval.source(expr.span(), file),
        }
    }

    /// A policy attribute of this file: its document, unless it is a data source's (linted where
    /// that is written).
    fn site(&mut self, site: &Site<'b>) {
        if document_name(site.expr).is_some() {
            return;
        }
        let unit = site.unit(None);
        let span = site.expr.span().map_or(Span::default(), |r| Span::new(r.start, r.end));
        if let Expression::FuncCall(call) = site.expr
            && !call.name.is_namespaced()
            && call.name.name.value().as_str() == "file"
            && let Some(path) = call.args.iter().next()
        {
            let mut eval = self.eval();
            eval.unit = unit.clone();
            match eval.value(path, At::HERE) {
                Value::Str(path) => {
                    let path = path.as_str().to_string();
                    let body = Body::File { kind: Some(site.kind), attachment: site.attachment, path };
                    self.template.policies.push(Embedded { unit, span, body, audience: site.audience.clone() });
                }
                _ => eval.report(span, "the file this policy is read from is not known, so it is not checked".into()),
            }
            return;
        }
        let mut eval = self.eval();
        eval.unit = unit.clone();
        eval.changed.extend(site.changed);
        let value = eval.value(site.expr, At::HERE);
        let placement = (Some(site.kind), site.attachment, site.audience.clone());
        self.template.aws_policy(unit, span, placement, &value, self.lines);
    }

    /// A `data "aws_iam_policy_document"` block of this file, as the JSON Terraform renders.
    fn document(&mut self, unit: String, kind: Placement, block: &'b Block, changed: Option<&'b str>) {
        let span = block.span().map_or(Span::default(), |r| Span::new(r.start, r.end));
        let mut eval = self.eval();
        eval.unit = unit.clone();
        eval.changed.extend(changed);
        let value = policy_document(&mut eval, block);
        self.template.aws_policy(unit, span, kind, &value, self.lines);
    }

    /// `resource "oci_identity_policy"` of this file: its `statements`, one OCI policy.
    fn oci_policy(&mut self, name: &str, block: &'b Block) {
        let unit = format!("oci_identity_policy.{name}");
        let Some(statements) = block.body.get_attribute("statements") else {
            let label = block.labels.last().and_then(|l| l.span()).or(block.span());
            let span = label.map_or(Span::default(), |r| Span::new(r.start, r.end));
            self.template.error(span, format!("{unit} has no `statements`"));
            return;
        };
        let span = statements.value.span().map_or(Span::default(), |r| Span::new(r.start, r.end));
        let mut source = PolicySource { name: Some(unit.clone()), span, statements: Vec::new(), errors: Vec::new() };
        let mut eval = self.eval();
        eval.unit = unit.clone();
        let items: Vec<&Expression> = match &statements.value {
            Expression::Array(items) => items.iter().collect(),
            // `concat([…], [for …])`: each list on its own, so the known ones are linted and
            // an unknown one stands for its statements alone.
            Expression::FuncCall(call) if !call.name.is_namespaced() && call.name.name.value().as_str() == "concat" => {
                call.args
                    .iter()
                    .flat_map(|arg| match arg {
                        Expression::Array(items) => items.iter().collect(),
                        other => vec![other],
                    })
                    .collect()
            }
            other => vec![other],
        };
        // Where a statement is a value grantlint cannot work out, the policy is not known empty.
        let mut unknown = Vec::new();
        for item in items {
            let values = match item {
                Expression::StringTemplate(t) => {
                    vec![Value::Str(eval.template_text(t, At::HERE, Escapes::Backslash, Spelling::OciStatement))]
                }
                Expression::HeredocTemplate(h) => {
                    vec![Value::Str(eval.template_text(&h.template, At::HERE, Escapes::None, Spelling::OciStatement))]
                }
                other => flatten(eval.value(other, At::HERE)),
            };
            for value in values {
                match value {
                    Value::Str(text) | Value::Literal(text) => {
                        // A statement written whole elsewhere (a local's list) spells its
                        // placeholders as Terraform does.
                        let text = eval::oci_inner_placeholders("", text);
                        let map = text.map();
                        source.statements.push(StatementText { text: Cow::Owned(text.value), map });
                    }
                    // Reported when it was met: a statement grantlint does not know is not linted.
                    Value::Unknown(_) => unknown.extend(item.span().map(|r| Span::new(r.start, r.end))),
                    other => {
                        let at = item.span().map_or(span, |r| Span::new(r.start, r.end));
                        let what = if matches!(other, Value::Map(..)) { "an object" } else { "not a string" };
                        source.errors.push(SyntaxError {
                            span: at,
                            message: format!("a policy statement must be a string; this is {what}"),
                            help: None,
                        });
                    }
                }
            }
        }
        // A policy of unknown statements alone is not known to be empty.
        if source.statements.is_empty() && !unknown.is_empty() {
            unknown.push(span);
        }
        for at in unknown {
            self.template.placeholder("", at);
        }
        self.template.settle_oci(&source, &unit);
        self.template.policies.push(Embedded { unit, span, body: Body::Oci(source), audience: Audience::Outside });
    }
}

/// Lists and both branches of conditions, flattened: every statement a policy may hold.
fn flatten(value: Value) -> Vec<Value> {
    match value {
        Value::List(items, _) => items.into_iter().flat_map(flatten).collect(),
        Value::If(choice) => {
            let choice = *choice;
            let mut out = flatten(choice.then);
            out.extend(flatten(choice.otherwise));
            out
        }
        Value::Absent => Vec::new(),
        other => vec![other],
    }
}

/// Terraform converts numbers and booleans to strings where a policy document block wants
/// strings (`identifiers = [123456789012]`).
fn strings(value: Value) -> Value {
    match value {
        Value::Literal(text) if text.as_str() != "null" => Value::Str(text),
        Value::List(items, at) => Value::List(items.into_iter().map(strings).collect(), at),
        Value::If(choice) => {
            let choice = *choice;
            Value::If(Box::new(super::value::Choice {
                then: strings(choice.then),
                otherwise: strings(choice.otherwise),
            }))
        }
        other => other,
    }
}

/// `data.aws_iam_policy_document.NAME.json`: the data source's name.
fn document_name(expr: &Expression) -> Option<&str> {
    let Expression::Traversal(traversal) = expr else { return None };
    let Expression::Variable(root) = &traversal.expr else { return None };
    let attrs: Vec<&str> = traversal
        .operators
        .iter()
        .filter_map(|op| match op.value() {
            TraversalOperator::GetAttr(name) => Some(name.value().as_str()),
            _ => None,
        })
        .collect();
    match (root.value().as_str(), attrs.as_slice()) {
        ("data", ["aws_iam_policy_document", name, "json" | "minified_json"]) => Some(name),
        _ => None,
    }
}

/// `TYPE.NAME.…` naming a resource: `(TYPE, NAME)`.
fn resource_address(expr: &Expression) -> Option<(&str, &str)> {
    let Expression::Traversal(traversal) = expr else { return None };
    let Expression::Variable(root) = &traversal.expr else { return None };
    let kind = root.value().as_str();
    if ["var", "local", "data", "module", "path", "each", "count", "self", "terraform"].contains(&kind) {
        return None;
    }
    match traversal.operators.first().map(|op| op.value()) {
        Some(TraversalOperator::GetAttr(name)) => Some((kind, name.value().as_str())),
        _ => None,
    }
}

/// The policy a `data "aws_iam_policy_document"` block renders: `Version` (Terraform's default
/// when unset), `Id`, and a statement per `statement` block, with `principals` and `condition`
/// blocks merged by type and operator. Keys point at the attribute or block that gives them.
fn policy_document<'b>(eval: &mut Eval<'_, 'b>, block: &'b Block) -> Value {
    let at = span_start(block);
    let ident = block.ident.span().map_or(Span::at(at), |r| Span::new(r.start, r.end));
    let body = &block.body;
    let mut entries = Vec::new();
    match body.get_attribute("version") {
        Some(version) => entries.push((key("Version", version), eval.value(&version.value, At::HERE))),
        None => entries.push((Text::anchored("Version", ident), Value::Str(Text::anchored("2012-10-17", ident)))),
    }
    if let Some(id) = body.get_attribute("policy_id") {
        entries.push((key("Id", id), eval.value(&id.value, At::HERE)));
    }
    let mut statements: Vec<Value> = body.get_blocks("statement").map(|s| statement(eval, s)).collect();
    for dynamic in body.get_blocks("dynamic") {
        // `for_each = var.x == null ? [] : [1]`: a statement made, the same each time, where a
        // variable's default or its other value says. One that reads its iterator, or whose
        // `for_each` grantlint cannot decide, is not evaluated.
        let made = fixed_content(dynamic, "statement").and_then(|content| Some((content, made_when(eval, dynamic)?)));
        match made {
            Some((_, Made::Never)) => {}
            Some((content, Made::Always)) => statements.push(statement(eval, content)),
            Some((content, Made::Unless(var))) => {
                eval.changed.push(var);
                statements.push(statement(eval, content));
                eval.changed.pop();
            }
            None => {
                let span = dynamic.span().map_or(ident, |r| Span::new(r.start, r.end));
                eval.report(
                    span,
                    "`dynamic` blocks are not evaluated, so the statements they make are not checked".into(),
                );
            }
        }
    }
    if !statements.is_empty() {
        entries.push((Text::anchored("Statement", ident), Value::List(statements, at)));
    }
    Value::Map(entries, at)
}

/// When a `dynamic` block makes its content.
enum Made<'b> {
    Never,
    Always,
    /// Only when this variable is not its default.
    Unless(&'b str),
}

/// When `dynamic`'s `for_each` makes anything: a literal list, or `cond ? list : list` where
/// `cond` tests one variable and one list is empty; `None` when grantlint cannot tell.
fn made_when<'b>(eval: &mut Eval<'_, 'b>, dynamic: &'b Block) -> Option<Made<'b>> {
    let for_each = &dynamic.body.get_attribute("for_each")?.value;
    match for_each {
        Expression::Conditional(c) => {
            let (var, holds) = eval.default_test(&c.cond_expr)?;
            let (taken, other) = if holds { (&c.true_expr, &c.false_expr) } else { (&c.false_expr, &c.true_expr) };
            match (is_empty(eval, taken)?, is_empty(eval, other)?) {
                (false, _) => Some(Made::Always),
                (true, false) => Some(Made::Unless(var)),
                (true, true) => Some(Made::Never),
            }
        }
        Expression::Array(items) => Some(if items.is_empty() { Made::Never } else { Made::Always }),
        _ => None,
    }
}

/// Whether `expr` is an empty list, if grantlint can tell; nothing is reported.
fn is_empty<'b>(eval: &mut Eval<'_, 'b>, expr: &'b Expression) -> Option<bool> {
    if let Expression::Array(items) = expr {
        return Some(items.is_empty());
    }
    let quiet = std::mem::replace(&mut eval.quiet, true);
    let value = eval.value(expr, At { file: 0, anchor: Some(Span::default()) });
    eval.quiet = quiet;
    match value {
        Value::List(items, _) => Some(items.is_empty()),
        _ => None,
    }
}

/// The `content` of a `dynamic "label"` block when it does not read its iterator (`label.value`,
/// or the name `iterator` gives): every instance it makes is that block.
fn fixed_content<'b>(dynamic: &'b Block, label: &str) -> Option<&'b Block> {
    if dynamic.labels.first().map(|l| l.as_str()) != Some(label) {
        return None;
    }
    let content = dynamic.body.get_blocks("content").next()?;
    let iterator = match dynamic.body.get_attribute("iterator").map(|a| &a.value) {
        Some(Expression::Variable(name)) => name.value().as_str().to_string(),
        Some(_) => return None,
        None => label.to_string(),
    };
    let text = content.body.to_string();
    let reads = |at: usize| {
        let before = text[..at].chars().next_back();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
            && text[at + iterator.len()..].starts_with('.')
    };
    let uses_iterator = text.match_indices(iterator.as_str()).any(|(at, _)| reads(at));
    (!uses_iterator).then_some(content)
}

fn statement<'b>(eval: &mut Eval<'_, 'b>, block: &'b Block) -> Value {
    let at = span_start(block);
    let ident = block.ident.span().map_or(Span::at(at), |r| Span::new(r.start, r.end));
    let body = &block.body;
    let mut entries = Vec::new();
    if let Some(sid) = body.get_attribute("sid") {
        entries.push((key("Sid", sid), eval.value(&sid.value, At::HERE)));
    }
    match body.get_attribute("effect") {
        Some(effect) => entries.push((key("Effect", effect), eval.value(&effect.value, At::HERE))),
        None => entries.push((Text::anchored("Effect", ident), Value::Str(Text::anchored("Allow", ident)))),
    }
    for (blocks, name) in [("principals", "Principal"), ("not_principals", "NotPrincipal")] {
        if let Some(principal) = principals(eval, body, blocks) {
            let first = body.get_blocks(blocks).next().and_then(|b| b.ident.span());
            let span = first.map_or(ident, |r| Span::new(r.start, r.end));
            entries.push((Text::anchored(name, span), principal));
        }
    }
    for (attribute, name) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(found) = body.get_attribute(attribute) {
            entries.push((key(name, found), strings(eval.value(&found.value, At::HERE))));
        }
    }
    let mut operators: Vec<(Text, Vec<(Text, Value)>)> = Vec::new();
    let mut condition_key = None;
    let mut conditions: Vec<&Block> = body.get_blocks("condition").collect();
    for dynamic in body.get_blocks("dynamic") {
        let span = dynamic.ident.span().map_or(ident, |r| Span::new(r.start, r.end));
        let label = dynamic.labels.first().map(|l| l.as_str().to_string()).unwrap_or_default();
        match dynamic.body.get_blocks("content").next() {
            Some(content) if label == "condition" => {
                // Its `for_each` decides how many conditions there are; the content is checked
                // once, with the iterator's values unknown.
                eval.report(span, "a `dynamic \"condition\"` block: grantlint checks its `content` once, as one condition whose values come from `for_each`".into());
                conditions.push(content);
            }
            _ => eval.report(
                span,
                format!(
                    "`dynamic \"{label}\"` blocks are not evaluated, so what they add to this statement is not checked"
                ),
            ),
        }
    }
    for condition in conditions {
        let span = condition.ident.span().map_or(ident, |r| Span::new(r.start, r.end));
        condition_key.get_or_insert(span);
        let field = |name: &str| condition.body.get_attribute(name);
        let (Some(test), Some(variable), Some(values)) = (field("test"), field("variable"), field("values")) else {
            eval.report(span, "a `condition` block needs `test`, `variable` and `values`".into());
            continue;
        };
        let (Some(test_text), Some(variable_text)) =
            (eval.value(&test.value, At::HERE).text().cloned(), eval.value(&variable.value, At::HERE).text().cloned())
        else {
            continue;
        };
        let values = strings(eval.value(&values.value, At::HERE));
        match operators.iter_mut().find(|(t, _)| t.as_str() == test_text.as_str()) {
            Some((_, keys)) => keys.push((variable_text, values)),
            None => operators.push((test_text, vec![(variable_text, values)])),
        }
    }
    if let Some(span) = condition_key {
        let blocks = operators.into_iter().map(|(test, keys)| (test, Value::Map(keys, span.start))).collect();
        entries.push((Text::anchored("Condition", span), Value::Map(blocks, span.start)));
    }
    Value::Map(entries, at)
}

/// `principals { type, identifiers }` blocks, merged by type; `type = "*"` is `"Principal": "*"`.
fn principals<'b>(eval: &mut Eval<'_, 'b>, body: &'b HclBody, blocks: &'b str) -> Option<Value> {
    let mut by_type: Vec<(Text, Vec<Value>)> = Vec::new();
    let mut start = None;
    for block in body.get_blocks(blocks) {
        start.get_or_insert(span_start(block));
        let kind = block.body.get_attribute("type").and_then(|t| eval.value(&t.value, At::HERE).text().cloned());
        let identifiers = block.body.get_attribute("identifiers").map(|i| strings(eval.value(&i.value, At::HERE)));
        let (Some(kind), Some(identifiers)) = (kind, identifiers) else {
            let span = block.ident.span().map_or(Span::default(), |r| Span::new(r.start, r.end));
            eval.report(span, format!("a `{blocks}` block needs `type` and `identifiers`"));
            continue;
        };
        if kind.as_str() == "*" {
            return Some(Value::Str(kind));
        }
        let identifiers = match identifiers {
            Value::List(items, _) => items,
            other => vec![other],
        };
        match by_type.iter_mut().find(|(t, _)| t.as_str() == kind.as_str()) {
            Some((_, all)) => all.extend(identifiers),
            None => by_type.push((kind, identifiers)),
        }
    }
    let start = start?;
    Some(Value::Map(by_type.into_iter().map(|(kind, ids)| (kind, Value::List(ids, start))).collect(), start))
}

/// The IAM key `name`, pointing at the attribute that gives it.
fn key(name: &str, attribute: &Attribute) -> Text {
    let span = attribute.key.span().map_or(Span::default(), |r| Span::new(r.start, r.end));
    Text::anchored(name, span)
}

fn span_start(block: &Block) -> usize {
    block.span().map_or(0, |r| r.start)
}

/// Whether `arn` names an AWS-managed policy whatever its partition: only the partition, if
/// anything, is a placeholder.
fn names_aws_managed(arn: &str) -> bool {
    arn.strip_prefix("arn:")
        .and_then(|rest| rest.split_once(":iam::aws:policy/"))
        .is_some_and(|(_, name)| !name.is_empty() && !name.contains("${"))
}

#[cfg(test)]
mod tests;

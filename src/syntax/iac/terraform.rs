//! Terraform: the policies of `oci_identity_policy`, `aws_iam_role` (`assume_role_policy`,
//! `inline_policy` blocks, `managed_policy_arns`), `aws_iam_role_policy` (and the user and group
//! forms), `aws_iam_policy`, `aws_s3_bucket_policy` and `data "aws_iam_policy_document"`, with
//! `aws_iam_*_policy_attachment` linking policies to the roles that carry them.
//!
//! A module is a directory: the other `.tf` files beside the one read give it variables, locals,
//! policy documents and attachments, but only the policies written in the file read are linted
//! there, so each finding is reported once, in the file that holds the text. A policy document
//! data source is linted where it is written, once for each policy that uses it (named by that
//! use, with the kind the use gives it: trust for `assume_role_policy`).

mod eval;

use super::text::{Escapes, Text};
use super::value::Value;
use super::{Body, Embedded, ManagedPolicy, Template, unit_name};
use crate::source::LineIndex;
use crate::span::Span;
use crate::syntax::aws::Kind;
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
];

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
    pub variables: HashMap<&'b str, (usize, &'b Block)>,
    pub locals: HashMap<&'b str, (usize, &'b Attribute)>,
    resources: HashMap<(&'b str, &'b str), (usize, &'b Block)>,
    documents: HashMap<&'b str, (usize, &'b Block)>,
}

impl<'b> Module<'b> {
    fn new(texts: Vec<&'b str>, bodies: &'b [(usize, HclBody)]) -> Self {
        let mut module = Module {
            texts,
            variables: HashMap::new(),
            locals: HashMap::new(),
            resources: HashMap::new(),
            documents: HashMap::new(),
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
                    _ => {}
                }
            }
        }
        module
    }

    pub fn resource(&self, kind: &str, name: &str) -> Option<(usize, &'b Block)> {
        self.resources.get(&(kind, name)).copied()
    }

    /// Resources of the module in source order: file, then position.
    fn resources_in_order(&self) -> Vec<(&'b str, &'b str, usize, &'b Block)> {
        let mut all: Vec<_> = self.resources.iter().map(|((k, n), (f, b))| (*k, *n, *f, *b)).collect();
        all.sort_by_key(|(_, _, file, block)| (*file, block.span().map_or(0, |r| r.start)));
        all
    }
}

/// Where a policy document is used: an attribute that holds one.
struct Site<'b> {
    file: usize,
    /// The attribute's address, and what links it to the rest of the module.
    address: String,
    notes: Vec<String>,
    kind: Kind,
    expr: &'b Expression,
}

impl Site<'_> {
    fn unit(&self, source: Option<&str>) -> String {
        let mut notes = self.notes.clone();
        notes.extend(source.map(str::to_string));
        unit_name(self.address.clone(), &notes)
    }
}

/// Reads `text`, a Terraform file, with the texts of the other `.tf` files of its module.
pub fn read(text: &str, siblings: &[&str]) -> Template {
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
        siblings.iter().enumerate().filter_map(|(i, t)| hcl_edit::parser::parse_body(t).ok().map(|b| (i + 1, b))),
    );
    let texts: Vec<&str> = std::iter::once(text).chain(siblings.iter().copied()).collect();
    let module = Module::new(texts, &bodies);
    let mut template = Template::default();
    let lines = LineIndex::new(text);
    let mut reader = Reader { module: &module, template: &mut template, lines: &lines };
    reader.read();
    template
}

struct Reader<'r, 'b> {
    module: &'r Module<'b>,
    template: &'r mut Template,
    lines: &'r LineIndex,
}

impl<'b> Reader<'_, 'b> {
    fn eval(&mut self) -> Eval<'_, 'b> {
        Eval::new(self.module, self.template)
    }

    fn read(&mut self) {
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
                let condition = self.eval().source(c.cond_expr.span(), 0);
                self.template.guard(Span::new(span.start, span.end), condition);
            }
            if kind == "oci_identity_policy" {
                self.oci_policy(name, block);
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
            if uses.is_empty() {
                self.document(address.clone(), None, block);
            }
            for site in uses {
                self.document(site.unit(Some(&address)), Some(site.kind), block);
            }
        }
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
            for policy in policies {
                match resource_address(policy) {
                    Some(("aws_iam_policy", policy_name)) => {
                        attached.entry(policy_name.to_string()).or_default().extend(targets.iter().cloned());
                    }
                    _ if file == 0 => {
                        let mut eval = self.eval();
                        eval.unit = unit.clone();
                        if let Some(arn) = eval.value(policy, At::HERE).text() {
                            let span = policy.span().map_or(Span::default(), |r| Span::new(r.start, r.end));
                            let managed = ManagedPolicy { arn: arn.as_str().to_string(), span, unit: unit.clone() };
                            self.template.managed.push(managed);
                        }
                    }
                    _ => {}
                }
            }
        }
        attached
    }

    /// Every attribute of the module that holds an AWS policy document.
    fn sites(&mut self, attached: &HashMap<String, Vec<String>>) -> Vec<Site<'b>> {
        let mut sites = Vec::new();
        for (kind, name, file, block) in self.module.resources_in_order() {
            if kind == "aws_iam_role" {
                for inline in block.body.get_blocks("inline_policy") {
                    let Some(policy) = inline.body.get_attribute("policy") else { continue };
                    let label = match inline.body.get_attribute("name") {
                        Some(n) => self.name(&n.value, file),
                        None => "?".into(),
                    };
                    let address = format!("aws_iam_role.{name}.inline_policy[{label}]");
                    sites.push(Site { file, address, notes: Vec::new(), kind: Kind::Identity, expr: &policy.value });
                }
            }
            for (_, attribute, policy_kind, link) in POLICY_ATTRIBUTES.iter().filter(|(k, ..)| *k == kind) {
                let Some(policy) = block.body.get_attribute(attribute) else { continue };
                let address = format!("{kind}.{name}");
                let mut notes = Vec::new();
                if let Some((key, target)) = link.and_then(|key| Some((key, block.body.get_attribute(key)?))) {
                    notes.push(format!("on {}", self.link(key, &target.value, file)));
                }
                if let Some(targets) = attached.get(name).filter(|_| kind == "aws_iam_policy") {
                    notes.push(format!("attached to {}", targets.join(", ")));
                }
                // A role's trust policy is named by its attribute: the role has other policies.
                let address =
                    if *attribute == "assume_role_policy" { format!("{address}.{attribute}") } else { address };
                sites.push(Site { file, address, notes, kind: *policy_kind, expr: &policy.value });
            }
        }
        sites
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
                    let body = Body::File { kind: Some(site.kind), path: path.as_str().to_string() };
                    self.template.policies.push(Embedded { unit, span, body });
                }
                _ => eval.report(span, "the file this policy is read from is not known, so it is not checked".into()),
            }
            return;
        }
        let mut eval = self.eval();
        eval.unit = unit.clone();
        let value = eval.value(site.expr, At::HERE);
        self.template.aws_policy(unit, span, Some(site.kind), &value, self.lines);
    }

    /// A `data "aws_iam_policy_document"` block of this file, as the JSON Terraform renders.
    fn document(&mut self, unit: String, kind: Option<Kind>, block: &'b Block) {
        let span = block.span().map_or(Span::default(), |r| Span::new(r.start, r.end));
        let mut eval = self.eval();
        eval.unit = unit.clone();
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
            other => vec![other],
        };
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
                        let map = text.map();
                        source.statements.push(StatementText { text: Cow::Owned(text.value), map });
                    }
                    // Reported when it was met: a statement grantlint does not know is not linted.
                    Value::Unknown(_) => {}
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
        self.template.policies.push(Embedded { unit, span, body: Body::Oci(source) });
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
    for dynamic in body.get_blocks("dynamic") {
        let span = dynamic.span().map_or(ident, |r| Span::new(r.start, r.end));
        eval.report(span, "`dynamic` blocks are not evaluated, so the statements they make are not checked".into());
    }
    let statements: Vec<Value> = body.get_blocks("statement").map(|s| statement(eval, s)).collect();
    if !statements.is_empty() {
        entries.push((Text::anchored("Statement", ident), Value::List(statements, at)));
    }
    Value::Map(entries, at)
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
            entries.push((key(name, found), eval.value(&found.value, At::HERE)));
        }
    }
    let mut operators: Vec<(Text, Vec<(Text, Value)>)> = Vec::new();
    let mut condition_key = None;
    for condition in body.get_blocks("condition") {
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
        let values = eval.value(&values.value, At::HERE);
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
        let identifiers = block.body.get_attribute("identifiers").map(|i| eval.value(&i.value, At::HERE));
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

#[cfg(test)]
mod tests;

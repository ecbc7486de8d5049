//! Evaluating Terraform expressions into [`Value`]s: strings, templates, heredocs, lists, objects,
//! `var.*` defaults, `local.*`, conditionals and the few functions policies are built with.
//!
//! A value written in the template keeps its own positions. A value used somewhere other than
//! where it is written — a variable's default, anything interpolated into a string, anything from
//! another file of the module — is anchored at the expression that uses it, so a finding about it
//! points at `${var.group_name}` in the statement rather than at `variables.tf`.

use super::Module;
use crate::span::Span;
use crate::syntax::iac::text::{Escapes, Text};
use crate::syntax::iac::value::{Choice, Value, concat};
use crate::syntax::iac::{Input, Template};
use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, FuncCall, ObjectKey, Traversal, TraversalOperator};
use hcl_edit::structure::Block;
use hcl_edit::template::{Element, Template as HclTemplate};

/// Values nested deeper than this, counting the references followed to reach them (a local
/// naming a local naming…, or a cycle), are not evaluated: it bounds the recursion here and in
/// everything that walks the value after.
const MAX_DEPTH: usize = 128;

/// Where an expression is written, and whether its values stay there.
#[derive(Clone, Copy, Debug)]
pub(super) struct At {
    /// The module file the expression is in (0 is the file being read).
    pub file: usize,
    /// Where its values are used, when that is not where they are written.
    pub anchor: Option<Span>,
}

impl At {
    pub const HERE: At = At { file: 0, anchor: None };
}

/// How a string's placeholders are spelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Spelling {
    /// `${var.x}`, as Terraform writes it.
    Template,
    /// In an OCI statement: a word where the grammar wants a name, since the OCI grammar takes
    /// `${…}` only where an OCID or a quoted value goes.
    OciStatement,
}

pub(super) struct Eval<'m, 'b> {
    pub module: &'m Module<'b>,
    pub template: &'m mut Template,
    /// The policy being read, named in the findings about its values.
    pub unit: String,
    /// Evaluating only to name things: nothing is reported.
    pub quiet: bool,
    depth: usize,
    /// Variables that, in the branch being evaluated, hold something other than their default.
    pub changed: Vec<&'b str>,
}

impl<'m, 'b> Eval<'m, 'b> {
    pub fn new(module: &'m Module<'b>, template: &'m mut Template) -> Self {
        Eval { module, template, unit: String::new(), quiet: false, depth: 0, changed: Vec::new() }
    }

    /// Where `expr` sits in its file, or where its values are anchored.
    fn span_of(&self, span: Option<std::ops::Range<usize>>, at: At) -> Span {
        at.anchor.unwrap_or_else(|| span.map_or(Span::default(), |r| Span::new(r.start, r.end)))
    }

    /// The expression's source, shortened, for a placeholder: `var.external_id`.
    pub fn source(&self, span: Option<std::ops::Range<usize>>, file: usize) -> String {
        let text = span.and_then(|r| self.module.texts.get(file)?.get(r)).unwrap_or("…");
        let words: Vec<&str> = text.split_whitespace().collect();
        let joined = words.join(" ");
        match joined.char_indices().nth(60) {
            Some((cut, _)) => format!("{}…", &joined[..cut]),
            None => joined,
        }
    }

    pub fn report(&mut self, span: Span, message: String) {
        if !self.quiet {
            self.template.unresolved(span, message, &self.unit);
        }
    }

    /// A placeholder for `expr`, reported (with `why`, or as a value only a deployment knows) if
    /// a verdict depends on it.
    fn unknown(&mut self, span: Option<std::ops::Range<usize>>, at: At, why: Option<String>) -> Value {
        let spelling = format!("${{{}}}", self.source(span.clone(), at.file));
        let place = self.span_of(span, at);
        if !self.quiet {
            let why = why.unwrap_or_else(|| format!("`{spelling}` is known only when Terraform runs"));
            self.template.defer(place, &spelling, why, &self.unit);
        }
        if self.quiet {
            return Value::Unknown(Text::anchored(spelling, place));
        }
        self.template.placeholder(spelling, place)
    }

    /// Text decoded from the source range `span` of the expression's file.
    fn text(&self, value: &str, span: Option<std::ops::Range<usize>>, at: At, escapes: Escapes, quoted: bool) -> Text {
        match (at.anchor, span) {
            (Some(anchor), _) => Text::anchored(value, anchor),
            (None, Some(range)) => {
                let raw = self.module.texts.first().and_then(|t| t.get(range.clone())).unwrap_or("");
                let inner = raw.get(1..raw.len().saturating_sub(1)).filter(|_| quoted && raw.len() >= 2);
                let (raw, base) = match inner {
                    Some(inner) => (inner, range.start + 1),
                    None => (raw, range.start),
                };
                Text::aligned(value, raw, base, escapes)
            }
            (None, None) => Text::anchored(value, Span::default()),
        }
    }

    pub fn value(&mut self, expr: &'b Expression, at: At) -> Value {
        if self.depth >= MAX_DEPTH {
            let why = format!("values nested deeper than {MAX_DEPTH} levels (a reference cycle?) are not evaluated");
            return self.unknown(expr.span(), at, Some(why));
        }
        self.depth += 1;
        let value = self.evaluate(expr, at);
        self.depth -= 1;
        value
    }

    fn evaluate(&mut self, expr: &'b Expression, at: At) -> Value {
        let span = expr.span();
        match expr {
            Expression::Null(_) => Value::Absent,
            Expression::Bool(b) => Value::Literal(self.text(&b.value().to_string(), span, at, Escapes::None, false)),
            Expression::Number(n) => Value::Literal(self.text(&n.value().to_string(), span, at, Escapes::None, false)),
            Expression::String(s) => Value::Str(self.text(s.value(), span, at, Escapes::Backslash, true)),
            Expression::StringTemplate(t) => self.template_value(t, at, Escapes::Backslash),
            Expression::HeredocTemplate(h) => self.template_value(&h.template, at, Escapes::None),
            Expression::Array(array) => {
                let start = self.span_of(span, at).start;
                Value::List(array.iter().map(|item| self.value(item, at)).collect(), start)
            }
            Expression::Object(object) => {
                let start = self.span_of(span, at).start;
                let mut entries = Vec::with_capacity(object.len());
                for (key, value) in object.iter() {
                    let key_text = match key {
                        ObjectKey::Ident(ident) => {
                            Some(self.text(ident.value().as_str(), key.span(), at, Escapes::None, false))
                        }
                        ObjectKey::Expression(expr) => match self.value(expr, at) {
                            Value::Str(text) | Value::Literal(text) => Some(text),
                            _ => None,
                        },
                    };
                    match key_text {
                        Some(text) => entries.push((text, self.value(value.expr(), at))),
                        None => {
                            let place = self.span_of(key.span(), at);
                            self.report(
                                place,
                                "an object key grantlint cannot work out; the entry is not checked".into(),
                            );
                        }
                    }
                }
                Value::Map(entries, start)
            }
            Expression::Parenthesis(inner) => self.value(inner.inner(), at),
            Expression::Conditional(c) => {
                if at.anchor.is_none() && !self.quiet {
                    let condition = self.source(c.cond_expr.span(), at.file);
                    let [then, otherwise] = [c.true_expr.span(), c.false_expr.span()].map(|s| self.span_of(s, at));
                    self.template.guard(then, condition.clone());
                    self.template.guard(otherwise, format!("not {condition}"));
                }
                // `var.x == "" ? a : b`: in the branch the default does not take, `x` is not its
                // default, so it is a value given when Terraform runs there.
                let test = self.default_test(&c.cond_expr);
                let branch = |eval: &mut Self, expr: &'b Expression, holds: bool| match test {
                    Some((name, with_default)) if with_default != holds => {
                        eval.changed.push(name);
                        let value = eval.value(expr, at);
                        eval.changed.pop();
                        value
                    }
                    _ => eval.value(expr, at),
                };
                let then = branch(self, &c.true_expr, true);
                let otherwise = branch(self, &c.false_expr, false);
                Value::If(Box::new(Choice { then, otherwise }))
            }
            Expression::FuncCall(call) => self.function(call, span, at),
            Expression::Traversal(traversal) => self.traversal(traversal, span, at),
            Expression::Variable(name) => {
                let why = format!("`{}` is not a value grantlint can work out", name.value().as_str());
                self.unknown(span, at, Some(why))
            }
            _ => {
                let why = "grantlint does not evaluate this expression, so its value is not checked".to_string();
                self.unknown(span, at, Some(why))
            }
        }
    }

    /// A quoted string, template or heredoc: literals as written, interpolations evaluated and
    /// anchored at the `${…}` that holds them. A condition inside makes a condition over the
    /// whole string ([`value::concat`](crate::syntax::iac::value::concat)).
    pub fn template_value(&mut self, template: &'b HclTemplate, at: At, escapes: Escapes) -> Value {
        let mut parts = self.template_parts(template, at, escapes, Spelling::Template);
        if let Some(value) = concat(&parts) {
            return value;
        }
        // Too many conditions to write out: each becomes a placeholder.
        for part in &mut parts {
            if let Value::If(_) = part {
                let span = part.text_span().map(Span::range);
                let why = "one of more conditions inside a string than grantlint writes out".to_string();
                *part = self.unknown(span, at, Some(why));
            }
        }
        concat(&parts).unwrap_or_else(|| self.unknown(template.span(), at, None))
    }

    /// A template's text, for an OCI statement: placeholders are words where the grammar wants one.
    pub fn template_text(&mut self, template: &'b HclTemplate, at: At, escapes: Escapes, spelling: Spelling) -> Text {
        let mut out = Text::default();
        for part in self.template_parts(template, at, escapes, spelling) {
            if let Some(text) = part.text() {
                out.push(text);
            }
        }
        out
    }

    fn template_parts(
        &mut self,
        template: &'b HclTemplate,
        at: At,
        escapes: Escapes,
        spelling: Spelling,
    ) -> Vec<Value> {
        let mut parts = Vec::new();
        let mut written = String::new();
        for element in template.iter() {
            let part = match element {
                Element::Literal(literal) => Value::Str(self.text(literal.value(), literal.span(), at, escapes, false)),
                Element::Interpolation(interpolation) => {
                    let place = self.span_of(interpolation.span(), at);
                    let inner = At { file: at.file, anchor: Some(place) };
                    match self.value(&interpolation.expr, inner) {
                        Value::Str(text) if spelling == Spelling::OciStatement => {
                            Value::Str(oci_inner_placeholders(&written, text))
                        }
                        value @ (Value::Str(_) | Value::Literal(_)) => value,
                        Value::Unknown(text) if spelling == Spelling::OciStatement => {
                            Value::Unknown(Text::anchored(oci_placeholder(&written, text.as_str()), place))
                        }
                        value @ Value::Unknown(_) => value,
                        value @ Value::If(_) if spelling == Spelling::Template => value,
                        other => {
                            // Terraform stops on a null here, so a null default is a value given when it runs.
                            let why = match other {
                                Value::Absent => {
                                    "this is null by default, which Terraform cannot interpolate: its value is given when Terraform runs"
                                }
                                _ => "this is not a string, so it is not interpolated",
                            };
                            match self.unknown(interpolation.expr.span(), at, Some(why.to_string())) {
                                Value::Unknown(text) if spelling == Spelling::OciStatement => {
                                    Value::Unknown(Text::anchored(oci_placeholder(&written, text.as_str()), place))
                                }
                                unknown => unknown,
                            }
                        }
                    }
                }
                Element::Directive(directive) => {
                    let place = self.span_of(directive.span(), at);
                    self.report(place, "template directives (`%{…}`) are not evaluated".into());
                    self.template.placeholder("%{…}", place)
                }
            };
            if let Some(text) = part.text() {
                written.push_str(text.as_str());
            }
            parts.push(part);
        }
        parts
    }

    fn function(&mut self, call: &'b FuncCall, span: Option<std::ops::Range<usize>>, at: At) -> Value {
        let name = call.name.name.value().as_str();
        let args: Vec<&'b Expression> = call.args.iter().collect();
        let place = self.span_of(span.clone(), at);
        match (name, args.as_slice()) {
            _ if call.name.is_namespaced() => {}
            ("jsonencode" | "tolist" | "toset" | "distinct", [arg]) => return self.value(arg, at),
            ("lower" | "upper", [arg]) => {
                if let Value::Str(text) = self.value(arg, at) {
                    let changed =
                        if name == "lower" { text.as_str().to_lowercase() } else { text.as_str().to_uppercase() };
                    // The same length in ASCII keeps each byte's origin; otherwise the whole call.
                    if changed.len() == text.as_str().len() {
                        let mut out = text.clone();
                        out.value = changed;
                        return Value::Str(out);
                    }
                    return Value::Str(Text::anchored(changed, place));
                }
            }
            ("concat" | "flatten", _) => {
                let mut items = Vec::new();
                for arg in &args {
                    match self.value(arg, at) {
                        Value::List(inner, _) if name == "flatten" => {
                            items.extend(inner.into_iter().flat_map(|item| match item {
                                Value::List(nested, _) => nested,
                                other => vec![other],
                            }))
                        }
                        Value::List(inner, _) => items.extend(inner),
                        _ => {
                            return self.unknown(
                                span,
                                at,
                                Some(format!("`{name}` of a value that is not a known list")),
                            );
                        }
                    }
                }
                return Value::List(items, place.start);
            }
            ("compact", [arg]) => {
                if let Value::List(items, start) = self.value(arg, at) {
                    let kept = items.into_iter().filter(|v| !matches!(v, Value::Str(t) if t.is_empty())).collect();
                    return Value::List(kept, start);
                }
            }
            ("join", [separator, list]) => {
                if let (Value::Str(separator), Value::List(items, _)) =
                    (self.value(separator, at), self.value(list, at))
                {
                    let mut out = Text::default();
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push(&separator);
                        }
                        match item.text() {
                            Some(text) => out.push(text),
                            None => {
                                return self.unknown(span, at, Some("`join` of a list grantlint does not know".into()));
                            }
                        }
                    }
                    return Value::Str(out);
                }
            }
            ("templatefile", [path, vars]) => {
                if let Value::Str(file) = self.value(path, at) {
                    let place = self.span_of(path.span(), at);
                    let file = file.as_str().to_string();
                    match self.render(&file, place, vars, at) {
                        Some(value) => return value,
                        None => {
                            let why = format!(
                                "the template file `{file}` cannot be read, so the value it makes is not checked"
                            );
                            return self.unknown(span, at, Some(why));
                        }
                    }
                }
            }
            ("formatlist", [format, rest @ ..]) => {
                let format = self.value(format, at);
                let values: Vec<Value> = rest.iter().map(|arg| self.value(arg, at)).collect();
                if let Some(list) = formatlist(format, &values, place.start) {
                    return list;
                }
            }
            ("format", [format, rest @ ..]) => {
                if let Value::Str(format) = self.value(format, at) {
                    let values: Vec<Value> = rest.iter().map(|arg| self.value(arg, at)).collect();
                    if let Some(text) = sprintf(&format, &values) {
                        return Value::Str(text);
                    }
                }
            }
            _ => {}
        }
        let why = format!("grantlint does not evaluate `{name}(…)` here, so its value is not checked");
        self.unknown(span, at, Some(why))
    }

    /// `var.x`, `local.y`, `path.module`, a resource's attribute; computed values (`data.…`,
    /// `module.…`, a resource's `arn`) stay placeholders without a finding.
    fn traversal(&mut self, traversal: &'b Traversal, span: Option<std::ops::Range<usize>>, at: At) -> Value {
        let Expression::Variable(root) = &traversal.expr else {
            return self.unknown(span, at, Some("grantlint does not evaluate this expression".into()));
        };
        let attr = |i: usize| match traversal.operators.get(i).map(|op| op.value()) {
            Some(TraversalOperator::GetAttr(name)) => Some(name.value().as_str()),
            _ => None,
        };
        let place = self.span_of(span.clone(), at);
        let anchored = At { file: at.file, anchor: Some(place) };
        let root = root.value().as_str();
        let (value, used) = match (root, attr(0)) {
            ("var", Some(name)) => (self.variable(name, span.clone(), at), 1),
            ("local", Some(name)) => (self.local(name, span.clone(), at), 1),
            ("path", Some("module" | "root" | "cwd")) => (Value::Str(Text::anchored(".", place)), 1),
            ("data", Some("template_file")) => {
                let why =
                    "`data \"template_file\"` renders its template when Terraform runs; grantlint does not render it"
                        .to_string();
                return self.unknown(span, at, Some(why));
            }
            // `data "aws_iam_policy" "p" { arn = "arn:aws:iam::aws:policy/ReadOnlyAccess" }`: the
            // policy it finds has the ARN it is looked up by.
            ("data", Some("aws_iam_policy")) if attr(2) == Some("arn") => {
                let found = attr(1).and_then(|name| self.module.policy_lookup(name));
                match found.and_then(|(file, block)| Some((file, block.body.get_attribute("arn")?))) {
                    Some((file, arn)) => (self.value(&arn.value, At { file, anchor: Some(place) }), 3),
                    None => return self.unknown(span, at, None),
                }
            }
            ("data" | "module" | "each" | "count" | "self" | "terraform", _) => {
                return self.unknown(span, at, None);
            }
            (kind, Some(name)) => match self.module.resource(kind, name) {
                // `oci_identity_group.g[0].name`, `[each.key]`: an identity resource's instance
                // has the arguments written in its block.
                Some((file, block))
                    if kind.starts_with("oci_identity_")
                        && (block.body.has_attribute("count") || block.body.has_attribute("for_each"))
                        && matches!(
                            traversal.operators.get(1).map(|op| op.value()),
                            Some(TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_))
                        ) =>
                {
                    match attr(2).and_then(|a| block.body.get_attribute(a)) {
                        Some(found) => (self.value(&found.value, At { file, anchor: Some(place) }), 3),
                        None => return self.unknown(span, at, None),
                    }
                }
                Some((file, block)) => match attr(1) {
                    Some("arn") if kind == "aws_s3_bucket" => match block.body.get_attribute("bucket") {
                        Some(bucket) => match self.value(&bucket.value, At { file, anchor: Some(place) }) {
                            Value::Str(bucket) => {
                                (Value::Str(Text::anchored(format!("arn:aws:s3:::{}", bucket.as_str()), place)), 2)
                            }
                            _ => return self.unknown(span, at, None),
                        },
                        None => return self.unknown(span, at, None),
                    },
                    // A role of this module is in this account, whatever its name (`[0]` and
                    // all: a counted role's instances are the module's too).
                    _ if kind == "aws_iam_role"
                        && traversal.operators.iter().skip(1).any(
                            |op| matches!(op.value(), TraversalOperator::GetAttr(a) if a.value().as_str() == "arn"),
                        ) =>
                    {
                        let spelling = format!("arn:aws:iam::${{data.aws_caller_identity}}:role/{name}");
                        return self.template.placeholder(spelling, place);
                    }
                    Some(attribute) => match block.body.get_attribute(attribute) {
                        Some(found) => (self.value(&found.value, At { file, anchor: Some(place) }), 2),
                        None => return self.unknown(span, at, None),
                    },
                    None => return self.unknown(span, at, None),
                },
                None => {
                    let why = format!("`{kind}.{name}` is not defined in this module");
                    return self.unknown(span, at, Some(why));
                }
            },
            _ => return self.unknown(span, at, Some("grantlint does not evaluate this reference".into())),
        };
        // The value is anchored already where it should be; following `[0]` or `.key` into it
        // keeps that.
        let mut value = value;
        for op in traversal.operators.iter().skip(used) {
            let next = match (op.value(), &value) {
                (TraversalOperator::GetAttr(key), Value::Map(..)) => value.get(key.value().as_str()).cloned(),
                (TraversalOperator::Index(index), Value::List(items, _)) => match self.value(index, anchored) {
                    Value::Literal(i) => i.as_str().parse::<usize>().ok().and_then(|i| items.get(i).cloned()),
                    _ => None,
                },
                (TraversalOperator::Index(key), Value::Map(..)) => match self.value(key, anchored) {
                    Value::Str(key) => value.get(key.as_str()).cloned(),
                    _ => None,
                },
                (TraversalOperator::LegacyIndex(i), Value::List(items, _)) => {
                    usize::try_from(*i.value()).ok().and_then(|i| items.get(i).cloned())
                }
                _ => None,
            };
            value = match next {
                Some(next) => next,
                None => {
                    let why = "grantlint cannot follow this reference into its value".to_string();
                    return self.unknown(span, at, Some(why));
                }
            };
        }
        value
    }

    /// A condition on one variable that its default decides: `var.x == "lit"`, `var.x != lit`
    /// (`null` included), `var.flag`, `!var.flag`; the variable, and whether the condition holds
    /// with the default.
    pub fn default_test(&mut self, condition: &'b Expression) -> Option<(&'b str, bool)> {
        let name = |expr: &'b Expression| -> Option<&'b str> {
            let Expression::Traversal(traversal) = expr else { return None };
            let Expression::Variable(root) = &traversal.expr else { return None };
            match (root.value().as_str(), traversal.operators.first().map(|op| op.value())) {
                ("var", Some(TraversalOperator::GetAttr(name))) if traversal.operators.len() == 1 => {
                    Some(name.value().as_str())
                }
                _ => None,
            }
        };
        let default = |eval: &Self, var: &str| -> Option<&'b Expression> {
            let (_, block) = eval.module.variables.get(var)?;
            Some(&block.body.get_attribute("default")?.value)
        };
        let literal = |expr: &Expression| -> Option<String> {
            match expr {
                Expression::Null(_) => Some("null".into()),
                Expression::Bool(b) => Some(b.value().to_string()),
                Expression::Number(n) => Some(n.value().to_string()),
                Expression::String(s) => Some(format!("{:?}", s.value().as_str())),
                _ => None,
            }
        };
        match condition {
            Expression::Parenthesis(inner) => self.default_test(inner.inner()),
            Expression::Traversal(_) => {
                let var = name(condition)?;
                let value = literal(default(self, var)?)?;
                (value == "true" || value == "false").then(|| (var, value == "true"))
            }
            Expression::UnaryOp(op) if matches!(op.operator.value(), hcl_edit::expr::UnaryOperator::Not) => {
                let (var, holds) = self.default_test(&op.expr)?;
                Some((var, !holds))
            }
            Expression::BinaryOp(op) => {
                let equal = match op.operator.value() {
                    hcl_edit::expr::BinaryOperator::Eq => true,
                    hcl_edit::expr::BinaryOperator::NotEq => false,
                    _ => return None,
                };
                let (var, other) = match (name(&op.lhs_expr), name(&op.rhs_expr)) {
                    (Some(var), None) => (var, &op.rhs_expr),
                    (None, Some(var)) => (var, &op.lhs_expr),
                    _ => return None,
                };
                let value = literal(default(self, var)?)?;
                Some((var, (value == literal(other)?) == equal))
            }
            _ => None,
        }
    }

    /// `templatefile(path, vars)` with the file read: its text, each `${name}` the variable's
    /// value (keeping where that is written), the rest anchored at the path.
    fn render(&mut self, file: &str, path: Span, vars: &'b Expression, at: At) -> Option<Value> {
        let source = (self.module.load)(file)?;
        let template = match hcl_edit::parser::parse_template(&source) {
            Ok(template) => template,
            Err(e) => {
                let why = format!(
                    "the template file `{file}` does not parse ({}), so the value it makes is not checked",
                    e.message()
                );
                return Some(self.unknown(Some(path.range()), at, Some(why)));
            }
        };
        let vars = self.value(vars, at);
        let base = self.template.next_rendered_base();
        let mut parts = Vec::new();
        for element in template.iter() {
            let part = match element {
                Element::Literal(literal) => {
                    let value = literal.value().as_str();
                    Value::Str(match literal.span().and_then(|r| Some((r.start, source.get(r)?))) {
                        // `$${` and `%%{` spell `${` and `%{`; aligning finds each character.
                        Some((start, raw)) => Text::aligned(value, raw, base + start, Escapes::None),
                        None => Text::anchored(value, path),
                    })
                }
                Element::Interpolation(interpolation) => {
                    let found = match &interpolation.expr {
                        Expression::Variable(name) => vars.get(name.value().as_str()).cloned(),
                        _ => None,
                    };
                    match found {
                        Some(value @ (Value::Str(_) | Value::Literal(_) | Value::Unknown(_) | Value::If(_))) => value,
                        _ => {
                            let why =
                                format!("an interpolation in `{file}` that is not one of the variables passed to it");
                            if !self.quiet {
                                self.template.defer(path, "${?}", why, &self.unit);
                            }
                            Value::Unknown(Text::anchored("${?}", path))
                        }
                    }
                }
                Element::Directive(_) => {
                    self.report(path, format!("template directives (`%{{…}}`) in `{file}` are not evaluated"));
                    Value::Unknown(Text::anchored("%{?}", path))
                }
            };
            parts.push(part);
        }
        let rendered = super::super::Rendered { base, file: file.to_string(), text: source, call: path };
        self.template.rendered.push(rendered);
        Some(concat(&parts).unwrap_or_else(|| Value::Unknown(Text::anchored("${?}", path))))
    }

    /// `var.name`: its default, anchored at the use.
    fn variable(&mut self, name: &str, span: Option<std::ops::Range<usize>>, at: At) -> Value {
        let Some(&(file, block)) = self.module.variables.get(name) else {
            let why = format!("variable `{name}` is not declared in this module");
            return self.unknown(span, at, Some(why));
        };
        if self.changed.contains(&name) {
            let why =
                format!("in this branch, variable `{name}` is not its default: its value is given when Terraform runs");
            return self.unknown(span, at, Some(why));
        }
        match block.body.get_attribute("default") {
            Some(default) => {
                let place = self.span_of(span, at);
                self.value(&default.value, At { file, anchor: Some(place) })
            }
            None => {
                if !self.quiet {
                    let place = self.span_of(span.clone(), at);
                    let input = Input { span: place, name: name.to_string(), min_length: min_length(block) };
                    self.template.inputs.push(input);
                }
                let why = format!("variable `{name}` has no default: its value is given when Terraform runs");
                self.unknown(span, at, Some(why))
            }
        }
    }

    /// `local.name`: its expression, keeping its positions when it is in this file.
    fn local(&mut self, name: &str, span: Option<std::ops::Range<usize>>, at: At) -> Value {
        let Some(&(file, attribute)) = self.module.locals.get(name) else {
            let why = format!("local `{name}` is not defined in this module");
            return self.unknown(span, at, Some(why));
        };
        let place = self.span_of(span, at);
        let inner = if file == 0 && at.anchor.is_none() { At::HERE } else { At { file, anchor: Some(place) } };
        self.value(&attribute.value, inner)
    }
}

/// The shortest value a variable's `validation` lets through: `length(var.x) >= N` (or `> N`).
fn min_length(variable: &Block) -> Option<usize> {
    variable.body.get_blocks("validation").find_map(|validation| {
        let Expression::BinaryOp(op) = &validation.body.get_attribute("condition")?.value else { return None };
        let above = match op.operator.value() {
            hcl_edit::expr::BinaryOperator::GreaterEq => 0,
            hcl_edit::expr::BinaryOperator::Greater => 1,
            _ => return None,
        };
        let Expression::FuncCall(call) = &op.lhs_expr else { return None };
        let Expression::Number(bound) = &op.rhs_expr else { return None };
        let bound = usize::try_from(bound.value().as_u64()?).ok()?;
        (call.name.name.value().as_str() == "length").then_some(bound + above)
    })
}

/// `formatlist`: `format` once for each element of the lists among `values` (all of one length),
/// a string given for every element; a value that is neither (an unknown list) makes it not
/// evaluated. A format with unknown parts keeps them spelled out.
fn formatlist(format: Value, values: &[Value], start: usize) -> Option<Value> {
    let format = match format {
        Value::Str(format) => format,
        Value::Unknown(format) if format.as_str().contains('%') => format,
        // A conditional format (a name with an optional prefix) would make a list for every
        // combination of its conditions: not evaluated.
        _ => return None,
    };
    let lengths: Vec<usize> = values
        .iter()
        .filter_map(|v| match v {
            Value::List(items, _) => Some(items.len()),
            _ => None,
        })
        .collect();
    let count = lengths.first().copied().unwrap_or(1);
    if lengths.iter().any(|&n| n != count) {
        return None;
    }
    let list = (0..count)
        .map(|i| {
            let row: Option<Vec<Value>> = values
                .iter()
                .map(|v| match v {
                    Value::List(items, _) => items.get(i).cloned(),
                    scalar @ (Value::Str(_) | Value::Literal(_)) => Some(scalar.clone()),
                    _ => None,
                })
                .collect();
            sprintf(&format, &row?).map(Value::Str)
        })
        .collect::<Option<Vec<Value>>>()?;
    Some(Value::List(list, start))
}

/// `format` with `%s` and `%v` (and `%%`); other verbs are not evaluated.
fn sprintf(format: &Text, values: &[Value]) -> Option<Text> {
    let source = format.as_str();
    let mut out = Text::default();
    let mut args = values.iter();
    let mut pos = 0;
    while let Some(found) = source.get(pos..).and_then(|rest| rest.find('%')) {
        let at = pos + found;
        out.push(&format.slice(pos..at));
        match source.as_bytes().get(at + 1) {
            Some(b'%') => out.push(&format.slice(at..at + 1)),
            Some(b's' | b'v') => out.push(args.next()?.text()?),
            _ => return None,
        }
        pos = at + 2;
    }
    out.push(&format.slice(pos..source.len()));
    Some(out)
}

/// An unknown interpolation in an OCI statement: kept as `${…}` where an OCID or a quoted value
/// goes (after `as`, `id`, or inside quotes), otherwise made a word (`var.group_name`), so the
/// statement still parses and the rules see a name that matches nothing they expect.
fn oci_placeholder(before: &str, placeholder: &str) -> String {
    if takes_placeholder(before) {
        return placeholder.to_string();
    }
    let inner = placeholder.strip_prefix("${").and_then(|p| p.strip_suffix('}')).unwrap_or(placeholder);
    let word: String =
        inner.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.@+".contains(c) { c } else { '_' }).collect();
    if word.starts_with(|c: char| c.is_ascii_alphanumeric()) { word } else { format!("x{word}") }
}

/// Whether the OCI grammar takes `${…}` after `before`: in a quoted value, or as an OCID.
fn takes_placeholder(before: &str) -> bool {
    let quoted = before.matches('\'').count() % 2 == 1;
    let last = before.split_whitespace().last().unwrap_or("");
    quoted || last.eq_ignore_ascii_case("as") || last.eq_ignore_ascii_case("id")
}

/// A known string holding an unknown part (`"dg_${local.suffix}"`), interpolated into an OCI
/// statement after `before`, or a whole statement from a list: each `${…}` inside where the
/// grammar wants a name is respelled as word characters, byte for byte so that each byte keeps
/// its origin, or the statement would not parse and go unchecked.
pub(super) fn oci_inner_placeholders(before: &str, mut text: Text) -> Text {
    if !text.value.contains("${") {
        return text;
    }
    let mut out = String::with_capacity(text.value.len());
    let mut depth = 0usize;
    let mut chars = text.value.chars().peekable();
    let mut respelling = false;
    while let Some(c) = chars.next() {
        if depth == 0 {
            if c == '$' && chars.peek() == Some(&'{') {
                chars.next();
                depth = 1;
                respelling = !takes_placeholder(&format!("{before}{out}"));
                out.push_str(if respelling { "x_" } else { "${" });
            } else {
                out.push(c);
            }
            continue;
        }
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if !respelling || c.is_ascii_alphanumeric() || "-_.@+".contains(c) {
            out.push(c);
        } else {
            out.extend(std::iter::repeat_n('_', c.len_utf8()));
        }
    }
    text.value = out;
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oci_placeholders_fit_the_grammar() {
        assert_eq!(oci_placeholder("Allow group ", "${var.group_name}"), "var.group_name");
        assert_eq!(oci_placeholder("define tenancy x as ", "${var.ocid}"), "${var.ocid}");
        assert_eq!(oci_placeholder("Allow group id ", "${var.ocid}"), "${var.ocid}");
        assert_eq!(oci_placeholder("where target.bucket.name = '", "${var.b}"), "${var.b}");
        assert_eq!(oci_placeholder("in compartment ", "${var.names[0]}"), "var.names_0_");
        assert_eq!(oci_placeholder("x ", "${(a)}"), "x_a_");
    }

    #[test]
    fn unknown_parts_of_known_names_fit_the_grammar() {
        let respell = |before: &str, text: &str| oci_inner_placeholders(before, Text::verbatim(text, 0)).value;
        let dg = "dg_${substr(md5(timestamp()), 0, 4)}";
        assert_eq!(respell("Allow dynamic-group ", dg), "dg_x_substr_md5_timestamp_____0__4__");
        assert_eq!(respell("Allow dynamic-group ", dg).len(), dg.len());
        // Nested braces end where the interpolation does; a character of several bytes becomes as many.
        assert_eq!(respell("Allow group ", "${ {a=1}[\"é\"] }é"), "x___a_1_________é");
        // Where the grammar takes `${…}`, and where there is none, the text stays as it is.
        assert_eq!(respell("where target.group.name = '", dg), dg);
        assert_eq!(respell("Allow group ", "admins"), "admins");
        // A whole statement: each placeholder as its place wants it.
        let statement = "Allow group ${var.g} to read all-resources in compartment id ${var.c}";
        assert_eq!(respell("", statement), "Allow group x_var.g_ to read all-resources in compartment id ${var.c}");
    }

    #[test]
    fn format_takes_strings() {
        let format = Text::verbatim("arn:aws:s3:::%s/*", 0);
        let bucket = Value::Str(Text::anchored("cur", Span::new(30, 40)));
        assert_eq!(sprintf(&format, &[bucket]).unwrap().as_str(), "arn:aws:s3:::cur/*");
        assert!(sprintf(&Text::verbatim("%d", 0), &[]).is_none());
        assert_eq!(sprintf(&Text::verbatim("100%%", 0), &[]).unwrap().as_str(), "100%");
    }
}

//! `aws_cloudformation_stack` and `aws_cloudformation_stack_set`: the CloudFormation template in
//! `template_body` is read as a template of its own, with the stack's `parameters` as its
//! parameter values, and its findings mapped back into the Terraform file.
//!
//! A heredoc or string (a local's, too) keeps each byte's place, so a finding lands on its line
//! and column; a local written in another file of the module, `file(…)` and `templatefile(…)` are
//! placed at the reference and name the file, line and column, as a rendered template file is;
//! `jsonencode({…})` is written out as JSON whose bytes remember their Terraform source.

use super::eval::At;
use super::{Reader, span_start};
use crate::span::{Span, SpanMap};
use crate::syntax::iac::text::{Escapes, Text};
use crate::syntax::iac::value::{Value, json_variants};
use crate::syntax::iac::{Body, Rendered, Template, cloudformation};
use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::Block;
use hcl_edit::template::Element;
use std::collections::HashMap;

/// The resources that deploy a CloudFormation template.
pub(super) const STACKS: &[&str] = &["aws_cloudformation_stack", "aws_cloudformation_stack_set"];

impl<'b> Reader<'_, 'b> {
    /// A stack resource of this file: the policies of its template.
    pub(super) fn stack(&mut self, kind: &str, name: &str, block: &'b Block) {
        let address = format!("{kind}.{name}");
        let Some(body) = block.body.get_attribute("template_body") else {
            if let Some(url) = block.body.get_attribute("template_url") {
                let span = url.value.span().map_or(Span::at(span_start(block)), |r| Span::new(r.start, r.end));
                let why = "the template is read from `template_url`, which grantlint does not fetch, so its policies are not checked";
                self.template.unresolved(span, why, &address);
            }
            return;
        };
        let span = body.value.span().map_or(Span::default(), |r| Span::new(r.start, r.end));
        // Evaluated for its text alone: a hole in it (a value known only when Terraform runs)
        // leaves the template unread, which is reported once, at the hole.
        let marks = (self.template.placeholders.len(), self.template.pending.len(), self.template.inputs.len());
        let value = match self.body_text(&body.value) {
            Some(value) => value,
            None => self.eval().value(&body.value, At::HERE),
        };
        // The first value met that grantlint does not know, and where it is.
        let hole = self.template.pending.get(marks.1).map(|(u, _)| (u.span, u.message.clone())).or_else(|| {
            let at = *self.template.placeholders.get(marks.0)?;
            Some((at, "grantlint cannot work out this value".to_string()))
        });
        self.template.placeholders.truncate(marks.0);
        self.template.pending.truncate(marks.1);
        self.template.inputs.truncate(marks.2);
        let (variants, _) = json_variants(&value, self.lines, 2);
        let text = match (variants.as_slice(), hole) {
            ([one], None) if !matches!(value, Value::Unknown(_)) => one.clone(),
            // A stack with no IAM in it is none of grantlint's business, whatever its values.
            ([one], Some(_)) if cloudformation::holds_no_policy(&one.text) => return,
            (_, Some((at, why))) => {
                let why = why.trim_end_matches(", so its value is not checked");
                let why = format!("{why}, so the stack's template is not read and its policies are not checked");
                self.template.unresolved(at, why, &address);
                return;
            }
            _ => {
                let why = if variants.len() > 1 {
                    "the template body depends on a condition, which grantlint does not decide here, so the stack's policies are not checked"
                } else {
                    "grantlint cannot work out the template body, so the stack's policies are not checked"
                };
                self.template.unresolved(span, why, &address);
                return;
            }
        };
        let given = self.parameters(block);
        let Some(embedded) = cloudformation::read_given(&text.text, &given) else {
            let why = "the template body has no `Resources`: it is not a CloudFormation template grantlint can read";
            self.template.error(span, format!("{address}: {why}"));
            return;
        };
        merge(self.template, embedded, &address, &|s: Span| text.map.map(s.start, s.end));
    }

    /// `template_body` as text that keeps its place: a `file(…)` read from the module's
    /// directory, or a local of another file of the module written as one literal.
    fn body_text(&mut self, expr: &'b Expression) -> Option<Value> {
        let reference = expr.span().map_or(Span::default(), |r| Span::new(r.start, r.end));
        if let Expression::FuncCall(call) = expr
            && !call.name.is_namespaced()
            && call.name.name.value().as_str() == "file"
            && let [path] = call.args.iter().collect::<Vec<_>>().as_slice()
        {
            let mut eval = self.eval();
            eval.quiet = true;
            let Value::Str(file) = eval.value(path, At::HERE) else { return None };
            let file = file.as_str().to_string();
            let call = path.span().map_or(reference, |r| Span::new(r.start, r.end));
            let Some(source) = (self.module.load)(&file) else {
                let why = format!("the template file `{file}` cannot be read, so the stack's policies are not checked");
                return Some(self.unknown_body(reference, why));
            };
            return Some(Value::Str(
                self.rendered(file, source, call, |text, base| Text::aligned(text, text, base, Escapes::None)),
            ));
        }
        // `local.NAME` written in another file of the module.
        let Expression::Traversal(traversal) = expr else { return None };
        let Expression::Variable(root) = &traversal.expr else { return None };
        let [op] = traversal.operators.iter().map(|op| op.value()).collect::<Vec<_>>()[..] else { return None };
        let TraversalOperator::GetAttr(local) = op else { return None };
        let &(file, attribute) =
            self.module.locals.get(local.value().as_str()).filter(|_| root.value().as_str() == "local")?;
        let source = self.module.texts.get(file).filter(|_| file != 0)?;
        let (value, range, escapes) = match &attribute.value {
            Expression::HeredocTemplate(h) => match h.template.iter().collect::<Vec<_>>().as_slice() {
                [Element::Literal(literal)] => (literal.value().as_str(), literal.span()?, Escapes::None),
                _ => return None,
            },
            Expression::String(s) => {
                let r = attribute.value.span()?;
                (s.value().as_str(), r.start + 1..r.end.saturating_sub(1).max(r.start + 1), Escapes::Backslash)
            }
            _ => return None,
        };
        let name = self.module.names.get(file).copied().unwrap_or("another file of the module").to_string();
        let raw = source.get(range.clone())?.to_string();
        Some(Value::Str(self.rendered(name, source.to_string(), reference, |_, base| {
            Text::aligned(value, &raw, base + range.start, escapes)
        })))
    }

    /// Text of another file, placed past the linted file's text (see [`Rendered`]).
    fn rendered(&mut self, file: String, source: String, call: Span, text: impl FnOnce(&str, usize) -> Text) -> Text {
        let base = self.template.next_rendered_base();
        let out = text(&source, base);
        self.template.rendered.push(Rendered { base, file, text: source, call });
        out
    }

    fn unknown_body(&mut self, span: Span, why: String) -> Value {
        self.template.unresolved(span, why, "");
        Value::Unknown(Text::anchored("${?}", span))
    }

    /// The stack's `parameters`, evaluated quietly: where a template's `Ref` uses one, the
    /// template reader reports what it cannot work out.
    fn parameters(&mut self, block: &'b Block) -> HashMap<String, Value> {
        let Some(parameters) = block.body.get_attribute("parameters") else { return HashMap::new() };
        let mut eval = self.eval();
        eval.quiet = true;
        match eval.value(&parameters.value, At::HERE) {
            Value::Map(entries, _) => entries.into_iter().map(|(k, v)| (k.as_str().to_string(), v)).collect(),
            _ => HashMap::new(),
        }
    }
}

/// Adds what the template reader found to the Terraform file's template: spans mapped by
/// `place`, units prefixed with the stack's address.
fn merge(into: &mut Template, from: Template, address: &str, place: &dyn Fn(Span) -> Span) {
    let unit = |u: &str| format!("{address}: {u}");
    for mut policy in from.policies {
        policy.unit = unit(&policy.unit);
        policy.span = place(policy.span);
        if let Body::Aws { variants, .. } = &mut policy.body {
            for json in variants {
                let starts: Vec<usize> = (0..json.text.len()).map(|i| place(json.map.map(i, i + 1)).start).collect();
                let end = place(json.map.map(json.text.len(), json.text.len())).end;
                json.map = SpanMap::Table { starts, end };
            }
        }
        into.policies.push(policy);
    }
    for mut managed in from.managed {
        managed.unit = unit(&managed.unit);
        managed.span = place(managed.span);
        into.managed.push(managed);
    }
    for mut unresolved in from.unresolved {
        unresolved.span = place(unresolved.span);
        unresolved.unit = Some(unit(unresolved.unit.as_deref().unwrap_or("")));
        into.unresolved.push(unresolved);
    }
    for mut error in from.errors {
        error.span = place(error.span);
        error.message = format!("{address}: {}", error.message);
        into.errors.push(error);
    }
    for mut guard in from.guards {
        guard.span = place(guard.span);
        into.guards.push(guard);
    }
    into.placeholders.extend(from.placeholders.into_iter().map(place));
    for mut input in from.inputs {
        input.span = place(input.span);
        into.inputs.push(input);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{read, read_module};
    use crate::syntax::iac::testing::{origin, policy, variants};

    fn no_files(_: &str) -> Option<String> {
        None
    }

    const TEMPLATE: &str = r#"Parameters:
  Vendor:
    Type: String
    Default: "999999999999"
  ExternalId:
    Type: String
    Default: "a-default-that-is-long-enough"
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { AWS: !Ref Vendor }
            Action: sts:AssumeRole
            Condition: { StringEquals: { sts:ExternalId: !Ref ExternalId } }
"#;

    fn stack(parameters: &str) -> String {
        let indented: String = TEMPLATE.lines().map(|l| format!("    {l}\n")).collect();
        format!(
            "variable \"external_id\" {{}}\nresource \"aws_cloudformation_stack_set\" \"s\" {{\n  parameters = {{ {parameters} }}\n  template_body = <<-EOT\n{indented}  EOT\n}}\n"
        )
    }

    #[test]
    fn given_parameters_replace_defaults_and_unknown_ones_are_inputs() {
        let source = stack("Vendor = \"123456789012\", ExternalId = var.external_id");
        let template = read(&source, &[], &no_files);
        let trust = policy(&template, "aws_cloudformation_stack_set.s: Role.AssumeRolePolicyDocument");
        let json = &variants(trust)[0].text;
        assert!(json.contains("\"123456789012\"") && !json.contains("999999999999"), "{json}");
        // The given value stands where the template uses it; the default is not used.
        assert_eq!(origin(&source, trust, "123456789012"), "!Ref Vendor");
        assert!(!json.contains("a-default-that-is-long-enough"), "{json}");
        let input = template.inputs.iter().find(|i| i.name == "ExternalId").expect("ExternalId is an input");
        assert_eq!(&source[input.span.range()], "!Ref ExternalId");
        assert!(template.touches_placeholder(input.span));
    }

    #[test]
    fn a_local_of_another_file_is_placed_at_its_reference() {
        let template_file = format!("locals {{\n  body = <<EOT\n{TEMPLATE}EOT\n}}\n");
        let main = "resource \"aws_cloudformation_stack\" \"s\" {\n  template_body = local.body\n}\n";
        let template = read_module(main, &[("template.tf", &template_file)], &no_files);
        let trust = policy(&template, "aws_cloudformation_stack.s: Role.AssumeRolePolicyDocument");
        let json = &variants(trust)[0];
        let at = json.text.find("sts:AssumeRole").expect("the action");
        let span = json.map.map(at, at + "sts:AssumeRole".len());
        let (call, place) = template.rendered_at(span).expect("in the other file");
        assert_eq!(&main[call.range()], "local.body");
        assert_eq!(place, " (in template.tf:18:21)");
        assert_eq!(template_file.lines().nth(17).map(|l| &l[20..34]), Some("sts:AssumeRole"));
    }

    #[test]
    fn bodies_grantlint_cannot_read_are_reported() {
        let source = "variable \"t\" {}\nresource \"aws_cloudformation_stack\" \"a\" { template_body = var.t }\nresource \"aws_cloudformation_stack\" \"b\" { template_url = \"https://x/t.json\" }\nresource \"aws_cloudformation_stack\" \"c\" { template_body = file(\"missing.yaml\") }\nresource \"aws_cloudformation_stack\" \"d\" {\n  count = 0\n  template_body = var.t\n}\n";
        let template = read(source, &[], &no_files);
        let reported: Vec<&str> = template.unresolved.iter().map(|u| &source[u.span.range()]).collect();
        assert_eq!(reported, ["var.t", "\"https://x/t.json\"", "file(\"missing.yaml\")"]);
        assert!(template.policies.is_empty());
    }

    #[test]
    fn values_unknown_in_a_template_without_iam_change_nothing() {
        let source = "variable \"fn\" {}\nresource \"aws_cloudformation_stack\" \"custom\" {\n  template_body = jsonencode({ Resources = { C = { Type = \"Custom::X\", Properties = { ServiceToken = var.fn } } } })\n}\nresource \"aws_cloudformation_stack\" \"hidden\" {\n  template_body = jsonencode({ Resources = { R = { Type = var.fn } } })\n}\n";
        let template = read(source, &[], &no_files);
        let reported: Vec<(&str, Option<&str>)> =
            template.unresolved.iter().map(|u| (&source[u.span.range()], u.unit.as_deref())).collect();
        // The type grantlint does not know may be a role: that stack is reported, the other not.
        assert_eq!(reported, [("var.fn", Some("aws_cloudformation_stack.hidden"))]);
    }
}

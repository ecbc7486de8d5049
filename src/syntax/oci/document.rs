//! The files OCI statements come in: grantlint's text format and the OCI API's JSON shapes.

use super::parser::SyntaxError;
use crate::span::{Span, SpanMap};
use crate::syntax::json;
use jsonc_parser::ast::Value;
use std::borrow::Cow;

/// One policy's statements as text, before parsing.
#[derive(Clone, Debug)]
pub struct PolicySource<'f> {
    /// The policy's name, when the input names it (API JSON, Terraform, a file's stem).
    pub name: Option<String>,
    /// Where the policy sits in its file, for findings about the policy as a whole.
    pub span: Span,
    pub statements: Vec<StatementText<'f>>,
    /// Structural problems of the input itself (a statement that is not a string).
    pub errors: Vec<SyntaxError>,
}

#[derive(Clone, Debug)]
pub struct StatementText<'f> {
    pub text: Cow<'f, str>,
    pub map: SpanMap,
}

const STATEMENT_WORDS: [&str; 5] = ["allow", "deny", "define", "endorse", "admit"];

fn starts_statement(line: &str) -> bool {
    let word = line.split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
    STATEMENT_WORDS.iter().any(|w| word.eq_ignore_ascii_case(w))
}

/// The words that can follow a statement keyword: a subject, or what a Define names.
const SECOND_WORDS: [&str; 8] =
    ["group", "dynamic-group", "service", "any-user", "any-group", "resource", "tenancy", "compartment"];

/// Whether a text file looks like OCI statements: its first line that is not blank or a `#`
/// comment starts with a statement keyword followed by a subject (or what a Define names), so
/// that prose such as "Allow me to explain" is not read as a policy.
pub fn sniff_text(text: &str) -> bool {
    let mut lines = text.lines().map(str::trim_start).skip_while(|l| l.is_empty() || l.starts_with('#'));
    let Some(first) = lines.next().filter(|l| starts_statement(l)) else { return false };
    let second = first.split_whitespace().nth(1).or_else(|| lines.next().and_then(|l| l.split_whitespace().next()));
    second.is_some_and(|w| SECOND_WORDS.iter().any(|s| w.eq_ignore_ascii_case(s)))
}

/// Reads grantlint's text format: one statement per line, continued on following lines that do
/// not start a statement; blank lines and `#` comment lines end a statement.
pub fn read_text<'f>(text: &'f str, name: Option<String>) -> PolicySource<'f> {
    let mut statements = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    let mut offset = 0;
    let push = |range: (usize, usize), statements: &mut Vec<StatementText<'f>>| {
        let (start, end) = range;
        statements.push(StatementText { text: Cow::Borrowed(&text[start..end]), map: SpanMap::Offset(start) });
    };
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        let indent = content.len() - trimmed.len();
        let (start, end) = (offset + indent, offset + content.trim_end().len());
        offset += line.len();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            if let Some(range) = current.take() {
                push(range, &mut statements);
            }
            continue;
        }
        current = match current {
            Some(range) if !starts_statement(trimmed) => Some((range.0, end)),
            Some(range) => {
                push(range, &mut statements);
                Some((start, end))
            }
            None => Some((start, end)),
        };
    }
    if let Some(range) = current {
        push(range, &mut statements);
    }
    PolicySource { name, span: Span::new(0, text.len()), statements, errors: Vec::new() }
}

/// Reads the JSON shapes OCI statements come in: an array of statements, an API `Policy` object
/// (`{"name", "statements": [...]}`), `oci iam policy get|list` output (`{"data": …}`), or an OCI
/// Landing Zone IAM configuration (below). `None` when the JSON is none of these.
pub fn read_json<'f>(value: &Value<'f>, text: &'f str) -> Option<Vec<PolicySource<'f>>> {
    match value {
        Value::Array(array) if array.elements.iter().all(|e| matches!(e, Value::StringLit(_))) => {
            Some(vec![statements_array(None, value, text)])
        }
        Value::Object(object) => {
            if let Some(data) = object.get("data") {
                return match &data.value {
                    Value::Array(items) => items.elements.iter().map(|item| policy_object(item, None, text)).collect(),
                    item => policy_object(item, None, text).map(|p| vec![p]),
                };
            }
            if let Some(config) = object.get("policies_configuration") {
                return landing_zone_policies(&config.value, text);
            }
            policy_object(value, None, text).map(|p| vec![p])
        }
        _ => None,
    }
}

/// The `policies_configuration` of Oracle's OCI Landing Zone IAM module
/// (github.com/oci-landing-zones/terraform-oci-modules-iam, `policies/`), the input format of its
/// `*.auto.tfvars.json` and JSON configurations: `{"supplied_policies": {"KEY": {"name",
/// "statements": [...]}}}`. Each entry is one policy, named by its `name` (else its key).
fn landing_zone_policies<'f>(config: &Value<'f>, text: &'f str) -> Option<Vec<PolicySource<'f>>> {
    let Value::Object(config) = config else { return None };
    let Value::Object(supplied) = &config.get("supplied_policies")?.value else { return None };
    let policies: Vec<PolicySource> =
        supplied.properties.iter().filter_map(|p| policy_object(&p.value, Some(p.name.as_str()), text)).collect();
    (!policies.is_empty()).then_some(policies)
}

fn policy_object<'f>(value: &Value<'f>, key: Option<&str>, text: &'f str) -> Option<PolicySource<'f>> {
    let Value::Object(object) = value else { return None };
    let statements = object.get("statements")?;
    let name = object.get_string("name").map(|s| s.value.to_string()).or_else(|| key.map(str::to_string));
    let mut policy = statements_array(name, &statements.value, text);
    policy.span = json::value_span(value);
    Some(policy)
}

fn statements_array<'f>(name: Option<String>, value: &Value<'f>, text: &'f str) -> PolicySource<'f> {
    let span = json::value_span(value);
    let mut policy = PolicySource { name, span, statements: Vec::new(), errors: Vec::new() };
    let Value::Array(array) = value else {
        policy.errors.push(SyntaxError {
            span,
            message: "`statements` must be an array of strings".into(),
            help: None,
        });
        return policy;
    };
    for element in &array.elements {
        match element {
            Value::StringLit(lit) => {
                let (text, map) = json::string_text(lit, text);
                policy.statements.push(StatementText { text, map });
            }
            other => policy.errors.push(SyntaxError {
                span: json::value_span(other),
                message: "a policy statement must be a string".into(),
                help: None,
            }),
        }
    }
    policy
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(source: &PolicySource) -> Vec<String> {
        source.statements.iter().map(|s| s.text.to_string()).collect()
    }

    #[test]
    fn text_statements_continue_over_lines() {
        let text = "# header\nAllow group A to read buckets\n  in tenancy\n\nallow group B to inspect users in tenancy\nDefine tenancy X as ocid1.tenancy.oc1..aaaa\n";
        let policy = read_text(text, None);
        assert_eq!(
            texts(&policy),
            [
                "Allow group A to read buckets\n  in tenancy",
                "allow group B to inspect users in tenancy",
                "Define tenancy X as ocid1.tenancy.oc1..aaaa",
            ]
        );
        let first = &policy.statements[0];
        assert_eq!(first.map.map(0, 5), Span::new(9, 14));
    }

    #[test]
    fn sniffing_needs_a_statement_first() {
        assert!(sniff_text("# c\n\n  allow group A to read buckets in tenancy"));
        assert!(!sniff_text("hello world"));
        assert!(!sniff_text(""));
    }

    #[test]
    fn json_shapes() {
        let text = r#"{"data": [{"name": "p1", "statements": ["Allow group A to read buckets in tenancy"]},
                                 {"name": "p2", "statements": ["x", 3]}]}"#;
        let value = json::parse(text).unwrap();
        let policies = read_json(&value, text).unwrap();
        assert_eq!(policies.len(), 2);
        assert_eq!(policies[0].name.as_deref(), Some("p1"));
        assert_eq!(policies[1].errors.len(), 1);
        let array = r#"["Allow group A to read buckets in tenancy"]"#;
        assert_eq!(read_json(&json::parse(array).unwrap(), array).unwrap().len(), 1);
        let landing_zone = r#"{"compartments_configuration": {}, "policies_configuration": {"supplied_policies": {
            "PCY-A": {"name": "pcy-a", "statements": ["allow group A to read buckets in tenancy"]},
            "PCY-B": {"statements": ["allow group B to read buckets in tenancy", "x"]}}}}"#;
        let policies = read_json(&json::parse(landing_zone).unwrap(), landing_zone).unwrap();
        let names: Vec<_> = policies.iter().map(|p| (p.name.as_deref(), p.statements.len())).collect();
        assert_eq!(names, [(Some("pcy-a"), 1), (Some("PCY-B"), 2)]);
        let no_policies = r#"{"policies_configuration": {"enable_cis_benchmark_checks": "true"}}"#;
        assert!(read_json(&json::parse(no_policies).unwrap(), no_policies).is_none());
        let aws = r#"{"Version": "2012-10-17", "Statement": []}"#;
        assert!(read_json(&json::parse(aws).unwrap(), aws).is_none());
    }
}

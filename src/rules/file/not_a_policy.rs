use crate::diagnostic::Diagnostic;
use crate::rules::declare_rule;
use crate::source::SourceFile;
use crate::span::Span;
use crate::syntax::json::{self, ObjectPropName, Value};
use std::path::Path;

declare_rule! {
    /// A file named on the command line is not a policy grantlint reads.
    ///
    /// A file you name is one you expect to be checked; passing over it with "0 files, 1
    /// skipped" would let a misnamed, empty or mistyped policy through unchecked. grantlint reads
    /// OCI policy statements, OCI policy JSON, AWS IAM policy JSON, Terraform and CloudFormation
    /// templates, and audit snapshots; the finding says which of them the file came closest to
    /// and where it went wrong. JSON that is evidently meant as an AWS policy (a top-level
    /// `Version`, or a misspelt `Statement`) is read as one instead, and its mistakes are AWS001.
    ///
    /// Directory walks still pass over files that are not policies without a finding
    /// (`--verbose` lists them), so a `package.json` beside the policies costs nothing.
    ///
    /// ## Example
    /// ```text
    /// $ grantlint check notes.txt          # "Allow me to explain…"
    /// ```
    /// Use instead: name the policy files, or check the directory that holds them.
    pub static RULE = { code: "GL003", name: "not-a-policy", severity: Error };
}

/// The top-level keys that make a JSON document a policy, for "did you mean".
const POLICY_KEYS: &[(&str, &str)] =
    &[("Statement", "an AWS policy"), ("statements", "an OCI policy"), ("grantlint_snapshot", "an audit snapshot")];

/// Whether JSON that is no recognised policy was evidently meant as an AWS policy: a key one or
/// two edits from `Statement` (`Statment`, `statement`), or, in a file named on the command line,
/// a top-level `Version`. Such a file is read as an AWS policy, so the mistake is an AWS001 at the
/// key; a directory walk does so too for the misspelt `Statement`, which no other JSON has.
pub fn attempted_aws(value: &Value, named: bool) -> bool {
    let Value::Object(object) = value else { return false };
    object.properties.iter().any(|prop| {
        let name = key(&prop.name);
        (named && name == "Version") || distance(name, "Statement") <= 2
    })
}

/// The finding for a named file that is not a policy; `why` is what detection concluded.
pub fn finding(source: &SourceFile, why: &str) -> Diagnostic {
    let text = &source.text;
    let (span, message) = if why.contains("UTF-8") {
        let at = text.find(char::REPLACEMENT_CHARACTER).unwrap_or(0);
        (Span::new(at, at + char::REPLACEMENT_CHARACTER.len_utf8()), "not a policy: the file is not UTF-8 text".into())
    } else if text.trim_start_matches('\u{feff}').trim().is_empty() {
        (Span::at(0), "not a policy: the file is empty".to_string())
    } else if looks_json(source) {
        json_problem(text)
    } else {
        (first_line(text), why.to_string())
    };
    Diagnostic::new(&RULE, span, message).with_help(expected(source))
}

/// What a JSON file that is not a policy gets wrong: where it stops being JSON, or which key is
/// closest to one grantlint knows.
fn json_problem(text: &str) -> (Span, String) {
    let value = match json::parse(text) {
        Ok(value) => value,
        Err(e) => return (e.span, format!("invalid JSON: {}", e.message)),
    };
    let Value::Object(object) = &value else {
        return (opening(&value), "JSON, but not a policy: a policy is a JSON object or a list of statements".into());
    };
    let near = object.properties.iter().find_map(|prop| {
        let name = key(&prop.name);
        POLICY_KEYS.iter().find(|(known, _)| distance(name, known) <= 2).map(|(known, what)| (prop, name, known, what))
    });
    match near {
        Some((prop, name, known, what)) => {
            (json::name_span(prop), format!("`{name}` is not a key grantlint knows; {what} has `{known}`"))
        }
        None => {
            let keys = POLICY_KEYS.iter().map(|(k, what)| format!("`{k}` ({what})")).collect::<Vec<_>>().join(", ");
            (opening(&value), format!("JSON, but not a policy: it has none of {keys}"))
        }
    }
}

/// The opening character of a JSON value.
fn opening(value: &Value) -> Span {
    let start = json::value_span(value).start;
    Span::new(start, start + 1)
}

fn looks_json(source: &SourceFile) -> bool {
    let ext = Path::new(&source.path).extension().and_then(|e| e.to_str()).unwrap_or("");
    ext.eq_ignore_ascii_case("json") || source.text.trim_start_matches('\u{feff}').trim_start().starts_with(['{', '['])
}

/// The first line with text on it, trimmed.
fn first_line(text: &str) -> Span {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end();
        let trimmed = content.trim_start();
        if !trimmed.is_empty() {
            let start = offset + (content.len() - trimmed.len());
            return Span::new(start, offset + content.len());
        }
        offset += line.len();
    }
    Span::at(0)
}

/// What grantlint reads, told for the kind of file this one seems to be.
fn expected(source: &SourceFile) -> String {
    let ext = Path::new(&source.path).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "json" => "an AWS policy is `{\"Version\": \"2012-10-17\", \"Statement\": [...]}`; OCI policy JSON is a \
                   list of statements or an object with `statements`; pass `--kind` to say which"
            .into(),
        "yaml" | "yml" | "template" => {
            "a CloudFormation template has `Resources` (and usually `AWSTemplateFormatVersion`); \
             grantlint reads the IAM, S3 and OCI policies it declares"
                .into()
        }
        _ => "OCI statements look like `Allow group <name> to <verb> <resource-type> in <location>`, one per \
              line; AWS policies are JSON; templates are `*.tf` or CloudFormation YAML. Pass `--kind oci` to \
              read a file as OCI statements, or leave the file out"
            .into(),
    }
}

fn key<'a>(name: &'a ObjectPropName) -> &'a str {
    match name {
        ObjectPropName::String(lit) => &lit.value,
        ObjectPropName::Word(word) => word.value,
    }
}

/// Levenshtein distance, for the few short keys compared here.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut next = Vec::with_capacity(row.len());
        next.push(i + 1);
        for (cb, pair) in b.iter().zip(row.windows(2)) {
            let &[diagonal, above] = pair else { continue };
            let left = next.last().copied().unwrap_or(0);
            next.push((above + 1).min(left + 1).min(diagonal + usize::from(ca != *cb)));
        }
        row = next;
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(path: &str, text: &str, why: &str) -> (String, String) {
        let source = SourceFile::new(path, text.to_string());
        let d = finding(&source, why);
        (source.text[d.span.range()].to_string(), d.message)
    }

    #[test]
    fn points_at_what_went_wrong() {
        let (at, message) = named("p.json", "{\"name\": \"p\", \"statments\": []}", "JSON, but not a policy");
        assert_eq!(at, "\"statments\"");
        assert!(message.contains("an OCI policy has `statements`"), "{message}");
        let (at, message) = named("p.json", "", "x");
        assert_eq!((at.as_str(), message.as_str()), ("", "not a policy: the file is empty"));
        let (at, message) = named("p.json", "{\"a\": 1,}", "x");
        assert_eq!(at, ",");
        assert!(message.starts_with("invalid JSON"), "{message}");
        let (at, _) = named("notes.txt", "\n  Allow me to explain\n", "not a policy");
        assert_eq!(at, "Allow me to explain");
    }

    #[test]
    fn edit_distance() {
        assert_eq!(distance("Statment", "Statement"), 1);
        assert_eq!(distance("statments", "Statement"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn aws_attempts_are_recognised() {
        let attempt = |text: &str| attempted_aws(&json::parse(text).unwrap(), true);
        assert!(attempt("{\"Version\": \"2012-10-17\", \"Statment\": []}"));
        assert!(attempt("{\"Version\": \"2012-10-17\"}"));
        assert!(!attempted_aws(&json::parse("{\"Version\": 3}").unwrap(), false), "walks need the misspelt key");
        assert!(attempt("{\"statement\": []}"));
        assert!(!attempt("{\"name\": \"pkg\", \"version\": \"1.0.0\"}"));
        assert!(!attempt("{\"statments\": []}"), "closer to OCI's `statements`");
    }
}

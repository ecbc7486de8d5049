use super::*;
use crate::span::Span;

/// Reads `text`, which must yield a policy, and returns it with the error messages.
fn read_ok(text: &str, kind: Option<Kind>) -> (Policy<'_>, Vec<String>) {
    let document = parse(text, kind);
    let messages = document.errors.iter().map(|e| e.message.clone()).collect();
    (document.policy.expect("a policy"), messages)
}

fn errors(text: &str) -> Vec<String> {
    parse(text, None).errors.into_iter().map(|e| e.message).collect()
}

fn error_spans(text: &str) -> Vec<(String, &str)> {
    parse(text, None).errors.into_iter().map(|e| (e.message, &text[e.span.range()])).collect()
}

fn slice(text: &str, span: Span) -> &str {
    &text[span.range()]
}

#[test]
fn tricky_but_valid_documents_read_cleanly() {
    for text in [
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"IAM:listroles","Resource":"*"}}"#,
        // older AWS managed policies end an ARN early with a wildcard
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"waf:Get*","Resource":"arn:aws:waf:*"}}"#,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},
            "Action":"sts:AssumeRole","Condition":{"StringEquals":{"STS:EXTERNALID":"a1B2-c3D4/e5"}}}]}"#,
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Deny","NotAction":["iam:Get?ole"],
            "Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":["team-*"]},
            "BoolIfExists":{"aws:MultiFactorAuthPresent":false},"NumericLessThan":{"s3:max-keys":10}}}]}"#,
    ] {
        assert_eq!(errors(text), Vec::<String>::new(), "{text}");
    }
}

#[test]
fn the_model_keeps_every_element_with_its_span() {
    let text = r#"{"Version": "2012-10-17", "Id": "x", "Statement": [{"Sid": "One", "Effect": "Allow",
        "Action": ["s3:GetObject", "iam:*"], "NotResource": "arn:aws:s3:::b/*",
        "Condition": {"ForAllValues:StringEqualsIfExists": {"aws:TagKeys": ["a", 1, true]}}}]}"#;
    let (policy, errors) = read_ok(text, None);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(policy.kind, Kind::Identity);
    assert_eq!(policy.version.as_ref().map(Str::as_str), Some("2012-10-17"));
    let statement = &policy.statements[0];
    assert_eq!(statement.sid.as_ref().map(|s| slice(text, s.span)), Some("One"));
    assert!(statement.allows());
    let action = statement.action.as_ref().unwrap();
    assert!(!action.negated);
    // the span of `"iam:*"` is the text inside its quotes
    assert_eq!(slice(text, action.values[1].span), "iam:*");
    assert_eq!(slice(text, action.key), "Action");
    let resource = statement.resource.as_ref().unwrap();
    assert!(resource.negated);
    assert_eq!(slice(text, resource.key), "NotResource");
    let block = &statement.condition.as_ref().unwrap().blocks[0];
    assert_eq!(block.operator.set, Some(SetQualifier::ForAllValues));
    assert!(block.operator.if_exists);
    assert_eq!(block.operator.base, BaseOperator::StringEquals);
    let values: Vec<&str> = block.entries[0].values.iter().map(Str::as_str).collect();
    assert_eq!(values, ["a", "1", "true"]);
    assert_eq!(policy.statements[0].allowed_actions().len(), 2);
}

#[test]
fn escaped_strings_are_decoded_and_span_their_token() {
    let text = r#"{"Statement": {"Effect": "Allow", "Action": "ec2:Describe\u002A", "Resource": "*"}}"#;
    let (policy, errors) = read_ok(text, None);
    assert!(errors.is_empty(), "{errors:?}");
    let action = &policy.statements[0].action.as_ref().unwrap().values[0];
    assert_eq!(action.as_str(), "ec2:Describe*");
    assert_eq!(slice(text, action.span), r#""ec2:Describe\u002A""#);
}

#[test]
fn principals_in_every_form() {
    let text = r#"{"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": ["123456789012", "arn:aws:iam::111122223333:role/r"],
          "Service": "ec2.amazonaws.com", "Federated": "accounts.google.com", "CanonicalUser": "abc"},
         "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Deny", "NotPrincipal": {"AWS": "*"}, "Action": "s3:*", "Resource": "*"}]}"#;
    let (policy, errors) = read_ok(text, None);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(policy.kind, Kind::Resource);
    let star = &policy.statements[0].principal.as_ref().unwrap().entries;
    assert_eq!((star[0].kind, star[0].value.as_str()), (PrincipalKind::Aws, "*"));
    let map = &policy.statements[1].principal.as_ref().unwrap().entries;
    let kinds: Vec<PrincipalKind> = map.iter().map(|e| e.kind).collect();
    use PrincipalKind::*;
    assert_eq!(kinds, [Aws, Aws, Service, Federated, CanonicalUser]);
    assert_eq!(map[1].account(), Some("111122223333"));
    assert!(policy.statements[2].principal.as_ref().unwrap().negated);
}

#[test]
fn kinds_are_detected_from_content() {
    let kind = |text: &str| read_ok(text, None).0.kind;
    let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::058264546051:root"}, "Action": "sts:AssumeRole"}]}"#;
    assert_eq!(kind(trust), Kind::Trust);
    let bucket = r#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "billingreports.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}]}"#;
    assert_eq!(kind(bucket), Kind::Resource);
    let identity = r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
    assert_eq!(kind(identity), Kind::Identity);
    // forcing a kind applies that kind's element rules
    let (policy, errors) = read_ok(identity, Some(Kind::Trust));
    assert_eq!(policy.kind, Kind::Trust);
    assert!(errors.iter().any(|e| e.contains("trust policy has no `Resource`")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("no `Principal`")), "{errors:?}");
    let (_, errors) = read_ok(bucket, Some(Kind::Identity));
    assert!(errors.iter().any(|e| e.contains("cannot name a principal")), "{errors:?}");
}

#[test]
fn the_grammar_s_invalid_fragments_are_errors() {
    let statement = |body: &str| format!(r#"{{"Version": "2012-10-17", "Statement": [{{{body}}}]}}"#);
    let cases = [
        (r#""Effect": "allow", "Action": "s3:GetObject", "Resource": "*""#, "case-sensitive: write `Allow`"),
        (r#""Effect": "Allow", "Action": "s3GetObject", "Resource": "*""#, "has no service prefix"),
        (r#""Effect": "Allow", "Action": "s3:*", "NotAction": "iam:*", "Resource": "*""#, "not both"),
        (r#""Effect": "Allow", "Effect": "Deny", "Action": "s3:*", "Resource": "*""#, "appears twice"),
        (
            r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"NullIfExists": {"a:b": true}}"#,
            "Null",
        ),
        (
            r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEqualz": {"a:b": "c"}}"#,
            "unknown condition operator",
        ),
        (r#""Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:S3:::bucket""#, "lower-case"),
        (r#""Effect": "Allow", "Action": "s3:*", "Resource": "bucket""#, "not an ARN"),
        (r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Extra": 1"#, "`Extra` is not a statement element"),
        (r#""effect": "Allow", "Action": "s3:*", "Resource": "*""#, "case-sensitive: `Effect`"),
        (r#""Effect": "Allow", "Resource": "*""#, "no `Action` or `NotAction`"),
        (r#""Action": "s3:*", "Resource": "*""#, "no `Effect`"),
        (r#""Effect": "Allow", "Action": [], "Resource": "*""#, "empty list"),
        (r#""Effect": "Allow", "Action": ["s3:*", 3], "Resource": "*""#, "must list strings; this is a number"),
        (r#""Effect": "Allow", "Action": "s3*:Get", "Resource": "*""#, "not a service prefix"),
        (r#""Effect": "Allow", "Action": "s3:", "Resource": "*""#, "names no action"),
        (r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Sid": 7"#, "`Sid` must be a string, not a number"),
        (r#""Effect": true, "Action": "s3:*", "Resource": "*""#, "`Effect` must be a string, not a boolean"),
        (
            r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceIp": "a", "AWS:SOURCEIP": "b"}}"#,
            "appears twice",
        ),
        (r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": []"#, "must be an object of operators"),
        (
            r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"a:b": null}}"#,
            "string, number or boolean",
        ),
        (
            r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": "x"}"#,
            "must map condition keys",
        ),
        (
            r#""Effect": "Allow", "Principal": "arn:aws:iam::1:root", "Action": "s3:*", "Resource": "*""#,
            "not a bare string",
        ),
        (r#""Effect": "Allow", "Principal": {"aws": "*"}, "Action": "s3:*", "Resource": "*""#, "`AWS`"),
        (r#""Effect": "Allow", "Principal": {}, "Action": "s3:*", "Resource": "*""#, "names no principal"),
        (r#""Effect": "Allow", "Principal": 5, "Action": "s3:*", "Resource": "*""#, "not a number"),
    ];
    for (body, expected) in cases {
        let text = statement(body);
        let found = errors(&text);
        assert!(found.iter().any(|e| e.contains(expected)), "{body}: expected `{expected}` in {found:?}");
    }
}

#[test]
fn top_level_problems() {
    let cases = [
        (r#"{"Version": "2020-01-01", "Statement": []}"#, "not a policy language version"),
        (r#"{"Version": 2012, "Statement": []}"#, "`Version` must be a string"),
        (r#"{"Statement": []}"#, "empty list"),
        (r#"{"Statement": "x"}"#, "must be an object or a list of objects"),
        (r#"{"Statement": [1]}"#, "a statement must be an object, not a number"),
        (r#"{"Statement": [], "statement": []}"#, "case-sensitive: `Statement`"),
        (r#"{"Version": "2012-10-17"}"#, "no `Statement`"),
        (r#"[]"#, "JSON object with `Version` and `Statement`"),
        (r#"{"Version": 1e999999, "Statement": {}}"#, "must be a string, not a number"),
    ];
    for (text, expected) in cases {
        let found = errors(text);
        assert!(found.iter().any(|e| e.contains(expected)), "{text}: expected `{expected}` in {found:?}");
    }
}

#[test]
fn duplicates_point_at_the_second_and_name_the_first_line() {
    let text =
        "{\"Statement\": {\n\"Effect\": \"Allow\",\n\"Action\": \"s3:*\",\n\"Effect\": \"Deny\", \"Resource\": \"*\"}}";
    let found = error_spans(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].0.contains("first on line 2"), "{found:?}");
    assert_eq!(found[0].1, "Effect");
    assert!(text[..text.find(found[0].1).unwrap()].len() < text.rfind("Effect").unwrap());
    let top = r#"{"Statement": [], "Statement": []}"#;
    assert!(errors(top).iter().any(|e| e.contains("appears twice")));
}

#[test]
fn characters_iam_rejects_are_found_raw_and_escaped() {
    let raw = r#"{"Statement": {"Sid": "caf€s", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#;
    let found = error_spans(raw);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "€");
    assert!(found[0].0.contains("U+20AC"));
    // `é` is within U+0020–U+00FF
    assert!(errors(&raw.replace('€', "é")).is_empty());
    let run = raw.replace('€', "😀😀");
    let found = error_spans(&run);
    assert_eq!((found.len(), found[0].1), (1, "😀😀"), "{found:?}");
    let escaped = r#"{"Statement": {"Sid": "a\u20acb", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#;
    let found = error_spans(escaped);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, r#""a\u20acb""#);
    let nul = r#"{"Statement": {"Sid": "a\u0000", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#;
    assert!(errors(nul)[0].contains("U+0000"));
}

#[test]
fn invalid_json_is_one_positioned_error() {
    for (text, at) in [
        ("{\"Statement\": [1,]}", ","),
        ("// c\n{\"Statement\": []}", "//"),
        ("\u{feff}{\"Statement\": []}", "\u{feff}"),
        ("{\"Statement\": NaN}", "N"),
        ("{\"Statement\": [}", "}"),
    ] {
        let document = parse(text, None);
        assert!(document.policy.is_none());
        assert_eq!(document.errors.len(), 1, "{text}");
        let error = &document.errors[0];
        assert!(error.message.starts_with("invalid JSON"), "{text}: {}", error.message);
        assert!(slice(text, error.span).starts_with(at), "{text}: {:?} at {:?}", error.message, error.span);
    }
    let deep = format!("{{\"Statement\": {}{}}}", "[".repeat(10_000), "]".repeat(10_000));
    let document = parse(&deep, None);
    assert!(document.errors[0].message.contains("nesting"), "{:?}", document.errors);
}

#[test]
fn minified_length_skips_whitespace_outside_strings() {
    let text = "{ \"Statement\" : {\n\t\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"a b\" } }";
    let (policy, _) = read_ok(text, None);
    let minified: String = r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"a b"}}"#.into();
    assert_eq!(policy.minified_len, minified.chars().count());
    let escaped = r#"{"Statement":{"Sid":"\" ","Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
    assert_eq!(read_ok(escaped, None).0.minified_len, escaped.chars().count());
}

#[test]
fn errors_are_capped() {
    let statements = vec![r#"{"Effect": "allow", "Action": "s3:*", "Resource": "*"}"#; 500].join(",");
    let text = format!(r#"{{"Statement": [{statements}]}}"#);
    let found = errors(&text);
    assert_eq!(found.len(), 101);
    assert!(found[100].contains("400 more problems"), "{}", found[100]);
}

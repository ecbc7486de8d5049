use super::{allows_assume_role, is_external_id};
use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::aws::{BaseOperator, ConditionBlock, ConditionEntry, Kind, Operator, Policy, SetQualifier};

declare_rule! {
    /// A trust policy's ExternalId condition does not pin one strong value.
    ///
    /// The ExternalId only stops the confused deputy when the role demands exactly the value the
    /// vendor issued. Reported, for every Allow statement granting `sts:AssumeRole`:
    ///
    /// - an operator other than `StringEquals` when the statement has no plain `StringEquals`
    ///   test of the key: `…IfExists` and `ForAllValues:` are true when the request carries no
    ///   ExternalId at all, `StringLike` matches patterns, `StringEqualsIgnoreCase` ignores case,
    ///   `StringNotEquals` admits every other value, `Null` only asks for some value, and
    ///   `ForAnyValue:` is meant for keys with several values;
    /// - several values for the key, which means several customers share one role;
    /// - a value that is a placeholder (`<…>`, `${…}`), has wildcards, is shorter than 16
    ///   characters, is all digits, has characters AWS does not allow in an ExternalId
    ///   (`[A-Za-z0-9+=,.@:/-]`, so the vendor cannot assume the role), or differs from the value
    ///   the vendor profile pins (DigiUsher issues one per customer, so its profile pins none).
    ///
    /// Messages never print an ExternalId in full, only its first characters and its length.
    ///
    /// ## Example
    /// ```json
    /// "Condition": {"StringLike": {"sts:ExternalId": "acme-*"}}
    /// ```
    /// Use instead:
    /// ```json
    /// "Condition": {"StringEquals": {"sts:ExternalId": "<the ID the vendor issued you>"}}
    /// ```
    pub static RULE = { code: "AWS009", name: "aws-trust-weak-external-id", severity: Error };
}

/// IAM's limits on an ExternalId value.
const MAX_LEN: usize = 1224;
/// Shorter values are guessable.
pub(crate) const MIN_STRONG_LEN: usize = 16;

const PINNING: Operator = Operator { set: None, base: BaseOperator::StringEquals, if_exists: false };

pub fn check(policy: &Policy, cx: &mut Context) {
    if policy.kind != Kind::Trust {
        return;
    }
    let expected = cx.profile.and_then(|p| p.aws.as_ref()).and_then(|aws| aws.external_id.value.as_deref());
    for statement in policy.statements.iter().filter(|s| allows_assume_role(s)) {
        let tests: Vec<(&ConditionBlock, &ConditionEntry)> = statement
            .condition
            .iter()
            .flat_map(|c| &c.blocks)
            .flat_map(|b| b.entries.iter().map(move |e| (b, e)))
            .filter(|(_, e)| is_external_id(&e.key.value))
            .collect();
        // A weak operator beside a pinning one does not weaken it: conditions combine with AND.
        if !tests.iter().any(|(b, _)| b.operator == PINNING) {
            for (block, _) in &tests {
                cx.report(
                    Diagnostic::new(&RULE, block.operator_span, weakness(&block.operator))
                        .with_help("test the ExternalId with `StringEquals` and the exact value the vendor issued"),
                );
            }
        }
        // Only string comparisons hold ExternalIds; `Null` and the inverted operators take other values.
        let compared = tests.iter().filter(|(b, _)| {
            matches!(
                b.operator.base,
                BaseOperator::StringEquals | BaseOperator::StringEqualsIgnoreCase | BaseOperator::StringLike
            )
        });
        for (_, entry) in compared {
            if entry.values.len() > 1 {
                cx.report(
                    Diagnostic::new(
                        &RULE,
                        entry.key.span,
                        format!(
                            "{} ExternalId values: every customer holding one of them can have the vendor assume this role",
                            entry.values.len()
                        ),
                    )
                    .with_help("one role per vendor relationship, with the one ExternalId issued for it"),
                );
            }
            for value in &entry.values {
                let problems = value_problems(value.as_str(), expected);
                if !problems.is_empty() {
                    cx.report(
                        Diagnostic::new(
                            &RULE,
                            value.span,
                            format!("ExternalId {} {}", redact(value.as_str()), join_and(&problems)),
                        )
                        .with_help("use the ExternalId the vendor issued: unique to you and hard to guess"),
                    );
                }
            }
        }
    }
}

fn weakness(operator: &Operator) -> String {
    let name = operator.name();
    if operator.if_exists || operator.set == Some(SetQualifier::ForAllValues) {
        return format!("`{name}` is true when the request carries no ExternalId, so the test can be skipped");
    }
    if operator.set == Some(SetQualifier::ForAnyValue) {
        return format!("`{name}` is meant for keys with several values; `sts:ExternalId` has one");
    }
    match operator.base {
        BaseOperator::StringLike => format!("`{name}` matches patterns, not the one value the vendor issued"),
        BaseOperator::StringEqualsIgnoreCase => format!("`{name}` accepts the ExternalId in any case"),
        BaseOperator::StringNotEquals | BaseOperator::StringNotEqualsIgnoreCase | BaseOperator::StringNotLike => {
            format!("`{name}` is inverted: it admits every other ExternalId, and requests without one")
        }
        BaseOperator::Null => format!("`{name}` only tests that some ExternalId is present, not which"),
        _ => format!("`{name}` does not compare the ExternalId as a string"),
    }
}

/// What is wrong with one ExternalId value, worst first.
fn value_problems(value: &str, expected: Option<&str>) -> Vec<&'static str> {
    let placeholder = (value.starts_with('<') && value.ends_with('>')) || value.contains("${");
    let wildcard = value.contains(['*', '?']);
    let invalid = !value.bytes().all(|b| b.is_ascii_alphanumeric() || b"+=,.@:/-*?".contains(&b));
    let length = value.chars().count();
    [
        (placeholder, "is a placeholder, not the value the vendor issued"),
        (
            !placeholder && invalid,
            "has characters AWS does not allow in an ExternalId, so the vendor cannot assume the role",
        ),
        (wildcard, "has a wildcard"),
        (expected.is_some_and(|e| e != value), "is not the value the vendor profile expects"),
        (length < MIN_STRONG_LEN, "is shorter than 16 characters"),
        (length > MAX_LEN, "is longer than the 1,224 characters AWS allows"),
        (!value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()), "is all digits, which is easy to guess"),
    ]
    .into_iter()
    .filter_map(|(applies, problem)| applies.then_some(problem))
    .collect()
}

/// `a, b and c`.
fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [only] => (*only).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The first few characters and the length: enough to recognise a value, not to reuse it.
pub(crate) fn redact(value: &str) -> String {
    let length = value.chars().count();
    let shown: String = value.chars().take((length / 2).min(4)).collect();
    format!("`{shown}…` ({length} characters)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_judged() {
        assert!(value_problems("11111111-2222-4333-8444-555555555555", None).is_empty());
        assert_eq!(
            value_problems("<ExternalId issued by DigiUsher>", None),
            ["is a placeholder, not the value the vendor issued"]
        );
        assert_eq!(
            value_problems("12345678", None),
            ["is shorter than 16 characters", "is all digits, which is easy to guess"]
        );
        assert!(value_problems("acme-*-0123456789abcdef", None).contains(&"has a wildcard"));
        assert!(value_problems("has spaces in it, 0123456789", None)[0].contains("cannot assume"));
        assert!(value_problems("0123456789abcdefXYZ", Some("something-else-entirely"))[0].contains("profile expects"));
    }

    #[test]
    fn problems_read_as_a_list() {
        assert_eq!(join_and(&["a"]), "a");
        assert_eq!(join_and(&["a", "b", "c"]), "a, b and c");
    }

    #[test]
    fn redaction_hides_the_value() {
        assert_eq!(redact("11111111-2222-4333-8444-555555555555"), "`1111…` (36 characters)");
        assert_eq!(redact("abc"), "`a…` (3 characters)");
        assert_eq!(redact(""), "`…` (0 characters)");
    }
}

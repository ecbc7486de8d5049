//! The AWS policy reader: strict JSON, then the policy model. Every problem it reports points
//! inside the document, and so does every element of the model a rule can point at.
#![no_main]

use grantlint::syntax::aws;
use grantlint_fuzz::check_span;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let document = aws::parse(text, None);
    for error in &document.errors {
        check_span(text, error.span, &error.message);
    }
    let Some(policy) = &document.policy else { return };
    check_span(text, policy.span, "policy");
    for statement in &policy.statements {
        check_span(text, statement.span, "statement");
        let elements = [&statement.action, &statement.resource].into_iter().flatten();
        for value in elements.flat_map(|e| &e.values).chain(&statement.sid) {
            check_span(text, value.span, value.as_str());
        }
    }
});

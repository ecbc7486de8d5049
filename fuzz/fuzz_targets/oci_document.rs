//! The readers of the files OCI statements come in (grantlint's text format; the API's JSON
//! shapes) and the policy parse on top: every syntax error points inside the file.
#![no_main]

use grantlint::syntax::json;
use grantlint::syntax::oci::{self, Policy, PolicySource};
use grantlint_fuzz::check_span;
use libfuzzer_sys::fuzz_target;

fn check_policies(text: &str, policies: &[PolicySource]) {
    for source in policies {
        check_span(text, source.span, "policy");
        let policy = Policy::parse(source);
        for error in &policy.errors {
            check_span(text, error.span, &error.message);
        }
        for parsed in &policy.statements {
            check_span(text, parsed.statement.span, parsed.text);
        }
    }
}

fuzz_target!(|text: &str| {
    check_policies(text, &[oci::read_text(text, None)]);
    match json::parse(text) {
        Ok(value) => {
            if let Some(policies) = oci::read_json(&value, text) {
                check_policies(text, &policies);
            }
        }
        Err(error) => check_span(text, error.span, &error.message),
    }
});

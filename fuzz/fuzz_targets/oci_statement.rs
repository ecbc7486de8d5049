//! The OCI statement parser on one statement: any UTF-8 text parses or yields an error whose
//! span is inside the statement, and the spans of a parsed statement are too.
#![no_main]

use grantlint::span::SpanMap;
use grantlint::syntax::oci::parser::parse_statement;
use grantlint_fuzz::check_span;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let map = SpanMap::Offset(0);
    match parse_statement(text, &map) {
        Ok(statement) => check_span(text, statement.span, "statement"),
        Err(error) => check_span(text, error.span, &error.message),
    }
});

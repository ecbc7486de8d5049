//! What every fuzz target asserts besides "no panic": a span a parser or rule hands out lies
//! inside the text it was given and on character boundaries, so renderers can slice with it.

use grantlint::span::Span;
use std::fmt::Display;

/// Panics (which libFuzzer reports as a crash) when `span` cannot be used to slice `text`.
pub fn check_span(text: &str, span: Span, what: impl Display) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what}: span {}..{} outside the input ({} bytes)",
        span.start,
        span.end,
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what}: span {}..{} splits a character",
        span.start,
        span.end
    );
}

//! Strict JSON with byte spans. The only module that names the JSON parser crate.

use crate::span::{Span, SpanMap};
use jsonc_parser::common::Range;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};
use std::borrow::Cow;

pub use jsonc_parser::ast::{Array, Object, ObjectProp, ObjectPropName, StringLit, Value};

/// Deeper nesting than any policy needs; the limit keeps a hostile file from exhausting the stack.
pub const MAX_DEPTH: usize = 64;

/// Why a text is not JSON, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    pub span: Span,
    pub message: String,
}

/// Parses `text` as strict RFC 8259 JSON: no comments, trailing commas or JSON5 extensions.
pub fn parse(text: &str) -> Result<Value<'_>, JsonError> {
    check_depth(text)?;
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    if body.len() != text.len() {
        return Err(JsonError {
            span: Span::new(0, 3),
            message: "the file starts with a byte-order mark, which JSON does not allow".into(),
        });
    }
    match parse_to_ast(text, &CollectOptions::default(), &strict()) {
        Ok(result) => {
            result.value.ok_or_else(|| JsonError { span: Span::at(0), message: "the file holds no JSON value".into() })
        }
        Err(e) => Err(JsonError { span: span(e.range()), message: e.kind().to_string() }),
    }
}

// Every flag spelled out, so a flag added upstream breaks the build instead of loosening parsing.
fn strict() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// Rejects nesting beyond [`MAX_DEPTH`] before the recursive parser sees it.
fn check_depth(text: &str) -> Result<(), JsonError> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(JsonError {
                        span: Span::new(i, i + 1),
                        message: format!("nesting deeper than {MAX_DEPTH} levels"),
                    });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

pub fn span(range: Range) -> Span {
    Span::new(range.start, range.end)
}

/// The span of a value.
pub fn value_span(value: &Value) -> Span {
    use jsonc_parser::common::Ranged;
    span(value.range())
}

/// The span of a property's name, quotes included.
pub fn name_span(prop: &ObjectProp) -> Span {
    use jsonc_parser::common::Ranged;
    span(prop.name.range())
}

/// A string's decoded value and how its bytes map back into `text`, the file it was parsed from.
pub fn string_text<'t>(lit: &StringLit<'t>, text: &'t str) -> (Cow<'t, str>, SpanMap) {
    let inner_start = lit.range.start + 1;
    match &lit.value {
        Cow::Borrowed(s) => (Cow::Borrowed(*s), SpanMap::Offset(inner_start)),
        Cow::Owned(_) => {
            let raw = text.get(inner_start..lit.range.end - 1).unwrap_or("");
            let (decoded, starts) = decode_with_offsets(raw, inner_start);
            (Cow::Owned(decoded), SpanMap::Table { starts, end: lit.range.end - 1 })
        }
    }
}

/// Decodes a JSON string body (already validated by the parser), recording for each decoded
/// byte the offset of the escape or character it came from.
fn decode_with_offsets(raw: &str, base: usize) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(raw.len());
    let mut starts = Vec::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(c) = rest.chars().next() {
        let at = base + (raw.len() - rest.len());
        let (decoded, used) = if c == '\\' { decode_escape(rest) } else { (c, c.len_utf8()) };
        let before = out.len();
        out.push(decoded);
        starts.extend(std::iter::repeat_n(at, out.len() - before));
        rest = rest.get(used..).unwrap_or("");
    }
    (out, starts)
}

fn decode_escape(rest: &str) -> (char, usize) {
    let hex = |s: &str| s.get(..4).and_then(|h| u32::from_str_radix(h, 16).ok());
    match rest.as_bytes().get(1) {
        Some(b'n') => ('\n', 2),
        Some(b't') => ('\t', 2),
        Some(b'r') => ('\r', 2),
        Some(b'b') => ('\u{8}', 2),
        Some(b'f') => ('\u{c}', 2),
        Some(b'u') => {
            let Some(first) = rest.get(2..).and_then(hex) else { return ('\u{fffd}', 2) };
            let high_surrogate = (0xD800..0xDC00).contains(&first) && rest.get(6..8) == Some("\\u");
            if let Some(second) = rest.get(8..).and_then(hex).filter(|_| high_surrogate) {
                let code = 0x10000 + ((first - 0xD800) << 10) + (second.wrapping_sub(0xDC00) & 0x3FF);
                return (char::from_u32(code).unwrap_or('\u{fffd}'), 12);
            }
            (char::from_u32(first).unwrap_or('\u{fffd}'), 6)
        }
        Some(&other) => (other as char, 2),
        None => ('\\', 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_string(text: &str) -> (String, SpanMap) {
        match parse(text).unwrap() {
            Value::StringLit(lit) => {
                let (s, map) = string_text(&lit, text);
                (s.into_owned(), map)
            }
            other => panic!("not a string: {other:?}"),
        }
    }

    #[test]
    fn strict_rejects_json5() {
        for bad in ["[1,]", "// c\n1", "{'a':1}", "NaN", "0x1F", "+1", "{a:1}"] {
            assert!(parse(bad).is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        let err = parse(&deep).unwrap_err();
        assert_eq!(err.span, Span::new(MAX_DEPTH, MAX_DEPTH + 1));
    }

    #[test]
    fn bom_is_reported() {
        assert_eq!(parse("\u{feff}{}").unwrap_err().span, Span::new(0, 3));
    }

    #[test]
    fn escapes_map_to_their_source() {
        let text = r#""a\u0041\"é\uD83D\uDE00b""#;
        let (decoded, map) = first_string(text);
        assert_eq!(decoded, "aA\"é😀b");
        // `A` came from the six-byte escape at offset 2
        assert_eq!(map.map(1, 2), Span::new(2, 8));
        // `b` is the last raw character
        let b = decoded.len() - 1;
        assert_eq!(map.map(b, b + 1), Span::new(text.len() - 2, text.len() - 1));
    }

    #[test]
    fn plain_strings_map_by_offset() {
        let (decoded, map) = first_string(r#"  "abc""#);
        assert_eq!(decoded, "abc");
        assert_eq!(map.map(0, 3), Span::new(3, 6));
    }
}

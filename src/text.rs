//! Small text helpers the parsers and catalogs share.

/// Whether `text` starts with `prefix`, ignoring ASCII case.
pub fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes().get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::starts_with_ignore_case;

    #[test]
    fn prefixes_ignore_case() {
        assert!(starts_with_ignore_case("OCID1.tenancy", "ocid1."));
        assert!(starts_with_ignore_case("abc", ""));
        assert!(!starts_with_ignore_case("oc", "ocid1."));
        assert!(!starts_with_ignore_case("é€", "e"));
    }
}

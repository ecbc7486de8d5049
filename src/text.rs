//! Small text helpers the parsers and catalogs share.

/// Whether `text` starts with `prefix`, ignoring ASCII case.
pub fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes().get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// An I/O error as a plain sentence: no `(os error 2)`, no Rust names.
pub fn io_error(error: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match error.kind() {
        K::NotFound => "no such file or directory".into(),
        K::PermissionDenied => "permission denied".into(),
        K::IsADirectory => "is a directory".into(),
        K::NotADirectory => "a part of the path is not a directory".into(),
        K::InvalidFilename => "the file name is too long or not valid".into(),
        _ => {
            let text = error.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text);
            let mut chars = text.chars();
            chars.next().map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{io_error, starts_with_ignore_case};

    #[test]
    fn io_errors_read_as_sentences() {
        let missing = std::fs::read("/nonexistent/grantlint/file").unwrap_err();
        assert_eq!(io_error(&missing), "no such file or directory");
        let other = std::io::Error::other("Something Odd (os error 99)");
        assert_eq!(io_error(&other), "something Odd");
    }

    #[test]
    fn prefixes_ignore_case() {
        assert!(starts_with_ignore_case("OCID1.tenancy", "ocid1."));
        assert!(starts_with_ignore_case("abc", ""));
        assert!(!starts_with_ignore_case("oc", "ocid1."));
        assert!(!starts_with_ignore_case("é€", "e"));
    }
}

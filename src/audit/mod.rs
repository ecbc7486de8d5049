//! Live audits: fetch what a cloud account actually grants a vendor, read-only, and write it as a
//! [`snapshot`] — a JSON document that `grantlint check` lints offline with the same rules, so an
//! audit can be saved, reviewed and reproduced later.
//!
//! The network side of each cloud lives in its own module ([`oci`], [`aws`]); everything after
//! the fetch (linting, rendering) treats the snapshot as one more source file. Both clients retry
//! by one [`retry`] policy.

pub mod aws;
#[cfg(feature = "audit-oci")]
pub mod oci;
pub mod progress;
pub mod retry;
pub mod snapshot;

use std::fmt;
use zeroize::Zeroizing;

/// A secret string (a key passphrase, key content from the environment): zeroed when dropped, and
/// never shown by `Debug`, so a stray `{:?}` cannot print it.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: String) -> Self {
        Self(Zeroizing::new(value))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// The audit's clock: `SOURCE_DATE_EPOCH` (the reproducible-builds convention) when set, else now.
/// It stamps `fetched_at`, which the key-age rule measures from, so a fixed epoch makes an audit's
/// output reproducible; request `Date` headers always use the real clock.
pub fn audit_time() -> jiff::Timestamp {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| jiff::Timestamp::from_second(secs).ok())
        .unwrap_or_else(jiff::Timestamp::now)
}

/// Whether an endpoint URL's host is this machine: plain `http://` is accepted only there (tests,
/// local proxies), since signed requests in clear text could be replayed.
#[cfg(any(feature = "audit-aws", feature = "audit-oci"))]
pub(crate) fn is_loopback(url: &url::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    // IPv6 hosts come bracketed (`[::1]`).
    match host.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_debug_print() {
        let secret = Secret::new("hunter2".into());
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        assert_eq!(secret.expose(), "hunter2");
    }
}

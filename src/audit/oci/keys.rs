//! API signing keys: the PEM forms OCI users hold, and the fingerprint OCI knows a key by.
//!
//! Accepted: PKCS#1 (`RSA PRIVATE KEY`), PKCS#8 (`PRIVATE KEY`) and encrypted PKCS#8 (`ENCRYPTED
//! PRIVATE KEY`, what OpenSSL 3 writes for `genrsa -aes128`), each possibly followed by the
//! console's `OCI_API_KEY` label line. Everything else gets a message saying what the file is and
//! how to convert it.

use crate::audit::Secret;
use md5::{Digest, Md5};
use rsa::PrivateKey;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
use std::fmt;

/// Why a key file could not be used. Messages never include key material or the passphrase.
#[derive(Debug, PartialEq, Eq)]
pub enum KeyError {
    /// An encrypted key and no passphrase.
    NeedsPassphrase,
    WrongPassphrase,
    /// Not a private key grantlint can read; the text says what it is and what to do.
    Unsupported(String),
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::NeedsPassphrase => f.write_str(
                "the key is encrypted and no passphrase was given (set pass_phrase in the config profile or OCI_CLI_PASSPHRASE, or run on a terminal to be asked)",
            ),
            KeyError::WrongPassphrase => f.write_str("the passphrase does not decrypt the key"),
            KeyError::Unsupported(why) => f.write_str(why),
        }
    }
}

const CONVERT: &str =
    "convert it with `openssl pkcs8 -topk8 -in OLD.pem -out NEW.pem` (add `-nocrypt` for no passphrase)";

/// Reads a private key from PEM text. A passphrase given for a key that is not encrypted is
/// ignored, as the OCI SDKs do: a `[DEFAULT]` `pass_phrase` is inherited by every profile.
pub fn parse(text: &str, passphrase: Option<&Secret>) -> Result<PrivateKey, KeyError> {
    let Some(block) = pem_block(text) else {
        return Err(KeyError::Unsupported("no PEM block (`-----BEGIN … KEY-----`) found: not a PEM key file".into()));
    };
    let unsupported = |what: &str| Err(KeyError::Unsupported(what.to_string()));
    match block.label {
        "RSA PRIVATE KEY" if block.text.contains("Proc-Type:") => unsupported(&format!(
            "the key is a legacy OpenSSL-encrypted PKCS#1 key (`Proc-Type: 4,ENCRYPTED`), which grantlint does not read; {CONVERT}"
        )),
        "RSA PRIVATE KEY" => PrivateKey::from_pkcs1_pem(block.text).map_err(|e| malformed("PKCS#1", e)),
        "PRIVATE KEY" => PrivateKey::from_pkcs8_pem(block.text).map_err(|e| malformed("PKCS#8", e)),
        "ENCRYPTED PRIVATE KEY" => {
            let Some(passphrase) = passphrase else { return Err(KeyError::NeedsPassphrase) };
            PrivateKey::from_pkcs8_encrypted_pem(block.text, passphrase.expose().as_bytes()).map_err(|e| {
                use rsa::pkcs8::{Error, pkcs5};
                match e {
                    Error::EncryptedPrivateKey(pkcs5::Error::DecryptFailed) => KeyError::WrongPassphrase,
                    // A wrong passphrase usually surfaces as garbage DER after decryption.
                    Error::Asn1(_) | Error::KeyMalformed(_) => KeyError::WrongPassphrase,
                    Error::EncryptedPrivateKey(e) => KeyError::Unsupported(format!(
                        "the key's encryption is not supported ({e}); re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-128-cbc -in OLD.pem -out NEW.pem`"
                    )),
                    other => malformed("encrypted PKCS#8", other),
                }
            })
        }
        "PUBLIC KEY" | "RSA PUBLIC KEY" => unsupported(
            "the file holds a public key; key_file must name the private key (the public key is what is uploaded to OCI)",
        ),
        "OPENSSH PRIVATE KEY" => unsupported(
            "the file is an OpenSSH private key; OCI API keys are PEM: convert a copy with `ssh-keygen -p -m PKCS8 -f COPY`",
        ),
        "EC PRIVATE KEY" | "DSA PRIVATE KEY" => {
            unsupported("the file holds a non-RSA key; OCI API signing keys are RSA (2048 bits or more)")
        }
        other => unsupported(&format!("a PEM `{other}` block is not a private key grantlint can read; {CONVERT}")),
    }
}

fn malformed(form: &str, error: impl fmt::Display) -> KeyError {
    KeyError::Unsupported(format!("the {form} key does not decode as an RSA private key ({error})"))
}

/// The fingerprint OCI shows for a key: MD5 of the public key's DER SubjectPublicKeyInfo, as
/// lowercase hex pairs joined by `:` (what `openssl rsa -pubout -outform DER | openssl md5 -c` prints).
pub fn fingerprint(key: &PrivateKey) -> String {
    #[allow(clippy::expect_used, reason = "DER-encoding an RSA public key in memory cannot fail")]
    let der = key.to_public_key().to_public_key_der().expect("an RSA public key always encodes");
    let digest = Md5::digest(der.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":")
}

/// Whether `text` is a fingerprint as OCI writes them (`^([0-9a-f]{2}:){15}[0-9a-f]{2}$`).
pub fn is_fingerprint(text: &str) -> bool {
    let pairs: Vec<&str> = text.split(':').collect();
    pairs.len() == 16
        && pairs.iter().all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

struct PemBlock<'t> {
    label: &'t str,
    /// From `-----BEGIN` through the matching `-----END …-----`, nothing around it.
    text: &'t str,
}

/// The first PEM block of `text`. Labels outside the block — the console's `OCI_API_KEY` line
/// after it, comments before it — are left out, since the RFC 7468 decoders reject them.
fn pem_block(text: &str) -> Option<PemBlock<'_>> {
    let begin = text.find("-----BEGIN ")?;
    let rest = &text[begin + "-----BEGIN ".len()..];
    let label = &rest[..rest.find("-----")?];
    let end_marker = format!("-----END {label}-----");
    let end = text[begin..].find(&end_marker)? + begin + end_marker.len();
    Some(PemBlock { label, text: &text[begin..end] })
}

/// Permission bits of a key file that let anyone but its owner read or change it.
#[cfg(unix)]
pub fn loose_permissions(path: &std::path::Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then_some(mode)
}

#[cfg(not(unix))]
pub fn loose_permissions(_path: &std::path::Path) -> Option<u32> {
    None
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const PASSPHRASE: &str = "grantlint-test-passphrase";

    pub(crate) fn key_text(name: &str) -> String {
        let path = format!("{}/fixtures/oci-signing/keys/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn secret(s: &str) -> Secret {
        Secret::new(s.into())
    }

    #[test]
    fn every_supported_form_reads() {
        for name in ["pkcs1.pem", "pkcs8.pem", "console.pem"] {
            let key = parse(&key_text(name), None).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(is_fingerprint(&fingerprint(&key)), "{name}");
        }
        for name in ["pkcs8-aes128.pem", "pkcs8-aes256.pem"] {
            assert_eq!(parse(&key_text(name), None).unwrap_err(), KeyError::NeedsPassphrase, "{name}");
            assert_eq!(parse(&key_text(name), Some(&secret("wrong"))).unwrap_err(), KeyError::WrongPassphrase);
            parse(&key_text(name), Some(&secret(PASSPHRASE))).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }

    #[test]
    fn a_passphrase_for_a_plain_key_is_ignored() {
        parse(&key_text("pkcs8.pem"), Some(&secret("inherited from DEFAULT"))).unwrap();
    }

    #[test]
    fn unsupported_forms_say_what_they_are() {
        let message = |text: &str| match parse(text, Some(&secret(PASSPHRASE))) {
            Err(KeyError::Unsupported(why)) => why,
            other => panic!("expected Unsupported, got {:?}", other.map(|_| "a key")),
        };
        assert!(message(&key_text("legacy-encrypted-pkcs1.pem")).contains("openssl pkcs8 -topk8"));
        assert!(message(&key_text("public.pem")).contains("public key"));
        assert!(message("not a key").contains("no PEM block"));
        assert!(
            message("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n")
                .contains("ssh-keygen")
        );
        assert!(message("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").contains("does not decode"));
    }

    #[test]
    fn fingerprint_matches_openssl() {
        // Oracle's published test key; the fingerprint `openssl rsa -pubout -outform DER | openssl md5 -c` prints.
        let key = parse(crate::audit::oci::signer::tests::ORACLE_TEST_KEY, None).unwrap();
        assert_eq!(fingerprint(&key), "73:61:a2:21:67:e0:df:be:7e:4b:93:1e:15:98:a5:b7");
        assert!(!is_fingerprint("73:61:A2:21:67:e0:df:be:7e:4b:93:1e:15:98:a5:b7"));
        assert!(!is_fingerprint("73:61"));
    }
}

//! grantlint's integration tests: the binary run as a user runs it, output snapshotted with insta.

mod architecture;
#[cfg(feature = "audit-aws")]
mod audit_aws;
mod audit_oci;
mod aws;
mod config;
mod formats;
mod hardening;
mod iac;
mod oci;
mod oci_corpus;
mod precommit;
mod support;
mod vendors;

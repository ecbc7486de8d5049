//! grantlint's integration tests: the binary run as a user runs it, output snapshotted with insta.

mod action;
mod architecture;
#[cfg(feature = "audit-aws")]
mod audit_aws;
#[cfg(feature = "audit-oci")]
mod audit_oci;
mod aws;
mod config;
mod formats;
mod hardening;
mod iac;
mod named;
mod oci;
mod oci_corpus;
mod oci_corpus_others;
mod precommit;
mod profile_show;
mod readme;
#[cfg(any(feature = "audit-aws", feature = "audit-oci"))]
mod servers;
mod support;
mod vendors;
